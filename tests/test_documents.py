"""Agenda documents through the API: the corpus, hostile files, versions, pages, downloads."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pypdf
import pytest
from test_pdf_ingest import zeros_deflated

from conftest import CORPUS, World

ENCRYPTED = "libreoffice-writer-password.pdf"
GEOTOPO = "GeoTopo-komprimiert.pdf"


async def new_item(world: World, meeting_id: int | None = None) -> int:
    r = await world.secretary.post(
        f"/api/meetings/{meeting_id or world.meeting_id}/agenda-items", json={"title": "Tài liệu"})
    return int(r.json()["id"])


async def post_pdf(world: World, item: int, name: str, content: bytes,
                   **fields: str) -> Any:
    return await world.secretary.post(f"/api/agenda-items/{item}/documents",
                                      files={"file": (name, content, "application/pdf")},
                                      data=fields)


def stored_files(world: World) -> list[Path]:
    root = world.server.settings.data_dir
    return [p for p in (root / "documents").rglob("*") if p.is_file()] + \
        [p for p in (root / "tmp").rglob("*") if p.is_file()]


def document_rows(world: World) -> int:
    conn = sqlite3.connect(world.server.settings.db_path)
    try:
        return int(conn.execute("SELECT count(*) FROM document_versions").fetchone()[0])
    finally:
        conn.close()


async def test_every_corpus_pdf_is_accepted_with_pypdfs_page_count(world: World) -> None:
    item = await new_item(world)
    for path in sorted(CORPUS.glob("*.pdf")):
        r = await post_pdf(world, item, path.name, path.read_bytes())
        if path.name == ENCRYPTED:
            assert r.status_code == 422 and r.json()["error"]["code"] == "encrypted_pdf", r.text
            assert "unprotected" in r.json()["error"]["message"]
            continue
        assert r.status_code == 201, (path.name, r.text)
        assert r.json()["page_count"] == len(pypdf.PdfReader(path).pages), path.name
        assert r.json()["filename"] == path.name and r.json()["version"] == 1


def _bomb() -> bytes:
    """2 GiB of zeros in a 2 MB FlateDecode stream (see test_pdf_ingest.zeros_deflated)."""
    return _pdf_with_content(zeros_deflated(2), b"/Filter /FlateDecode ")


def _pdf_with_content(stream: bytes, extra: bytes = b"") -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< " + extra + b"/Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream +
        b"\nendstream",
    ]
    return _assemble(objects)


def _assemble(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{n} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
              .encode())
    return out.getvalue()


def _loop() -> bytes:
    return _assemble([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /Parent 2 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ])


def _png() -> bytes:
    return (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00"
            b"\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
            b"\x00\x00\x00\x00IEND\xaeB`\x82")


HOSTILE = [
    ("truncated.pdf", lambda: (CORPUS / "pdflatex-4-pages.pdf").read_bytes()[:3000],
     422, "corrupt_pdf"),
    ("bomb.pdf", _bomb, 422, None),
    ("loop.pdf", _loop, 422, None),
    ("picture.pdf", _png, 415, "not_pdf"),
    ("empty.pdf", lambda: b"", 422, "empty_file"),
]


@pytest.mark.parametrize("name,make,status,code", HOSTILE, ids=[h[0] for h in HOSTILE])
async def test_hostile_uploads_are_refused_leaving_nothing(
        world: World, name: str, make: Any, status: int, code: str | None) -> None:
    item = await new_item(world)
    rows = document_rows(world)
    health: list[int] = []

    async def poll_health() -> None:
        client = world.server.client()
        while True:
            health.append((await client.get("/health")).status_code)
            await asyncio.sleep(0.05)

    poller = asyncio.create_task(poll_health())
    try:
        r = await post_pdf(world, item, name, make())
    finally:
        poller.cancel()
        await asyncio.gather(poller, return_exceptions=True)
    assert r.status_code == status, r.text
    assert code is None or r.json()["error"]["code"] == code
    assert r.json()["error"]["code"] in ("corrupt_pdf", "pdf_too_complex", "not_pdf",
                                         "empty_file")
    assert document_rows(world) == rows
    assert stored_files(world) == []
    assert health and set(health) == {200}


async def test_over_the_cap_is_413_before_it_is_stored(world: World) -> None:
    item = await new_item(world)
    cap = world.server.settings.max_upload_bytes
    r = await post_pdf(world, item, "huge.pdf", b"%PDF-1.7\n" + bytes(cap + 10))
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert stored_files(world) == [] and document_rows(world) == 0


async def test_streamed_upload_over_the_cap_without_length_is_413(world: World) -> None:
    item = await new_item(world)
    cap = world.server.settings.max_upload_bytes
    boundary = "b0undary"

    async def body() -> Any:
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; "
               f"filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n").encode()
        chunk = bytes(1 << 20)
        for _ in range(cap // len(chunk) + 2):
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()

    r = await world.secretary.post(
        f"/api/agenda-items/{item}/documents", content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413
    assert stored_files(world) == [] and document_rows(world) == 0


@pytest.mark.parametrize("filename", ["../../x.pdf", "Báo cáo tổng hợp.pdf", "a\x00b.pdf",
                                      "..\\..\\windows.pdf", "/etc/passwd"])
async def test_filenames_never_escape_and_come_back_in_filename_star(
        world: World, filename: str) -> None:
    item = await new_item(world)
    content = (CORPUS / "minimal-document.pdf").read_bytes()
    r = await post_pdf(world, item, filename, content)
    assert r.status_code == 201, r.text
    shown = r.json()["filename"]
    assert "/" not in shown and "\\" not in shown and "\x00" not in shown
    data_dir = world.server.settings.data_dir.resolve()
    for path in stored_files(world):
        assert data_dir in path.resolve().parents
    assert not (data_dir.parent / "x.pdf").exists()
    download = await world.member.get(f"/api/documents/{r.json()['id']}/file")
    assert download.status_code == 200
    disposition = download.headers["content-disposition"]
    star = disposition.split("filename*=UTF-8''")[1]
    assert unquote(star) == shown
    if filename == "Báo cáo tổng hợp.pdf":
        assert shown == "Báo cáo tổng hợp.pdf"


async def test_versions_keep_older_ones_readable(world: World) -> None:
    item = await new_item(world)
    first = (await post_pdf(world, item, "v1.pdf",
                            (CORPUS / "minimal-document.pdf").read_bytes(),
                            title="Báo cáo tiến độ")).json()
    assert first["title"] == "Báo cáo tiến độ"
    with (CORPUS / "pdflatex-4-pages.pdf").open("rb") as f:
        r = await world.secretary.post(f"/api/documents/{first['id']}/versions",
                                       files={"file": ("v2.pdf", f, "application/pdf")},
                                       data={"note": "Bổ sung số liệu"})
    assert r.status_code == 201 and r.json()["version"] == 2 and r.json()["page_count"] == 4
    doc = (await world.member.get(f"/api/documents/{first['id']}")).json()
    assert [v["version"] for v in doc["versions"]] == [1, 2]
    assert doc["versions"][1]["note"] == "Bổ sung số liệu" and doc["version"] == 2
    old = await world.member.get(f"/api/documents/{first['id']}/file", params={"version": 1})
    assert len(pypdf.PdfReader(io.BytesIO(old.content)).pages) == 1
    assert (await world.member.get(f"/api/documents/{first['id']}/pages/1",
                                   params={"version": 1})).status_code == 200
    assert (await world.member.get(f"/api/documents/{first['id']}/pages/2",
                                   params={"version": 1})).status_code == 404
    assert (await world.member.get(f"/api/documents/{first['id']}/pages/4")).status_code == 200
    log = (await world.member.get(f"/api/meetings/{world.meeting_id}/events")).json()["events"]
    assert [e["event"] for e in log][-2:] == ["document.published", "document.version"]


async def test_geotopo_pages_are_served_cached_and_118_is_404(world: World) -> None:
    item = await new_item(world)
    r = await post_pdf(world, item, GEOTOPO, (CORPUS / GEOTOPO).read_bytes())
    assert r.status_code == 201 and r.json()["page_count"] == 117
    doc = r.json()["id"]
    url = f"/api/documents/{doc}/pages"
    for page in (1, 117):
        first = await world.member.get(f"{url}/{page}", params={"version": 1})
        assert first.status_code == 200
        assert first.headers["content-type"] == "image/webp"
        assert "immutable" in first.headers["cache-control"]
        again = await world.member.get(f"{url}/{page}", params={"version": 1},
                                       headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        repeat = await world.member.get(f"{url}/{page}", params={"version": 1})
        assert repeat.content == first.content and repeat.headers["etag"] == first.headers["etag"]
    cache = world.server.settings.data_dir / "cache" / "pages"
    assert len(list(cache.rglob("1.webp"))) == 1
    assert (await world.member.get(f"{url}/118")).status_code == 404
    assert (await world.member.get(f"{url}/0")).status_code == 404


async def test_stamped_download_carries_the_readers_name(world: World) -> None:
    item = await new_item(world)
    source = CORPUS / "pdflatex-outline.pdf"
    doc = (await post_pdf(world, item, "Tờ trình.pdf", source.read_bytes())).json()
    r = await world.member.get(f"/api/documents/{doc['id']}/file")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    stamped = pypdf.PdfReader(io.BytesIO(r.content))
    assert len(stamped.pages) == len(pypdf.PdfReader(source).pages)
    for page in stamped.pages:
        assert "Nguyễn Văn An" in page.extract_text()
    partial = await world.member.get(f"/api/documents/{doc['id']}/file",
                                     headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and partial.content == r.content[:100]


async def test_meeting_book_has_a_bookmark_per_item_and_document(world: World) -> None:
    items = [await new_item(world), await new_item(world)]
    names = ["minimal-document.pdf", "pdflatex-4-pages.pdf", "crazyones-pdfa.pdf"]
    await post_pdf(world, items[0], names[0], (CORPUS / names[0]).read_bytes(), title="Một")
    await post_pdf(world, items[1], names[1], (CORPUS / names[1]).read_bytes(), title="Hai")
    await post_pdf(world, items[1], names[2], (CORPUS / names[2]).read_bytes(), title="Ba")
    r = await world.member.get(f"/api/meetings/{world.meeting_id}/book")
    assert r.status_code == 200
    book = pypdf.PdfReader(io.BytesIO(r.content))
    assert len(book.pages) == 1 + 4 + 1
    outline = book.outline
    titles = [o.title for o in outline if not isinstance(o, list)]
    assert len(titles) == 2
    children = [[c.title for c in o] for o in outline if isinstance(o, list)]
    assert children == [["Một"], ["Hai", "Ba"]]
    assert "Nguyễn Văn An" in book.pages[0].extract_text()


async def test_documents_of_other_meetings_are_404(world: World) -> None:
    item = await new_item(world, world.other_meeting_id)
    doc = (await post_pdf(world, item, "x.pdf",
                          (CORPUS / "minimal-document.pdf").read_bytes())).json()
    for url in [f"/api/documents/{doc['id']}", f"/api/documents/{doc['id']}/pages/1",
                f"/api/documents/{doc['id']}/file",
                f"/api/meetings/{world.other_meeting_id}/book"]:
        r = await world.member.get(url)
        assert r.status_code == 404, url
    with (CORPUS / "minimal-document.pdf").open("rb") as f:
        r = await world.member.post(f"/api/documents/{doc['id']}/versions",
                                    files={"file": ("x.pdf", f, "application/pdf")})
    assert r.status_code == 404
    own = await new_item(world)
    with (CORPUS / "minimal-document.pdf").open("rb") as f:
        r = await world.member.post(f"/api/agenda-items/{own}/documents",
                                    files={"file": ("x.pdf", f, "application/pdf")})
    assert r.status_code == 403


async def test_page_text_is_stored_for_search(world: World) -> None:
    item = await new_item(world)
    await post_pdf(world, item, "a.pdf", (CORPUS / "pdflatex-4-pages.pdf").read_bytes())
    await world.server.app.state.indexer.wait_idle()
    conn = sqlite3.connect(world.server.settings.db_path)
    try:
        rows = conn.execute("SELECT page, length(text) FROM page_texts ORDER BY page").fetchall()
    finally:
        conn.close()
    assert [p for p, _ in rows] == [1, 2, 3, 4] and all(n > 0 for _, n in rows)
