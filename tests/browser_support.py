"""Helpers for the browser tests: one Chromium, a Wi-Fi link that can drop, signed-in tablets.

The browser test modules run in the session's event loop (``LOOP``), so that one Chromium,
driven by one Playwright, serves all their tests: each test opens its own browser contexts,
which share nothing. The fixtures they use are defined here again for that loop, with the
conftest's names; a browser module imports them (``from browser_support import chromium, …``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import pytest_asyncio
from playwright.async_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    async_playwright,
    expect,
)
from playwright.async_api import Error as PlaywrightError

from conftest import Server, Template, World, fixture_server, served

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
#: How long a page may take to reach what a test waits for, in ms: waits end as soon as it
#: does, so this is generous for a loaded machine, and no test measures time with it.
WAIT = 30_000
expect.set_options(timeout=WAIT)
#: The mark of a browser test module: its tests and fixtures run in the session's loop.
LOOP = pytest.mark.asyncio(loop_scope="session")
TABLET = {"viewport": {"width": 820, "height": 1180}, "device_scale_factor": 2,
          "has_touch": True, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}


class FlakyLink:
    """A TCP relay between the browser and the server, standing in for meeting-room Wi-Fi.

    Chromium's offline emulation (``context.set_offline``) leaves open WebSockets
    untouched, so a dropped connection is made here instead: ``cut()`` resets every
    connection through the relay and refuses new ones until ``restore()``. The Host
    header is passed through unchanged, so the page's own origin is the relay's and the
    server's Origin check sees a same-origin page.
    """

    def __init__(self, upstream: str) -> None:
        parts = urlsplit(upstream)
        assert parts.hostname and parts.port
        self._host, self._port = parts.hostname, parts.port
        self._server: asyncio.Server | None = None
        self._transports: set[asyncio.WriteTransport] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.down = False
        self.url = ""

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"

    def cut(self) -> None:
        """The Wi-Fi drops: every open connection is reset, new ones are refused."""
        self.down = True
        for transport in list(self._transports):
            transport.abort()

    def restore(self) -> None:
        self.down = False

    async def close(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
        # The reset connections end their relays on their own; cancel only stragglers.
        if self._tasks:
            _, pending = await asyncio.wait(list(self._tasks), timeout=2)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        self._transports.add(writer.transport)
        upstream: asyncio.StreamWriter | None = None
        try:
            if self.down:
                return
            try:
                up_reader, upstream = await asyncio.open_connection(self._host, self._port)
            except OSError:
                return
            self._transports.add(upstream.transport)
            pipes = [asyncio.ensure_future(self._pipe(reader, upstream)),
                     asyncio.ensure_future(self._pipe(up_reader, writer))]
            try:
                await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
            except asyncio.CancelledError:
                pass  # closing the relay; asyncio would log a cancelled client task
            finally:
                for pipe in pipes:
                    pipe.cancel()
                await asyncio.gather(*pipes, return_exceptions=True)
        finally:
            for w in (writer, upstream):
                if w is not None:
                    self._transports.discard(w.transport)
                    w.transport.abort()
            self._tasks.discard(task)

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, OSError):
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()


@dataclass
class Tablet:
    """One participant's tablet: its own browser context, signed in through /login."""

    context: BrowserContext
    page: Page
    link: FlakyLink
    errors: list[str] = field(default_factory=list)
    # The pages declare no icon, so Chromium's /favicon.ico probe is a 404.
    allowed: list[str] = field(default_factory=lambda: ["/favicon.ico]"])

    def url(self, path: str) -> str:
        return self.link.url + path

    async def open_live(self, path: str) -> None:
        """Opens a live page and waits until the meeting state has arrived over the socket."""
        await self.page.goto(self.url(path))
        await self.wait_live()

    async def wait_live(self) -> None:
        await expect(self.page.locator('#live-status[data-online="true"]')).to_be_visible()
        await until(self.page, "window.MeetingLive && window.MeetingLive.lastSeq() !== null")

    def unexpected_errors(self) -> list[str]:
        return [e for e in self.errors if not any(a in e for a in self.allowed)]


async def new_tablet(browser: Browser, link: FlakyLink) -> Tablet:
    context = await browser.new_context(**TABLET)  # type: ignore[arg-type]
    context.set_default_timeout(WAIT)
    page = await context.new_page()
    tablet = Tablet(context, page, link)
    page.on("pageerror", lambda error: tablet.errors.append(f"pageerror: {error}"))

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            where = message.location.get("url", "")
            tablet.errors.append(f"console: {message.text} [{where}]")

    page.on("console", console)
    return tablet


async def sign_in(tablet: Tablet, username: str, password: str, next_path: str = "/") -> None:
    """Signs in through the real login page, in Vietnamese, and lands on ``next_path``."""
    page = tablet.page
    await page.goto(tablet.url(f"/login?next={quote(next_path)}"))
    await page.get_by_label("Tên đăng nhập").fill(username)
    await page.get_by_label("Mật khẩu").fill(password)
    await page.get_by_role("button", name="Đăng nhập").click()
    await page.wait_for_url(tablet.url(next_path))


async def expect_page_shown(t: Tablet, page: int, total: int, version: int = 1) -> None:
    """The viewer shows that page: image URL, page number, and a decoded image."""
    image = t.page.locator("#page-image")
    await expect(image).to_have_attribute(
        "src", re.compile(rf"/pages/{page}\?version={version}$"))
    await expect(t.page.locator("#page-number")).to_have_text(f"Trang {page}/{total}")
    await until(
        t.page, """([page, version]) => {
             const img = document.getElementById("page-image");
             return img.src.endsWith(`/pages/${page}?version=${version}`)
                 && img.complete && img.naturalWidth > 0;
           }""", arg=[page, version])


async def until(page: Page, expression: str, arg: Any = None) -> None:
    """Wait until ``expression`` (as for ``page.evaluate``) is truthy, however long a loaded
    machine takes (WAIT is the limit).

    Polled with ``page.evaluate``, which the pages' Content-Security-Policy allows; the polling
    of ``page.wait_for_function`` compiles the expression in the page, which it refuses. An
    error (a page still loading, or navigating) counts as not yet."""
    deadline = time.monotonic() + WAIT / 1000
    last: Exception | None = None
    while True:
        try:
            if await page.evaluate(expression, arg):
                return
        except PlaywrightError as error:
            last = error
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT / 1000:.0f} s for {expression} ({last})")
        await asyncio.sleep(0.05)


async def screenshot(page: Page, name: str) -> None:
    """Saves a full-page screenshot into $BROWSER_SCREENSHOTS, when that is set."""
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


@pytest_asyncio.fixture(scope="session", loop_scope="session", name="browser")
async def chromium() -> AsyncIterator[Browser]:
    """Debian's Chromium, launched once per test process."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                    args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="session", name="server")
async def server_in_the_sessions_loop(request: pytest.FixtureRequest,
                                      data_dir: Path) -> AsyncIterator[Server]:
    """The conftest's ``server``, in the browser tests' loop."""
    async with fixture_server(request, data_dir) as started:
        yield started


@pytest_asyncio.fixture(loop_scope="session", name="world")
async def world_in_the_sessions_loop(server: Server) -> World:
    """The conftest's ``world``, in the browser tests' loop."""
    return await World.of(server)


@pytest_asyncio.fixture(loop_scope="session", name="demo")
async def demo_in_the_sessions_loop(tmp_path: Path,
                                    demo_template: Template) -> AsyncIterator[Server]:
    """The conftest's ``demo``, in the browser tests' loop."""
    async with served(demo_template, tmp_path / "data") as started:
        yield started
