"""Issue 12 on the tablets: presenting and following, the meeting page live, a truthful
connection status, offline reading, a tablet that forgets its previous user, fitting a page.

Each test opens its own contexts at tablet size (screens.py), signed in with a session cookie.
"""

from __future__ import annotations

import re

from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    chromium,
    expect_page_shown,
    screenshot,
    server_in_the_sessions_loop,
    until,
    world_in_the_sessions_loop,
)
from playwright.async_api import expect
from screens import (  # noqa: F401 (screens: a fixture)
    BROWSER_TESTS,
    LANDSCAPE,
    OFFLINE_NOISE,
    Screens,
    cache_is_kept,
    document,
    item,
    screens_of_the_test,
    state,
)

from conftest import World

pytestmark = BROWSER_TESTS


def viewer(world: World, doc: int, query: str = "") -> str:
    return f"/meetings/{world.meeting_id}/documents/{doc}{query}"


async def test_the_chair_opens_another_document_and_presents_it(
        world: World, screens: Screens) -> None:
    first = await document(world, await item(world), "Tài liệu A")
    second = await document(world, await item(world, "Nội dung hai"), "Tài liệu B")
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/presenter",
                              json={"document_id": first, "page": 2})
    assert r.status_code == 200, r.text
    member = await screens.open("snv", viewer(world, first))
    await member.wait_live()
    await expect_page_shown(member, 2, 4)
    chair = await screens.open("pct", viewer(world, second))
    await chair.wait_live()
    # The chair reads B while A is presented: not sent back to A, and told what the room sees.
    await expect(chair.page.locator("#presenting-note")).to_contain_text("Tài liệu A, trang 2")
    await expect(chair.page.locator("#follow")).not_to_be_checked()
    assert f"/documents/{second}" in chair.page.url
    await chair.page.get_by_role("button", name="Trình chiếu tài liệu này").click()
    await member.page.wait_for_url(re.compile(rf"/documents/{second}\b"))
    await member.wait_live()
    await expect_page_shown(member, 1, 4)
    await chair.page.get_by_role("button", name="Trang sau").click()
    await expect_page_shown(member, 2, 4)


async def test_a_present_link_presents_the_document(world: World, screens: Screens) -> None:
    doc = await document(world, await item(world), "Tài liệu A")
    chair = await screens.open("pct", viewer(world, doc, "?present=1"))
    await chair.wait_live()
    await expect(chair.page.get_by_role("button", name="Dừng trình chiếu")).to_be_visible()
    await until(chair.page, f"window.MeetingLive.state().presenter?.document_id === {doc}")
    assert (await state(world))["presenter"] == {"document_id": doc, "version": 1, "page": 1}
    # The address no longer asks to present: a reload does not start it again.
    assert "present=1" not in chair.page.url


async def test_a_second_window_on_the_presented_document_says_it_does_not_lead_and_takes_over(
        world: World, screens: Screens) -> None:
    """The secretary presents, then opens the same document in another window (another
    session) and turns pages: that window says plainly that the tablets do not follow it, and
    one click makes it lead; the first window then says it no longer leads."""
    doc = await document(world, await item(world), "Tài liệu A")
    first = await screens.open("thuky", viewer(world, doc, "?present=1"))
    await first.wait_live()
    await expect(first.page.get_by_role("button", name="Dừng trình chiếu")).to_be_visible()
    await until(first.page, f"window.MeetingLive.state().presenter?.document_id === {doc}")
    member = await screens.open("snv", viewer(world, doc))
    await member.wait_live()
    second = await screens.open("thuky", viewer(world, doc))
    await second.wait_live()
    await second.page.get_by_role("button", name="Trang sau").click()
    note = second.page.locator("#presenting-note.notice")
    await expect(note).to_contain_text(
        "Cửa sổ này không điều khiển trình chiếu: các máy tính bảng đang xem trang 1")
    await expect(second.page.get_by_role("button", name="Trình chiếu tài liệu này")).to_be_hidden()
    await screenshot(second.page, "viewer_second_window")
    await expect_page_shown(member, 1, 4)
    await note.get_by_role("button", name="Trình chiếu từ cửa sổ này").click()
    await expect(second.page.get_by_role("button", name="Dừng trình chiếu")).to_be_visible()
    await expect(second.page.locator("#presenting-note.notice")).to_have_count(0)
    await expect_page_shown(member, 2, 4)
    await second.page.get_by_role("button", name="Trang sau").click()
    await expect_page_shown(member, 3, 4)
    await expect(first.page.locator("#presenting-note.notice")).to_contain_text(
        "các máy tính bảng đang xem trang 3")
    await expect_page_shown(first, 1, 4)


