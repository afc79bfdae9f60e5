"""The task tracker page in a tablet's Chromium: overdue tasks in red, progress reports.

The three tasks of the example (meeting of 2019-07-05) are long past their deadlines, except
the ongoing one ("thường xuyên"), which is never overdue.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from browser_support import (  # noqa: F401 (chromium, demo: fixtures)
    CHROMIUM,
    LOOP,
    FlakyLink,
    Tablet,
    chromium,
    demo_in_the_sessions_loop,
    new_tablet,
    sign_in,
)
from example import enter_example
from playwright.async_api import Browser, Locator, expect

from conftest import PASSWORD, Server

pytestmark = [
    LOOP,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@pytest_asyncio.fixture(loop_scope="session")
async def open_tracker(demo: Server, browser: Browser) -> AsyncIterator[Any]:
    """``await open_tracker("gd.stttt", "/tasks")``: a tablet signed in on that page."""
    link = FlakyLink(demo.url)
    await link.start()
    opened: list[Tablet] = []

    async def open_as(username: str, path: str = "/tasks") -> Tablet:
        tablet = await new_tablet(browser, link)
        opened.append(tablet)
        await sign_in(tablet, username, PASSWORD, path)
        return tablet

    try:
        yield open_as
        errors = [e for t in opened for e in t.unexpected_errors()]
        assert not errors, f"errors in the page: {errors}"
    finally:
        for tablet in opened:
            await tablet.context.close()
        await link.close()


def parse_colour(css: str) -> tuple[float, float, float, float]:
    """``rgb(253, 236, 234)`` or ``rgba(…)`` → (r, g, b, alpha), each 0‥1."""
    parts = [float(x) for x in re.findall(r"[\d.]+", css)]
    r, g, b = (x / 255 for x in parts[:3])
    return r, g, b, parts[3] if len(parts) > 3 else 1.0


def is_red(css: str) -> bool:
    """A visible colour whose hue is red (within 20° of it) and clearly saturated."""
    r, g, b, alpha = parse_colour(css)
    hue, _, saturation = colorsys.rgb_to_hls(r, g, b)
    return alpha > 0.2 and saturation > 0.4 and (hue < 20 / 360 or hue > 340 / 360)


async def colours(row: Locator) -> dict[str, str]:
    """The row's computed background, text colour and the left edge of its first cell."""
    found: dict[str, str] = await row.evaluate("""(tr) => {
        const row = getComputedStyle(tr), cell = getComputedStyle(tr.cells[0]);
        return {background: row.backgroundColor, color: row.color,
                edge: cell.boxShadow + " " + cell.borderLeftColor};
    }""")
    return found


async def test_overdue_tasks_are_red_and_done_or_ongoing_ones_are_not(
        demo: Server, open_tracker: Any) -> None:
    _, _, (late, done, ongoing) = await enter_example(demo)
    lead = await demo.login("cvp.le")  # Văn phòng UBND thành phố leads the second task
    r = await lead.post(f"/api/tasks/{done['id']}/updates",
                        json={"note": "Đã trình công bố 40 bộ thủ tục.", "status": "done"})
    assert r.status_code == 201, r.text
    overdue = (await lead.get("/api/tasks", params={"overdue": "true"})).json()
    assert [t["id"] for t in overdue["tasks"]] == [late["id"]], overdue

    secretary = await open_tracker("thuky.nguyen")
    page = secretary.page
    row = page.locator(f'tr.task-row[data-task-id="{late["id"]}"]')
    await expect(row).to_have_class(re.compile(r"\boverdue\b"))
    await expect(row.locator(".badge.overdue")).to_have_text(re.compile(r"^quá hạn \d+ ngày$"))
    await expect(row).to_contain_text("15/08/2019")
    seen = await colours(row)
    print("overdue row:", seen)
    assert is_red(seen["background"]), seen
    assert is_red(seen["color"]), seen
    assert re.search(r"rgb\(\d+, \d+, \d+\)", seen["edge"]) and any(
        is_red(c) for c in re.findall(r"rgba?\([^)]*\)", seen["edge"])), seen
    badge = await row.locator(".badge.overdue").evaluate(
        "(b) => getComputedStyle(b).backgroundColor")
    assert is_red(badge), badge

    for quiet, status in ((done, "Hoàn thành"), (ongoing, "Đã giao")):
        other = page.locator(f'tr.task-row[data-task-id="{quiet["id"]}"]')
        await expect(other).to_be_visible()
        await expect(other).not_to_have_class(re.compile(r"\boverdue\b"))
        await expect(other.locator(".badge")).to_have_count(0)
        await expect(other.locator("td").nth(3)).to_have_text(status)
        calm = await colours(other)
        assert not is_red(calm["background"]) and not is_red(calm["color"]), (quiet, calm)
        assert not any(is_red(c) for c in re.findall(r"rgba?\([^)]*\)", calm["edge"])), calm
    await expect(page.locator(f'tr.task-row[data-task-id="{ongoing["id"]}"]')).to_contain_text(
        "thường xuyên")

    # "Overdue only" leaves the red one.
    await page.get_by_label("Chỉ nhiệm vụ quá hạn").check()
    await page.get_by_role("button", name="Lọc").click()
    await page.wait_for_url(re.compile(r"overdue=true"))
    await expect(page.locator("tr.task-row")).to_have_count(1)
    await expect(page.locator("tr.task-row.overdue")).to_have_attribute(
        "data-task-id", str(late["id"]))


async def test_lead_unit_reports_progress_and_sees_it_in_the_history(
        demo: Server, open_tracker: Any) -> None:
    _, _, (late, supported, _) = await enter_example(demo)
    # Sở Tư pháp supports the second task: it sees it but has no progress form.
    support = await open_tracker("pgd.stp")
    row = support.page.locator(f'tr.task-row[data-task-id="{supported["id"]}"]')
    await expect(row).to_be_visible()
    await row.locator("summary").click()
    await expect(row.locator(".no-history")).to_have_text("Chưa có báo cáo tiến độ.")
    await expect(row.locator("ol.history")).to_have_count(0)  # a sentence, not item 1.
    await expect(row.locator("form.progress-form")).to_have_count(0)

    # Sở Thông tin và Truyền thông leads the first task: it reports through the form.
    lead = await open_tracker("gd.stttt")
    page = lead.page
    row = page.locator(f'tr.task-row[data-task-id="{late["id"]}"]')
    summary = row.locator("summary")
    await expect(summary).to_have_text("Tiến độ (0)")
    form = row.locator("form.progress-form")
    await expect(form).to_be_hidden()
    await summary.click()
    await expect(form).to_be_visible()
    note = "Đã rà soát 35/52 dịch vụ công, dự kiến hoàn thành trong tháng 8."
    await form.get_by_label("Báo cáo tiến độ").fill(note)
    await form.get_by_label("Trạng thái mới").select_option("in_progress")
    async with page.expect_navigation():
        await form.get_by_role("button", name="Gửi báo cáo").click()

    row = page.locator(f'tr.task-row[data-task-id="{late["id"]}"]')
    await expect(row.locator("summary")).to_have_text("Tiến độ (1)")
    await expect(row.locator("td").nth(3)).to_have_text("Đang thực hiện")
    await expect(row).to_have_class(re.compile(r"\boverdue\b"))  # still late, if under way
    await row.locator("summary").click()
    history = row.locator("ol.history li")
    await expect(history).to_have_count(1)
    await expect(history).to_contain_text(note)
    await expect(history).to_contain_text("Hoàng Đức Thắng")
    await expect(history).to_contain_text("Đang thực hiện")
    await expect(row.locator("form.progress-form textarea")).to_have_value("")
