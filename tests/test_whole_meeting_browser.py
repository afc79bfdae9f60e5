"""Issue 12's acceptance: a whole meeting run from the pages, with no API call but the sign-in
fixtures, and a tablet signed out and offline that shows nothing of its previous user.

Screens: the secretary's laptop; two members' tablets, each on its own Wi-Fi link (a FlakyLink
that can drop) and signed in with a session cookie.
"""

from __future__ import annotations

import re
import time

import pdfs
from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    Tablet,
    chromium,
    expect_page_shown,
    server_in_the_sessions_loop,
    until,
    world_in_the_sessions_loop,
)
from playwright.async_api import Locator, Page, expect
from screens import (  # noqa: F401 (screens: a fixture)
    BROWSER_TESTS,
    LAPTOP,
    OFFLINE_NOISE,
    Screens,
    cache_is_kept,
    document,
    item,
    screens_of_the_test,
)

from conftest import World

pytestmark = BROWSER_TESTS

TITLE = "Phiên họp giao ban công tác cải cách hành chính tháng 12"



async def upload(page: Page, item_title: str, title: str) -> None:
    row = page.locator("#console-agenda li.agenda-item").filter(has_text=item_title)
    await row.locator("input.upload").set_input_files(
        {"name": "bao-cao.pdf", "mimeType": "application/pdf",
         "buffer": pdfs.sample(pdfs.FOUR_PAGES)})
    dialog = page.get_by_role("dialog", name="Tải lên tài liệu")
    await expect(dialog.get_by_label("Tên tài liệu")).to_have_value("bao cao")
    await dialog.get_by_label("Tên tài liệu").fill(title)
    await dialog.get_by_role("button", name="Tải lên").click()
    await expect(dialog).to_be_hidden()
    await expect(row.get_by_role("link", name=title)).to_be_visible()


def document_row(page: Page, title: str) -> Locator:
    return page.locator("#console-agenda .documents li").filter(has_text=title)


