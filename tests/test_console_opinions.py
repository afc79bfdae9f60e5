"""The participants' opinions, noted from the secretary's console during the meeting, go into the
minutes per agenda item (Chromium through Playwright)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    CHROMIUM,
    LOOP,
    FlakyLink,
    Tablet,
    chromium,
    new_tablet,
    server_in_the_sessions_loop,
    sign_in,
    world_in_the_sessions_loop,
)
from playwright.async_api import Browser, expect

from conftest import PASSWORD, World

pytestmark = [
    LOOP,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

OPINION = "Ông Nguyễn Văn An (Sở Nội vụ): đề nghị bổ sung số liệu hồ sơ trễ hạn theo quý."


@pytest_asyncio.fixture(loop_scope="session")
async def console(browser: Browser, world: World) -> AsyncIterator[Tablet]:
    """The secretary's console of the world's meeting, live, with an item under discussion."""
    mid = world.meeting_id
    item = (await world.secretary.post(f"/api/meetings/{mid}/agenda-items",
                                       json={"title": "Báo cáo tiến độ cải cách"})).json()
    r = await world.secretary.put(f"/api/meetings/{mid}/current-item",
                                  json={"agenda_item_id": item["id"]})
    assert r.status_code == 200, r.text
    link = FlakyLink(world.server.url)
    await link.start()
    laptop = await new_tablet(browser, link)
    try:
        await sign_in(laptop, "thuky", PASSWORD, f"/meetings/{mid}/console")
        await laptop.wait_live()
        yield laptop
        assert laptop.unexpected_errors() == []
    finally:
        await laptop.context.close()
        await link.close()


async def test_opinions_noted_on_the_console_are_in_the_minutes(console: Tablet,
                                                                 world: World) -> None:
    page = console.page
    await expect(page.locator("#opinion-item")).to_have_text(
        "Ý kiến về nội dung 1: Báo cáo tiến độ cải cách")
    await page.locator("#opinion-form textarea").fill(OPINION)
    await page.get_by_role("button", name="Lưu vào biên bản").click()
    await expect(page.locator("#opinion-status")).to_have_text("Đã lưu vào dự thảo biên bản.")

    state = (await world.secretary.get(f"/api/meetings/{world.meeting_id}")).json()
    [draft] = [p for p in state["publications"] if p["kind"] == "minutes"]
    found = (await world.secretary.get(f"/api/publications/{draft['id']}")).json()
    [item] = found["snapshot"]["agenda"]
    assert found["fields"]["opinions"] == {str(item["id"]): OPINION}
    html = (await world.secretary.get(f"/api/publications/{draft['id']}/html")).text
    assert OPINION in html
