"""Private notes on document pages: their author's alone (no other user, secretary and
administrator included, gets them through any route or the event log), kept across versions
with the version they were written on, drawn on the author's copy of the PDF."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pdfs
import pytest
from pypdf import PdfReader

from conftest import Server, Template, World, derive_template, served

STROKE = {"c": "#1565c0", "w": 4, "p": [1000, 1000, 5000, 5000, 9000, 1200]}
SECRET = "Ghi chú riêng: hỏi lại Sở Nội vụ về kinh phí"


async def upload(world: World, name: str = pdfs.FOUR_PAGES) -> int:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Báo cáo"})
    assert r.status_code == 201, r.text
    r = await world.secretary.post(f"/api/agenda-items/{r.json()['id']}/documents",
                                   files={"file": ("bao-cao.pdf", pdfs.sample(name),
                                                   "application/pdf")})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def uploaded_template(factory: pytest.TempPathFactory, world: Template, name: str,
                      note: bool) -> Template:
    """The world with the sample ``name`` uploaded (and, with ``note``, the member's note on
    page 2), made once per run: the tests start from copies instead of uploading it again."""

    async def build(server: Server) -> dict[str, Any]:
        server.facts = world.facts
        started = await World.of(server)
        document = await upload(started, name)
        if note:
            r = await started.member.put(f"/api/documents/{document}/notes/2", json={
                "version": 1, "text": SECRET, "strokes": [STROKE]})
            assert r.status_code == 200, r.text
        return {**world.facts, "document": document}

    return derive_template(factory, f"notes-{name}-{note}", world, build)


@pytest.fixture(scope="session")
def noted_template(tmp_path_factory: pytest.TempPathFactory,
                   world_template: Template) -> Template:
    return uploaded_template(tmp_path_factory, world_template, pdfs.FOUR_PAGES, note=True)


@pytest.fixture(scope="session")
def one_page_template(tmp_path_factory: pytest.TempPathFactory,
                      world_template: Template) -> Template:
    return uploaded_template(tmp_path_factory, world_template, pdfs.ONE_PAGE, note=False)


@pytest.fixture
async def noted(tmp_path: Path, noted_template: Template) -> AsyncIterator[tuple[World, int]]:
    """A four-page document with the member's note (text and a stroke) on page 2."""
    async with served(noted_template, tmp_path / "data") as server:
        yield await World.of(server), server.facts["document"]


@pytest.fixture
async def one_page(tmp_path: Path,
                   one_page_template: Template) -> AsyncIterator[tuple[World, int]]:
    """A one-page document, no note on it."""
    async with served(one_page_template, tmp_path / "data") as server:
        yield await World.of(server), server.facts["document"]


async def notes_of(client: httpx.AsyncClient, document: int, query: str = "") -> Any:
    r = await client.get(f"/api/documents/{document}/notes{query}")
    assert r.status_code == 200, r.text
    return r.json()["notes"]


async def test_the_author_reads_their_note_back(noted: tuple[World, int]) -> None:
    world, document = noted
    [note] = await notes_of(world.member, document)
    assert (note["page"], note["version"], note["text"], note["strokes"]) == (
        2, 1, SECRET, [STROKE])
    assert note["from_version"] is None


@pytest.mark.parametrize("who", ["secretary", "admin", "chair", "outsider"])
async def test_nobody_else_gets_the_note(noted: tuple[World, int], who: str) -> None:
    world, document = noted
    client: httpx.AsyncClient = getattr(world, who)
    r = await client.get(f"/api/documents/{document}/notes")
    if who == "outsider":  # not in the meeting: the document is not theirs to see
        assert r.status_code == 404
    else:
        assert r.status_code == 200 and r.json()["notes"] == []
    assert SECRET not in (await client.get(f"/api/meetings/{world.meeting_id}")).text
    assert SECRET not in (await client.get(f"/api/documents/{document}")).text
    assert SECRET not in (await client.get("/api/search?q=kinh%20ph%C3%AD")).text
    r = await client.delete(f"/api/documents/{document}/notes/2")
    assert r.status_code == 404  # they have none there; the member's is untouched
    r = await client.get(f"/api/documents/{document}/notes/pdf")
    if who != "outsider":
        reader = PdfReader(io.BytesIO(r.content))
        assert all("/Annots" not in page for page in reader.pages)
    assert len(await notes_of(world.member, document)) == 1


async def test_a_note_is_never_in_the_event_log(noted: tuple[World, int]) -> None:
    world, document = noted
    before = (await world.secretary.get(f"/api/meetings/{world.meeting_id}/events")).json()
    r = await world.member.put(f"/api/documents/{document}/notes/3",
                               json={"version": 1, "text": "Trang 3", "strokes": []})
    assert r.status_code == 200
    after = (await world.secretary.get(f"/api/meetings/{world.meeting_id}/events")).json()
    assert after["last_seq"] == before["last_seq"]
    assert SECRET not in str(after)