async def test_stopping_the_presentation_leaves_the_tablets_where_they_are(
        world: World, screens: Screens) -> None:
    doc = await document(world, await item(world), "Tài liệu A")
    chair = await screens.open("pct", viewer(world, doc, "?present=1"))
    await chair.wait_live()
    member = await screens.open("snv", viewer(world, doc))
    await member.wait_live()
    await chair.page.get_by_role("button", name="Trang sau").click()
    await expect_page_shown(member, 2, 4)
    await chair.page.get_by_role("button", name="Dừng trình chiếu").click()
    await expect(chair.page.get_by_role("button", name="Trình chiếu tài liệu này")).to_be_visible()
    await until(member.page, "window.MeetingLive.state().presenter === null")
    assert (await state(world))["presenter"] is None
    await expect_page_shown(member, 2, 4)


async def test_the_meeting_page_shows_the_status_and_follows_the_presenter(
        world: World, screens: Screens) -> None:
    doc = await document(world, await item(world), "Tài liệu A")
    member = await screens.open("snv", f"/meetings/{world.meeting_id}")
    await member.wait_live()
    status = member.page.locator("#meeting-status")
    await expect(status).to_have_text("Sắp diễn ra")
    r = await world.secretary.patch(f"/api/meetings/{world.meeting_id}",
                                    json={"status": "in_progress"})
    assert r.status_code == 200, r.text
    await expect(status).to_have_text("Đang họp")
    await expect(member.page.locator("#meeting-timer")).to_contain_text("Thời gian họp")
    # Not following: the page says what the room is shown, live.
    follow = member.page.get_by_label("Theo người trình bày đến tài liệu")
    await follow.uncheck()
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/presenter",
                              json={"document_id": doc, "page": 3})
    assert r.status_code == 200, r.text
    await expect(member.page.locator("#presenting-banner")).to_contain_text(
        "Đang trình chiếu: Tài liệu A, trang 3")
    assert f"/meetings/{world.meeting_id}" == member.page.url.removeprefix(member.link.url)
    # Following: to the document, at the presenter's page.
    await follow.click()  # checked: the page goes at once
    await member.page.wait_for_url(re.compile(rf"/documents/{doc}\b"))
    await member.wait_live()
    await expect_page_shown(member, 3, 4)


async def test_the_status_says_live_once_the_network_is_back(
        world: World, screens: Screens) -> None:
    member = await screens.open("snv", f"/meetings/{world.meeting_id}")
    member.allowed += OFFLINE_NOISE
    await member.wait_live()
    status = member.page.locator("#live-status")
    # Chromium keeps the socket through its offline mode, as a short Wi-Fi outage can.
    await member.context.set_offline(True)
    await expect(status).to_have_text(re.compile(r"^Mất kết nối mạng"))
    await member.context.set_offline(False)
    await expect(status).to_have_attribute("data-online", "true")
    await expect(status).to_have_text("Đã kết nối lại. Đã kết nối")


async def test_a_page_already_seen_opens_offline(world: World, screens: Screens) -> None:
    member = await screens.open("snv", f"/meetings/{world.meeting_id}")
    member.allowed += OFFLINE_NOISE
    await member.wait_live()
    await until(member.page, "navigator.serviceWorker.controller !== null")
    await member.page.goto(member.url("/tasks"))
    await until(member.page, cache_is_kept(f"meeting-{world.meeting_id}"))
    member.link.cut()
    await member.context.set_offline(True)
    await member.page.goto(member.url(f"/meetings/{world.meeting_id}"))
    await expect(member.page.locator("h1")).to_have_text(
        "Phiên họp Ban Chỉ đạo cải cách hành chính")
    await expect(member.page.locator("#live-status")).to_have_attribute("data-online", "false")


