"""inspect_pdf through the worker: the sample PDFs of pdfs.py, and hostile files made here."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pdfs
import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from meeting_server.pdf import (
    CORRUPT_PDF,
    EMPTY_FILE,
    ENCRYPTED_PDF,
    NOT_PDF,
    PDF_TOO_COMPLEX,
    TOO_MANY_PAGES,
    PdfError,
)
from meeting_server.pdf.ingest import (
    MAX_PAGES,
    PageInfo,
    extract_texts,
    ingest_upload,
    inspect_pdf,
)
from meeting_server.pdf.worker import PdfWorker

# Every readable sample, and the files of $MEETING_TEST_CORPUS when it is set.
READABLE = [*pdfs.READABLE, *pdfs.extra_corpus()]

FONT = b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"


@pytest.fixture
async def worker() -> AsyncIterator[PdfWorker]:
    pdf_worker = PdfWorker(timeout=60, preload=["pytest"])
    yield pdf_worker
    await pdf_worker.aclose()


def build_pdf(objects: dict[int, bytes]) -> bytes:
    """A PDF with a correct xref table holding objects 1..n; object 1 is the catalog."""
    assert sorted(objects) == list(range(1, len(objects) + 1))
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number in sorted(objects):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def one_page(content: bytes) -> dict[int, bytes]:
    return {
        1: CATALOG,
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s /Contents 4 0 R >>" % FONT,
        4: content,
    }


def zeros_deflated(gib: int) -> bytes:
    """A zlib stream of `gib` GiB of zero bytes, made without ever holding them.

    Each MiB is compressed with a full flush, so every block is the same and the first one
    can be repeated; the checksum of n zero bytes is computed directly.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = gib * 1024
    adler32 = ((count << 20) % 65521) << 16 | 1
    return b"\x78\xda" + block * count + b"\x03\x00" + struct.pack(">I", adler32)


