"""Private notes on a tablet: a pen stroke and a text drawn on a page are there after a
reload, another participant's tablet shows none of them, and a note written while the Wi-Fi
is down is saved once it is back."""

from __future__ import annotations

from typing import Any

from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    Tablet,
    chromium,
    server_in_the_sessions_loop,
    until,
    world_in_the_sessions_loop,
)
from playwright.async_api import expect
from screens import (  # noqa: F401 (screens: a fixture)
    BROWSER_TESTS,
    OFFLINE_NOISE,
    Screens,
    document,
    item,
    screens_of_the_test,
)

from conftest import World

pytestmark = BROWSER_TESTS

#: Whether the canvas over the page holds any drawn pixel.
INKED = """() => {
  const c = document.getElementById("notes-canvas");
  if (!c || !c.width) return false;
  const data = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  for (let i = 3; i < data.length; i += 4) if (data[i]) return true;
  return false;
}"""


def viewer(world: World, doc: int) -> str:
    return f"/meetings/{world.meeting_id}/documents/{doc}"


async def draw(tablet: Tablet) -> None:
    """A stroke across the upper half of the page, with the pen on."""
    page = tablet.page
    pen = page.get_by_role("button", name="Bút vẽ")
    if await pen.get_attribute("aria-pressed") != "true":
        await pen.click()
    await page.evaluate("document.getElementById('page-frame').scrollIntoView()")
    box = await page.locator("#notes-canvas").bounding_box()
    assert box is not None and box["width"] > 100
    await page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.2)
    await page.mouse.down()
    for step in range(1, 11):
        await page.mouse.move(box["x"] + box["width"] * (0.2 + step * 0.05),
                              box["y"] + box["height"] * (0.2 + step * 0.01))
    await page.mouse.up()


async def my_notes(world: World, username: str, doc: int) -> list[dict[str, Any]]:
    client = await world.server.login(username)
    r = await client.get(f"/api/documents/{doc}/notes")
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["notes"]
    return found


async def test_a_stroke_is_there_after_a_reload_and_nobody_else_sees_it(
        world: World, screens: Screens) -> None:
    doc = await document(world, await item(world), "Báo cáo")
    member = await screens.open("snv", viewer(world, doc))
    await expect(member.page.locator("#notes")).to_be_visible()
    await expect(member.page.locator("#notes-label")).to_have_text("Ghi chú trang 1")
    await draw(member)
    await member.page.locator("#notes-text").fill("Hỏi lại về kinh phí")
    await expect(member.page.locator("#notes-status")).to_have_text("Đã lưu")
    await until(member.page, INKED)
    [note] = await my_notes(world, "snv", doc)
    assert note["page"] == 1 and note["text"] == "Hỏi lại về kinh phí"
    [stroke] = note["strokes"]
    assert 4 <= len(stroke["p"]) <= 22 and all(0 <= v <= 10_000 for v in stroke["p"])
    # the stroke did not turn the page
    assert (await member.page.locator("#page-number").text_content()) == "Trang 1/4"

    await member.page.reload()
    await expect(member.page.locator("#notes-text")).to_have_value("Hỏi lại về kinh phí")
    await until(member.page, INKED)

    chair = await screens.open("pct", viewer(world, doc))
    await expect(chair.page.locator("#notes-label")).to_have_text("Ghi chú trang 1")
    await expect(chair.page.locator("#notes-text")).to_have_value("")
    assert not await chair.page.evaluate(INKED)
    assert await my_notes(world, "pct", doc) == []


async def test_a_note_written_offline_is_saved_when_the_wifi_is_back(
        world: World, screens: Screens) -> None:
    doc = await document(world, await item(world), "Báo cáo")
    member = await screens.open("snv", viewer(world, doc))
    member.allowed += OFFLINE_NOISE
    await member.wait_live()
    await expect(member.page.locator("#notes")).to_be_visible()
    member.link.cut()
    await member.page.locator("#notes-text").fill("Viết khi mất mạng")
    await expect(member.page.locator("#notes-status")).to_have_text(
        "Chưa lưu được: sẽ lưu lại khi có kết nối.")
    assert await my_notes(world, "snv", doc) == []
    member.link.restore()
    await expect(member.page.locator("#notes-status")).to_have_text("Đã lưu")
    [note] = await my_notes(world, "snv", doc)
    assert note["text"] == "Viết khi mất mạng"
