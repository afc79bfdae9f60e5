"""Agenda documents through the API: the samples, hostile files, versions, pages, downloads."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pdfs
import pypdf
import pytest
from PIL import Image
from test_pdf_ingest import zeros_deflated
from test_unusable_pdfs import worker_jobs

from conftest import Server, Template, World, db_rows, derive_template, eventually, served


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


async def document_rows(world: World) -> int:
    [(count,)] = await db_rows(world.server, "SELECT count(*) FROM document_versions")
    return int(count)


@pytest.mark.backend_free
@pytest.mark.parametrize("name", [*pdfs.READABLE, *pdfs.extra_corpus()], ids=str)
async def test_readable_pdf_is_accepted_with_pypdfs_page_count(world: World,
                                                               name: str | Path) -> None:
    content = name.read_bytes() if isinstance(name, Path) else pdfs.sample(name)
    filename = name.name if isinstance(name, Path) else name
    item = await new_item(world)

    r = await post_pdf(world, item, filename, content)

    assert r.status_code == 201, r.text
    assert r.json()["page_count"] == len(pypdf.PdfReader(io.BytesIO(content)).pages)
    assert (r.json()["filename"], r.json()["version"]) == (filename, 1)


@pytest.mark.backend_free
@pytest.mark.parametrize("name", [pdfs.ENCRYPTED, *pdfs.extra_corpus(encrypted=True)], ids=str)
async def test_encrypted_pdf_is_refused_asking_for_an_unprotected_copy(
        world: World, name: str | Path) -> None:
    content = name.read_bytes() if isinstance(name, Path) else pdfs.sample(name)
    item = await new_item(world)

    r = await post_pdf(world, item, "password.pdf", content)

    assert r.status_code == 422 and r.json()["error"]["code"] == "encrypted_pdf", r.text
    assert "unprotected" in r.json()["error"]["message"]
    assert await document_rows(world) == 0 and stored_files(world) == []


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


def _truncated() -> bytes:
    data = pdfs.sample(pdfs.FOUR_PAGES)
    return data[:len(data) // 2]


HOSTILE = [
    ("truncated.pdf", _truncated, 422, "corrupt_pdf"),
    ("bomb.pdf", _bomb, 422, None),
    ("loop.pdf", _loop, 422, None),
    ("picture.pdf", _png, 415, "not_pdf"),
    ("empty.pdf", lambda: b"", 422, "empty_file"),
]


async def upload_while_polling_health(world: World, name: str,
                                      make: Any) -> tuple[Any, list[int]]:
    """Upload ``make()`` while another client asks /health; (response, health statuses)."""
    item = await new_item(world)
    health: list[int] = []

    async def poll_health() -> None:
        client = world.server.client()
        while True:
            health.append((await client.get("/health")).status_code)
            await asyncio.sleep(0.05)

    poller = asyncio.create_task(poll_health())
    try:
        await eventually(lambda: bool(health))
        r = await post_pdf(world, item, name, make())
    finally:
        poller.cancel()
        await asyncio.gather(poller, return_exceptions=True)
    return r, health


HOSTILE_IDS = [h[0] for h in HOSTILE]


@pytest.mark.backend_free
@pytest.mark.parametrize("name,make,status,code", HOSTILE, ids=HOSTILE_IDS)
async def test_hostile_upload_is_refused_with_its_code(
        world: World, name: str, make: Any, status: int, code: str | None) -> None:
    r = await post_pdf(world, await new_item(world), name, make())

    assert r.status_code == status, r.text
    assert code is None or r.json()["error"]["code"] == code
    assert r.json()["error"]["code"] in ("corrupt_pdf", "pdf_too_complex", "not_pdf",
                                         "empty_file")


@pytest.mark.parametrize("name,make,status,code", HOSTILE, ids=HOSTILE_IDS)
async def test_hostile_upload_leaves_nothing(
        world: World, name: str, make: Any, status: int, code: str | None) -> None:
    rows = await document_rows(world)

    await post_pdf(world, await new_item(world), name, make())

    assert await document_rows(world) == rows
    assert stored_files(world) == []


@pytest.mark.backend_free
@pytest.mark.parametrize("name,make,status,code", HOSTILE, ids=HOSTILE_IDS)
async def test_server_answers_while_it_refuses_a_hostile_upload(
        world: World, name: str, make: Any, status: int, code: str | None) -> None:
    r, health = await upload_while_polling_health(world, name, make)

    assert r.status_code == status, r.text
    assert health and set(health) == {200}


@pytest.mark.backend_free
async def test_over_the_cap_is_413_before_it_is_stored(world: World) -> None:
    item = await new_item(world)
    cap = world.server.settings.max_upload_bytes
    r = await post_pdf(world, item, "huge.pdf", b"%PDF-1.7\n" + bytes(cap + 10))
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert stored_files(world) == [] and await document_rows(world) == 0


@pytest.mark.backend_free
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
    assert stored_files(world) == [] and await document_rows(world) == 0


FILENAMES = ["../../x.pdf", "Báo cáo tổng hợp.pdf", "a\x00b.pdf", "..\\..\\windows.pdf",
             "/etc/passwd"]


@pytest.mark.backend_free
@pytest.mark.parametrize("filename", FILENAMES)
async def test_uploaded_files_stay_in_the_data_dir(world: World, filename: str) -> None:
    item = await new_item(world)

    r = await post_pdf(world, item, filename, pdfs.sample(pdfs.ONE_PAGE))

    assert r.status_code == 201, r.text
    data_dir = world.server.settings.data_dir.resolve()
    assert all(data_dir in path.resolve().parents for path in stored_files(world))
    assert not (data_dir.parent / "x.pdf").exists()


@pytest.mark.parametrize("filename", FILENAMES)
async def test_filename_shown_has_no_path_or_nul(world: World, filename: str) -> None:
    item = await new_item(world)

    shown = (await post_pdf(world, item, filename, pdfs.sample(pdfs.ONE_PAGE))).json()["filename"]

    assert "/" not in shown and "\\" not in shown and "\x00" not in shown


@pytest.mark.backend_free
@pytest.mark.parametrize("filename", FILENAMES)
async def test_download_names_the_file_in_filename_star(world: World, filename: str) -> None:
    item = await new_item(world)
    doc = (await post_pdf(world, item, filename, pdfs.sample(pdfs.ONE_PAGE))).json()

    download = await world.member.get(f"/api/documents/{doc['id']}/file")

    assert download.status_code == 200
    star = download.headers["content-disposition"].split("filename*=UTF-8''")[1]
    shown = doc["filename"]
    assert unquote(star) == (shown if shown.lower().endswith(".pdf") else f"{shown}.pdf")


async def test_vietnamese_filename_is_kept_as_it_is(world: World) -> None:
    item = await new_item(world)

    r = await post_pdf(world, item, "Báo cáo tổng hợp.pdf", pdfs.sample(pdfs.ONE_PAGE))

    assert r.json()["filename"] == "Báo cáo tổng hợp.pdf"


async def post_two_versions(world: World) -> int:
    """A one-page document titled "Báo cáo tiến độ", then a four-page version 2."""
    item = await new_item(world)
    first = (await post_pdf(world, item, "v1.pdf", pdfs.sample(pdfs.ONE_PAGE),
                            title="Báo cáo tiến độ")).json()
    r = await world.secretary.post(f"/api/documents/{first['id']}/versions",
                                   files={"file": ("v2.pdf", pdfs.sample(pdfs.FOUR_PAGES),
                                                   "application/pdf")},
                                   data={"note": "Bổ sung số liệu"})
    assert r.status_code == 201, r.text
    assert (r.json()["version"], r.json()["page_count"]) == (2, 4)
    return int(first["id"])


async def test_document_lists_its_versions_with_their_notes(world: World) -> None:
    doc_id = await post_two_versions(world)

    doc = (await world.member.get(f"/api/documents/{doc_id}")).json()

    assert (doc["title"], doc["version"]) == ("Báo cáo tiến độ", 2)
    assert [v["version"] for v in doc["versions"]] == [1, 2]
    assert doc["versions"][1]["note"] == "Bổ sung số liệu"


async def test_older_version_stays_downloadable(world: World) -> None:
    doc_id = await post_two_versions(world)

    old = await world.member.get(f"/api/documents/{doc_id}/file", params={"version": 1})

    assert len(pypdf.PdfReader(io.BytesIO(old.content)).pages) == 1


async def test_older_version_pages_are_its_own(world: World) -> None:
    doc_id = await post_two_versions(world)
    url = f"/api/documents/{doc_id}/pages"

    assert (await world.member.get(f"{url}/1", params={"version": 1})).status_code == 200
    assert (await world.member.get(f"{url}/2", params={"version": 1})).status_code == 404
    assert (await world.member.get(f"{url}/4")).status_code == 200


async def test_new_version_is_logged_after_the_first(world: World) -> None:
    await post_two_versions(world)

    log = (await world.member.get(f"/api/meetings/{world.meeting_id}/events")).json()["events"]

    assert [e["event"] for e in log][-2:] == ["document.published", "document.version"]


async def post_long(world: World) -> str:
    """The 117-page sample; returns the URL of its pages."""
    item = await new_item(world)
    r = await post_pdf(world, item, pdfs.LONG, pdfs.sample(pdfs.LONG))
    assert r.status_code == 201 and r.json()["page_count"] == pdfs.LONG_PAGES, r.text
    return f"/api/documents/{r.json()['id']}/pages"


@pytest.fixture(scope="session")
def long_template(tmp_path_factory: pytest.TempPathFactory,
                  world_template: Template) -> Template:
    """The world with the 117-page sample uploaded, made once per run: the tests of its page
    images start from copies instead of each uploading it (and drawing its pages ahead)."""

    async def build(server: Server) -> dict[str, Any]:
        server.facts = world_template.facts
        return {**world_template.facts, "pages": await post_long(await World.of(server))}

    return derive_template(tmp_path_factory, "long", world_template, build)


@pytest.fixture
async def long(tmp_path: Path, long_template: Template) -> AsyncIterator[tuple[World, str]]:
    """The world holding the 117-page sample, and the URL of its pages."""
    async with served(long_template, tmp_path / "data") as server:
        yield await World.of(server), server.facts["pages"]


@pytest.mark.backend_free
@pytest.mark.parametrize("page", [1, pdfs.LONG_PAGES])
async def test_page_images_are_immutable_webp(long: tuple[World, str], page: int) -> None:
    world, url = long

    first = await world.member.get(f"{url}/{page}", params={"version": 1})

    assert first.status_code == 200
    assert first.headers["content-type"] == "image/webp"
    assert "immutable" in first.headers["cache-control"]


@pytest.mark.backend_free
async def test_page_image_revalidates_with_its_etag(long: tuple[World, str]) -> None:
    world, url = long
    first = await world.member.get(f"{url}/1", params={"version": 1})

    again = await world.member.get(f"{url}/1", params={"version": 1},
                                   headers={"If-None-Match": first.headers["etag"]})

    assert again.status_code == 304


@pytest.mark.backend_free
@pytest.mark.parametrize("width", [160, 800, 1200, 1600])
async def test_page_images_come_in_a_few_widths_each_with_its_own_etag(
        long: tuple[World, str], width: int) -> None:
    world, url = long

    r = await world.member.get(f"{url}/2", params={"version": 1, "w": width})
    again = await world.member.get(f"{url}/2", params={"version": 1, "w": width},
                                   headers={"If-None-Match": r.headers["etag"]})

    assert r.status_code == 200
    assert r.headers["cache-control"] == "private, max-age=31536000, immutable"
    assert f"-{width}-2" in r.headers["etag"]
    assert Image.open(io.BytesIO(r.content)).width == width  # a portrait A4 page
    assert again.status_code == 304 and again.content == b""


@pytest.mark.backend_free
@pytest.mark.parametrize("width", ["799", "0", "-800", "1600.0", "abc", "4096", ""])
async def test_a_width_outside_the_set_is_400(long: tuple[World, str], width: str) -> None:
    world, url = long

    r = await world.member.get(f"{url}/1", params={"version": 1, "w": width})

    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_query"


@pytest.mark.backend_free
async def test_the_first_page_is_drawn_alongside_the_upload_check(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    jobs = worker_jobs(world, monkeypatch)
    r = await post_pdf(world, await new_item(world), pdfs.LONG, pdfs.sample(pdfs.LONG))
    assert r.status_code == 201, r.text

    # asked for at once: the job started with the check draws it, no other job does
    image = await world.member.get(f"/api/documents/{r.json()['id']}/pages/1",
                                   params={"version": 1})

    assert image.status_code == 200 and image.content
    assert sorted(jobs[:2]) == ["check_structure", "ingest_upload"]
    assert "render_pages" not in jobs


@pytest.mark.backend_free
async def test_a_refused_upload_leaves_no_first_page(world: World) -> None:
    content = pdfs.with_media_box(b"[0 0 1e400 1e400]")
    r = await post_pdf(world, await new_item(world), "odd.pdf", content)
    assert r.status_code == 422, r.text

    derived = world.server.app.context.derived
    await eventually(lambda: not derived._background)
    pages = world.server.settings.data_dir / "cache" / "pages"
    assert not list(pages.glob("*/*/1.webp"))


@pytest.mark.backend_free
async def test_pages_are_drawn_ahead_after_the_upload(world: World) -> None:
    r = await post_pdf(world, await new_item(world), pdfs.FOUR_PAGES,
                       pdfs.sample(pdfs.FOUR_PAGES))
    assert r.status_code == 201, r.text

    derived = world.server.app.context.derived
    await derived.wait_drawn()
    await eventually(lambda: not derived._first)  # page 1: drawn alongside the check

    folder = (world.server.settings.data_dir / "cache" / "pages" / r.json()["sha256"]
              / str(world.server.settings.page_width))
    assert sorted(p.name for p in folder.iterdir()) == [f"{n}.webp" for n in (1, 2, 3, 4)]


@pytest.mark.backend_free
async def test_page_image_is_rendered_once(world: World) -> None:
    url = await post_long(world)
    first = await world.member.get(f"{url}/1", params={"version": 1})

    repeat = await world.member.get(f"{url}/1", params={"version": 1})

    assert repeat.content == first.content and repeat.headers["etag"] == first.headers["etag"]
    cache = world.server.settings.data_dir / "cache" / "pages"
    assert len(list(cache.rglob("1.webp"))) == 1


@pytest.mark.backend_free
@pytest.mark.parametrize("page", [0, pdfs.LONG_PAGES + 1])
async def test_pages_outside_the_document_are_404(long: tuple[World, str], page: int) -> None:
    world, url = long

    assert (await world.member.get(f"{url}/{page}")).status_code == 404


@pytest.mark.backend_free
async def test_stamped_download_carries_the_readers_name_on_every_page(world: World) -> None:
    item = await new_item(world)
    doc = (await post_pdf(world, item, "Tờ trình.pdf", pdfs.sample(pdfs.OUTLINE))).json()

    r = await world.member.get(f"/api/documents/{doc['id']}/file")

    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    stamped = pypdf.PdfReader(io.BytesIO(r.content))
    assert len(stamped.pages) == pdfs.PAGE_COUNTS[pdfs.OUTLINE]
    assert all("Nguyễn Văn An" in page.extract_text() for page in stamped.pages)


@pytest.mark.backend_free
async def test_download_answers_a_range(world: World) -> None:
    item = await new_item(world)
    doc = (await post_pdf(world, item, "Tờ trình.pdf", pdfs.sample(pdfs.OUTLINE))).json()
    whole = await world.member.get(f"/api/documents/{doc['id']}/file")

    partial = await world.member.get(f"/api/documents/{doc['id']}/file",
                                     headers={"Range": "bytes=0-99"})

    assert partial.status_code == 206 and partial.content == whole.content[:100]


async def meeting_book(world: World) -> pypdf.PdfReader:
    """The book of two items: "Một" (one page), then "Hai" (four pages) and "Ba" (one)."""
    items = [await new_item(world), await new_item(world)]
    for item, name, title in [(items[0], pdfs.ONE_PAGE, "Một"), (items[1], pdfs.FOUR_PAGES, "Hai"),
                              (items[1], pdfs.JPEG_IMAGE, "Ba")]:
        r = await post_pdf(world, item, name, pdfs.sample(name), title=title)
        assert r.status_code == 201, r.text
    r = await world.member.get(f"/api/meetings/{world.meeting_id}/book")
    assert r.status_code == 200
    await world.server.app.context.derived.wait_drawn()  # the pages drawn ahead are no concern
    return pypdf.PdfReader(io.BytesIO(r.content))


@pytest.mark.backend_free
async def test_the_meeting_book_is_merged_once_and_each_reader_gets_a_stamped_update(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    first = await meeting_book(world)  # the member's: merged, then stamped
    jobs = worker_jobs(world, monkeypatch)

    books: dict[int, bytes] = {}
    for reader in (world.chair, world.member, world.chair):
        r = await reader.get(f"/api/meetings/{world.meeting_id}/book")
        assert r.status_code == 200
        books.setdefault(id(reader), r.content)

    # the chair's copy: one small job on the merged book; asked again, the same file
    assert jobs == ["stamp_book"]
    member, chair = books[id(world.member)], books[id(world.chair)]
    # both copies are the merged book, byte for byte, and a small update after its end
    merged = member[:member.rindex(b"%%EOF", 0, len(member) - 8) + len(b"%%EOF")]
    assert chair.startswith(merged) and len(chair) - len(merged) < 64 * 1024
    stamped = pypdf.PdfReader(io.BytesIO(chair))
    assert len(stamped.pages) == len(first.pages) == 6
    text = stamped.pages[5].extract_text()
    assert "Trần Văn Minh" in text and "Nguyễn Văn An" not in text
    assert "Nguyễn Văn An" in first.pages[5].extract_text()


@pytest.mark.backend_free
async def test_a_new_document_version_makes_a_new_meeting_book(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    await meeting_book(world)
    item = await new_item(world)
    r = await post_pdf(world, item, pdfs.ONE_PAGE, pdfs.sample(pdfs.ONE_PAGE), title="Bốn")
    assert r.status_code == 201, r.text
    await world.server.app.context.derived.wait_drawn()  # the pages drawn ahead are no concern
    jobs = worker_jobs(world, monkeypatch)

    r = await world.member.get(f"/api/meetings/{world.meeting_id}/book")

    assert r.status_code == 200
    assert jobs == ["merge_book", "stamp_book"]
    assert len(pypdf.PdfReader(io.BytesIO(r.content)).pages) == 7


@pytest.mark.backend_free
async def test_meeting_book_holds_every_document(world: World) -> None:
    book = await meeting_book(world)

    assert len(book.pages) == 1 + 4 + 1


@pytest.mark.backend_free
async def test_meeting_book_has_a_bookmark_per_item_and_document(world: World) -> None:
    book = await meeting_book(world)

    titles = [o.title for o in book.outline if not isinstance(o, list)]
    assert len(titles) == 2
    children = [[c.title for c in o if not isinstance(c, list)]
                for o in book.outline if isinstance(o, list)]
    assert children == [["Một"], ["Hai", "Ba"]]


@pytest.mark.backend_free
async def test_meeting_book_is_stamped_with_the_readers_name(world: World) -> None:
    book = await meeting_book(world)

    assert "Nguyễn Văn An" in book.pages[0].extract_text()


async def other_meetings_document(world: World) -> int:
    item = await new_item(world, world.other_meeting_id)
    r = await post_pdf(world, item, "x.pdf", pdfs.sample(pdfs.ONE_PAGE))
    return int(r.json()["id"])


@pytest.mark.parametrize("path", ["/api/documents/{doc}", "/api/documents/{doc}/pages/1",
                                  "/api/documents/{doc}/file", "/api/meetings/{other}/book"])
async def test_documents_of_other_meetings_are_404(world: World, path: str) -> None:
    doc = await other_meetings_document(world)

    r = await world.member.get(path.format(doc=doc, other=world.other_meeting_id))

    assert r.status_code == 404


async def test_new_version_of_another_meetings_document_is_404(world: World) -> None:
    doc = await other_meetings_document(world)

    r = await world.member.post(f"/api/documents/{doc}/versions", files={
        "file": ("x.pdf", pdfs.sample(pdfs.ONE_PAGE), "application/pdf")})

    assert r.status_code == 404


async def test_member_may_not_upload_to_own_meeting(world: World) -> None:
    own = await new_item(world)

    r = await world.member.post(f"/api/agenda-items/{own}/documents", files={
        "file": ("x.pdf", pdfs.sample(pdfs.ONE_PAGE), "application/pdf")})

    assert r.status_code == 403


async def test_page_text_is_stored_for_search(world: World) -> None:
    item = await new_item(world)
    await post_pdf(world, item, "a.pdf", pdfs.sample(pdfs.FOUR_PAGES))
    await world.server.app.context.indexer.wait_idle()
    rows = await db_rows(world.server, "SELECT page, length(text) FROM page_texts ORDER BY page")
    assert [p for p, _ in rows] == [1, 2, 3, 4] and all(n > 0 for _, n in rows)