def write(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


async def expect_code(worker: PdfWorker, path: str, code: str) -> None:
    """The worker's own limits bound the time; the test only checks the outcome."""
    with pytest.raises(PdfError) as caught:
        await worker.run(inspect_pdf, path)
    assert caught.value.code == code


def test_the_deflated_zeros_are_what_they_claim() -> None:
    data = zeros_deflated(1)
    inflater = zlib.decompressobj()
    assert inflater.decompress(data[:4096], 1 << 20) == bytes(1 << 20)
    assert len(data) < 1_100_000


def sample_path(samples: Path, name: str | Path) -> str:
    return str(name if isinstance(name, Path) else samples / name)


@pytest.mark.parametrize("name", READABLE, ids=str)
async def test_readable_pdf_gives_pypdf_page_count(worker: PdfWorker, samples: Path,
                                                    name: str | Path) -> None:
    path = sample_path(samples, name)

    info = await worker.run(inspect_pdf, path)

    assert info.page_count == len(PdfReader(path).pages)
    assert len(info.pages) == info.page_count


@pytest.mark.parametrize("name", READABLE, ids=str)
async def test_readable_pdf_gives_a_text_per_page(worker: PdfWorker, samples: Path,
                                                  name: str | Path) -> None:
    path = sample_path(samples, name)

    texts = await worker.run(extract_texts, path)

    assert len(texts) == len(PdfReader(path).pages)


@pytest.mark.parametrize("name", [pdfs.ENCRYPTED, *pdfs.extra_corpus(encrypted=True)], ids=str)
async def test_encrypted_pdf_is_refused(worker: PdfWorker, samples: Path,
                                        name: str | Path) -> None:
    await expect_code(worker, sample_path(samples, name), ENCRYPTED_PDF)


async def test_long_document_gives_every_page(worker: PdfWorker, samples: Path) -> None:
    info = await worker.run(inspect_pdf, str(samples / pdfs.LONG))

    assert info.page_count == pdfs.LONG_PAGES


async def test_long_document_metadata_in_utf16(worker: PdfWorker, samples: Path) -> None:
    info = await worker.run(inspect_pdf, str(samples / pdfs.LONG))

    assert (info.title, info.author) == (pdfs.LONG_TITLE, pdfs.LONG_AUTHOR)


async def test_long_document_text_of_each_page(worker: PdfWorker, samples: Path) -> None:
    texts = await worker.run(extract_texts, str(samples / pdfs.LONG))

    assert texts[0].startswith(pdfs.LONG_FIRST_WORD)
    assert [pdfs.long_word(n) in text for n, text in enumerate(texts, start=1)] == \
        [True] * pdfs.LONG_PAGES
    assert all("\x00" not in text for text in texts)


async def test_rotated_pages_report_their_rotation(worker: PdfWorker, samples: Path) -> None:
    info = await worker.run(inspect_pdf, str(samples / pdfs.ROTATED))

    assert tuple(page.rotation for page in info.pages) == pdfs.ROTATIONS


async def test_rotated_pages_report_their_displayed_size(worker: PdfWorker,
                                                         samples: Path) -> None:
    info = await worker.run(inspect_pdf, str(samples / pdfs.ROTATED))

    assert info.pages[0] == PageInfo(841.89, 595.276, 90)
    assert info.pages[1] == PageInfo(595.276, 841.89, 180)


async def test_empty_file(worker: PdfWorker, tmp_path: Path) -> None:
    await expect_code(worker, write(tmp_path, "empty.pdf", b""), EMPTY_FILE)


async def test_png_named_pdf(worker: PdfWorker, tmp_path: Path) -> None:
    png = b"\x89PNG\r\n\x1a\n" + bytes(2000)
    await expect_code(worker, write(tmp_path, "picture.pdf", png), NOT_PDF)


async def test_header_after_first_kilobyte(worker: PdfWorker, tmp_path: Path) -> None:
    data = b" " * 1024 + pdfs.sample(pdfs.ONE_PAGE)
    await expect_code(worker, write(tmp_path, "late.pdf", data), NOT_PDF)


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
async def test_truncated_pdf(worker: PdfWorker, tmp_path: Path, fraction: float) -> None:
    data = pdfs.sample(pdfs.ONE_PAGE)
    path = write(tmp_path, "truncated.pdf", data[: int(len(data) * fraction)])
    await expect_code(worker, path, CORRUPT_PDF)


async def test_no_pages(worker: PdfWorker, tmp_path: Path) -> None:
    data = build_pdf({1: CATALOG, 2: b"<< /Type /Pages /Kids [] /Count 0 >>"})
    await expect_code(worker, write(tmp_path, "blank.pdf", data), CORRUPT_PDF)


async def test_flate_bomb(worker: PdfWorker, tmp_path: Path) -> None:
    bomb = stream(zeros_deflated(4), b"/Filter /FlateDecode")
    path = write(tmp_path, "bomb.pdf", build_pdf(one_page(bomb)))
    await expect_code(worker, path, PDF_TOO_COMPLEX)


async def test_page_tree_that_contains_itself(worker: PdfWorker, tmp_path: Path) -> None:
    data = build_pdf({1: CATALOG, 2: b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"})
    await expect_code(worker, write(tmp_path, "kids.pdf", data), CORRUPT_PDF)


async def test_parent_cycle(worker: PdfWorker, tmp_path: Path) -> None:
    data = build_pdf(
        {
            1: CATALOG,
            2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>",
            3: b"<< /Type /Page /Parent 2 0 R >>",
        }
    )
    await expect_code(worker, write(tmp_path, "parent.pdf", data), CORRUPT_PDF)


async def test_object_stream_inside_itself(worker: PdfWorker, tmp_path: Path) -> None:
    out = bytearray(b"%PDF-1.7\n")
    catalog_at = len(out)
    out += b"1 0 obj\n" + CATALOG + b"\nendobj\n"
    body = b"2 0 << /Type /Pages /Kids [] /Count 0 >>"
    out += b"3 0 obj\n" + stream(body, b"/Type /ObjStm /N 1 /First 4") + b"\nendobj\n"
    xref_at = len(out)
    # object 2 is in object stream 3, and object 3 claims to be in object stream 3 too
    rows = [(0, 0, 65535), (1, catalog_at, 0), (2, 3, 0), (2, 3, 0), (1, xref_at, 0)]
    table = b"".join(struct.pack(">BIH", *row) for row in rows)
    out += b"4 0 obj\n" + stream(table, b"/Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R")
    out += b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    await expect_code(worker, write(tmp_path, "objstm.pdf", bytes(out)), CORRUPT_PDF)


async def test_deeply_nested_arrays(worker: PdfWorker, tmp_path: Path) -> None:
    data = build_pdf({1: CATALOG, 2: b"[" * 200_000})
    await expect_code(worker, write(tmp_path, "deep.pdf", data), CORRUPT_PDF)


def wide_page_tree(declared: int) -> bytes:
    """A page tree of 2,500,000 references to one page, whose root says it has `declared`."""
    return build_pdf(
        {
            1: CATALOG,
            2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b"3 0 R " * 50_000, declared),
            3: b"<< /Type /Pages /Kids [%s] /Count 50 >>" % (b"4 0 R " * 50),
            4: b"<< /Type /Page /Parent 3 0 R /MediaBox [0 0 612 792] >>",
        }
    )


async def test_page_tree_too_large(worker: PdfWorker, tmp_path: Path) -> None:
    path = write(tmp_path, "wide.pdf", wide_page_tree(50_000))
    await expect_code(worker, path, TOO_MANY_PAGES)


async def test_page_tree_larger_than_it_says(worker: PdfWorker, tmp_path: Path) -> None:
    path = write(tmp_path, "wide.pdf", wide_page_tree(1))
    with pytest.raises(PdfError) as caught:
        await worker.run(inspect_pdf, path)
    assert caught.value.code in (TOO_MANY_PAGES, PDF_TOO_COMPLEX)


def test_text_failure_on_one_page_gives_empty_text(monkeypatch: pytest.MonkeyPatch,
                                                   samples: Path) -> None:
    # PDFium reads what it can of any page that opens: simulate a page whose text fails.
    get_textpage = pdfium.PdfPage.get_textpage
    calls = []

    def fails_on_page_two(page: pdfium.PdfPage) -> pdfium.PdfTextPage:
        calls.append(page)
        if len(calls) == 2:
            raise pdfium.PdfiumError("broken font")
        return get_textpage(page)

    monkeypatch.setattr(pdfium.PdfPage, "get_textpage", fails_on_page_two)

    texts = extract_texts(str(samples / pdfs.FOUR_PAGES))

    assert len(texts) == 4
    assert texts[1] == ""
    assert texts[0] and texts[2]


async def test_text_extraction_stops_at_its_deadline(worker: PdfWorker, samples: Path) -> None:
    texts = await worker.run(extract_texts, str(samples / pdfs.FOUR_PAGES), 0.0)

    assert texts == ("", "", "", "")


async def test_a_bomb_after_page_1_costs_the_text_only(worker: PdfWorker, tmp_path: Path) -> None:
    # ingest_upload (the upload's PDFium job) sends the page count once page 1 is drawn; pypdf
    # decodes no page's content at upload, so a bomb on page 2 is met by the text, in that child
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s /Contents %d 0 R >>"
    data = build_pdf({
        1: CATALOG,
        2: b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>",
        3: page % (FONT, 5),
        4: page % (FONT, 6),
        5: stream(b"BT /F1 12 Tf 72 700 Td (first page) Tj ET"),
        6: stream(zeros_deflated(4), b"/Filter /FlateDecode"),
    })
    path = write(tmp_path, "late-bomb.pdf", data)
    counts: list[int] = []

    try:
        texts = await worker.run(ingest_upload, path, MAX_PAGES, None, 30.0,
                                 on_part=counts.append)
    except PdfError as error:  # at its memory limit (PDFium aborts: a crash) or time limit
        assert error.code in (PDF_TOO_COMPLEX, CORRUPT_PDF)
    else:  # or PDFium gave up on the stream by itself
        assert texts[0].strip() == "first page" and texts[1] == ""

    assert counts == [2]
    assert await worker.run(extract_texts, path, 0.0) == ("", "")  # the worker goes on
