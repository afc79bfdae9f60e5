"""Minutes and conclusion notices: drafts, who sees them, publishing frozen PDFs, versions."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pypdfium2
import pytest
from example import enter_example
from liveclient import Tablet

from conftest import PASSWORD, Server, Template, World, derive_template, served

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


async def publish_the_example_notice(demo: Server) -> dict[str, Any]:
    secretary, mid, _ = await enter_example(demo)
    r = await secretary.post(f"/api/meetings/{mid}/publications", json={"kind": "notice"})
    assert r.status_code == 201, r.text
    draft = r.json()
    r = await secretary.patch(f"/api/publications/{draft['id']}",
                              json={"number": "152", "date": "2019-07-09"})
    assert r.status_code == 200
    r = await secretary.post(f"/api/publications/{draft['id']}/publish")
    assert r.status_code == 200, r.text
    return {"publication": r.json()}


@pytest.fixture(scope="session")
def notice_template(tmp_path_factory: pytest.TempPathFactory,
                    demo_template: Template) -> Template:
    """The demo with the example's tasks and their published notice, made once per run."""
    return derive_template(tmp_path_factory, "notice", demo_template, publish_the_example_notice)


@dataclass
class Notice:
    published: dict[str, Any]
    pdf: bytes
    text: str


#: The notice of each template, as a server served it: a published PDF never changes, so the
#: checks below read it fetched once (per process) instead of starting a server each.
_NOTICES: dict[Path, Notice] = {}


@pytest.fixture
async def notice(tmp_path: Path, notice_template: Template) -> Notice:
    found = _NOTICES.get(notice_template.path)
    if found is None:
        async with served(notice_template, tmp_path / "data") as server:
            published = server.facts["publication"]
            secretary = await server.login("thuky.nguyen")
            r = await secretary.get(f"/api/publications/{published['id']}/pdf")
            assert r.status_code == 200
        found = _NOTICES[notice_template.path] = Notice(published, r.content,
                                                         pdf_text(r.content))
    return found


async def test_a_new_notice_is_a_first_draft(demo: Server) -> None:
    secretary, mid, _ = await enter_example(demo)

    r = await secretary.post(f"/api/meetings/{mid}/publications", json={"kind": "notice"})

    assert r.status_code == 201, r.text
    assert (r.json()["status"], r.json()["version"]) == ("draft", 1)


async def test_published_pdf_is_the_one_its_hash_names(notice: Notice) -> None:
    assert hashlib.sha256(notice.pdf).hexdigest() == notice.published["sha256"]


@pytest.mark.backend_free
@pytest.mark.parametrize("expected", [
    MOTTO, "Độc lập - Tự do - Hạnh phúc", "THÔNG BÁO", "Số: 152/TB-VP",
    "Sở Thông tin và Truyền thông", "Văn phòng UBND thành phố", "Sở Tư pháp",
    "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố", "Các sở, ban, ngành thành phố",
    "trước ngày 15/08/2019", "trong tháng 7/2019", "thường xuyên",
    "Nơi nhận:", "Lưu: VT, TH.", "CHÁNH VĂN PHÒNG", "Lê Quang Huy",
])
async def test_notice_of_the_example_has_units_deadlines_motto_recipients(
        notice: Notice, expected: str) -> None:
    assert expected in " ".join(notice.text.split())


@pytest.mark.backend_free
async def test_notice_pdf_is_titled(notice: Notice) -> None:
    metadata = pypdf.PdfReader(io.BytesIO(notice.pdf)).metadata
    assert metadata is not None and metadata.title and "Thông báo kết luận" in metadata.title


@pytest.mark.backend_free
async def test_notice_pdf_is_not_blank(notice: Notice) -> None:
    assert not_blank(notice.pdf) > 0.01


async def minutes_draft(world: World) -> str:
    """A draft of the world's minutes, ready to publish (the meeting ended at 11:30)."""
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "minutes"})
    assert r.status_code == 201, r.text
    url = f"/api/publications/{r.json()['id']}"
    r = await world.secretary.patch(url, json={"end_time": "11:30"})
    assert r.status_code == 200, r.text
    return url


async def notice_draft(world: World, number: str = "7") -> dict[str, Any]:
    """A draft of the world's notice with a number and a signer, ready to publish."""
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "notice"})
    assert r.status_code == 201, r.text
    r = await world.secretary.patch(f"/api/publications/{r.json()['id']}", json={
        "number": number, "signer": {"name": "Lê Văn Tám", "title": "Chánh Văn phòng"}})
    assert r.status_code == 200, r.text
    draft: dict[str, Any] = r.json()
    return draft


@pytest.mark.parametrize("path", ["", "/pdf", "/html"])
async def test_drafts_are_hidden_from_members_and_outsiders(world: World, path: str) -> None:
    url = await minutes_draft(world)
    assert (await world.member.get(url + path)).status_code == 404
    assert (await world.outsider.get(url + path)).status_code == 404


async def test_the_chair_reads_a_draft(world: World) -> None:
    url = await minutes_draft(world)
    assert (await world.chair.get(url)).status_code == 200


async def test_the_meeting_lists_drafts_for_the_chair_only(world: World) -> None:
    await minutes_draft(world)
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert state["publications"] == []
    state = (await world.chair.get(f"/api/meetings/{world.meeting_id}")).json()
    assert [p["status"] for p in state["publications"]] == ["draft"]


async def test_members_may_not_publish(world: World) -> None:
    url = await minutes_draft(world)
    assert (await world.member.post(url + "/publish")).status_code == 404


async def test_one_draft_of_a_kind_at_a_time(world: World) -> None:
    await minutes_draft(world)
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "minutes"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "draft_exists"


