"""Page images, stamped copies and the meeting book, made through the worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pdfs
import pytest
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import Destination

from meeting_server.pdf import ENCRYPTED_PDF, PAGE_NOT_FOUND, PdfError
from meeting_server.pdf.render import render_pages
from meeting_server.pdf.stamp import BookEntry, build_book, stamp_pdf
from meeting_server.pdf.worker import PdfWorker

STAMP = "Nguyễn Văn An — Sở Nội vụ — 25/11/2026 14:05"


@pytest.fixture
async def worker() -> AsyncIterator[PdfWorker]:
    pdf_worker = PdfWorker(timeout=60, preload=["pytest"])
    yield pdf_worker
    await pdf_worker.aclose()


@pytest.fixture
def rotated(samples: Path) -> str:
    """Four A4 pages with /Rotate 90, 180, 270 and 0 sharing one content stream."""
    return str(samples / pdfs.ROTATED)


def darkest(image: Image.Image) -> int:
    low, _ = image.getextrema()
    assert isinstance(low, int)
    return low


async def test_renders_a_portrait_page_at_the_requested_width(
    worker: PdfWorker, samples: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    paths = await worker.run(render_pages, str(samples / pdfs.LONG), [1], 800, "webp", str(out),
                             "long-")

    assert paths == [str(out / "long-1.webp")]
    with Image.open(paths[0]) as image:
        assert image.format == "WEBP"
        assert image.width == 800
        assert abs(image.height / image.width - 841.89 / 595.276) < 0.01


async def test_rendering_leaves_no_temporary_file(
    worker: PdfWorker, samples: Path, tmp_path: Path
) -> None:
    await worker.run(render_pages, str(samples / pdfs.LONG), [1, 2], 200, "webp",
                     str(tmp_path), "long-")

    assert sorted(p.name for p in tmp_path.iterdir()) == ["long-1.webp", "long-2.webp"]


async def test_rotated_pages_render_as_displayed(worker: PdfWorker, rotated: str,
                                                 tmp_path: Path) -> None:
    paths = await worker.run(render_pages, rotated, [1, 2, 3, 4], 400, "png", str(tmp_path), "")

    sizes = []
    for path in paths:
        with Image.open(path) as image:
            assert image.format == "PNG"
            sizes.append(image.size)
    # Rotated by 90 or 270 degrees the A4 page is displayed landscape: its short side is 400 px.
    assert [width > height for width, height in sizes] == [True, False, True, False]
    assert all(min(size) == 400 for size in sizes)


async def test_page_past_the_end(worker: PdfWorker, rotated: str, tmp_path: Path) -> None:
    with pytest.raises(PdfError) as caught:
        await worker.run(render_pages, rotated, [5], 400, "webp", str(tmp_path), "")

    assert caught.value.code == PAGE_NOT_FOUND
    assert list(tmp_path.iterdir()) == []


async def test_stamped_copy_carries_the_name_on_every_page(
    worker: PdfWorker, samples: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "stamped.pdf"

    count = await worker.run(stamp_pdf, str(samples / pdfs.FOUR_PAGES), str(dst), STAMP)

    reader = PdfReader(dst)
    assert count == len(reader.pages) == 4
    assert all("Nguyễn Văn An" in page.extract_text() for page in reader.pages)


async def test_stamped_copy_keeps_the_text(
    worker: PdfWorker, samples: Path, tmp_path: Path
) -> None:
    dst = tmp_path / "stamped.pdf"

    await worker.run(stamp_pdf, str(samples / pdfs.FOUR_PAGES), str(dst), STAMP)

    assert pdfs.FOUR_PAGES_FIRST_LINE in PdfReader(dst).pages[0].extract_text()


async def test_stamp_on_rotated_pages_sharing_one_content_stream(
    worker: PdfWorker, rotated: str, tmp_path: Path
) -> None:
    dst = tmp_path / "stamped.pdf"

    count = await worker.run(stamp_pdf, rotated, str(dst), STAMP)

    reader = PdfReader(dst)
    assert count == 4
    # one footer and one diagonal line per page, not one per page sharing the stream
    assert [page.extract_text().count("Nguyễn Văn An") for page in reader.pages] == [2] * 4


async def test_stamped_pages_keep_their_rotation(
    worker: PdfWorker, rotated: str, tmp_path: Path
) -> None:
    dst = tmp_path / "stamped.pdf"

    await worker.run(stamp_pdf, rotated, str(dst), STAMP)

    assert tuple(page.rotation % 360 for page in PdfReader(dst).pages) == pdfs.ROTATIONS


async def test_stamp_footer_is_at_the_bottom_of_the_displayed_page(
    worker: PdfWorker, rotated: str, tmp_path: Path
) -> None:
    dst = tmp_path / "stamped.pdf"
    await worker.run(stamp_pdf, rotated, str(dst), STAMP)

    paths = await worker.run(render_pages, str(dst), [1, 2, 3], 300, "png", str(tmp_path), "")

    for path in paths:
        with Image.open(path) as image:
            gray = image.convert("L")
            width, height = gray.size
            bottom = gray.crop((0, height - 12, width, height))
            top = gray.crop((0, 0, width, 12))
            assert darkest(bottom) < 200, f"no footer at the bottom of {path}"
            assert darkest(top) > 200, f"something at the top of {path}"


async def test_stamping_an_encrypted_pdf_is_refused(worker: PdfWorker, samples: Path,
                                                    tmp_path: Path) -> None:
    src = str(samples / pdfs.ENCRYPTED)
    with pytest.raises(PdfError) as caught:
        await worker.run(stamp_pdf, src, str(tmp_path / "out.pdf"), STAMP)

    assert caught.value.code == ENCRYPTED_PDF
    assert list(tmp_path.iterdir()) == []


async def make_book(worker: PdfWorker, samples: Path, dst: Path) -> int:
    entries = [
        BookEntry(
            "1. Báo cáo tiến độ",
            (
                ("Báo cáo", str(samples / pdfs.FOUR_PAGES)),
                ("Phụ lục", str(samples / pdfs.ONE_PAGE)),
            ),
        ),
        BookEntry("2. Không có tài liệu", ()),
        BookEntry("3. Tờ trình", (("Tờ trình", str(samples / pdfs.ROTATED)),)),
    ]
    return await worker.run(build_book, entries, str(dst), STAMP)


async def test_book_holds_every_page_of_every_document(
    worker: PdfWorker, samples: Path, tmp_path: Path
) -> None:
    count = await make_book(worker, samples, tmp_path / "book.pdf")

    assert count == len(PdfReader(tmp_path / "book.pdf").pages) == 4 + 1 + 4


async def test_book_has_a_bookmark_per_item_with_documents_and_per_document(
    worker: PdfWorker, samples: Path, tmp_path: Path
) -> None:
    await make_book(worker, samples, tmp_path / "book.pdf")

    reader = PdfReader(tmp_path / "book.pdf")
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


async def test_book_is_stamped_on_every_page(
    worker: PdfWorker, samples: Path, tmp_path: Path
) -> None:
    await make_book(worker, samples, tmp_path / "book.pdf")

    reader = PdfReader(tmp_path / "book.pdf")
    assert all("Nguyễn Văn An" in page.extract_text() for page in reader.pages)
