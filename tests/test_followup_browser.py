"""The follow-up item from the pages: the secretary adds it on meeting 2's console, sees meeting
1's overdue task with its last report and records the chair's decision; a tablet shows it."""

from __future__ import annotations

from datetime import date, timedelta

from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    chromium,
    screenshot,
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

HEADING = "Kiểm điểm việc thực hiện kết luận"

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


async def test_each_decision_shows_and_sends_only_its_fields_and_reassigns_to_a_unit_by_name(
        world: World, screens: Screens) -> None:
    """The tester's case: a past deadline typed for "extend" (refused), then "reassign": the
    deadline left behind is neither shown nor sent, the unit is picked by name, and the item's
    title is not repeated under the section's heading."""
    _, task = await conclusion_with_task(world)  # led by SNV, due 31/07/2019
    r = await world.secretary.post("/api/meetings", json={
        "title": "Phiên họp tháng 9", "starts_at": "2019-09-06T08:00:00+07:00",
        "chair_id": world.users["pct"]})
    second = r.json()["id"]
    r = await world.secretary.post(f"/api/meetings/{second}/follow-up", json={})
    assert r.status_code == 201, r.text

    chair = await screens.open("pct", f"/meetings/{second}", {"width": 1024, "height": 768})
    chair.allowed.append("422 (Unprocessable Entity)")  # the past deadline, refused
    section = chair.page.locator("#followup")
    entry = section.locator(f'li.followup-task[data-task-id="{task}"]')
    await expect(entry).to_contain_text("Rà soát quy trình tiếp nhận hồ sơ")
    await expect(section.get_by_text(HEADING, exact=True)).to_have_count(1)
    position = r.json()["agenda_item"]["position"]
    await expect(section.locator("h3")).to_have_text([f"Nội dung {position}"])

    await expect(entry.get_by_label("Thời hạn mới", exact=True)).to_be_visible()
    await expect(entry.get_by_label("Đơn vị chủ trì mới")).to_be_hidden()
    await entry.get_by_label("Thời hạn mới", exact=True).fill("2019-01-01")
    await entry.get_by_role("button", name="Ghi nhận ý kiến chỉ đạo").click()
    await expect(entry.get_by_role("alert")).to_have_text(
        "Thời hạn mới không được ở trong quá khứ.")

    await entry.get_by_label("Ý kiến chỉ đạo").select_option(label="Giao lại cho đơn vị khác")
    await expect(entry.get_by_label("Thời hạn mới", exact=True)).to_be_hidden()
    unit = entry.get_by_label("Đơn vị chủ trì mới")
    await expect(unit).to_be_visible()
    await expect(unit.locator("option")).to_have_text(
        ["Chọn đơn vị", "Sở Tư pháp", "Văn phòng UBND thành phố"])  # not SNV: leads now
    await unit.select_option(label="Sở Tư pháp")
    await screenshot(chair.page, "followup_reassign")
    await entry.get_by_label("Ghi chú").fill("Chuyển Sở Tư pháp chủ trì")
    await entry.get_by_role("button", name="Ghi nhận ý kiến chỉ đạo").click()
    await expect(section.locator(f'li[data-task-id="{task}"] .decided')).to_have_text(
        "Giao lại cho Sở Tư pháp — Chuyển Sở Tư pháp chủ trì (Trần Văn Minh)")
    found = (await world.secretary.get(f"/api/tasks/{task}")).json()
    assert (found["lead_unit"], found["due_date"]) == ("STP", "2019-07-31")
