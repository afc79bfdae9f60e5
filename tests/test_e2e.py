"""One meeting end to end, on three screens: the secretary's laptop, the chair's tablet in
landscape (1024×768) and a member's tablet in portrait (768×1024), each its own Chromium
context, against a real server holding the demo meeting (2019-07-05).

Run with UPDATE_DOCS_SCREENSHOTS=1 to refresh docs/screenshot-{tablet,viewer,console}.png.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import pytest
import pytest_asyncio
from browser_support import (  # noqa: F401 (chromium, demo: fixtures)
    CHROMIUM,
    LOOP,
    FlakyLink,
    Tablet,
    chromium,
    demo_in_the_sessions_loop,
    expect_page_shown,
    new_tablet,
    sign_in,
    until,
)
from playwright.async_api import Browser, Dialog, Page, expect

from conftest import PASSWORD, ROOT, Server

pytestmark = [
    LOOP,
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
]

LAPTOP = {"width": 1280, "height": 800}
PORTRAIT = {"width": 768, "height": 1024}
LANDSCAPE = {"width": 1024, "height": 768}
SECRETARY, CHAIR, MEMBER = "thuky.nguyen", "pct.tran", "gd.snv"
MEMBER_NAME = "Phạm Thị Lan"
# While a tablet's Wi-Fi is down, Chromium logs its failed reconnection attempts.
OFFLINE_NOISE = ["WebSocket connection to", "Failed to load resource: net::"]


async def docs_screenshot(page: Page, name: str) -> None:
    """Refreshes docs/screenshot-{name}.png (the viewport, in CSS pixels) when asked to."""
    if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
        await page.screenshot(path=str(ROOT / "docs" / f"screenshot-{name}.png"), scale="css")


@dataclass
class Room:
    """The demo meeting and the screens opened on it; each screen reaches the server over
    its own Wi-Fi link (a FlakyLink) so that one can drop alone."""

    server: Server
    browser: Browser
    meeting_id: int
    state: dict[str, Any]
    screens: list[Tablet] = field(default_factory=list)
    links: list[FlakyLink] = field(default_factory=list)

    def user_id(self, name: str) -> int:
        return next(int(p["user_id"]) for p in self.state["participants"] if p["name"] == name)

    def document(self, position: int) -> dict[str, Any]:
        """The first document of the agenda item at that position."""
        item = next(i for i in self.state["agenda_items"] if i["position"] == position)
        return min((d for d in self.state["documents"] if d["agenda_item_id"] == item["id"]),
                   key=lambda d: d["id"])

    def item_id(self, position: int) -> int:
        return next(int(i["id"]) for i in self.state["agenda_items"]
                    if i["position"] == position)

    async def screen(self, viewport: dict[str, int]) -> Tablet:
        """A new browser context of that size, not signed in, on its own link."""
        link = FlakyLink(self.server.url)
        self.links.append(link)
        await link.start()
        screen = await new_tablet(self.browser, link)
        await screen.page.set_viewport_size(viewport)  # type: ignore[arg-type]
        self.screens.append(screen)
        return screen

    async def signed_in(self, username: str, viewport: dict[str, int], path: str) -> Tablet:
        screen = await self.screen(viewport)
        await sign_in(screen, username, PASSWORD, path)
        return screen


@pytest_asyncio.fixture(loop_scope="session")
async def room(demo: Server, browser: Browser) -> AsyncIterator[Room]:
    secretary = await demo.login(SECRETARY)
    [meeting] = (await secretary.get("/api/meetings")).json()["meetings"]
    state = (await secretary.get(f"/api/meetings/{meeting['id']}")).json()
    opened = Room(demo, browser, meeting["id"], state)
    try:
        yield opened
        errors = [e for s in opened.screens for e in s.unexpected_errors()]
        assert not errors, f"errors in the page: {errors}"
    finally:
        for screen in opened.screens:
            await screen.context.close()
        for link in opened.links:
            await link.close()


class Stopwatch:
    def __init__(self) -> None:
        self.start = self.last = time.monotonic()

    def lap(self, what: str) -> None:
        now = time.monotonic()
        print(f"{now - self.start:6.2f} s  (+{now - self.last:5.2f})  {what}")
        self.last = now


async def test_a_meeting_from_pairing_to_the_published_notice(room: Room) -> None:
    clock = Stopwatch()
    mid = room.meeting_id
    title = room.state["meeting"]["title"]
    member_id = room.user_id(MEMBER_NAME)
    doc = room.document(1)
    assert doc["page_count"] == 8

    # The secretary's laptop: the console, and a pairing code for the member's tablet.
    secretary = await room.signed_in(SECRETARY, LAPTOP, f"/meetings/{mid}/console")
    await secretary.wait_live()
    console = secretary.page
    await console.locator(f'#attendance tr[data-user-id="{member_id}"]').get_by_role(
        "button", name="Ghép nối").click()
    dialog = console.locator("#pair-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog.locator("#pair-name")).to_have_text(MEMBER_NAME)
    await expect(dialog.locator("#pair-code")).to_have_text(
        re.compile(r"^[2-9A-Z]{4}-[2-9A-Z]{4}$"))
    await expect(dialog.locator("#pair-expires")).to_contain_text("Có hiệu lực đến")
    await until(console, "(() => { const q = document.getElementById('pair-qr');"
                         " return q.complete && q.naturalWidth > 0; })()")
    code = await dialog.locator("#pair-code").inner_text()
    await dialog.get_by_role("button", name="Đóng").click()
    await expect(dialog).to_be_hidden()
    clock.lap("console open, pairing code shown")

    # The member's tablet opens the code's address and is signed in without a password.
    member = await room.screen(PORTRAIT)
    tablet = member.page
    await tablet.goto(member.url(f"/pair?code={code}"))
    await tablet.wait_for_url(member.url(f"/meetings/{mid}"))  # its meeting, not the list
    await expect(tablet.locator(".who")).to_contain_text(MEMBER_NAME)
    await member.wait_live()
    clock.lap("member's tablet paired, meeting page live")

    # Check-in: the secretary's attendance table follows.
    await tablet.locator("#checkin button[data-status=present]").click()
    await expect(tablet.locator("#my-attendance")).to_have_text("Có mặt")
    await expect(tablet.locator('#checkin button[data-status=present]')).to_have_attribute(
        "aria-pressed", "true")
    await expect(console.locator(f'#attendance select[data-user-id="{member_id}"]')).to_have_value(
        "present")
    # The secretary opens the first item; the tablet's agenda and banner follow.
    first = room.item_id(1)
    await console.locator(f'#console-agenda li[data-item-id="{first}"]').get_by_role(
        "button", name="Thảo luận nội dung này").click()
    await expect(tablet.locator(f'#agenda li[data-item-id="{first}"]')).to_have_attribute(
        "aria-current", "true")
    await expect(tablet.locator("#current-item")).to_have_text(
        room.state["agenda_items"][0]["title"])
    clock.lap("checked in, current item shown")

    # The chair presents the report; the member's viewer follows page by page.
    chair = await room.signed_in(CHAIR, LANDSCAPE, f"/meetings/{mid}")
    await chair.wait_live()
    await chair.page.get_by_role("link", name=doc["title"]).click()
    await chair.wait_live()
    await tablet.get_by_role("link", name=doc["title"]).click()
    await member.wait_live()
    await expect_page_shown(member, 1, 8)
    await expect(tablet.locator("#follow")).to_be_checked()
    await chair.page.get_by_role("button", name="Trình chiếu tài liệu này").click()
    await expect(chair.page.get_by_role("button", name="Dừng trình chiếu")).to_be_visible()
    for page in (2, 3):
        await chair.page.get_by_role("button", name="Trang sau").click()
        await expect_page_shown(chair, page, 8)
        await expect_page_shown(member, page, 8)
    clock.lap("presented pages 2 and 3, the member followed")
    # The member turns the tablet to read in landscape.
    await tablet.set_viewport_size(LANDSCAPE)  # type: ignore[arg-type]
    await expect_page_shown(member, 3, 8)
    await tablet.evaluate("window.scrollTo(0, 0)")  # see test_turning_a_page_shows_its_top…
    await docs_screenshot(tablet, "viewer")
    await tablet.set_viewport_size(PORTRAIT)  # type: ignore[arg-type]
    await tablet.get_by_role("link", name=f"← {title}").click()
    await member.wait_live()

    # The secretary records the chair's conclusion and a task with a deadline in words.
    conclusion = ("Văn phòng UBND thành phố chủ trì, phối hợp Sở Tư pháp đẩy nhanh tiến độ "
                  "công bố 40 bộ thủ tục hành chính liên thông.")
    task = "Công bố 40 bộ thủ tục hành chính liên thông"
    in_the_notice = "Giao Văn phòng UBND thành phố chủ trì, phối hợp với Sở Tư pháp công bố 40 bộ"
    form = console.locator("#conclusion-form")
    await form.get_by_label("Ý kiến kết luận của chủ trì").fill(conclusion)
    # The item select does not follow the current item: see
    # test_conclusion_form_defaults_to_the_item_under_discussion.
    await form.get_by_label("Nội dung chương trình").select_option(str(first))
    await form.get_by_role("button", name="Lưu kết luận").click()
    saved = time.monotonic()
    await expect(tablet.locator("#conclusions li.conclusion")).to_have_count(1)
    print(f"conclusion on the tablet {(time.monotonic() - saved) * 1000:.0f} ms after the click")
    await expect(tablet.locator("#conclusions .conclusion-text")).to_have_text(conclusion)
    tasks = console.locator("#task-form")
    await expect(tasks.get_by_label("Thuộc kết luận")).to_have_value(re.compile(r"^\d+$"))
    await tasks.get_by_label("Nhiệm vụ").fill(task)
    await tasks.get_by_label("Đơn vị chủ trì").select_option(label="Văn phòng UBND thành phố")
    await tasks.get_by_label("Sở Tư pháp", exact=True).check()
    await tasks.get_by_label("Thời hạn (ghi bằng lời)").press_sequentially("trong tháng 7")
    await expect(console.locator("#due-preview")).to_have_text("→ 31/07/2019")
    await tasks.get_by_role("button", name="Giao nhiệm vụ").click()
    saved = time.monotonic()
    row = tablet.locator("#conclusions li.task")
    await expect(row.locator(".task-title")).to_have_text(task)
    print(f"task on the tablet {(time.monotonic() - saved) * 1000:.0f} ms after the click")
    await expect(row).to_contain_text("Chủ trì: Văn phòng UBND thành phố")
    await expect(row).to_contain_text("Sở Tư pháp")
    await expect(row).to_contain_text("Thời hạn: 31/07/2019")
    await expect(console.locator("#due-preview")).to_have_text("")
    await expect(console.locator("#conclusions li.conclusion")).to_have_count(1)
    clock.lap("conclusion and task on the member's tablet")
    await tablet.locator("#agenda > li").last.evaluate("(li) => li.scrollIntoView()")
    await docs_screenshot(tablet, "tablet")
    await console.evaluate("window.scrollTo(0, 0)")
    await docs_screenshot(console, "console")

    # The secretary drafts the notice of conclusions and publishes it.
    await console.get_by_role("button", name="Lập dự thảo thông báo kết luận").click()
    await console.wait_for_url(re.compile(r"/publications/\d+$"))
    publication = int(console.url.rsplit("/", 1)[1])
    await expect(console.locator(".pub-title .status")).to_have_text("Dự thảo")
    await expect(console.locator(".pub")).to_contain_text(in_the_notice)
    asked: list[str] = []

    async def accept(dialog: Dialog) -> None:
        asked.append(dialog.message)
        await dialog.accept()

    console.on("dialog", accept)
    await console.get_by_role("button", name="Ban hành").click()
    await expect(console.locator(".pub-title .status")).to_have_text("Đã ban hành")
    assert asked and asked[0].startswith("Ban hành"), asked
    clock.lap("notice drafted and published")

    # The member finds it under "Biên bản và thông báo" and opens it and its PDF.
    await tablet.reload()  # the list is not live: see test_published_notice_reaches_the_tablet_live
    await member.wait_live()
    listed = tablet.locator("#publications").get_by_role(
        "link", name=re.compile("^Thông báo kết luận"))
    await expect(listed).to_have_attribute("href", re.compile(rf"/publications/{publication}$"))
    await listed.click()
    await tablet.wait_for_url(member.url(f"/publications/{publication}"))
    await expect(tablet.locator(".pub-title")).to_contain_text("Thông báo kết luận")
    await expect(tablet.locator(".pub-title .status")).to_have_text("Đã ban hành")
    await expect(tablet.locator(".pub")).to_contain_text(in_the_notice)
    await expect(tablet.locator("#publish")).to_have_count(0)
    pdf = tablet.get_by_role("link", name="Tải tệp PDF")
    href = await pdf.get_attribute("href")
    assert href
    response = await member.context.request.get(urljoin(tablet.url, href))
    assert response.status == 200, await response.text()
    assert response.headers["content-type"] == "application/pdf"
    assert (await response.body()).startswith(b"%PDF-")
    clock.lap("member opened the published notice and its PDF")


async def test_published_notice_reaches_the_tablet_live(room: Room) -> None:
    mid = room.meeting_id
    member = await room.signed_in(MEMBER, PORTRAIT, f"/meetings/{mid}")
    await member.wait_live()
    notice = member.page.locator("#publications").get_by_role(
        "link", name=re.compile("^Thông báo kết luận"))
    await expect(notice).to_have_count(0)
    secretary = await room.server.login(SECRETARY)
    r = await secretary.post(f"/api/meetings/{mid}/publications", json={"kind": "notice"})
    assert r.status_code == 201, r.text
    url = f"/api/publications/{r.json()['id']}"
    r = await secretary.patch(url, json={"number": "152"})
    assert r.status_code == 200, r.text
    r = await secretary.post(f"{url}/publish")
    assert r.status_code == 200, r.text
    await until(member.page, "window.MeetingLive.state().publications.length === 1")
    await expect(notice).to_be_visible()


async def test_wifi_drops_while_reading_then_the_missed_events_arrive(room: Room) -> None:
    clock = Stopwatch()
    mid = room.meeting_id
    doc = room.document(1)
    viewer = f"/meetings/{mid}/documents/{doc['id']}"
    second = room.item_id(2)
    secretary = await room.signed_in(SECRETARY, LAPTOP, f"/meetings/{mid}/console")
    await secretary.wait_live()
    clock.lap("secretary's console")
    chair = await room.signed_in(CHAIR, LANDSCAPE, viewer)
    await chair.wait_live()
    await chair.page.locator("#present").click()
    await chair.page.get_by_role("button", name="Trang sau").click()
    await expect_page_shown(chair, 2, 8)
    clock.lap("chair presenting")
    member = await room.signed_in(MEMBER, PORTRAIT, f"/meetings/{mid}")
    member.allowed += OFFLINE_NOISE
    await member.wait_live()
    await member.page.get_by_role("link", name=doc["title"]).click()
    await member.wait_live()
    await expect_page_shown(member, 2, 8)  # following the chair
    tablet = member.page
    clock.lap("member following")
    # The service worker serves this page, and holds the pages seen and the next ones.
    assert await tablet.evaluate("navigator.serviceWorker.controller !== null")
    await until(tablet, f"""async () => {{
        const names = (await (await caches.open("meeting-{mid}")).keys()).map((r) => r.url);
        const kept = (n) => new RegExp(`/pages/${{n}}[?]version=1(&|$)`);
        return [2, 3, 4].every((n) => names.some((u) => kept(n).test(u)));
      }}""")
    await tablet.evaluate("window.__sameDocument = true")
    clock.lap("member reading page 2 with the chair")

    # The Wi-Fi drops: first the server is out of reach, then the tablet knows it is offline.
    member.link.cut()
    status = tablet.locator("#live-status")
    await expect(status).to_have_attribute("data-online", "false")
    await expect(status).to_have_text("Đang kết nối lại…")
    await member.context.set_offline(True)
    await expect(status).to_have_text(re.compile(r"^Mất kết nối mạng\. Tài liệu đang mở vẫn"))
    await expect_page_shown(member, 2, 8)
    box = await tablet.locator("#page-image").bounding_box()
    assert box and box["height"] > 500, box
    # The next page, prefetched but never shown, displays with the Wi-Fi down.
    await tablet.get_by_role("button", name="Trang sau").click()
    await expect_page_shown(member, 3, 8)
    await expect(tablet.locator("#follow")).not_to_be_checked()
    clock.lap("offline: page 2 stayed, page 3 displayed from the cache")

    # Meanwhile the chair turns to page 4 and opens the second item; the secretary records.
    await chair.page.get_by_role("button", name="Trang sau").click()
    await chair.page.get_by_role("button", name="Trang sau").click()
    await expect_page_shown(chair, 4, 8)
    chair_api = await room.server.login(CHAIR)
    r = await chair_api.put(f"/api/meetings/{mid}/current-item", json={"agenda_item_id": second})
    assert r.status_code == 200, r.text
    conclusion = "Sở Nội vụ tổng hợp kết quả khảo sát, báo cáo UBND thành phố."
    form = secretary.page.locator("#conclusion-form")
    await form.get_by_label("Ý kiến kết luận của chủ trì").fill(conclusion)
    await form.get_by_role("button", name="Lưu kết luận").click()
    await expect(secretary.page.locator("#conclusions .conclusion-text")).to_have_text(conclusion)
    last = (await chair_api.get(f"/api/meetings/{mid}/events")).json()["last_seq"]
    # Following again while offline goes back to the presenter's page as last heard: page 2.
    await tablet.locator("#follow").check()
    await expect_page_shown(member, 2, 8)
    assert await tablet.evaluate("window.MeetingLive.lastSeq()") < last
    clock.lap("chair and secretary went on while the member was offline")

    member.link.restore()
    await member.context.set_offline(False)
    restored = time.monotonic()
    await expect_page_shown(member, 4, 8)
    print(f"caught up {time.monotonic() - restored:.2f} s after the link came back")
    await expect(status).to_have_attribute("data-online", "true")
    await expect(status).to_have_text("Đã kết nối lại. Đã kết nối")
    assert await tablet.evaluate("window.MeetingLive.lastSeq()") == last
    caught: dict[str, Any] = await tablet.evaluate("window.MeetingLive.state()")
    assert caught["current_item_id"] == second
    assert [c["text"] for c in caught["conclusions"]] == [conclusion]
    assert await tablet.evaluate("window.__sameDocument") is True
    # Back on the meeting page, the missed item and conclusion are shown.
    await tablet.get_by_role("link", name=f"← {room.state['meeting']['title']}").click()
    await member.wait_live()
    await expect(tablet.locator(f'#agenda li[data-item-id="{second}"]')).to_have_attribute(
        "aria-current", "true")
    await expect(tablet.locator("#conclusions .conclusion-text")).to_have_text(conclusion)
    clock.lap("back online, caught up without a reload")


async def test_conclusion_form_defaults_to_the_item_under_discussion(room: Room) -> None:
    mid = room.meeting_id
    secretary = await room.signed_in(SECRETARY, LAPTOP, f"/meetings/{mid}/console")
    await secretary.wait_live()
    second = room.item_id(2)
    await secretary.page.locator(f'#console-agenda li[data-item-id="{second}"]').get_by_role(
        "button", name="Thảo luận nội dung này").click()
    await expect(secretary.page.locator(f'#console-agenda li[data-item-id="{second}"]')
                 ).to_have_attribute("aria-current", "true")
    await expect(secretary.page.locator("#conclusion-form select[name=agenda_item_id]")
                 ).to_have_value(str(second))


async def test_turning_a_page_shows_its_top_and_keeps_the_buttons_in_reach(room: Room) -> None:
    doc = room.document(1)
    member = await room.signed_in(MEMBER, PORTRAIT,
                                  f"/meetings/{room.meeting_id}/documents/{doc['id']}")
    await member.wait_live()
    await expect_page_shown(member, 1, 8)
    turn = member.page.get_by_role("button", name="Trang sau")
    await expect(turn).to_be_in_viewport()
    await turn.click()
    await expect_page_shown(member, 2, 8)
    await expect(turn).to_be_in_viewport()
    top = await member.page.locator("#page-image").evaluate("(i) => i.getBoundingClientRect().top")
    assert top >= 0, f"the new page starts {-top:.0f} px above the screen"


def luminance(css: str) -> float:
    channels = [float(x) / 255 for x in re.findall(r"[\d.]+", css)[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


async def test_console_delete_conclusion_button_is_legible(room: Room) -> None:
    mid = room.meeting_id
    secretary = await room.signed_in(SECRETARY, LAPTOP, f"/meetings/{mid}/console")
    await secretary.wait_live()
    api = await room.server.login(SECRETARY)
    r = await api.post(f"/api/meetings/{mid}/conclusions", json={"text": "Kết luận thử."})
    assert r.status_code == 201, r.text
    delete = secretary.page.locator("#conclusions li.conclusion").get_by_role("button",
                                                                             name="Xóa")
    await expect(delete).to_be_visible()
    text, card = await delete.evaluate("""(b) => [getComputedStyle(b).color,
        getComputedStyle(b.closest('.conclusion')).backgroundColor]""")
    lighter, darker = sorted((luminance(text), luminance(card)), reverse=True)
    contrast = (lighter + 0.05) / (darker + 0.05)
    assert contrast >= 4.5, f"'Xóa' is {text} on {card}: contrast {contrast:.2f}"


async def test_attendance_rows_stay_in_place_when_someone_checks_in(room: Room) -> None:
    mid = room.meeting_id
    secretary = await room.signed_in(SECRETARY, LAPTOP, f"/meetings/{mid}/console")
    await secretary.wait_live()
    rows = secretary.page.locator("#attendance tbody tr")
    before = await rows.evaluate_all("(trs) => trs.map((tr) => tr.dataset.userId)")
    member = await room.server.login(MEMBER)
    r = await member.post(f"/api/meetings/{mid}/attendance", json={"status": "present"})
    assert r.status_code == 200, r.text
    member_id = room.user_id(MEMBER_NAME)
    await expect(secretary.page.locator(f'#attendance select[data-user-id="{member_id}"]')
                 ).to_have_value("present")
    assert await rows.evaluate_all("(trs) => trs.map((tr) => tr.dataset.userId)") == before
