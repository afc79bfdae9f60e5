"""Minutes and conclusion notices: drafts, who sees them, publishing frozen PDFs, versions."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pypdf
import pypdfium2
import pytest
from example import enter_example
from liveclient import Tablet

from conftest import Server, World

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


def pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def not_blank(data: bytes) -> float:
    """The share of non-white pixels on the first page, rendered by PDFium."""
    document = pypdfium2.PdfDocument(data)
    try:
        image = document[0].render(scale=1).to_pil().convert("L")
    finally:
        document.close()
    histogram: list[int] = image.histogram()
    return 1 - histogram[255] / sum(histogram)


async def test_notice_of_the_example_has_units_deadlines_motto_recipients(demo: Server) -> None:
    secretary, mid, _ = await enter_example(demo)
    r = await secretary.post(f"/api/meetings/{mid}/publications", json={"kind": "notice"})
    assert r.status_code == 201, r.text
    draft = r.json()
    assert draft["status"] == "draft" and draft["version"] == 1
    r = await secretary.patch(f"/api/publications/{draft['id']}",
                              json={"number": "125/TB-VP", "signer": {"name": "Lê Quang Huy"}})
    assert r.status_code == 200
    r = await secretary.post(f"/api/publications/{draft['id']}/publish")
    assert r.status_code == 200, r.text
    published = r.json()
    pdf = await secretary.get(f"/api/publications/{draft['id']}/pdf")
    assert pdf.status_code == 200
    assert hashlib.sha256(pdf.content).hexdigest() == published["sha256"]
    text = pdf_text(pdf.content)
    for expected in [MOTTO, "Độc lập - Tự do - Hạnh phúc", "THÔNG BÁO", "Số: 125/TB-VP",
                     "Sở Thông tin và Truyền thông", "Văn phòng UBND thành phố", "Sở Tư pháp",
                     "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố", "Các sở, ban, ngành thành phố",
                     "trước ngày 15/8", "15/08/2019", "trong tháng 7", "31/07/2019",
                     "thực hiện thường xuyên", "Nơi nhận:", "Lưu: VT", "Lê Quang Huy"]:
        assert expected in " ".join(text.split()), expected
    metadata = pypdf.PdfReader(io.BytesIO(pdf.content)).metadata
    assert metadata is not None and metadata.title and "Thông báo kết luận" in metadata.title
    assert not_blank(pdf.content) > 0.01


async def test_drafts_are_hidden_from_members_until_published(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "minutes"})
    draft = r.json()
    url = f"/api/publications/{draft['id']}"
    for path in ("", "/pdf", "/html"):
        assert (await world.member.get(url + path)).status_code == 404
        assert (await world.outsider.get(url + path)).status_code == 404
    assert (await world.chair.get(url)).status_code == 200
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert state["publications"] == []
    state = (await world.chair.get(f"/api/meetings/{world.meeting_id}")).json()
    assert [p["status"] for p in state["publications"]] == ["draft"]
    assert (await world.member.post(url + "/publish")).status_code == 404
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "minutes"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "draft_exists"
    assert (await world.chair.post(url + "/publish")).status_code == 200
    assert (await world.member.get(url)).status_code == 200
    assert (await world.member.get(url + "/pdf")).status_code == 200
    assert (await world.outsider.get(url)).status_code == 404
    r = await world.secretary.patch(url, json={"introduction": "Sửa sau khi ban hành"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "published"
    assert (await world.member.post(f"/api/meetings/{world.meeting_id}/publications",
                                    json={"kind": "notice"})).status_code == 403


async def test_correction_supersedes_and_the_first_stays_readable(world: World) -> None:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id,
                               world.member.headers["authorization"].split()[1])
    await tablet.receive()
    create = f"/api/meetings/{world.meeting_id}/publications"
    first = (await world.secretary.post(create, json={"kind": "notice"})).json()
    await world.secretary.post(f"/api/publications/{first['id']}/publish")
    event = await tablet.receive()
    assert event["event"] == "publication.published"
    first_pdf = (await world.member.get(f"/api/publications/{first['id']}/pdf")).content
    second = (await world.secretary.post(create, json={"kind": "notice"})).json()
    assert second["version"] == 2 and second["supersedes"] == first["id"]
    await world.secretary.patch(f"/api/publications/{second['id']}",
                                json={"introduction": "Bản đính chính."})
    await world.secretary.post(f"/api/publications/{second['id']}/publish")
    event = await tablet.receive()
    assert event["data"]["superseded_id"] == first["id"]
    old = (await world.member.get(f"/api/publications/{first['id']}")).json()
    assert old["status"] == "superseded" and old["superseded_by"] == second["id"]
    assert (await world.member.get(f"/api/publications/{first['id']}/pdf")).content == first_pdf
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert [(p["version"], p["status"]) for p in state["publications"]] == [
        (1, "superseded"), (2, "published")]
    assert tablet.state is not None
    assert sorted(tablet.state["publications"], key=lambda p: p["id"]) == state["publications"]
    await tablet.close()


async def test_departments_with_tasks_read_the_notice(demo: Server) -> None:
    secretary, mid, _ = await enter_example(demo)
    notice = (await secretary.post(f"/api/meetings/{mid}/publications",
                                   json={"kind": "notice"})).json()
    await secretary.post(f"/api/publications/{notice['id']}/publish")
    justice = await demo.login("pgd.stp")
    me = (await justice.get("/api/me")).json()["id"]
    await secretary.delete(f"/api/meetings/{mid}/participants/{me}")
    assert (await justice.get(f"/api/meetings/{mid}")).status_code == 404
    assert (await justice.get(f"/api/publications/{notice['id']}")).status_code == 200
    planning = await demo.login("gd.skhdt")
    me = (await planning.get("/api/me")).json()["id"]
    await secretary.delete(f"/api/meetings/{mid}/participants/{me}")
    assert (await planning.get(f"/api/publications/{notice['id']}")).status_code == 404


@pytest.mark.parametrize("kind", ["minutes", "notice"])
async def test_hostile_text_comes_out_literally(world: World, kind: str) -> None:
    hostile = "<script>alert(1)</script> {{ 7*7 }}"
    item = (await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                       json={"title": hostile})).json()
    conclusion = (await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                                         json={"text": hostile})).json()
    await world.secretary.post(f"/api/conclusions/{conclusion['id']}/tasks",
                               json={"title": hostile, "lead_unit": "SNV",
                                     "due_text": "thường xuyên"})
    draft = (await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                        json={"kind": kind})).json()
    await world.secretary.patch(f"/api/publications/{draft['id']}", json={
        "introduction": hostile, "number": hostile[:50], "recipients": [hostile],
        "opinions": {str(item["id"]): hostile}, "signer": {"title": hostile, "name": hostile}})
    await world.secretary.post(f"/api/publications/{draft['id']}/publish")
    html = (await world.member.get(f"/api/publications/{draft['id']}/html")).text
    assert "<script>" not in html and "49" not in html.replace("2019", "")
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}") >= 4
    text = " ".join(pdf_text((await world.member.get(
        f"/api/publications/{draft['id']}/pdf")).content).split())
    assert text.count("<script>alert(1)</script> {{ 7*7 }}") >= 3


async def test_draft_pdf_is_marked_and_refresh_takes_new_conclusions(world: World) -> None:
    draft = (await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                        json={"kind": "notice"})).json()
    await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                           json={"text": "Kết luận bổ sung sau khi lập dự thảo"})
    r = await world.secretary.post(f"/api/publications/{draft['id']}/refresh")
    assert [c["text"] for c in r.json()["snapshot"]["conclusions"]] == [
        "Kết luận bổ sung sau khi lập dự thảo"]
    text = pdf_text((await world.chair.get(f"/api/publications/{draft['id']}/pdf")).content)
    assert "DỰ THẢO" in text


async def test_publication_page_edit_for_secretary_read_for_members(world: World) -> None:
    from conftest import PASSWORD

    draft = (await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                        json={"kind": "minutes"})).json()

    async def browser(username: str) -> Any:
        client = world.server.client()
        await client.post("/api/session", json={"username": username, "password": PASSWORD})
        return client

    secretary, member = await browser("thuky"), await browser("snv")
    page = await secretary.get(f"/publications/{draft['id']}")
    assert page.status_code == 200 and 'id="publication-form"' in page.text
    assert "BIÊN BẢN" in page.text and "Dự thảo" in page.text
    assert (await member.get(f"/publications/{draft['id']}")).status_code == 404
    await world.secretary.post(f"/api/publications/{draft['id']}/publish")
    page = await member.get(f"/publications/{draft['id']}")
    assert page.status_code == 200 and 'id="publication-form"' not in page.text
    assert "Đã ban hành" in page.text and "SHA-256" in page.text
    meeting = await member.get(f"/meetings/{world.meeting_id}")
    assert f'/publications/{draft["id"]}' in meeting.text
