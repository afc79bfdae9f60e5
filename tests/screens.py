"""Screens for the browser tests of issue 12: tablets and laptops signed in with a session
cookie (the sign-in fixture), each on its own Wi-Fi link, with no alert, confirm or prompt
allowed, and the meeting data the tests start from."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pdfs
import pytest
import pytest_asyncio
from browser_support import CHROMIUM, LOOP, WAIT, FlakyLink, Tablet, new_tablet
from playwright.async_api import Browser, Dialog

from conftest import Server, World

LAPTOP = {"width": 1280, "height": 800}
PORTRAIT = {"width": 820, "height": 1180}
LANDSCAPE = {"width": 1180, "height": 820}
#: While a tablet's Wi-Fi is down, Chromium logs its failed reconnections and requests.
OFFLINE_NOISE = ["WebSocket connection to", "Failed to load resource: net::"]
#: ``pytestmark`` of a module of browser tests that open screens.
BROWSER_TESTS = [
    LOOP,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]


@dataclass
class Screens:
    """Browser contexts opened by one test, closed (and checked for page errors and for
    dialogs the pages must not open) at its end."""

    browser: Browser
    server: Server
    opened: list[Tablet] = field(default_factory=list)
    links: list[FlakyLink] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    async def open(self, username: str | None, path: str,
                   viewport: dict[str, int] | None = None) -> Tablet:
        """A new context (a tablet by default), on its own link, signed in as ``username``
        (None: signed out), on ``path``."""
        link = FlakyLink(self.server.url)
        self.links.append(link)
        await link.start()
        screen = await new_tablet(self.browser, link)
        self.opened.append(screen)
        screen.page.on("dialog", self._refuse)
        if viewport:
            await screen.page.set_viewport_size(viewport)  # type: ignore[arg-type]
        if username is not None:
            await self.sign_in(screen, username)
        await screen.page.goto(screen.url(path))
        return screen

    async def sign_in(self, screen: Tablet, username: str) -> None:
        token, _ = await self.server.sign_in(username)
        await screen.context.add_cookies([{"name": "meeting_session", "value": token,
                                           "url": screen.link.url, "httpOnly": True,
                                           "sameSite": "Lax"}])

    async def _refuse(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()

    def allow_dialogs(self, screen: Tablet) -> list[str]:
        """For a page that asks (publishing): accept its dialogs, and say which they were."""
        asked: list[str] = []

        async def accept(dialog: Dialog) -> None:
            asked.append(dialog.message)
            await dialog.accept()

        screen.page.remove_listener("dialog", self._refuse)
        screen.page.on("dialog", accept)
        return asked

    async def close(self) -> None:
        for screen in self.opened:
            await screen.context.close()
        for link in self.links:
            await link.close()

    def check(self) -> None:
        errors = [e for s in self.opened for e in s.unexpected_errors()]
        assert not errors, f"errors in the page: {errors}"
        assert not self.dialogs, f"the pages opened dialogs: {self.dialogs}"


def cache_is_kept(name: str, kept: bool = True) -> str:
    """For ``until``: the service worker's cache ``name`` exists (or, ``kept=False``, not)."""
    return f"async () => (await caches.keys()).includes({name!r}) === {'true' if kept else 'false'}"


async def item(world: World, title: str = "Báo cáo tiến độ", **fields: Any) -> int:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": title, **fields})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def document(world: World, item_id: int, title: str,
                   name: str = pdfs.FOUR_PAGES) -> int:
    r = await world.secretary.post(f"/api/agenda-items/{item_id}/documents", data={"title": title},
                                   files={"file": (name, pdfs.sample(name), "application/pdf")})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def state(world: World) -> dict[str, Any]:
    r = await world.secretary.get(f"/api/meetings/{world.meeting_id}")
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    return found


async def conclusion_with_task(world: World) -> tuple[int, int]:
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                               json={"text": "Sở Nội vụ rà soát quy trình tiếp nhận hồ sơ."})
    assert r.status_code == 201, r.text
    conclusion = int(r.json()["id"])
    r = await world.secretary.post(f"/api/conclusions/{conclusion}/tasks", json={
        "title": "Rà soát quy trình tiếp nhận hồ sơ", "lead_unit": "SNV",
        "due_date": "2019-07-31"})
    assert r.status_code == 201, r.text
    return conclusion, int(r.json()["id"])


__all__ = ["WAIT", "LAPTOP", "LANDSCAPE", "OFFLINE_NOISE", "PORTRAIT", "Screens", "cache_is_kept"]


@pytest_asyncio.fixture(loop_scope="session", name="screens")
async def screens_of_the_test(browser: Browser, world: World) -> AsyncIterator[Screens]:
    """The test's screens, checked for page errors and dialogs, and closed, at its end."""
    opened = Screens(browser, world.server)
    try:
        yield opened
        opened.check()
    finally:
        await opened.close()
