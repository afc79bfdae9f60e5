"""The generated sample PDFs have the properties the other tests rely on, for pypdf and PDFium."""

from __future__ import annotations

import io
from typing import Any

import pdfs
import pypdfium2
import pytest
from pypdf import PdfReader
from pypdf.generic import Destination


def reader(name: str) -> PdfReader:
    return PdfReader(io.BytesIO(pdfs.sample(name)), strict=True)


@pytest.mark.parametrize("name", sorted(pdfs.SAMPLES))
def test_sample_is_the_same_bytes_every_time(name: str) -> None:
    assert pdfs.SAMPLES[name]() == pdfs.SAMPLES[name]()


@pytest.mark.parametrize("name", pdfs.READABLE)
def test_pypdf_reads_the_page_count_strictly(name: str) -> None:
    assert len(reader(name).pages) == pdfs.PAGE_COUNTS[name]


@pytest.mark.parametrize("name", pdfs.READABLE)
def test_pdfium_reads_the_page_count(name: str) -> None:
    document = pypdfium2.PdfDocument(pdfs.sample(name))
    try:
        assert len(document) == pdfs.PAGE_COUNTS[name]
    finally:
        document.close()


def test_encrypted_sample_needs_its_user_password() -> None:
    encrypted = reader(pdfs.ENCRYPTED)

    assert encrypted.is_encrypted
    assert encrypted.decrypt("wrong password") == 0
    assert encrypted.decrypt(pdfs.USER_PASSWORD) != 0
    assert "Confidential" in encrypted.pages[0].extract_text()


def test_pdfium_opens_the_encrypted_sample_with_its_password() -> None:
    document = pypdfium2.PdfDocument(pdfs.sample(pdfs.ENCRYPTED), password=pdfs.USER_PASSWORD)
    try:
        assert len(document) == 1
    finally:
        document.close()


def test_each_long_page_has_a_word_of_its_own() -> None:
    texts = [page.extract_text() for page in reader(pdfs.LONG).pages]

    for number, text in enumerate(texts, start=1):
        word = pdfs.long_word(number)
        assert [word in other for other in texts].count(True) == 1, word
        assert word in text


def test_long_sample_has_its_utf16_title_and_author() -> None:
    metadata = reader(pdfs.LONG).metadata

    assert metadata is not None
    assert (metadata.title, metadata.author) == (pdfs.LONG_TITLE, pdfs.LONG_AUTHOR)


def test_rotated_sample_shares_one_content_stream() -> None:
    pages = reader(pdfs.ROTATED).pages

    assert tuple(page.rotation for page in pages) == pdfs.ROTATIONS
    assert len({page.raw_get("/Contents").idnum for page in pages}) == 1


def test_outline_sample_has_its_bookmarks() -> None:
    outline = reader(pdfs.OUTLINE).outline

    top = [entry.title for entry in outline if isinstance(entry, Destination)]
    [children] = [entry for entry in outline if isinstance(entry, list)]
    assert tuple(top) == pdfs.OUTLINE_TITLES
    assert tuple(c.title for c in children if isinstance(c, Destination)) == \
        pdfs.OUTLINE_CHILDREN


def test_four_pages_sample_starts_with_its_first_line() -> None:
    assert reader(pdfs.FOUR_PAGES).pages[0].extract_text().startswith(
        pdfs.FOUR_PAGES_FIRST_LINE)


@pytest.mark.parametrize("name", [pdfs.ONE_PAGE, pdfs.FOUR_PAGES])
def test_pdflatex_style_samples_use_object_and_xref_streams(name: str) -> None:
    data = pdfs.sample(name)

    assert b"/Type /ObjStm" in data and b"/Type /XRef" in data and b"\nxref\n" not in data


def test_incremental_sample_has_two_xref_sections() -> None:
    data = pdfs.sample(pdfs.INCREMENTAL)

    assert data.count(b"startxref") == 2 and b"/Prev " in data


@pytest.mark.parametrize("name,image_filter", [(pdfs.JPEG_IMAGE, "/DCTDecode"),
                                               (pdfs.CMYK_IMAGE, "/FlateDecode")])
def test_image_samples_hold_their_image(name: str, image_filter: str) -> None:
    page = reader(name).pages[0]

    [image] = page.images
    assert image.image is not None and image.image.size == (64, 48)
    resources: Any = page["/Resources"]
    assert resources["/XObject"]["/Im1"]["/Filter"] == image_filter
