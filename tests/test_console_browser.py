"""Issue 12 on the secretary's console, on a laptop: presenting from it, the meeting's timers and
life cycle, the layout, participants, editing conclusions and tasks, one change per action, and
errors in Vietnamese, inline."""

from __future__ import annotations

import re
from typing import Any

import pdfs
from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    Tablet,
    chromium,
    server_in_the_sessions_loop,
    until,
    world_in_the_sessions_loop,
)
from playwright.async_api import Locator, expect
from screens import (  # noqa: F401 (screens: a fixture)
    BROWSER_TESTS,
    LAPTOP,
    Screens,
    conclusion_with_task,
    document,
    item,
    screens_of_the_test,
    state,
)

from conftest import World

pytestmark = BROWSER_TESTS


async def console(world: World, screens: Screens, username: str = "thuky") -> Tablet:
    screen = await screens.open(username, f"/meetings/{world.meeting_id}/console", LAPTOP)
    await screen.wait_live()
    return screen


def dialog(screen: Tablet, name: str) -> Locator:
    return screen.page.get_by_role("dialog", name=name)


async def test_a_document_is_presented_and_stopped_from_the_console(
        world: World, screens: Screens) -> None:
    doc = await document(world, await item(world), "Tài liệu A")
    secretary = await console(world, screens)
    row = secretary.page.locator(f'#console-agenda li[data-document-id="{doc}"]')
    await row.get_by_role("button", name="Trình chiếu", exact=True).click()
    banner = secretary.page.locator("#presenting-banner")
    await expect(banner).to_contain_text("Đang trình chiếu: Tài liệu A, trang 1")
    assert (await state(world))["presenter"] == {"document_id": doc, "version": 1, "page": 1}
    await expect(row.get_by_role("button", name="Trình chiếu", exact=True)).to_have_attribute(
        "aria-pressed", "true")
    await banner.get_by_role("button", name="Dừng trình chiếu").click()
    await expect(banner).to_be_hidden()
    assert (await state(world))["presenter"] is None


async def test_the_meeting_is_started_timed_and_ended_from_the_console(
        world: World, screens: Screens) -> None:
    first = await item(world, "Báo cáo của Sở Nội vụ", duration_minutes=15)
    secretary = await console(world, screens)
    page = secretary.page
    timer, item_timer = page.locator("#meeting-timer"), page.locator("#item-timer")
    await expect(timer).to_be_hidden()
    await page.get_by_role("button", name="Bắt đầu cuộc họp").click()
    await expect(page.locator("#meeting-status")).to_have_text("Đang họp")
    await expect(timer).to_have_text(re.compile(r"^Thời gian họp 0:0\d$"))
    await page.locator(f'#console-agenda li[data-item-id="{first}"]').get_by_role(
        "button", name="Thảo luận nội dung này").click()
    await expect(item_timer).to_have_text(re.compile(r"^Nội dung 1: 0:\d\d / 15 phút$"))
    end = page.get_by_role("button", name="Kết thúc cuộc họp")
    await end.click()
    await page.get_by_role("button", name="Bấm lần nữa để kết thúc").click()
    await expect(page.locator("#meeting-status")).to_have_text("Đã kết thúc")
    await expect(item_timer).to_be_hidden()
    stopped = await timer.text_content()
    await expect(page.get_by_role("button", name="Mở lại cuộc họp")).to_be_visible()
    meeting = (await state(world))["meeting"]
    assert meeting["status"] == "ended" and meeting["started_at"] and meeting["ended_at"]
    await page.wait_for_timeout(1100)  # the clock has ticked: an ended meeting's time does not
    assert await timer.text_content() == stopped


async def test_agenda_conclusions_and_attendance_are_seen_together_on_a_laptop(
        world: World, screens: Screens) -> None:
    for n in range(6):
        await item(world, f"Nội dung số {n + 1} của phiên họp", presenter="Giám đốc Sở")
    await conclusion_with_task(world)
    secretary = await console(world, screens)
    page = secretary.page
    # The attendance rows are drawn from the live state once it has arrived: measure after.
    await expect(page.locator("#attendance select").first).to_be_visible()
    cards = {name: page.locator(selector) for name, selector in [
        ("agenda", "#console-agenda"), ("conclusions", "#conclusions"),
        ("attendance", "#attendance")]}
    boxes = {}
    for name, locator in cards.items():
        box = await locator.bounding_box()
        assert box is not None, name
        assert box["y"] < LAPTOP["height"] - 100 and box["x"] >= 0, (name, box)
        assert box["x"] + box["width"] <= LAPTOP["width"], (name, box)
        boxes[name] = box
    lefts = sorted(b["x"] for b in boxes.values())
    assert lefts[1] - lefts[0] > 200 and lefts[2] - lefts[1] > 200, boxes  # side by side
    assert await page.evaluate("document.documentElement.scrollHeight") <= LAPTOP["height"] + 2
    # Every attendance choice shows whole in its card.
    fits = await page.locator("#attendance select").evaluate_all("""(selects) => selects.map(s => {
        const card = s.closest(".card").getBoundingClientRect(), box = s.getBoundingClientRect();
        const ruler = document.createElement("canvas").getContext("2d");
        ruler.font = getComputedStyle(s).font;
        const widest = Math.max(...[...s.options].map((o) => ruler.measureText(o.text).width));
        return box.right <= card.right && box.left >= card.left && box.width >= widest + 20;
    })""")
    assert fits and all(fits), fits