async def test_members_read_what_the_chair_published(world: World) -> None:
    url = await minutes_draft(world)
    assert (await world.chair.post(url + "/publish")).status_code == 200
    assert (await world.member.get(url)).status_code == 200
    assert (await world.member.get(url + "/pdf")).status_code == 200


async def test_outsiders_do_not_read_what_was_published(world: World) -> None:
    url = await minutes_draft(world)
    await world.chair.post(url + "/publish")
    assert (await world.outsider.get(url)).status_code == 404


async def test_a_published_text_cannot_be_edited(world: World) -> None:
    url = await minutes_draft(world)
    await world.chair.post(url + "/publish")
    r = await world.secretary.patch(url, json={"introduction": "Sửa sau khi ban hành"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "published"


async def test_members_may_not_draft(world: World) -> None:
    r = await world.member.post(f"/api/meetings/{world.meeting_id}/publications",
                                json={"kind": "notice"})
    assert r.status_code == 403


async def test_correction_supersedes_and_the_first_stays_readable(world: World) -> None:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id,
                               world.member.headers["authorization"].split()[1])
    await tablet.receive()
    create = f"/api/meetings/{world.meeting_id}/publications"
    first = await notice_draft(world)
    await world.secretary.post(f"/api/publications/{first['id']}/publish")
    event = await tablet.receive()
    assert event["event"] == "publication.published"
    first_pdf = (await world.member.get(f"/api/publications/{first['id']}/pdf")).content
    second = (await world.secretary.post(create, json={"kind": "notice"})).json()
    assert second["version"] == 2 and second["supersedes"] == first["id"]
    await world.secretary.patch(f"/api/publications/{second['id']}",
                                json={"introduction": "Bản đính chính.", "number": "8"})
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
    await secretary.patch(f"/api/publications/{notice['id']}", json={"number": "152"})
    r = await secretary.post(f"/api/publications/{notice['id']}/publish")
    assert r.status_code == 200, r.text
    justice = await demo.login("pgd.stp")
    me = (await justice.get("/api/me")).json()["id"]
    await secretary.delete(f"/api/meetings/{mid}/participants/{me}")
    assert (await justice.get(f"/api/meetings/{mid}")).status_code == 404
    assert (await justice.get(f"/api/publications/{notice['id']}")).status_code == 200
    planning = await demo.login("gd.skhdt")
    me = (await planning.get("/api/me")).json()["id"]
    await secretary.delete(f"/api/meetings/{mid}/participants/{me}")
    assert (await planning.get(f"/api/publications/{notice['id']}")).status_code == 404


@pytest.mark.backend_free
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
    r = await world.secretary.patch(f"/api/publications/{draft['id']}", json={
        "introduction": hostile, "number": "9", "recipients": [hostile], "end_time": "11:30",
        "opinions": {str(item["id"]): hostile}, "signer": {"title": hostile, "name": hostile}})
    assert r.status_code == 200, r.text
    r = await world.secretary.post(f"/api/publications/{draft['id']}/publish")
    assert r.status_code == 200, r.text
    html = (await world.member.get(f"/api/publications/{draft['id']}/html")).text
    # never run as a template: "{{ 7*7 }}" would read "49" after the script tag (a bare "49" may
    # be in the publishing time's seconds)
    assert "<script>" not in html and "&lt;/script&gt; 49" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}") >= 4
    text = " ".join(pdf_text((await world.member.get(
        f"/api/publications/{draft['id']}/pdf")).content).split())
    assert text.count("<script>alert(1)</script> {{ 7*7 }}") >= 3


async def test_refresh_takes_new_conclusions(world: World) -> None:
    draft = (await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                        json={"kind": "notice"})).json()
    await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                           json={"text": "Kết luận bổ sung sau khi lập dự thảo"})
    r = await world.secretary.post(f"/api/publications/{draft['id']}/refresh")
    assert [c["text"] for c in r.json()["snapshot"]["conclusions"]] == [
        "Kết luận bổ sung sau khi lập dự thảo"]


@pytest.mark.backend_free
async def test_draft_pdf_is_marked_as_a_draft(world: World) -> None:
    draft = (await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                        json={"kind": "notice"})).json()
    text = pdf_text((await world.chair.get(f"/api/publications/{draft['id']}/pdf")).content)
    assert "DỰ THẢO" in text


async def browser(world: World, username: str) -> httpx.AsyncClient:
    client = world.server.client()
    r = await client.post("/api/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client


async def test_secretary_edits_a_draft_on_its_page(world: World) -> None:
    draft = await minutes_draft(world)
    page = await (await browser(world, "thuky")).get(draft.replace("/api", ""))
    assert page.status_code == 200 and 'id="publication-form"' in page.text
    assert "BIÊN BẢN" in page.text and "Dự thảo" in page.text


async def test_members_have_no_page_for_a_draft(world: World) -> None:
    draft = await minutes_draft(world)
    page = await (await browser(world, "snv")).get(draft.replace("/api", ""))
    assert page.status_code == 404


async def test_members_read_a_published_text_on_its_page(world: World) -> None:
    draft = await minutes_draft(world)
    await world.secretary.post(f"{draft}/publish")
    page = await (await browser(world, "snv")).get(draft.replace("/api", ""))
    assert page.status_code == 200 and 'id="publication-form"' not in page.text
    assert "Đã ban hành" in page.text and "SHA-256" in page.text


async def test_the_meeting_page_links_a_published_text(world: World) -> None:
    draft = await minutes_draft(world)
    await world.secretary.post(f"{draft}/publish")
    meeting = await (await browser(world, "snv")).get(f"/meetings/{world.meeting_id}")
    assert draft.replace("/api", "") in meeting.text
