"""Issue 19: a word of the last page of a 117-page document is found by search right after
the upload, polled (never a fixed sleep). The time is printed and checked only generously: a
loaded test machine must not make it flaky; bench/ingest.py judges the 1 s target."""

from __future__ import annotations

import asyncio
import time

import pdfs
import pytest
from test_unusable_pdfs import worker_jobs

from conftest import World

#: The issue's target is 1 s (bench/ingest.py measures it); a test run on two busy cores is
#: only held to this bound, which a text extraction by pypdf (4 s for the thesis) would miss.
BOUND = 15.0


async def test_a_word_of_page_117_is_found_soon_after_the_upload(world: World) -> None:
    assert pdfs.LONG_PAGES == 117
    word = pdfs.long_word(117)
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Tài liệu dài"})
    assert r.status_code == 201, r.text
    item = r.json()["id"]
    started = time.monotonic()
    r = await world.secretary.post(f"/api/agenda-items/{item}/documents", files={
        "file": (pdfs.LONG, pdfs.sample(pdfs.LONG), "application/pdf")})
    assert r.status_code == 201, r.text
    uploaded = time.monotonic() - started
    doc = r.json()["id"]
    polls = 0
    while True:
        polls += 1
        r = await world.member.get("/api/search", params={"q": word})
        assert r.status_code == 200, r.text
        found = [(h["kind"], h["id"], h["page"]) for h in r.json()["results"]]
        if found:
            break
        assert time.monotonic() - started < BOUND, f"page 117 not searchable after {BOUND} s"
        await asyncio.sleep(0.005)  # a poll's pause, not a wait for the work
    elapsed = time.monotonic() - started
    print(f"upload answered in {uploaded * 1000:.0f} ms; page 117 searchable "
          f"{elapsed * 1000:.0f} ms after the upload started ({polls} searches)")
    assert found == [("document", doc, 117)]


async def test_the_text_is_extracted_once_while_the_upload_is_checked(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = worker_jobs(world, monkeypatch)
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Tài liệu"})
    r = await world.secretary.post(f"/api/agenda-items/{r.json()['id']}/documents", files={
        "file": (pdfs.FOUR_PAGES, pdfs.sample(pdfs.FOUR_PAGES), "application/pdf")})
    assert r.status_code == 201, r.text

    await world.server.app.context.indexer.wait_idle()

    # pypdf's check and the PDFium job that draws page 1 and reads the text: no text job after
    # the 201
    assert sorted(jobs[:2]) == ["check_structure", "ingest_upload"]
    assert not {"extract_texts", "render_pages"} & set(jobs), jobs
    r = await world.member.get("/api/search", params={"q": "committee reviewed"})
    assert [h["page"] for h in r.json()["results"] if h["kind"] == "document"]


async def test_a_refused_upload_keeps_no_text(world: World,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = worker_jobs(world, monkeypatch)
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Tài liệu"})
    r = await world.secretary.post(f"/api/agenda-items/{r.json()['id']}/documents", files={
        "file": ("odd.pdf", pdfs.with_media_box(b"[0 0 1e400 1e400]"), "application/pdf")})
    assert r.status_code == 422, r.text

    await world.server.app.context.indexer.wait_idle()

    assert "extract_texts" not in jobs  # the job queued with the check was dropped
    r = await world.member.get("/api/search", params={"q": "odd page size"})
    assert r.json()["results"] == []
    assert not world.server.app.context.indexer._early
