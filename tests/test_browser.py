"""End to end on a tablet: Debian's Chromium, driven by Playwright, against a real server.

Every tablet signs in through /login in Vietnamese (locale vi-VN, an iPad-sized
viewport) and reaches the server through a relay that can drop like meeting-room Wi-Fi.
Set BROWSER_SCREENSHOTS=/some/dir to keep screenshots of the meeting page and viewer.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pdfs
import pytest
import pytest_asyncio
from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    CHROMIUM,
    LOOP,
    FlakyLink,
    Tablet,
    chromium,
    expect_page_shown,
    new_tablet,
    screenshot,
    server_in_the_sessions_loop,
    sign_in,
    until,
    world_in_the_sessions_loop,
)
from playwright.async_api import Browser, Locator, WebSocket, expect

from conftest import PASSWORD, Server, World, eventually

pytestmark = [
    LOOP,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

PDF = pdfs.FOUR_PAGES
OpenTablet = Callable[..., Awaitable[Tablet]]


@pytest_asyncio.fixture(loop_scope="session")
async def link(server: Server) -> AsyncIterator[FlakyLink]:
    relay = FlakyLink(server.url)
    await relay.start()
    try:
        yield relay
    finally:
        await relay.close()


@pytest_asyncio.fixture(loop_scope="session")
async def tablet(browser: Browser, link: FlakyLink,
                 world: World) -> AsyncIterator[OpenTablet]:
    """``await tablet("snv")``: a new tablet signed in as that user, on the home page.

    Tablets share the ``link`` fixture's Wi-Fi; ``own_link=True`` gives one its own,
    as ``tablet.link``, to drop it alone.
    """
    opened: list[Tablet] = []
    links: list[FlakyLink] = []

    async def open_tablet(username: str, own_link: bool = False) -> Tablet:
        via = link
        if own_link:
            via = FlakyLink(world.server.url)
            links.append(via)
            await via.start()
        t = await new_tablet(browser, via)
        opened.append(t)
        await sign_in(t, username, PASSWORD)
        return t

    try:
        yield open_tablet
        errors = [e for t in opened for e in t.unexpected_errors()]
        assert not errors, f"errors in the page: {errors}"
    finally:
        for t in opened:
            await t.context.close()
        for own in links:
            await own.close()


async def add_item(world: World, title: str, **fields: Any) -> int:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": title, **fields})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def upload(world: World, item_id: int, name: str = PDF) -> dict[str, Any]:
    r = await world.secretary.post(f"/api/agenda-items/{item_id}/documents",
                                   data={"title": "Báo cáo tiến độ cải cách hành chính"},
                                   files={"file": (name, pdfs.sample(name), "application/pdf")})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def last_seq(world: World) -> int:
    r = await world.member.get(f"/api/meetings/{world.meeting_id}/events")
    return int(r.json()["last_seq"])


def agenda_row(t: Tablet, item_id: int) -> Locator:
    return t.page.locator(f'#agenda li[data-item-id="{item_id}"]')


async def test_current_item_reaches_the_tablet(
        world: World, tablet: OpenTablet) -> None:
    first = await add_item(world, "Báo cáo của Sở Nội vụ", presenter="Giám đốc Sở Nội vụ",
                           duration_minutes=15)
    second = await add_item(world, "Dịch vụ công trực tuyến mức độ 4")
    member = await tablet("snv")
    await member.open_live(f"/meetings/{world.meeting_id}")
    # Translated, and no longer the server-rendered "Connecting…".
    await expect(member.page.locator("#live-status")).not_to_have_text(
        re.compile(r"^(Live|Đang kết nối…)$"))
    await expect(member.page.locator('#agenda li[aria-current="true"]')).to_have_count(0)
    for item in (first, second):
        sent = time.monotonic()
        r = await world.chair.put(f"/api/meetings/{world.meeting_id}/current-item",
                                  json={"agenda_item_id": item})
        assert r.status_code == 200, r.text
        await expect(agenda_row(member, item)).to_have_attribute("aria-current", "true")
        print(f"current item {item} shown {(time.monotonic() - sent) * 1000:.0f} ms "
              "after the PUT was sent")
        await expect(member.page.locator('#agenda li[aria-current="true"]')).to_have_count(1)
    await expect(member.page.locator('#live-status[data-online="true"]')).to_be_visible()
    await screenshot(member.page, "meeting-tablet")


async def test_viewer_follows_the_presenter_and_a_reload_lands_on_that_page(
        world: World, tablet: OpenTablet) -> None:
    item = await add_item(world, "Báo cáo tiến độ")
    doc = await upload(world, item)
    assert doc["page_count"] == 4
    member = await tablet("snv")
    viewer = f"/meetings/{world.meeting_id}/documents/{doc['id']}"
    await member.open_live(viewer)
    await expect_page_shown(member, 1, 4)
    sent = time.monotonic()
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/presenter",
                              json={"document_id": doc["id"], "page": 3})
    assert r.status_code == 200, r.text
    await expect_page_shown(member, 3, 4)
    print(f"presenter page 3 shown {(time.monotonic() - sent) * 1000:.0f} ms after the PUT")
    await screenshot(member.page, "viewer-tablet")
    await member.page.reload()
    await member.wait_live()
    await expect_page_shown(member, 3, 4)
    # A fresh open without ?page= also lands on the presenter's page, from the snapshot.
    await member.open_live(viewer)
    await expect_page_shown(member, 3, 4)


async def test_agenda_changes_appear_without_reload(world: World, tablet: OpenTablet) -> None:
    member = await tablet("snv")
    await member.open_live(f"/meetings/{world.meeting_id}")
    await member.page.evaluate("window.__sameDocument = true")
    await expect(member.page.locator("#agenda li.empty")).to_have_text(
        "Chương trình họp chưa có nội dung.")
    item = await add_item(world, "Dự thảo Quy chế làm việc <b>mới</b>",
                          presenter="Giám đốc Sở Tư pháp", duration_minutes=20)
    row = agenda_row(member, item)
    await expect(row.locator(".item-title")).to_have_text(
        "Dự thảo Quy chế làm việc <b>mới</b>")
    await expect(row).to_contain_text("Người trình bày: Giám đốc Sở Tư pháp")
    await expect(row).to_contain_text("20 phút")
    await expect(member.page.locator("#agenda li.empty")).to_have_count(0)
    doc = await upload(world, item)
    link = row.locator(f'a[href="/meetings/{world.meeting_id}/documents/{doc["id"]}"]')
    await expect(link).to_have_text("Báo cáo tiến độ cải cách hành chính")
    await expect(row).to_contain_text("4 trang")
    r = await world.secretary.delete(f"/api/agenda-items/{item}")
    assert r.status_code in (200, 204), r.text
    await expect(row).to_have_count(0)
    assert await member.page.evaluate("window.__sameDocument") is True


async def test_tablet_catches_up_after_the_wifi_drops_without_reloading(
        world: World, tablet: OpenTablet, link: FlakyLink) -> None:
    mid = world.meeting_id
    first = await add_item(world, "Báo cáo của Sở Nội vụ")
    second = await add_item(world, "Dịch vụ công trực tuyến mức độ 4")
    await world.chair.put(f"/api/meetings/{mid}/current-item", json={"agenda_item_id": first})
    member = await tablet("snv")
    # While the link is down, Chromium logs the failed reconnection attempts.
    member.allowed += ["WebSocket connection to", "Failed to load resource: net::"]
    hellos: list[dict[str, Any]] = []
    received: list[dict[str, Any]] = []

    def watch(ws: WebSocket) -> None:
        ws.on("framesent", lambda payload: hellos.append(json.loads(payload))
              if '"hello"' in str(payload) else None)
        ws.on("framereceived", lambda payload: received.append(json.loads(payload)))

    member.page.on("websocket", watch)
    navigations: list[str] = []
    await member.open_live(f"/meetings/{mid}")
    member.page.on("framenavigated", lambda frame: navigations.append(frame.url)
                   if frame == member.page.main_frame else None)
    await member.page.evaluate("window.__sameDocument = true")
    await expect(agenda_row(member, first)).to_have_attribute("aria-current", "true")
    before = await last_seq(world)
    await until(member.page, f"window.MeetingLive.lastSeq() === {before}")

    dropped = time.monotonic()
    link.cut()
    await expect(member.page.locator('#live-status[data-online="false"]')).to_be_visible()
    await expect(member.page.locator("#live-status")).to_have_text("Đang kết nối lại…")
    await world.chair.put(f"/api/meetings/{mid}/current-item", json={"agenda_item_id": second})
    third = await add_item(world, "Kiến nghị của Sở Tư pháp")
    await world.chair.put(f"/api/meetings/{mid}/current-item", json={"agenda_item_id": third})
    assert await last_seq(world) == before + 3
    await expect(agenda_row(member, first)).to_have_attribute("aria-current", "true")
    link.restore()
    restored = time.monotonic()

    await expect(agenda_row(member, third)).to_have_attribute("aria-current", "true")
    print(f"caught up {time.monotonic() - restored:.2f} s after the link came back "
          f"({time.monotonic() - dropped:.2f} s after it dropped)")
    await expect(member.page.locator('#agenda li[aria-current="true"]')).to_have_count(1)
    await expect(member.page.locator('#live-status[data-online="true"]')).to_be_visible()
    assert await member.page.evaluate("window.MeetingLive.lastSeq()") == before + 3
    assert await member.page.evaluate("window.__sameDocument") is True
    assert navigations == []
    # It resumed from its last seq: the missed events, not a snapshot.
    assert hellos[0].get("last_seq") is None
    assert hellos[-1] == {"type": "hello", "last_seq": before}
    after_resume = [m for m in received if m.get("seq", 0) > before]
    assert [m["type"] for m in after_resume] == ["event"] * 3
    assert [m["seq"] for m in after_resume] == [before + 1, before + 2, before + 3]


async def test_new_version_notice_on_the_open_viewer(world: World, tablet: OpenTablet) -> None:
    item = await add_item(world, "Báo cáo tiến độ")
    doc = await upload(world, item)
    member = await tablet("snv")
    await member.open_live(f"/meetings/{world.meeting_id}/documents/{doc['id']}?page=2")
    await expect_page_shown(member, 2, 4)
    notice = member.page.locator("#newer-version")
    await expect(notice).to_be_hidden()
    r = await world.secretary.post(f"/api/documents/{doc['id']}/versions",
                                   data={"note": "Bản sửa theo ý kiến Sở Tư pháp"},
                                   files={"file": ("bao-cao-v2.pdf", pdfs.sample(pdfs.ONE_PAGE),
                                                   "application/pdf")})
    assert r.status_code == 201, r.text
    assert r.json()["version"] == 2
    await expect(notice).to_be_visible()
    await expect(notice).to_contain_text("Đã có phiên bản mới hơn của tài liệu này.")
    # The open page stays on the version being read until the reader asks for the new one.
    await expect_page_shown(member, 2, 4, version=1)
    await notice.get_by_role("link", name="Mở phiên bản mới nhất").click()
    pages = r.json()["page_count"]
    await expect(member.page.locator("#page-image")).to_have_attribute(
        "src", re.compile(r"\?version=2$"))
    await expect(member.page.locator("#page-number")).to_have_text(
        re.compile(rf"^Trang \d+/{pages}$"))
    await expect(notice).to_be_hidden()


async def test_login_failure_in_vietnamese_and_english_labels(
        browser: Browser, link: FlakyLink, world: World) -> None:
    t = await new_tablet(browser, link)
    try:
        page = t.page
        await page.goto(t.url("/login"))
        assert await page.get_attribute("html", "lang") == "vi"
        await page.get_by_label("Tên đăng nhập").fill("snv")
        await page.get_by_label("Mật khẩu").fill("sai mật khẩu")
        await page.get_by_role("button", name="Đăng nhập").click()
        alert = page.get_by_role("alert")
        await expect(alert).to_be_visible()
        await expect(alert).to_have_text("Sai tên đăng nhập hoặc mật khẩu.")
        await expect(page).to_have_url(t.url("/login"))
        assert not [c for c in await t.context.cookies() if c["name"] == "meeting_session"]

        await page.goto(t.url("/login?lang=en"))
        assert await page.get_attribute("html", "lang") == "en"
        await expect(page.get_by_label("Username")).to_be_visible()
        await expect(page.get_by_label("Password")).to_be_visible()
        await expect(page.get_by_role("button", name="Sign in")).to_be_visible()
        await expect(page.locator("main")).not_to_contain_text("Mật khẩu")
        await page.get_by_label("Username").fill("snv")
        await page.get_by_label("Password").fill("wrong")
        await page.get_by_role("button", name="Sign in").click()
        await expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
        await expect(page).to_have_url(re.compile(r"/login\?lang=en$"))
        # A failed sign-in logs a 401 for the fetch; anything else is a page bug.
        assert all("401" in e for e in t.unexpected_errors()), t.errors
    finally:
        await t.context.close()


async def test_presenter_mode_leads_the_members_viewer(world: World,
                                                       tablet: OpenTablet) -> None:
    item = await add_item(world, "Báo cáo tiến độ")
    doc = await upload(world, item)
    path = f"/meetings/{world.meeting_id}/documents/{doc['id']}"
    chair = await tablet("pct")
    member = await tablet("snv")
    await chair.open_live(path)
    await member.open_live(path)
    await expect_page_shown(member, 1, 4)
    present = chair.page.get_by_role("button", name="Trình chiếu tài liệu này")
    await expect(chair.page.locator("#follow")).not_to_be_checked()
    await present.click()
    await expect(chair.page.get_by_role("button", name="Dừng trình chiếu")).to_be_visible()
    await expect(present).to_be_hidden()
    await chair.page.get_by_role("button", name="Trang sau").click()
    await expect_page_shown(chair, 2, 4)
    await expect_page_shown(member, 2, 4)
    await chair.page.get_by_role("button", name="Trang sau").click()
    await expect_page_shown(member, 3, 4)
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert state["presenter"] == {"document_id": doc["id"], "version": 1, "page": 3}
    # The member's own paging stops following; ticking "follow" catches up again.
    await member.page.get_by_role("button", name="Trang trước").click()
    await expect_page_shown(member, 2, 4)
    await expect(member.page.locator("#follow")).not_to_be_checked()
    await chair.page.get_by_role("button", name="Trang sau").click()
    await expect_page_shown(chair, 4, 4)
    await expect_page_shown(member, 2, 4)
    await member.page.locator("#follow").check()
    await expect_page_shown(member, 4, 4)
    await expect(member.page.locator("#present")).to_have_count(0)


# Regressions of page bugs found by these tests.


async def test_waking_up_during_an_outage_keeps_one_socket(
        world: World, tablet: OpenTablet, link: FlakyLink) -> None:
    member = await tablet("snv")
    member.allowed += ["WebSocket connection to", "Failed to load resource: net::"]
    sockets: list[WebSocket] = []
    member.page.on("websocket", lambda ws: sockets.append(ws))
    await member.open_live(f"/meetings/{world.meeting_id}")
    link.cut()
    await expect(member.page.locator('#live-status[data-online="false"]')).to_be_visible()
    for _ in range(2):  # the tablet is switched off and on again, as iPads do in a meeting
        await member.page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        await asyncio.sleep(0.2)
    link.restore()
    await expect(member.page.locator('#live-status[data-online="true"]')).to_be_visible()
    # An event through the socket the page kept; then the server holds that one socket only.
    await add_item(world, "Sau khi bật lại")
    await until(member.page, f"window.MeetingLive.lastSeq() === {await last_seq(world)}")
    assert world.server.app.context.hub.room_size(world.meeting_id) == 1
    await eventually(lambda: sum(not ws.is_closed() for ws in sockets) <= 1)
    assert sum(not ws.is_closed() for ws in sockets) == 1


async def test_viewer_follows_a_presenter_still_on_the_older_version(
        world: World, tablet: OpenTablet) -> None:
    item = await add_item(world, "Báo cáo tiến độ")
    doc = await upload(world, item)
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/presenter",
                              json={"document_id": doc["id"], "page": 3})
    assert r.status_code == 200, r.text
    r = await world.secretary.post(f"/api/documents/{doc['id']}/versions",
                                   files={"file": ("v2.pdf", pdfs.sample(pdfs.ONE_PAGE),
                                                   "application/pdf")})
    assert r.status_code == 201 and r.json()["page_count"] == 1, r.text
    member = await tablet("snv")
    await member.open_live(f"/meetings/{world.meeting_id}/documents/{doc['id']}")
    await expect_page_shown(member, 3, 4, version=1)


async def test_presenter_pages_turned_while_reconnecting_reach_the_room(
        world: World, tablet: OpenTablet) -> None:
    item = await add_item(world, "Báo cáo tiến độ")
    doc = await upload(world, item)
    path = f"/meetings/{world.meeting_id}/documents/{doc['id']}"
    chair = await tablet("pct", own_link=True)
    chair.allowed += ["WebSocket connection to", "Failed to load resource: net::"]
    member = await tablet("snv")
    await chair.open_live(path)
    await member.open_live(path)
    await chair.page.locator("#present").click()
    await chair.page.get_by_role("button", name="Trang sau").click()
    await expect_page_shown(member, 2, 4)
    chair.link.cut()
    await expect(chair.page.locator('#live-status[data-online="false"]')).to_be_visible()
    await chair.page.get_by_role("button", name="Trang sau").click()
    await expect(chair.page.locator("#page-number")).to_have_text("Trang 3/4")
    chair.link.restore()
    await expect(chair.page.locator('#live-status[data-online="true"]')).to_be_visible()
    await expect_page_shown(member, 3, 4)


async def test_the_thumbnail_strip_of_a_long_document_grows_as_it_is_scrolled(
        world: World, tablet: OpenTablet) -> None:
    item = await add_item(world, "Hồ sơ dài")
    r = await world.secretary.post(f"/api/agenda-items/{item}/documents", files={
        "file": ("ho-so.pdf", pdfs.many_pages(200), "application/pdf")})
    assert r.status_code == 201, r.text
    member = await tablet("snv")
    await member.open_live(f"/meetings/{world.meeting_id}/documents/{r.json()['id']}")
    await expect_page_shown(member, 1, 200)
    thumbnails = member.page.locator("#thumbnails button")
    made = await thumbnails.count()
    assert 0 < made < 200

    await member.page.locator("#thumbnails").evaluate("strip => { strip.scrollLeft = 1e9; }")

    await expect(thumbnails).to_have_count(made + 24)
    await thumbnails.nth(made + 3).click()  # one made by scrolling: it turns to its page
    await expect_page_shown(member, made + 4, 200)
