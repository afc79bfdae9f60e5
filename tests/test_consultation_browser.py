"""On a tablet: a member answers a request for written opinion from the home page, and the
document viewer reports the pages read, also across a Wi-Fi drop."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

from browser_support import (  # noqa: F401 (chromium, server, world: fixtures)
    chromium,
    expect_page_shown,
    screenshot,
    server_in_the_sessions_loop,
    until,
    world_in_the_sessions_loop,
)
from notify_support import set_now
from playwright.async_api import expect
from screens import (  # noqa: F401 (screens: a fixture)
    BROWSER_TESTS,
    OFFLINE_NOISE,
    PORTRAIT,
    Screens,
    document,
    item,
    screens_of_the_test,
)

from conftest import World

pytestmark = BROWSER_TESTS


async def test_a_member_answers_a_consultation_on_a_tablet(world: World,
                                                          screens: Screens) -> None:
    set_now(world.server, datetime(2030, 1, 1, 9))
    r = await world.secretary.post("/api/consultations", json={
        "title": "Dự thảo Kế hoạch chuyển đổi số năm 2030",
        "question": "Đề nghị các đồng chí cho ý kiến về dự thảo kế hoạch.",
        "deadline": "2030-01-05T17:00:00+07:00", "recipients": [world.users["snv"]]})
    assert r.status_code == 201, r.text
    consultation = r.json()["id"]
    tablet = await screens.open("snv", "/", PORTRAIT)
    page = tablet.page
    pending = page.locator("#pending-consultations")
    await expect(pending).to_contain_text("Dự thảo Kế hoạch chuyển đổi số năm 2030")
    await pending.get_by_role("link").click()
    await expect(page.locator("#consultation-question")).to_contain_text("Đề nghị các đồng chí")
    await page.get_by_label("Có ý kiến khác").check()
    await page.get_by_label("Nội dung góp ý").fill("Bổ sung chỉ tiêu về dịch vụ công trực tuyến.")
    await page.get_by_role("button", name="Gửi ý kiến").click()
    await expect(page.locator("#answer-saved")).to_be_visible()
    await expect(page.locator("#answer-saved")).to_contain_text("Đã ghi nhận ý kiến")
    summary = (await world.secretary.get(f"/api/consultations/{consultation}")).json()
    assert summary["answers"][0]["answer"] == "comment"
    assert summary["answers"][0]["comment"] == "Bổ sung chỉ tiêu về dịch vụ công trực tuyến."
    # The answer can be changed until the deadline; after it, the form is closed.
    await page.get_by_label("Đồng ý", exact=True).check()
    await page.get_by_role("button", name="Gửi ý kiến").click()
    while (await world.secretary.get(f"/api/consultations/{consultation}")
           ).json()["answers"][0]["answer"] != "agree":
        await asyncio.sleep(0.05)
    set_now(world.server, datetime(2030, 1, 6, 9))
    await page.reload()
    await expect(page.locator("#consultation-state")).to_contain_text("đã hết hạn")
    await expect(page.get_by_role("button", name="Gửi ý kiến")).to_have_count(0)


async def test_a_refused_request_names_what_to_fix_in_words_not_api_field_names(
        world: World, screens: Screens) -> None:
    """Nobody ticked said "Trường 'recipients' phải là danh sách mã số."; a too long text named
    the field by its API name and wrote its limit as 10000."""
    secretary = await screens.open("thuky", "/consultations", PORTRAIT)
    secretary.allowed.append("422 (Unprocessable")
    page = secretary.page
    await page.get_by_text("Gửi phiếu xin ý kiến").click()
    form = page.locator("#new-consultation")
    await form.get_by_label("Tên").fill("Dự thảo Quy chế làm việc")
    await form.get_by_label("Nội dung xin ý kiến").fill("Đề nghị cho ý kiến.")
    await form.get_by_label("Hạn trả lời").fill("2030-01-05T17:00")
    await form.get_by_role("button", name="Gửi", exact=True).click()
    await expect(form.get_by_role("alert")).to_have_text("Chọn ít nhất một người được xin ý kiến.")
    await form.locator("input[name=recipients]").first.check()
    # typing stops at maxlength; a pasted or scripted text need not
    await form.get_by_label("Nội dung xin ý kiến").evaluate(
        "(area) => { area.value = 'Đề nghị cho ý kiến. '.repeat(600); }")
    await form.get_by_role("button", name="Gửi", exact=True).click()
    await expect(form.get_by_role("alert")).to_have_text(
        "Trường “Nội dung xin ý kiến” dài quá 10.000 ký tự.")
    assert (await world.secretary.get("/api/consultations")).json()["consultations"] == []


async def test_on_a_tablet_each_answer_sits_beside_its_radio_button_under_one_heading(
        world: World, screens: Screens) -> None:
    """At 768×1024 the radio buttons floated mid-line, away from "Đồng ý", "Không đồng ý" and
    "Có ý kiến khác", and "Ý kiến của đồng chí" was written twice (heading and legend)."""
    set_now(world.server, datetime(2030, 1, 1, 9))
    r = await world.secretary.post("/api/consultations", json={
        "title": "Dự thảo Kế hoạch", "question": "Đề nghị cho ý kiến.",
        "deadline": "2030-01-05T17:00:00+07:00", "recipients": [world.users["snv"]]})
    assert r.status_code == 201, r.text
    tablet = await screens.open("snv", f"/consultations/{r.json()['id']}",
                                {"width": 768, "height": 1024})
    page = tablet.page
    await expect(page.get_by_text("Ý kiến của đồng chí", exact=True)).to_have_count(1)
    await screenshot(page, "consultation_answer_768")
    for name in ("Đồng ý", "Không đồng ý", "Có ý kiến khác"):
        radio = page.get_by_role("radio", name=name, exact=True)
        label = page.locator("label.check", has=radio)
        box, words = await radio.bounding_box(), await label.bounding_box()
        assert box and words
        assert box["width"] < 40 and box["x"] - words["x"] < 8, name  # a button starts the line
        middle = words["y"] + words["height"] / 2  # and the words are on its line, not under it
        assert abs(box["y"] + box["height"] / 2 - middle) < 4, name


async def pages_seen(world: World, doc: int) -> int:
    found: dict[str, Any] = (await world.secretary.get(
        f"/api/meetings/{world.meeting_id}/reading")).json()
    shown = next(d for d in found["documents"] if d["id"] == doc)
    row = next(r for r in shown["readers"] if r["user_id"] == world.users["snv"])
    return int(row["pages_seen"])


async def test_the_viewer_reports_pages_read_even_across_a_wifi_drop(
        world: World, screens: Screens) -> None:
    doc = await document(world, await item(world), "Báo cáo tổng hợp")
    tablet = await screens.open("snv", f"/meetings/{world.meeting_id}/documents/{doc}")
    tablet.allowed += OFFLINE_NOISE
    await expect_page_shown(tablet, 1, 4)
    await until(tablet.page, "() => window.MeetingReading && window.MeetingReading.pending() === 0")
    assert await pages_seen(world, doc) == 1
    tablet.link.cut()
    await tablet.page.evaluate("""(doc) => document.dispatchEvent(new CustomEvent("viewer:page",
        {detail: {documentId: doc, version: 1, page: 3, pageCount: 4}}))""", doc)
    await until(tablet.page, "() => window.MeetingReading.pending() === 1")
    tablet.link.restore()
    await until(tablet.page, "() => window.MeetingReading.pending() === 0")
    assert await pages_seen(world, doc) == 2


async def test_a_member_sets_their_email_and_reads_a_notification(world: World,
                                                                 screens: Screens) -> None:
    r = await world.secretary.post("/api/consultations", json={
        "title": "Lấy ý kiến về lịch họp quý I", "question": "Đề nghị cho ý kiến.",
        "deadline": "2099-01-05T17:00:00+07:00", "recipients": [world.users["snv"]]})
    assert r.status_code == 201, r.text
    tablet = await screens.open("snv", "/", PORTRAIT)
    page = tablet.page
    await expect(page.locator("#unread-count")).to_have_text("1")
    await page.locator("#email-box summary").click()
    await page.get_by_label("Địa chỉ email").fill("an.nv@snv.example.vn")
    await page.locator("#email-form").get_by_role("button", name="Lưu").click()
    await expect(page.locator("#email-box summary")).to_contain_text("an.nv@snv.example.vn")
    await page.get_by_role("button", name="Đánh dấu tất cả là đã đọc").click()
    await expect(page.locator("#unread-count")).to_have_count(0)
    found = (await world.member.get("/api/notifications")).json()
    assert found["unread"] == 0
