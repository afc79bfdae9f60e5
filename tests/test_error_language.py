"""Error messages in the caller's language: the ``code`` never changes, the ``message`` follows
the ``lang`` cookie, then ``Accept-Language``, then English; pages show them in their own."""

from __future__ import annotations

import pdfs
from test_i18n import VIETNAMESE_LETTERS as VIETNAMESE

from conftest import World

VI = {"Accept-Language": "vi-VN,vi;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


async def conclusion(world: World) -> int:
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                               json={"text": "Kết luận"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_a_missing_deadline_is_explained_in_vietnamese_to_a_vietnamese_browser(
        world: World) -> None:
    r = await world.secretary.post(f"/api/conclusions/{await conclusion(world)}/tasks",
                                   json={"title": "Việc", "lead_unit": "SNV"}, headers=VI)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "bad_deadline"
    assert r.json()["error"]["message"].startswith("Vui lòng ghi thời hạn")


async def test_the_same_error_in_english_for_an_english_browser(world: World) -> None:
    r = await world.secretary.post(f"/api/conclusions/{await conclusion(world)}/tasks",
                                   json={"title": "Việc", "lead_unit": "SNV"}, headers=EN)
    assert r.json()["error"] == {
        "code": "bad_deadline", "field": "due_text",
        "message": "Give a deadline: a date, or words such as 'trong tháng 7' or "
                   "'thường xuyên'."}


async def test_an_api_client_that_names_no_language_gets_english(world: World) -> None:
    r = await world.secretary.get("/api/tasks", params={"status": "late"})
    assert r.json()["error"]["message"].startswith("'status' must be one of")


async def test_the_language_chosen_on_the_pages_wins_over_the_browsers(world: World) -> None:
    for chosen, browser, start in (("en", VI, "'status' must be one of"),
                                   ("vi", EN, "'status' phải là một trong")):
        world.secretary.cookies.set("lang", chosen)
        r = await world.secretary.get("/api/tasks", params={"status": "late"}, headers=browser)
        assert r.json()["error"]["message"].startswith(start)


async def test_values_are_put_into_the_translated_message(world: World) -> None:
    r = await world.admin.post("/api/units", json={"code": "SNV", "name": "Sở Nội vụ"},
                               headers=VI)
    assert r.status_code == 409
    assert r.json()["error"] == {"code": "unit_exists",
                                 "message": "Đã có đơn vị mang mã 'SNV'."}


async def test_a_refused_pdf_is_explained_in_vietnamese(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Báo cáo"})
    item = r.json()["id"]
    r = await world.secretary.post(
        f"/api/agenda-items/{item}/documents", headers=VI,
        files={"file": ("mat-khau.pdf", pdfs.sample(pdfs.ENCRYPTED), "application/pdf")})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "encrypted_pdf"
    assert r.json()["error"]["message"] == (
        "Tệp PDF có đặt mật khẩu; vui lòng tải lên bản không đặt mật khẩu.")


async def test_a_deadline_phrase_written_in_both_languages_gives_the_pages_half(
        world: World) -> None:
    params = {"text": "hôm qua", "meeting_id": str(world.meeting_id)}
    vi = (await world.secretary.get("/api/deadline", params=params, headers=VI)).json()
    en = (await world.secretary.get("/api/deadline", params=params, headers=EN)).json()
    assert vi["error"]["code"] == en["error"]["code"] == "bad_deadline"
    said_vi, said_en = vi["error"]["message"], en["error"]["message"]
    assert " / " not in said_vi and " / " not in said_en
    # What comes before the quoted phrase is the message's own words, in one language.
    assert VIETNAMESE.search(said_vi.split("“")[0])
    assert "“hôm qua”" in said_en and not VIETNAMESE.search(said_en.split("“")[0])


async def test_an_error_page_speaks_the_pages_language(world: World) -> None:
    vi = await world.member.get(f"/meetings/{world.other_meeting_id}", headers=VI)
    assert vi.status_code == 404 and "Không tìm thấy cuộc họp." in vi.text
    en = await world.member.get(f"/meetings/{world.other_meeting_id}", params={"lang": "en"})
    assert "Meeting not found." in en.text


async def test_a_limit_in_a_message_is_written_with_the_languages_thousands_separator(
        world: World) -> None:
    path = f"/api/meetings/{world.meeting_id}/conclusions"
    long = {"text": "Kết luận " * 1200}
    vi = (await world.chair.post(path, json=long, headers=VI)).json()["error"]
    assert vi["field"] == "text" and vi["message"] == "Trường 'text' dài quá 10.000 ký tự."
    en = (await world.chair.post(path, json=long, headers=EN)).json()["error"]
    assert en["message"] == "The field 'text' is longer than 10,000 characters."
