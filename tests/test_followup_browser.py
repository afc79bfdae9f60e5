"""The follow-up item from the pages: the secretary adds it on meeting 2's console, sees meeting
1's overdue task with its last report and records the chair's decision; a tablet shows it."""

from __future__ import annotations

from datetime import date, timedelta

from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    chromium,
    server_in_the_sessions_loop,
    world_in_the_sessions_loop,
)
from playwright.async_api import expect
from screens import (  # noqa: F401 (screens: a fixture)
    BROWSER_TESTS,
    LAPTOP,
    Screens,
    conclusion_with_task,
    screens_of_the_test,
)

from conftest import World

pytestmark = BROWSER_TESTS


async def test_the_console_adds_the_item_and_records_a_decision(
        world: World, screens: Screens) -> None:
    _, task = await conclusion_with_task(world)  # led by SNV, due 31/07/2019: overdue
    r = await world.member.post(f"/api/tasks/{task}/updates",
                                json={"note": "Đã rà soát 12 thủ tục", "status": "in_progress"})
    assert r.status_code == 201, r.text
    r = await world.secretary.post("/api/meetings", json={
        "title": "Phiên họp tháng 9", "starts_at": "2019-09-06T08:00:00+07:00",
        "chair_id": world.users["pct"]})
    second = r.json()["id"]
    r = await world.secretary.post(f"/api/meetings/{second}/participants",
                                   json={"user_id": world.users["snv"], "role": "member"})
    assert r.status_code == 201, r.text

    console = await screens.open("thuky", f"/meetings/{second}/console", LAPTOP)
    section = console.page.locator("#followup")
    await section.get_by_role("button", name="Thêm mục kiểm điểm việc thực hiện kết luận").click()
    entry = section.locator(f'li.followup-task[data-task-id="{task}"]')
    await expect(entry).to_contain_text("Rà soát quy trình tiếp nhận hồ sơ")
    await expect(entry.locator(".last-report")).to_contain_text("Đã rà soát 12 thủ tục")
    await expect(entry).to_contain_text("quá hạn")
    new_due = date.today() + timedelta(days=45)
    await entry.locator('input[name="due_date"]').fill(new_due.isoformat())
    await entry.locator('input[name="note"]').fill("Gia hạn lần cuối")
    await entry.get_by_role("button", name="Ghi nhận ý kiến chỉ đạo").click()
    await expect(section.locator(f'li[data-task-id="{task}"] .decided')).to_contain_text(
        f"Gia hạn đến {new_due:%d/%m/%Y} — Gia hạn lần cuối")
    assert (await world.secretary.get(f"/api/tasks/{task}")).json()["due_date"] == \
        new_due.isoformat()

    tablet = await screens.open("snv", f"/meetings/{second}")
    decided = tablet.page.locator(f'#followup li[data-task-id="{task}"] .decided')
    await expect(decided).to_contain_text("Gia hạn lần cuối")
    await expect(tablet.page.locator("#followup form")).to_have_count(0)