async def test_pairing_another_user_forgets_the_previous_one(
        world: World, screens: Screens) -> None:
    tablet = await screens.open("snv", f"/meetings/{world.meeting_id}")
    tablet.allowed += [*OFFLINE_NOISE, "status of 503"]  # the page saying it was not kept
    await tablet.wait_live()
    await until(tablet.page, cache_is_kept(f"meeting-{world.meeting_id}"))
    r = await world.secretary.post("/api/pairing-codes", json={"user_id": world.users["stp"]})
    assert r.status_code == 201, r.text
    await tablet.page.goto(tablet.url(f"/pair?code={r.json()['code']}"))
    await tablet.page.wait_for_url(re.compile(rf"/meetings/{world.other_meeting_id}$"))
    await expect(tablet.page.locator(".who")).to_contain_text("Phạm Thu Hà")
    kept = await tablet.page.evaluate("caches.keys()")
    assert f"meeting-{world.meeting_id}" not in kept, kept
    tablet.link.cut()
    await tablet.context.set_offline(True)
    await tablet.page.goto(tablet.url(f"/meetings/{world.meeting_id}"))
    await expect(tablet.page.locator("#offline-page")).to_be_visible()
    await expect(tablet.page.locator("body")).not_to_contain_text("Nguyễn Văn An")


async def test_a_removed_participants_tablet_drops_the_meeting_when_it_connects(
        world: World, screens: Screens) -> None:
    doc = await document(world, await item(world), "Tài liệu A")
    member = await screens.open("snv", viewer(world, doc))
    member.allowed += [*OFFLINE_NOISE, "404 (Not Found)"]
    await member.wait_live()
    await expect_page_shown(member, 1, 4)
    meeting_cache = f"meeting-{world.meeting_id}"
    await until(member.page, cache_is_kept(meeting_cache))
    member.link.cut()
    await expect(member.page.locator("#live-status")).to_have_attribute("data-online", "false")
    r = await world.secretary.delete(
        f"/api/meetings/{world.meeting_id}/participants/{world.users['snv']}")
    assert r.status_code == 204, r.text
    member.link.restore()
    await until(member.page, cache_is_kept(meeting_cache, kept=False))
    await expect(member.page.locator("h1")).to_have_text("Không tìm thấy")


async def test_a_whole_page_fits_a_landscape_tablet(world: World, screens: Screens) -> None:
    doc = await document(world, await item(world), "Tài liệu A")
    member = await screens.open("snv", viewer(world, doc), LANDSCAPE)
    await member.wait_live()
    await expect_page_shown(member, 1, 4)
    await expect(member.page.get_by_role("button", name="Vừa trang")).to_have_attribute(
        "aria-pressed", "true")
    box = await member.page.locator("#page-image").bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= LANDSCAPE["height"], box
    assert box["height"] > 0.8 * LANDSCAPE["height"], box  # as large as the screen allows
    assert abs(box["width"] / box["height"] - 595.28 / 841.89) < 0.02, box  # the whole A4 page
    await member.page.get_by_role("button", name="Vừa chiều rộng").click()
    wide = await member.page.locator("#page-image").bounding_box()
    assert wide is not None and wide["height"] > LANDSCAPE["height"], wide


async def test_an_empty_list_of_conclusions_is_not_numbered(
        world: World, screens: Screens) -> None:
    member = await screens.open("snv", f"/meetings/{world.meeting_id}")
    await member.wait_live()
    empty = member.page.locator("#conclusions li.empty")
    await expect(empty).to_have_text("Chưa có kết luận.")
    assert await empty.evaluate("(li) => getComputedStyle(li).listStyleType") == "none"