async def test_a_new_version_keeps_the_note_marked_with_its_version(
        noted: tuple[World, int]) -> None:
    world, document = noted
    r = await world.secretary.post(f"/api/documents/{document}/versions", files={
        "file": ("bao-cao-v2.pdf", pdfs.sample(pdfs.OUTLINE), "application/pdf")})
    assert r.status_code == 201, r.text
    [note] = await notes_of(world.member, document)
    assert (note["page"], note["from_version"], note["text"]) == (2, 1, SECRET)
    [note] = await notes_of(world.member, document, "?version=1")
    assert note["from_version"] is None
    r = await world.member.put(f"/api/documents/{document}/notes/2",
                               json={"version": 2, "text": SECRET + " (đã xem bản 2)"})
    assert r.status_code == 200 and r.json()["from_version"] is None


async def test_the_authors_copy_has_the_notes_drawn(noted: tuple[World, int]) -> None:
    world, document = noted
    r = await world.member.get(f"/api/documents/{document}/notes/pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''bao-cao%20-%20ghi%20ch%C3%BA.pdf" in r.headers[
        "content-disposition"]
    reader = PdfReader(io.BytesIO(r.content))
    assert len(reader.pages) == 4
    annotations = [a.get_object() for a in reader.pages[1].annotations or []]
    assert [a["/Contents"] for a in annotations if a["/Subtype"] == "/Text"] == [SECRET]
    content = reader.pages[1].get_contents()
    assert content is not None and b" RG " in content.get_data()
    assert "/Annots" not in reader.pages[0]
    assert "Nguyễn Văn An" in reader.pages[0].extract_text()  # stamped for its reader


async def test_an_earlier_versions_note_is_marked_in_the_pdf(
        noted: tuple[World, int]) -> None:
    world, document = noted
    r = await world.secretary.post(f"/api/documents/{document}/versions", files={
        "file": ("v2.pdf", pdfs.sample(pdfs.FOUR_PAGES), "application/pdf")})
    assert r.status_code == 201
    r = await world.member.get(f"/api/documents/{document}/notes/pdf")
    reader = PdfReader(io.BytesIO(r.content))
    [annotation] = [a.get_object() for a in reader.pages[1].annotations or []]
    assert annotation["/Contents"] == f"{SECRET}\n(từ phiên bản 1)"


async def test_an_empty_note_is_removed(noted: tuple[World, int]) -> None:
    world, document = noted
    r = await world.member.put(f"/api/documents/{document}/notes/2",
                               json={"version": 1, "text": "", "strokes": []})
    assert r.status_code == 204
    assert await notes_of(world.member, document) == []
    r = await world.member.delete(f"/api/documents/{document}/notes/2")
    assert r.status_code == 404


async def test_the_author_deletes_their_note(noted: tuple[World, int]) -> None:
    world, document = noted
    assert (await world.member.delete(f"/api/documents/{document}/notes/2")).status_code == 204
    assert await notes_of(world.member, document) == []


@pytest.mark.parametrize(("strokes", "status", "code"), [
    ("nope", 422, "invalid_strokes"),
    ([{"c": "red", "w": 3, "p": [1, 2]}], 422, "invalid_strokes"),
    ([{"c": "#000000", "w": 0, "p": [1, 2]}], 422, "invalid_strokes"),
    ([{"c": "#000000", "w": 3, "p": [1, 2, 3]}], 422, "invalid_strokes"),
    ([{"c": "#000000", "w": 3, "p": [1, 10_001]}], 422, "invalid_strokes"),
    ([{"c": "#000000", "w": 3, "p": [1.5, 2]}], 422, "invalid_strokes"),
    ([{"c": "#000000", "w": 3, "p": [1, 2], "x": 1}], 422, "invalid_strokes"),
    ([{"c": "#000000", "w": 3, "p": [1, 2] * 4_001}], 413, "too_many_points"),
    ([{"c": "#000000", "w": 3, "p": [1, 2] * 3_000}] * 14, 413, "too_many_points"),
    ([{"c": "#000000", "w": 3, "p": [1, 2]}] * 501, 413, "too_many_strokes"),
])
async def test_bad_strokes_are_refused(one_page: tuple[World, int], strokes: Any, status: int,
                                       code: str) -> None:
    world, document = one_page
    r = await world.member.put(f"/api/documents/{document}/notes/1",
                               json={"version": 1, "strokes": strokes})
    assert r.status_code == status and r.json()["error"]["code"] == code
    assert await notes_of(world.member, document) == []


async def test_a_page_past_the_last_or_an_unknown_version_is_refused(
        one_page: tuple[World, int]) -> None:
    world, document = one_page
    r = await world.member.put(f"/api/documents/{document}/notes/2", json={"version": 1,
                                                                         "text": "x"})
    assert r.status_code == 404 and r.json()["error"]["code"] == "page_not_found"
    r = await world.member.put(f"/api/documents/{document}/notes/1", json={"version": 7,
                                                                         "text": "x"})
    assert r.status_code == 404


async def test_an_outsider_may_not_write_notes_on_a_document_they_cannot_see(
        one_page: tuple[World, int]) -> None:
    world, document = one_page
    r = await world.outsider.put(f"/api/documents/{document}/notes/1",
                                 json={"version": 1, "text": "x"})
    assert r.status_code == 404
