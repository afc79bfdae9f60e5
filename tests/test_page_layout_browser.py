"""Layout of the secretary's and the leaders' wide pages at the sizes the tester used: the
dashboard's unit names fit beside their bars (a long name wraps, it is not cut off), and the
reading table's columns have room between them."""

from __future__ import annotations

from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    chromium,
    screenshot,
    server_in_the_sessions_loop,
    world_in_the_sessions_loop,
)
from playwright.async_api import expect
from screens import (  # noqa: F401 (screens: a fixture)
    BROWSER_TESTS,
    Screens,
    document,
    item,
    screens_of_the_test,
)

from conftest import World

pytestmark = BROWSER_TESTS

LONG_NAME = "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố"

#: Where each cell's text starts and ends on screen (the text, not the cell's box).
TEXT_EDGES = """(table) => Array.from(table.tBodies[0].rows, (row) =>
  Array.from(row.cells, (cell) => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  const box = range.getBoundingClientRect();
  return [box.left, box.right];
}))"""


async def test_a_long_unit_name_on_the_dashboard_wraps_beside_its_bar(
        world: World, screens: Screens) -> None:
    units = (await world.admin.get("/api/units")).json()["units"]
    first = units[0]
    r = await world.admin.patch(f"/api/units/{first['id']}", json={"name": LONG_NAME})
    assert r.status_code == 200, r.text
    laptop = await screens.open("thuky", "/dashboard", {"width": 1024, "height": 768})
    row = laptop.page.locator(f'#dashboard-chart .unit-bar[data-unit="{first["code"]}"]')
    label = row.locator(".label")
    await expect(label).to_have_text(LONG_NAME)
    await screenshot(laptop.page, "dashboard_1024")
    for bar in await laptop.page.locator("#dashboard-chart .unit-bar").all():
        words = await bar.locator(".label").bounding_box()
        drawn = await bar.locator("svg").bounding_box()
        assert words and drawn
        assert words["x"] >= 0 and words["x"] + words["width"] <= drawn["x"]
        assert await bar.locator(".label").evaluate("(e) => e.scrollWidth <= e.clientWidth")


async def test_the_reading_tables_columns_do_not_run_into_each_other(
        world: World, screens: Screens) -> None:
    await document(world, await item(world), "Báo cáo số 125/BC-SNV")
    laptop = await screens.open("thuky", f"/meetings/{world.meeting_id}/reading",
                                {"width": 1366, "height": 768})
    table = laptop.page.locator("table.reading-table").first
    await expect(table).to_be_visible()
    await screenshot(laptop.page, "reading_1366")
    for row in await table.evaluate(TEXT_EDGES):
        cells = [edges for edges in row if edges[1] > edges[0]]  # an empty cell has no text
        for (_, ends), (starts, _) in zip(cells, cells[1:], strict=False):
            assert starts - ends >= 20, cells
