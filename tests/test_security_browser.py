"""Sign-in security in Debian's Chromium: two-factor sign-in and enrolment as a user does them,
``/login?next=`` as the browser itself reads it, and pages that break no rule of their
Content-Security-Policy."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import pytest_asyncio
from browser_support import (  # noqa: F401 (chromium, server: fixtures)
    CHROMIUM,
    LOOP,
    TABLET,
    WAIT,
    chromium,
    server_in_the_sessions_loop,
)
from playwright.async_api import Browser, BrowserContext, Page, expect
from test_login_safety import HOSTILE
from totp_support import enrol, fresh_code

from conftest import PASSWORD, Server

pytestmark = [
    LOOP,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

LAPTOP = {**TABLET, "viewport": {"width": 1366, "height": 850}, "device_scale_factor": 1,
          "has_touch": False}
#: Collects what the page's Content-Security-Policy refused (Playwright's init scripts run
#: before the page's own and are not subject to its policy).
WATCH_POLICY = """
window.__refused = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__refused.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest_asyncio.fixture(loop_scope="session")
async def contexts(browser: Browser) -> AsyncIterator[Any]:
    """``await open_page(size)``: a page in a new browser context of that size."""
    opened: list[BrowserContext] = []

    async def open_page(size: dict[str, Any]) -> Page:
        context = await browser.new_context(**size)
        context.set_default_timeout(WAIT)
        await context.add_init_script(WATCH_POLICY)
        opened.append(context)
        return await context.new_page()

    try:
        yield open_page
    finally:
        for context in opened:
            await context.close()


async def fill_password(page: Page, server: Server, username: str, next_path: str) -> None:
    await page.goto(f"{server.url}/login?next={quote(next_path)}")
    await page.get_by_label("Tên đăng nhập").fill(username)
    await page.get_by_label("Mật khẩu").fill(PASSWORD)
    await page.get_by_role("button", name="Đăng nhập").click()


async def test_two_factor_sign_in_asks_for_the_code_then_goes_on(server: Server,
                                                                  contexts: Any) -> None:
    secret, _ = await enrol(await server.login("admin"))
    page = await contexts(LAPTOP)

    await fill_password(page, server, "admin", "/security")
    code = page.get_by_label("Mã từ ứng dụng xác thực, hoặc mã khôi phục")
    await expect(code).to_be_visible()
    await expect(page.get_by_role("alert")).to_contain_text("Nhập mã từ ứng dụng xác thực")
    await code.fill(fresh_code(secret, 1))
    await page.get_by_role("button", name="Đăng nhập").click()

    await page.wait_for_url(f"{server.url}/security")
    await expect(page.locator('#totp-state[data-enabled="true"]')).to_be_visible()


async def test_a_wrong_code_keeps_the_browser_on_the_sign_in_page(server: Server,
                                                                   contexts: Any) -> None:
    await enrol(await server.login("admin"))
    page = await contexts(TABLET)
    await fill_password(page, server, "admin", "/")
    await page.get_by_label("Mã từ ứng dụng xác thực, hoặc mã khôi phục").fill("000000")

    await page.get_by_role("button", name="Đăng nhập").click()

    await expect(page.get_by_role("alert")).to_contain_text("Mã không đúng hoặc đã được dùng")
    assert urlsplit(page.url).path == "/login"


async def test_enrolling_an_authenticator_app_shows_the_recovery_codes_once(
        server: Server, contexts: Any) -> None:
    page = await contexts(TABLET)
    await fill_password(page, server, "admin", "/security")
    await page.wait_for_url(f"{server.url}/security")

    await page.get_by_role("button", name="Thiết lập đăng nhập hai lớp").click()
    secret = page.locator("#totp-secret")
    await expect(secret).not_to_be_empty()
    await page.get_by_label("Mã 6 chữ số ứng dụng hiển thị").fill(
        fresh_code(await secret.inner_text()))
    await page.get_by_role("button", name="Bật").click()

    await expect(page.locator("#recovery-codes li")).to_have_count(10)
    assert (await (await server.login("admin")).get("/api/me/totp")).json()["enabled"] is True


async def test_next_stays_on_the_site_as_the_browser_reads_it(server: Server,
                                                               contexts: Any) -> None:
    page = await contexts(TABLET)
    leaving = []
    for value in HOSTILE:
        await page.goto(f"{server.url}/login?next={quote(value, safe='')}")
        stays = await page.evaluate(
            """() => new URL(document.getElementById("login-form").dataset.next,
                             location.href).origin === location.origin""")
        if not stays:
            leaving.append(value)

    assert leaving == []


async def test_signing_in_with_a_hostile_next_lands_on_this_site(server: Server,
                                                                 contexts: Any) -> None:
    page = await contexts(TABLET)

    await fill_password(page, server, "admin", "/\\evil.example")
    await page.wait_for_url(lambda url: not url.endswith("/login") and "/login?" not in url)

    assert urlsplit(page.url).netloc == urlsplit(server.url).netloc


async def test_pages_break_no_rule_of_their_content_security_policy(server: Server,
                                                                    contexts: Any) -> None:
    page = await contexts(LAPTOP)
    await fill_password(page, server, "admin", "/")
    await page.wait_for_url(f"{server.url}/")
    refused = []

    for path in ["/", "/security", "/audit", "/tasks", "/search?q=ti%E1%BA%BFn+%C4%91%E1%BB%99"]:
        await page.goto(f"{server.url}{path}")
        await page.wait_for_load_state("load")
        refused += [f"{path}: {r}" for r in await page.evaluate("window.__refused")]

    assert refused == []