async def test_a_whole_meeting_from_the_pages(world: World, screens: Screens) -> None:
    # The secretary creates the meeting from the home page, with its chair.
    laptop = await screens.open("thuky", "/", LAPTOP)
    page = laptop.page
    await page.get_by_role("link", name="Tạo cuộc họp mới").click()
    form = page.locator("#meeting-form")
    await form.get_by_label("Tên", exact=True).fill(TITLE)
    await form.get_by_label("Địa điểm").fill("Phòng họp số 2")
    await form.get_by_label("Người chủ trì").select_option(label="Trần Văn Minh")
    await form.get_by_role("button", name="Tạo cuộc họp").click()
    await page.wait_for_url(re.compile(r"/meetings/\d+/console$"))
    meeting = int(page.url.rsplit("/", 2)[1])
    await laptop.wait_live()

    # Participants, the agenda, and its documents with their titles.
    people = page.locator("#participant-form")
    for name in ("Nguyễn Văn An · Sở Nội vụ", "Phạm Thu Hà · Sở Tư pháp"):
        await people.get_by_label("Thêm thành phần tham dự").select_option(label=name)
        await people.get_by_role("button", name="Thêm").click()
        await expect(people.get_by_label("Thêm thành phần tham dự")).to_have_value("")
    await expect(page.locator("#attendance tbody tr")).to_have_count(3)
    agenda = page.locator("#item-form")
    for title, minutes in (("Báo cáo tình hình tháng 12", "15"), ("Kế hoạch năm tới", "20")):
        await agenda.get_by_label("Nội dung mới").fill(title)
        await agenda.get_by_label("Số phút").fill(minutes)
        await agenda.get_by_role("button", name="Thêm nội dung").click()
        await expect(page.locator("#console-agenda li.agenda-item").filter(
            has_text=title)).to_be_visible()
    await upload(page, "Báo cáo tình hình tháng 12", "Báo cáo A")
    await upload(page, "Kế hoạch năm tới", "Kế hoạch B")

    # It starts; the members' tablets are on the meeting page.
    await page.get_by_role("button", name="Bắt đầu cuộc họp").click()
    await expect(page.locator("#meeting-status")).to_have_text("Đang họp")
    tablets: list[Tablet] = []
    for username in ("snv", "stp"):
        tablet = await screens.open(username, f"/meetings/{meeting}")
        await tablet.wait_live()
        await expect(tablet.page.locator("#meeting-status")).to_have_text("Đang họp")
        tablets.append(tablet)
    offline, other = tablets
    offline.allowed += OFFLINE_NOISE

    # The secretary presents A, then B and turns B's pages: both tablets follow.
    await document_row(page, "Báo cáo A").get_by_role(
        "button", name="Trình chiếu", exact=True).click()
    for tablet in tablets:
        await tablet.page.wait_for_url(re.compile(r"/documents/\d+"))
        await tablet.wait_live()
        await expect(tablet.page.locator("h1")).to_have_text("Báo cáo A")
    await document_row(page, "Kế hoạch B").get_by_role(
        "link", name="Trình chiếu và lật trang").click()
    await laptop.wait_live()
    await expect(page.get_by_role("button", name="Dừng trình chiếu")).to_be_visible()
    for tablet in tablets:
        await expect(tablet.page.locator("h1")).to_have_text("Kế hoạch B")
        await tablet.wait_live()
    for n in (2, 3):
        await page.get_by_role("button", name="Trang sau").click()
        for tablet in tablets:
            await expect_page_shown(tablet, n, 4)

    # One tablet loses the Wi-Fi, reloads the open document offline, and comes back.
    await until(offline.page, cache_is_kept(f"meeting-{meeting}"))
    offline.link.cut()
    await offline.context.set_offline(True)
    await offline.page.reload()
    await expect(offline.page.locator("h1")).to_have_text("Kế hoạch B")
    await expect_page_shown(offline, 3, 4)
    await expect(offline.page.locator("#live-status")).to_have_attribute("data-online", "false")
    offline.link.restore()
    await offline.context.set_offline(False)
    back = time.monotonic()
    await expect(offline.page.locator("#live-status")).to_have_attribute("data-online", "true")
    live_after = time.monotonic() - back
    assert live_after <= 5, f"'live' {live_after:.1f} s after the network returned"

    # Back on the console: a conclusion saved with a double click is saved once.
    await page.get_by_role("link", name=TITLE).click()
    await page.get_by_role("link", name="Bàn làm việc của thư ký").click()
    await laptop.wait_live()
    record = page.locator("#conclusion-form")
    await record.get_by_label("Ý kiến kết luận của chủ trì").fill(
        "Các sở hoàn thành kế hoạch cải cách hành chính năm tới trước ngày 31/12.")
    await record.get_by_role("button", name="Lưu kết luận").dblclick()
    await expect(record.get_by_label("Ý kiến kết luận của chủ trì")).to_have_value("")
    await expect(page.locator("#conclusions li.conclusion")).to_have_count(1)

    # A task, then its deadline changed.
    tasks = page.locator("#task-form")
    await tasks.get_by_label("Nhiệm vụ").fill("Trình kế hoạch cải cách hành chính năm tới")
    await tasks.get_by_label("Đơn vị chủ trì").select_option("SNV")
    await tasks.get_by_label("hoặc chọn ngày").fill("2030-01-15")
    await tasks.get_by_role("button", name="Giao nhiệm vụ").click()
    task = page.locator("#conclusions li.task")
    await expect(task).to_contain_text("Thời hạn: 15/01/2030")
    await task.get_by_role("button", name="Sửa").click()
    editor = page.get_by_role("dialog", name="Sửa nhiệm vụ")
    await editor.get_by_label("hoặc chọn ngày").fill("2030-02-28")
    await editor.get_by_role("button", name="Lưu").click()
    await expect(task).to_contain_text("Thời hạn: 28/02/2030")
    await other.page.goto(other.url(f"/meetings/{meeting}"))
    await other.wait_live()
    await expect(other.page.locator("#conclusions li.task")).to_contain_text("28/02/2030")

    # The meeting ends, on every screen.
    await page.get_by_role("button", name="Kết thúc cuộc họp").click()
    await page.get_by_role("button", name="Bấm lần nữa để kết thúc").click()
    await expect(page.locator("#meeting-status")).to_have_text("Đã kết thúc")
    await expect(other.page.locator("#meeting-status")).to_have_text("Đã kết thúc")
    await expect(page.locator("#conclusions li.conclusion")).to_have_count(1)


async def test_a_tablet_signed_out_and_offline_shows_nothing_of_its_user(
        world: World, screens: Screens) -> None:
    doc = await document(world, await item(world), "Báo cáo mật của Sở Nội vụ")
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                               json={"text": "Giao Sở Nội vụ hoàn thiện đề án."})
    assert r.status_code == 201, r.text
    meeting = f"/meetings/{world.meeting_id}"
    tablet = await screens.open("snv", f"{meeting}/documents/{doc}")
    tablet.allowed += [*OFFLINE_NOISE, "status of 503"]  # the page saying it was not kept
    await tablet.wait_live()
    await expect_page_shown(tablet, 1, 4)
    await tablet.page.goto(tablet.url(meeting))
    await tablet.wait_live()
    await until(tablet.page, cache_is_kept(f"meeting-{world.meeting_id}"))
    await tablet.page.get_by_role("button", name="Đăng xuất").click()
    await tablet.page.wait_for_url(re.compile(r"/login$"))
    tablet.link.cut()
    await tablet.context.set_offline(True)
    await tablet.page.goto(tablet.url(meeting))
    await expect(tablet.page.locator("#offline-page")).to_be_visible()
    shown = await tablet.page.locator("body").inner_text()
    for private in ("Nguyễn Văn An", "Phiên họp Ban Chỉ đạo", "Giao Sở Nội vụ", "Báo cáo mật"):
        assert private not in shown, private
    kept = await tablet.page.evaluate("caches.keys()")
    assert all(name.startswith("shell-") or name.startswith("owner-") for name in kept), kept
    image = await tablet.page.evaluate(f"""() => fetch("/api/documents/{doc}/pages/1?version=1")
        .then((r) => r.status, () => "unreachable")""")
    assert image == "unreachable"
