"""Issue 19 on a tablet: page images are right-sized and never downloaded twice. Requests are
counted on the wire (the tablet's Wi-Fi link), so whatever answers a page turned back to (the
browser's memory or HTTP cache, or the service worker's) it must not be the network."""

from __future__ import annotations

import asyncio
import contextlib
import re

import screens as screens_module
from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    FlakyLink,
    chromium,
    expect_page_shown,
    server_in_the_sessions_loop,
    until,
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

REQUEST_LINE = re.compile(rb"GET (/api/documents/\d+/pages/(\d+)\?[^ ]*) HTTP/1\.1")


class CountingLink(FlakyLink):
    """The Wi-Fi link, noting each page image the tablet asks the server for."""

    def __init__(self, upstream: str) -> None:
        super().__init__(upstream)
        self.asked: list[tuple[int, str]] = []  # (page, address)

    async def _pipe(self, reader: asyncio.StreamReader,  # type: ignore[override]
                    writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                for found in REQUEST_LINE.finditer(data):
                    self.asked.append((int(found[2]), found[1].decode()))
                writer.write(data)
                await writer.drain()

    def pages_asked(self, page: int) -> list[str]:
        return [address for number, address in self.asked if number == page]


async def test_turning_back_to_a_page_seen_asks_the_network_for_nothing(
        world: World, screens: Screens, monkeypatch: object) -> None:
    doc = await document(world, await item(world), "Báo cáo bốn trang")
    setattr_ = monkeypatch.setattr  # type: ignore[attr-defined]
    setattr_(screens_module, "FlakyLink", CountingLink)
    member = await screens.open("snv", f"/meetings/{world.meeting_id}/documents/{doc}")
    link = member.link
    assert isinstance(link, CountingLink)
    await expect_page_shown(member, 1, 4)
    # Once the service worker has taken over (it then asks for the pages shown and next through
    # itself, to keep them offline), the viewer is opened again under it, as a tablet does
    # every day; from here on, every request for an image is counted.
    await until(member.page, "navigator.serviceWorker.controller !== null")
    await member.page.reload()
    await expect_page_shown(member, 1, 4)
    next_page = member.page.get_by_role("button", name="Trang sau")
    previous = member.page.get_by_role("button", name="Trang trước")
    for page in (2, 3):
        await next_page.click()
        await expect_page_shown(member, page, 4)
    seen = {page: list(link.pages_asked(page)) for page in (1, 2, 3)}
    # a tablet of 820 CSS px at pixel ratio 2 shows a 1,600 px image; thumbnails their own
    assert all(any(a.endswith("&w=1600") for a in seen[page]) for page in (1, 2, 3)), seen
    assert all(a.endswith(("&w=1600", "&w=160")) for page in seen for a in seen[page]), seen

    for page in (2, 1):
        await previous.click()
        await expect_page_shown(member, page, 4)
    # and once the viewer is opened again (a new page: its memory cache is gone)
    await member.page.goto(member.url(f"/meetings/{world.meeting_id}/documents/{doc}?page=2"))
    await expect_page_shown(member, 2, 4)
    await next_page.click()
    await expect_page_shown(member, 3, 4)
    await expect(member.page.locator("#page-number")).to_have_text("Trang 3/4")

    assert {page: link.pages_asked(page) for page in (1, 2, 3)} == seen