async def test_participants_are_added_and_removed_and_only_pairable_ones_get_a_code(
        world: World, screens: Screens) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/participants",
                                   json={"user_id": world.users["thuky"], "role": "secretary"})
    assert r.status_code == 201, r.text
    secretary = await console(world, screens)
    page = secretary.page
    form = page.locator("#participant-form")
    await form.get_by_label("Thêm thành phần tham dự").select_option(
        label="Phạm Thu Hà · Sở Tư pháp")
    await form.get_by_label("Vai trò").select_option("guest")
    await form.get_by_role("button", name="Thêm").click()
    stp = page.locator(f'#attendance tr[data-user-id="{world.users["stp"]}"]')
    await expect(stp).to_contain_text("Khách mời")
    # A secretary pairs members only: not another secretary's account.
    await expect(stp.get_by_role("button", name="Ghép nối")).to_be_visible()
    own = page.locator(f'#attendance tr[data-user-id="{world.users["thuky"]}"]')
    await expect(own).to_be_visible()
    await expect(own.get_by_role("button", name="Ghép nối")).to_have_count(0)
    snv = page.locator(f'#attendance tr[data-user-id="{world.users["snv"]}"]')
    await snv.get_by_role("button", name="Bỏ khỏi cuộc họp").click()
    await dialog(secretary, "Bỏ Nguyễn Văn An khỏi thành phần tham dự cuộc họp?").get_by_role(
        "button", name="Bỏ khỏi cuộc họp").click()
    await expect(snv).to_have_count(0)
    people = {p["user_id"]: p["role"] for p in (await state(world))["participants"]}
    assert people[world.users["stp"]] == "guest" and world.users["snv"] not in people


async def test_a_conclusion_is_edited(world: World, screens: Screens) -> None:
    conclusion, _ = await conclusion_with_task(world)
    secretary = await console(world, screens)
    row = secretary.page.locator(f'#conclusions li[data-conclusion-id="{conclusion}"]')
    await row.locator(".item-tools").get_by_role("button", name="Sửa").click()
    editor = dialog(secretary, "Sửa kết luận")
    await editor.get_by_label("Ý kiến kết luận của chủ trì").fill("Sở Nội vụ hoàn thành rà soát.")
    await editor.get_by_role("button", name="Lưu").click()
    await expect(editor).to_be_hidden()
    await expect(row.locator(".conclusion-text")).to_have_text("Sở Nội vụ hoàn thành rà soát.")
    assert [c["text"] for c in (await state(world))["conclusions"]] == [
        "Sở Nội vụ hoàn thành rà soát."]


async def test_a_task_is_reassigned_and_re_dated(world: World, screens: Screens) -> None:
    _, task = await conclusion_with_task(world)
    secretary = await console(world, screens)
    row = secretary.page.locator(f'#conclusions li.task[data-task-id="{task}"]')
    await row.get_by_role("button", name="Sửa").click()
    editor = dialog(secretary, "Sửa nhiệm vụ")
    await editor.get_by_label("Đơn vị chủ trì").select_option("STP")
    await editor.get_by_label("hoặc chọn ngày").fill("2019-08-15")
    await editor.get_by_role("button", name="Lưu").click()
    await expect(editor).to_be_hidden()
    await expect(row).to_contain_text("Chủ trì: Sở Tư pháp")
    await expect(row).to_contain_text("15/08/2019")
    [found] = (await state(world))["tasks"]
    assert (found["lead_unit"], found["due_date"]) == ("STP", "2019-08-15")


async def test_a_task_is_cancelled_with_its_reason(world: World, screens: Screens) -> None:
    _, task = await conclusion_with_task(world)
    secretary = await console(world, screens)
    row = secretary.page.locator(f'#conclusions li.task[data-task-id="{task}"]')
    await row.get_by_role("button", name="Hủy nhiệm vụ").click()
    editor = dialog(secretary, "Hủy nhiệm vụ")
    await editor.get_by_label("Lý do hủy").fill("Đã giao trong kết luận của phiên họp trước.")
    await editor.get_by_role("button", name="Hủy nhiệm vụ").click()
    await expect(editor).to_be_hidden()
    await expect(row.get_by_role("button", name="Hủy nhiệm vụ")).to_have_count(0)
    found = (await world.secretary.get(f"/api/tasks/{task}")).json()
    assert found["status"] == "cancelled"
    assert [u["note"] for u in found["updates"]] == ["Đã giao trong kết luận của phiên họp trước."]


