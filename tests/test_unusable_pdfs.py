"""PDFs the server cannot fully use: refused at upload with a code, or, when an older and laxer
check let one in, a 422 that is remembered so that asking again takes no worker from the room.
Text a PDF's font maps to lone surrogates is cleaned, and the document stays searchable."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pdfs
import pytest

from meeting_server.pdf.ingest import PageInfo, PdfInfo
from meeting_server.services import documents as document_service
from meeting_server.store import agenda

from conftest import Template, World, db_rows, running


async def new_item(world: World) -> int:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Tài liệu"})
    return int(r.json()["id"])


async def post_pdf(world: World, content: bytes) -> Any:
    return await world.secretary.post(f"/api/agenda-items/{await new_item(world)}/documents",
                                      files={"file": ("a.pdf", content, "application/pdf")})


async def rows(world: World, sql: str) -> list[tuple[Any, ...]]:
    return await db_rows(world.server, sql)


def stored_files(world: World) -> list[Path]:
    root = world.server.settings.data_dir
    return [p for folder in ("documents", "tmp") for p in (root / folder).rglob("*")
            if p.is_file()]


# ----------------------------------------------------------------------------- at upload


@pytest.mark.backend_free
async def test_more_pages_than_the_default_limit_is_422_too_many_pages(world: World) -> None:
    r = await post_pdf(world, pdfs.many_pages(2001))

    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_pages"
    assert "2,000" in r.json()["error"]["message"]  # the limit, with English thousands


@pytest.mark.backend_free
async def test_the_page_limit_is_a_setting(world_template: Template, tmp_path: Path) -> None:
    world_template.copy(tmp_path / "data")
    async with running(tmp_path / "data", world_template.sessions,
                       max_pdf_pages="3") as server:
        server.facts = world_template.facts

        r = await post_pdf(await World.of(server), pdfs.sample(pdfs.FOUR_PAGES))

    assert r.status_code == 422 and r.json()["error"]["code"] == "too_many_pages"


async def test_a_refused_long_pdf_leaves_nothing(world: World) -> None:
    await post_pdf(world, pdfs.many_pages(2001))

    assert await rows(world, "SELECT count(*) FROM document_versions") == [(0,)]
    assert stored_files(world) == []


UNUSABLE_BOXES = [b"[0 0 1e400 1e400]", b"[0 0 0 0]", b"[0 0 595 0]", b"[0 0 100000 842]",
                  b"[0 0 595]", b"[0 0 x y]"]


@pytest.mark.backend_free
@pytest.mark.parametrize("media_box", UNUSABLE_BOXES, ids=lambda b: b.decode())
async def test_a_page_without_a_usable_size_is_422_bad_page_size(world: World,
                                                                  media_box: bytes) -> None:
    r = await post_pdf(world, pdfs.with_media_box(media_box))

    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_page_size"


@pytest.mark.backend_free
async def test_a_box_with_its_corners_swapped_is_a_usable_size(world: World) -> None:
    r = await post_pdf(world, pdfs.with_media_box(b"[595 842 0 0]"))

    assert r.status_code == 201, r.text


# ----------------------------------------------------------------------------- accepted before


async def legacy_document(world: World, content: bytes) -> int:
    """A document whose file today's check refuses, as an older server let it in: recorded
    through the service with the facts that older check read (one Letter page)."""
    context = world.server.app.context
    item_id = await new_item(world)
    async with context.db.read() as conn:
        item = await agenda.get(conn, item_id)
    assert item is not None

    async def chunks() -> AsyncIterator[bytes]:
        yield content

    temp = await context.files.receive(chunks(), len(content))
    info = PdfInfo(1, (PageInfo(612.0, 792.0, 0),), None, None)
    document = await document_service.publish(context.db, context.files, item, "Tài liệu cũ",
                                              "cu.pdf", temp, info, None)
    return document.id


def worker_jobs(world: World, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the PDF worker jobs run from now on."""
    worker = world.server.app.context.worker
    run = worker.run
    jobs: list[str] = []

    async def counted(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        jobs.append(func.__name__)
        return await run(func, *args, **kwargs)

    monkeypatch.setattr(worker, "run", counted)
    return jobs


UNSTAMPABLE = b"[0 0 1e400 1e400]"


@pytest.mark.backend_free
async def test_a_document_that_cannot_be_stamped_is_422_with_a_code(world: World) -> None:
    document = await legacy_document(world, pdfs.with_media_box(UNSTAMPABLE))

    r = await world.member.get(f"/api/documents/{document}/file")

    assert r.status_code == 422 and r.json()["error"]["code"] == "corrupt_pdf"


@pytest.mark.backend_free
async def test_a_stamping_failure_takes_one_worker_job_for_every_reader(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    document = await legacy_document(world, pdfs.with_media_box(UNSTAMPABLE))
    jobs = worker_jobs(world, monkeypatch)

    answers = [await reader.get(f"/api/documents/{document}/file")
               for reader in (world.member, world.chair, world.member, world.secretary)]

    assert [a.status_code for a in answers] == [422] * 4
    assert jobs == ["stamp_pdf"]


@pytest.mark.backend_free
async def test_a_book_that_cannot_be_merged_is_422_once_per_worker_job(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    await legacy_document(world, pdfs.with_media_box(UNSTAMPABLE))
    jobs = worker_jobs(world, monkeypatch)

    answers = [await reader.get(f"/api/meetings/{world.meeting_id}/book")
               for reader in (world.member, world.chair, world.member)]

    assert [(a.status_code, a.json()["error"]["code"]) for a in answers] == [
        (422, "corrupt_pdf")] * 3
    assert jobs == ["merge_book"]


# ----------------------------------------------------------------------------- lone surrogates


async def uploaded_and_indexed(world: World, content: bytes) -> int:
    r = await post_pdf(world, content)
    assert r.status_code == 201, r.text
    await world.server.app.context.indexer.wait_idle()
    return int(r.json()["id"])


async def test_text_mapped_to_lone_surrogates_is_stored_as_valid_text(world: World) -> None:
    await uploaded_and_indexed(world, pdfs.lone_surrogate_text())

    [(text,)] = await rows(world, "SELECT text FROM page_texts")
    # PDFium leaves out what maps to a lone surrogate (valid_text would make it U+FFFD)
    assert " ".join(pdfs.SURROGATE_TEXT_WORDS) in text
    text.encode("utf-8")  # no surrogate left to break storage or the page


async def test_a_document_whose_font_maps_to_lone_surrogates_is_found(world: World) -> None:
    document = await uploaded_and_indexed(world, pdfs.lone_surrogate_text())

    r = await world.member.get("/api/search", params={"q": "quyet dinh"})

    assert r.status_code == 200
    assert document in [hit["id"] for hit in r.json()["results"] if hit["kind"] == "document"]


AGENDA = """
[meeting]
title = "Họp thử"
starts_at = "2019-07-05T08:00:00+07:00"

[[items]]
title = "Văn bản hỏng phông"

[[items.documents]]
file = "hong.pdf"
"""


def test_import_of_a_pdf_with_lone_surrogate_text_succeeds_with_its_text(
        tmp_path: Path) -> None:
    folder = tmp_path / "agenda"
    folder.mkdir()
    (folder / "agenda.toml").write_text(AGENDA, encoding="utf-8")
    (folder / "hong.pdf").write_bytes(pdfs.lone_surrogate_text())
    data = tmp_path / "data"

    result = subprocess.run(
        [sys.executable, "-m", "meeting_server", "import", str(folder)],
        env={**os.environ, "MEETING_DATA_DIR": str(data)}, capture_output=True, text=True,
        timeout=120)

    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(data / "meeting.db")
    try:
        [(text,)] = conn.execute("SELECT text FROM page_texts").fetchall()
    finally:
        conn.close()
    assert "Tonghop" in text
