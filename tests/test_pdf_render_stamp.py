"""Page images, stamped copies and the meeting book, made through the worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

from meeting_server.pdf import ENCRYPTED_PDF, PAGE_NOT_FOUND, PdfError
from meeting_server.pdf.render import render_pages
from meeting_server.pdf.stamp import BookEntry, build_book, stamp_pdf
from meeting_server.pdf.worker import PdfWorker

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "pdf"
LONG = str(CORPUS / "GeoTopo-komprimiert.pdf")
ROTATED = str(CORPUS / "habibi-rotated.pdf")  # /Rotate 90, 180, 270, 0
STAMP = "Nguyễn Văn An — Sở Nội vụ — 25/11/2026 14:05"


@pytest.fixture
async def worker() -> AsyncIterator[PdfWorker]:
    pdf_worker = PdfWorker(timeout=20, preload=["pytest"])
    yield pdf_worker
    await pdf_worker.aclose()


def darkest(image: Image.Image) -> int:
    low, _ = image.getextrema()
    assert isinstance(low, int)
    return low


async def test_renders_a_portrait_page_at_the_requested_width(
    worker: PdfWorker, tmp_path: Path
) -> None:
    paths = await worker.run(render_pages, LONG, [1], 800, "webp", str(tmp_path), "geo-")

    assert paths == [str(tmp_path / "geo-1.webp")]
    with Image.open(paths[0]) as image:
        assert image.format == "WEBP"
        assert image.width == 800
        assert abs(image.height / image.width - 841.89 / 595.276) < 0.01
    assert sorted(p.name for p in tmp_path.iterdir()) == ["geo-1.webp"]  # no temporary left


async def test_rotated_pages_render_as_displayed(worker: PdfWorker, tmp_path: Path) -> None:
    paths = await worker.run(render_pages, ROTATED, [1, 2, 3, 4], 400, "png", str(tmp_path), "")

    sizes = []
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG"
            sizes.append(image.size)
    # Rotated by 90 or 270 degrees the A4 page is displayed landscape: its short side is 400 px.
    assert [width > height for width, height in sizes] == [True, False, True, False]
    assert all(min(size) == 400 for size in sizes)


async def test_page_past_the_end(worker: PdfWorker, tmp_path: Path) -> None:
    with pytest.raises(PdfError) as caught:
        await worker.run(render_pages, ROTATED, [5], 400, "webp", str(tmp_path), "")

    assert caught.value.code == PAGE_NOT_FOUND
    assert list(tmp_path.iterdir()) == []


async def test_stamped_copy_carries_the_name_on_every_page(
    worker: PdfWorker, tmp_path: Path
) -> None:
    dst = tmp_path / "stamped.pdf"

    count = await worker.run(stamp_pdf, str(CORPUS / "pdflatex-4-pages.pdf"), str(dst), STAMP)

    reader = PdfReader(dst)
    assert count == len(reader.pages) == 4
    assert all("Nguyễn Văn An" in page.extract_text() for page in reader.pages)
    assert "Hello, here is some text" in reader.pages[0].extract_text()


async def test_stamp_on_rotated_pages_sharing_one_content_stream(
    worker: PdfWorker, tmp_path: Path
) -> None:
    dst = tmp_path / "stamped.pdf"

    count = await worker.run(stamp_pdf, ROTATED, str(dst), STAMP)

    reader = PdfReader(dst)
    assert count == 4
    # one footer and one diagonal line per page, not one per page sharing the stream
    assert [page.extract_text().count("Nguyễn Văn An") for page in reader.pages] == [2] * 4
    assert [page.rotation % 360 for page in reader.pages] == [90, 180, 270, 0]


async def test_stamp_footer_is_at_the_bottom_of_the_displayed_page(
    worker: PdfWorker, tmp_path: Path
) -> None:
    dst = tmp_path / "stamped.pdf"
    await worker.run(stamp_pdf, ROTATED, str(dst), STAMP)

    paths = await worker.run(render_pages, str(dst), [1, 2, 3], 300, "png", str(tmp_path), "")

    for path in paths:
        with Image.open(path) as image:
            gray = image.convert("L")
            width, height = gray.size
            bottom = gray.crop((0, height - 12, width, height))
            top = gray.crop((0, 0, width, 12))
            assert darkest(bottom) < 200, f"no footer at the bottom of {path}"
            assert darkest(top) > 200, f"something at the top of {path}"


async def test_stamping_an_encrypted_pdf_is_refused(worker: PdfWorker, tmp_path: Path) -> None:
    src = str(CORPUS / "libreoffice-writer-password.pdf")
    with pytest.raises(PdfError) as caught:
        await worker.run(stamp_pdf, src, str(tmp_path / "out.pdf"), STAMP)

    assert caught.value.code == ENCRYPTED_PDF
    assert list(tmp_path.iterdir()) == []


async def test_book_merges_documents_with_one_bookmark_per_item(
    worker: PdfWorker, tmp_path: Path
) -> None:
    entries = [
        BookEntry(
            "1. Báo cáo tiến độ",
            (
                ("Báo cáo", str(CORPUS / "pdflatex-4-pages.pdf")),
                ("Phụ lục", str(CORPUS / "minimal-document.pdf")),
            ),
        ),
        BookEntry("2. Không có tài liệu", ()),
        BookEntry("3. Tờ trình", (("Tờ trình", ROTATED),)),
    ]
    dst = tmp_path / "book.pdf"

    count = await worker.run(build_book, entries, str(dst), STAMP)

    reader = PdfReader(dst)
    assert count == len(reader.pages) == 4 + 1 + 4
    item_one, documents, item_three, item_three_documents = reader.outline
    assert isinstance(item_one, Destination) and isinstance(item_three, Destination)
    assert isinstance(documents, list) and isinstance(item_three_documents, list)
    assert [item_one.title, item_three.title] == ["1. Báo cáo tiến độ", "3. Tờ trình"]
    first, second = documents
    assert isinstance(first, Destination) and isinstance(second, Destination)
    assert [first.title, second.title] == ["Báo cáo", "Phụ lục"]
    assert reader.get_destination_page_number(item_one) == 0
    assert reader.get_destination_page_number(second) == 4
    assert reader.get_destination_page_number(item_three) == 5
    assert all("Nguyễn Văn An" in page.extract_text() for page in reader.pages)
