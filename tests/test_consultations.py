"""Written opinions between meetings (xin ý kiến): the secretary asks, each member answers once
(editable until the deadline), late ones are reminded by hand and automatically, the summary is
the secretary's alone and exports to a PDF headed as Nghị định 30/2020 asks."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pdfs
import pytest
from notify_support import mailing, set_now, smtp_sink
from pypdf import PdfReader

from conftest import Template, World, eventually

DEADLINE = "2030-01-05T17:00:00+07:00"


async def ask(world: World, **changes: Any) -> dict[str, Any]:
    body = {"title": "Dự thảo Quy chế làm việc", "question": "Đề nghị cho ý kiến về dự thảo.",
            "deadline": DEADLINE, "recipients": [world.users["snv"], world.users["stp"]],
            **changes}
    r = await world.secretary.post("/api/consultations", json=body)
    assert r.status_code == 201, r.text
    found: dict[str, Any] = r.json()
    return found


@pytest.fixture
async def asked(world: World) -> tuple[World, dict[str, Any]]:
    set_now(world.server, datetime(2030, 1, 1, 9))
    return world, await ask(world)


async def test_each_person_asked_answers_and_may_change_it_until_the_deadline(
        asked: tuple[World, dict[str, Any]]) -> None:
    world, c = asked
    url = f"/api/consultations/{c['id']}/answer"
    r = await world.member.put(url, json={"answer": "agree"})
    assert r.status_code == 200 and r.json()["answer"] == "agree"
    r = await world.member.put(url, json={"answer": "comment", "comment": "Sửa Điều 3."})
    assert r.status_code == 200 and r.json()["comment"] == "Sửa Điều 3."
    summary = (await world.secretary.get(f"/api/consultations/{c['id']}")).json()
    mine = next(a for a in summary["answers"] if a["user_id"] == world.users["snv"])
    assert mine["answer"] == "comment"
    assert summary["counts"] == {"agree": 0, "disagree": 0, "comment": 1, "unanswered": 1,
                                 "asked": 2}
    set_now(world.server, datetime(2030, 1, 5, 17))  # the deadline
    r = await world.member.put(url, json={"answer": "agree"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "consultation_closed"
    r = await world.outsider.put(url, json={"answer": "agree"})
    assert r.status_code == 409


async def test_a_comment_needs_its_text(asked: tuple[World, dict[str, Any]]) -> None:
    world, c = asked
    r = await world.member.put(f"/api/consultations/{c['id']}/answer",
                               json={"answer": "comment", "comment": ""})
    assert r.status_code == 422 and r.json()["error"]["code"] == "comment_required"


async def test_a_member_sees_only_their_own_answer(asked: tuple[World, dict[str, Any]]
                                                   ) -> None:
    world, c = asked
    await world.outsider.put(f"/api/consultations/{c['id']}/answer",
                             json={"answer": "disagree", "comment": "Không phù hợp."})
    r = await world.member.get(f"/api/consultations/{c['id']}")
    assert r.status_code == 200
    shown = r.json()
    assert "answers" not in shown and "counts" not in shown and "answered" not in shown
    assert shown["my_answer"]["answer"] is None
    assert "Không phù hợp" not in r.text
    listed = (await world.member.get("/api/consultations")).json()["consultations"]
    assert [x["id"] for x in listed] == [c["id"]] and "answered" not in listed[0]
    page = await world.member.get(f"/consultations/{c['id']}")
    assert page.status_code == 200 and "Không phù hợp" not in page.text


async def test_who_is_not_asked_cannot_see_it(asked: tuple[World, dict[str, Any]]) -> None:
    world, c = asked
    r = await world.chair.get(f"/api/consultations/{c['id']}")
    assert r.status_code == 404
    r = await world.chair.put(f"/api/consultations/{c['id']}/answer", json={"answer": "agree"})
    assert r.status_code == 404
    assert (await world.chair.get("/api/consultations")).json()["consultations"] == []
    assert (await world.chair.get(f"/consultations/{c['id']}")).status_code == 404


async def test_the_summary_and_reminders_do_not_tell_who_is_not_asked_that_it_exists(
        asked: tuple[World, dict[str, Any]]) -> None:
    world, c = asked
    for unknown in (c["id"], c["id"] + 1000):
        r = await world.chair.get(f"/api/consultations/{unknown}/pdf")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
        r = await world.chair.post(f"/api/consultations/{unknown}/reminders")
        assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


async def test_members_cannot_send_remind_or_export(asked: tuple[World, dict[str, Any]]
                                                    ) -> None:
    world, c = asked
    r = await world.member.post("/api/consultations", json={
        "title": "x", "question": "y", "deadline": DEADLINE,
        "recipients": [world.users["stp"]]})
    assert r.status_code == 403
    r = await world.member.post(f"/api/consultations/{c['id']}/reminders")
    assert r.status_code == 403
    r = await world.member.get(f"/api/consultations/{c['id']}/pdf")
    assert r.status_code == 403


async def test_bad_forms_are_refused(world: World) -> None:
    set_now(world.server, datetime(2030, 1, 1, 9))
    r = await world.secretary.post("/api/consultations", json={
        "title": "x", "question": "y", "deadline": "2029-12-31T08:00:00+07:00",
        "recipients": [world.users["snv"]]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "deadline_passed"
    r = await world.secretary.post("/api/consultations", json={
        "title": "x", "question": "y", "deadline": DEADLINE, "recipients": [999_999]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_user"
    r = await world.secretary.post("/api/consultations", json={
        "title": "x", "question": "y", "deadline": DEADLINE, "recipients": []})
    assert r.status_code == 422


async def test_on_a_document_only_its_meetings_participants_are_asked(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Dự thảo"})
    item = r.json()["id"]
    r = await world.secretary.post(f"/api/agenda-items/{item}/documents", files={
        "file": ("du-thao.pdf", pdfs.sample(pdfs.ONE_PAGE), "application/pdf")})
    assert r.status_code == 201, r.text
    document = r.json()["id"]
    set_now(world.server, datetime(2030, 1, 1, 9))
    r = await world.secretary.post("/api/consultations", json={
        "title": "x", "question": "y", "deadline": DEADLINE, "document_id": document,
        "recipients": [world.users["snv"], world.users["stp"]]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_participant"
    made = await ask(world, document_id=document, recipients=[world.users["snv"]])
    assert made["document_id"] == document and made["meeting_id"] == world.meeting_id


async def test_reminders_reach_only_those_who_have_not_answered(
        asked: tuple[World, dict[str, Any]]) -> None:
    world, c = asked
    await world.member.put(f"/api/consultations/{c['id']}/answer", json={"answer": "agree"})
    r = await world.secretary.post(f"/api/consultations/{c['id']}/reminders")
    assert r.status_code == 200 and r.json() == {"reminded": 1}

    def reminders(found: dict[str, Any]) -> list[dict[str, Any]]:
        return [n for n in found["notifications"] if n["kind"] == "consultation_reminder"]

    assert reminders((await world.member.get("/api/notifications")).json()) == []
    late = reminders((await world.outsider.get("/api/notifications")).json())
    assert len(late) == 1 and late[0]["link"] == f"/consultations/{c['id']}"


async def test_the_automatic_reminder_comes_once_the_day_before(
        asked: tuple[World, dict[str, Any]]) -> None:
    world, c = asked
    notifier = world.server.app.context.notifier

    async def automatic() -> int:
        found = (await world.outsider.get("/api/notifications")).json()["notifications"]
        return sum(n["kind"] == "consultation_reminder" for n in found)

    set_now(world.server, datetime(2030, 1, 3, 9))
    await notifier.run_once()
    assert await automatic() == 0
    set_now(world.server, datetime(2030, 1, 4, 9))  # MEETING_CONSULTATION_REMIND_DAYS=1
    await notifier.run_once()
    await notifier.run_once()
    assert await automatic() == 1
    set_now(world.server, datetime(2030, 1, 6, 9))  # past: nobody is chased any more
    await notifier.run_once()
    assert await automatic() == 1


async def test_the_request_is_emailed_to_those_asked(world_template: Template, data_dir: Path
                                                     ) -> None:
    async with smtp_sink() as sink, mailing(world_template, data_dir, sink) as server:
        world = await World.of(server)
        await world.admin.put(f"/api/users/{world.users['stp']}/email",
                              json={"email": "ha.pt@stp.example.vn"})
        set_now(server, datetime(2030, 1, 1, 9))
        c = await ask(world)
        await eventually(lambda: any("Xin ý kiến" in s for s in sink.subjects()))
        mail = next(m for m in sink.messages if "Xin ý kiến" in str(m["Subject"]))
        assert mail["To"] == "ha.pt@stp.example.vn"
        assert str(mail["Subject"]) == "Xin ý kiến: Dự thảo Quy chế làm việc"
        body = mail.get_content()
        assert "Hạn trả lời: 17:00 05/01/2030" in body
        assert f"https://hop.example.vn/consultations/{c['id']}" in body


@pytest.mark.backend_free
async def test_the_summary_exports_to_a_pdf(asked: tuple[World, dict[str, Any]]) -> None:
    world, c = asked
    await world.member.put(f"/api/consultations/{c['id']}/answer",
                           json={"answer": "disagree", "comment": "Cần bổ sung <b>Điều 5</b>."})
    r = await world.secretary.get(f"/api/consultations/{c['id']}/pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in r.headers["content-disposition"]
    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(r.content)).pages)
    text = " ".join(text.split())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "BẢNG TỔNG HỢP Ý KIẾN", "Dự thảo Quy chế làm việc", "Nguyễn Văn An",
                     "Không đồng ý", "Cần bổ sung <b>Điều 5</b>.", "Phạm Thu Hà",
                     "Chưa trả lời"):
        assert expected in text, expected


async def test_the_home_page_shows_what_awaits_an_answer(
        asked: tuple[World, dict[str, Any]]) -> None:
    world, c = asked
    page = await world.member.get("/", headers={"Accept-Language": "vi"})
    assert 'id="pending-consultations"' in page.text and "Dự thảo Quy chế làm việc" in page.text
    await world.member.put(f"/api/consultations/{c['id']}/answer", json={"answer": "agree"})
    page = await world.member.get("/", headers={"Accept-Language": "vi"})
    assert 'id="pending-consultations"' not in page.text


async def test_the_secretarys_pages(asked: tuple[World, dict[str, Any]]) -> None:
    world, c = asked
    listing = await world.secretary.get("/consultations", headers={"Accept-Language": "vi"})
    assert listing.status_code == 200 and 'id="new-consultation"' in listing.text
    page = await world.secretary.get(f"/consultations/{c['id']}",
                                     headers={"Accept-Language": "vi"})
    assert 'id="summary-table"' in page.text and 'id="remind"' in page.text