async def test_a_double_click_assigns_one_task(world: World, screens: Screens) -> None:
    await conclusion_with_task(world)
    secretary = await console(world, screens)
    form = secretary.page.locator("#task-form")
    await form.get_by_label("Nhiệm vụ").fill("Báo cáo kết quả rà soát")
    await form.get_by_label("Đơn vị chủ trì").select_option("SNV")
    await form.get_by_label("hoặc chọn ngày").fill("2019-08-30")
    await form.get_by_role("button", name="Giao nhiệm vụ").dblclick()
    await expect(secretary.page.locator("#conclusions li.task")).to_have_count(2)
    await expect(form.get_by_label("Nhiệm vụ")).to_have_value("")
    titles = [t["title"] for t in (await state(world))["tasks"]]
    assert titles.count("Báo cáo kết quả rà soát") == 1, titles


async def upload(secretary: Tablet, item_id: int, name: str, content: bytes) -> Locator:
    """Chooses a file for the item; the upload dialog opens, asking for the title."""
    row = secretary.page.locator(f'#console-agenda li[data-item-id="{item_id}"]')
    await row.locator("input.upload").set_input_files(
        {"name": name, "mimeType": "application/pdf", "buffer": content})
    editor = dialog(secretary, "Tải lên tài liệu")
    await expect(editor).to_be_visible()
    return editor


async def test_an_upload_asks_for_the_title_and_a_double_click_uploads_once(
        world: World, screens: Screens) -> None:
    item_id = await item(world)
    secretary = await console(world, screens)
    editor = await upload(secretary, item_id, "bao_cao_tien_do-quy_3.pdf",
                          pdfs.sample(pdfs.FOUR_PAGES))
    title = editor.get_by_label("Tên tài liệu")
    await expect(title).to_have_value("bao cao tien do-quy 3")
    await title.fill("Báo cáo tiến độ quý III")
    await editor.get_by_role("button", name="Tải lên").dblclick()
    await expect(editor).to_be_hidden()
    row = secretary.page.locator(f'#console-agenda li[data-item-id="{item_id}"]')
    await expect(row.get_by_role("link", name="Báo cáo tiến độ quý III")).to_be_visible()
    docs = [d["title"] for d in (await state(world))["documents"]]
    assert docs == ["Báo cáo tiến độ quý III"], docs


async def test_a_refused_upload_is_explained_in_vietnamese_in_the_dialog(
        world: World, screens: Screens) -> None:
    item_id = await item(world)
    secretary = await console(world, screens)
    secretary.allowed.append("422 (Unprocessable")
    editor = await upload(secretary, item_id, "mat-khau.pdf", pdfs.sample(pdfs.ENCRYPTED))
    await editor.get_by_role("button", name="Tải lên").click()
    await expect(editor.get_by_role("alert")).to_have_text(
        "Tệp PDF có đặt mật khẩu; vui lòng tải lên bản không đặt mật khẩu.")
    await expect(editor).to_be_visible()  # to choose another file, or cancel
    assert (await state(world))["documents"] == []


async def test_the_suggested_title_leaves_out_any_extension_but_keeps_a_numbers_dot(
        world: World, screens: Screens) -> None:
    """A Word file chosen by mistake suggested "bad.docx" as the document's title."""
    item_id = await item(world)
    secretary = await console(world, screens)
    editor = await upload(secretary, item_id, "Báo cáo quý 3.docx", b"not a pdf")
    await expect(editor.get_by_label("Tên tài liệu")).to_have_value("Báo cáo quý 3")
    await editor.get_by_role("button", name="Hủy").click()
    editor = await upload(secretary, item_id, "Kế hoạch số 12.2019.PDF", b"not a pdf")
    await expect(editor.get_by_label("Tên tài liệu")).to_have_value("Kế hoạch số 12.2019")


async def test_a_task_without_a_deadline_is_explained_in_vietnamese_inline(
        world: World, screens: Screens) -> None:
    await conclusion_with_task(world)
    secretary = await console(world, screens)
    secretary.allowed.append("422 (Unprocessable")
    form = secretary.page.locator("#task-form")
    await form.get_by_label("Nhiệm vụ").fill("Báo cáo kết quả")
    await form.get_by_label("Đơn vị chủ trì").select_option("SNV")
    await form.get_by_role("button", name="Giao nhiệm vụ").click()
    await expect(form.get_by_role("alert")).to_have_text(re.compile(r"^Vui lòng ghi thời hạn"))
    await expect(form.get_by_role("button", name="Giao nhiệm vụ")).to_be_enabled()


async def publish_draft(world: World) -> dict[str, Any]:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "minutes"})
    assert r.status_code == 201, r.text
    draft: dict[str, Any] = r.json()
    return draft


async def test_a_double_click_publishes_once(world: World, screens: Screens) -> None:
    draft = await publish_draft(world)
    secretary = await screens.open("thuky", f"/publications/{draft['id']}", LAPTOP)
    asked = screens.allow_dialogs(secretary)
    end_time = secretary.page.locator("#publication-form [name=end_time]")
    if await end_time.count():  # the minutes say when the meeting ended
        await end_time.fill("11:30")
    await secretary.page.get_by_role("button", name="Ban hành").dblclick()
    await expect(secretary.page.locator(".pub-title .status")).to_have_text("Đã ban hành")
    assert len(asked) == 1, asked
    listed = [p for p in (await state(world))["publications"] if p["status"] == "published"]
    assert len(listed) == 1, listed
