"""Validate an uploaded PDF and read what the server keeps about it; runs in a worker child."""

from __future__ import annotations

import logging
import math
import time
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2 as pdfium
from pypdf import PageObject, PdfReader
from pypdf.errors import FileNotDecryptedError, LimitReachedError

from meeting_server.pdf import (
    BAD_PAGE_SIZE,
    CORRUPT_PDF,
    EMPTY_FILE,
    ENCRYPTED_PDF,
    NOT_PDF,
    PDF_TOO_COMPLEX,
    TOO_MANY_PAGES,
    PdfError,
)
from meeting_server.pdf.render import PageTarget, draw_page, open_document

logger = logging.getLogger(__name__)

HEADER_WINDOW = 1024
MAX_PAGE_TEXT = 100_000
MAX_TOTAL_TEXT = 5_000_000
MAX_METADATA_TEXT = 1_000
#: The default of MEETING_MAX_PDF_PAGES.
MAX_PAGES = 2_000
#: The longest side of a page box, in points: PDF 1.7's implementation limit (Annex C), 200
#: inches. Boxes larger than that, or under 1 pt, cannot be stamped or merged.
MAX_PAGE_SIDE = 14_400.0


@dataclass(frozen=True)
class PageInfo:
    """A page as displayed: the crop box size after /Rotate, in points."""

    width_pt: float
    height_pt: float
    rotation: int


@dataclass(frozen=True)
class PdfInfo:
    page_count: int
    pages: tuple[PageInfo, ...]
    title: str | None
    author: str | None


def inspect_pdf(path: str, max_pages: int = MAX_PAGES) -> PdfInfo:
    """Check that `path` is a readable, unencrypted PDF and return its pages and metadata.

    Every page's content is decoded, so a decompression bomb is refused here (a tenth of a
    second for a 117-page thesis). Used by the agenda import; an upload through the API is
    checked by `check_structure` and `ingest_upload` instead (page 1 and the text by PDFium),
    two jobs at once. A file of more than `max_pages` pages, or
    with a page whose box is unusable (see `page_info`), is refused: it could be shown, but
    neither stamped nor merged into the meeting book.
    """
    return check_structure(path, max_pages, decode=True)


def check_structure(path: str, max_pages: int = MAX_PAGES, decode: bool = False) -> PdfInfo:
    """`inspect_pdf` without decoding the pages' content (unless `decode`): the page tree, page
    boxes and metadata as pypdf (which stamps and merges the file later) reads them: 70 ms for
    the 117-page thesis, most of it pypdf's check of every object's offset; the content is
    decoded by PDFium in `ingest_upload`, at the same time in another process.
    """
    with pypdf_errors():
        reader = open_reader(path)
        _check_page_count(_declared_count(reader), max_pages)  # before walking the page tree
        pages = list(reader.pages)
        if not pages:
            raise PdfError(CORRUPT_PDF)
        _check_page_count(len(pages), max_pages)
        for page in pages:  # a box may be inherited: the chain must end first
            _check_parents(page)
        infos = tuple(page_info(page) for page in pages)
        for page in pages if decode else ():
            _decode_contents(page)
        title, author = _metadata(reader)
    return PdfInfo(len(pages), infos, title, author)


def ingest_upload(
    path: str,
    max_pages: int,
    target: PageTarget | None,
    text_seconds: float,
    send_part: Callable[[int], None],
) -> tuple[str, ...]:
    """An upload's PDFium job: open it once, draw page 1, read every page's text.

    PDFium opens the file (the header, the cross-reference table and the trailer; an encrypted
    file is refused here), draws page 1 to `target` (decoding its content: a bomb there hits
    the child's memory or time limit) and sends its page count with `send_part`, so that the
    upload is answered while the text of every page is read from the same open document (each
    page's content decoded by PDFium, under the same limits) and returned.

    The upload's other job, started with this one in a process of its own (two cores draw
    and read the structure at once; in threads of one process the two took as long as one
    after the other), is `check_structure`: pypdf, which stamps and merges the file later,
    must read its page tree and boxes, and agree with PDFium on the page count. The file may
    be moved once the count is sent: PDFium keeps it open.
    """
    check_header(path)
    document = open_document(path)
    try:
        count = len(document)
        _check_page_count(count, max_pages)
        if count == 0:
            raise PdfError(CORRUPT_PDF)
        if target is not None:
            draw_page(document, 1, target)
        send_part(count)
        return _texts(document, time.monotonic() + text_seconds, path)
    finally:
        document.close()


def extract_texts(path: str, text_seconds: float = 60.0) -> tuple[str, ...]:
    """The text of every page, for search, read by PDFium from one open of the file.

    PDFium reads the 117-page thesis of the corpus in a quarter of a second, pypdf in four;
    compared on the Vietnamese demo agendas and the corpus (see docs/documents.md), its text is
    as good or better on each point once cleaned by `clean_page_text`: NFC, words hyphenated at
    a line end joined, table cells' lines kept apart, ligatures ("fi") as letters.

    Extraction stops after `text_seconds` or MAX_TOTAL_TEXT characters, later pages get "",
    so that a long document still fits in the worker's limits; each page's text is capped at
    MAX_PAGE_TEXT characters. A page whose text cannot be extracted gets "".
    """
    check_header(path)
    document = open_document(path)
    try:
        return _texts(document, time.monotonic() + text_seconds, path)
    finally:
        document.close()


#: PDFium marks a word hyphenated at a line end with U+FFFE (or U+0002) in place of the hyphen
#: and the line break: removed, the word is whole again, as search needs it.
_HYPHEN_MARKS = str.maketrans({"\ufffe": None, "\x02": None, "\x00": None})


def clean_page_text(text: str) -> str:
    """PDFium's page text as stored: lines end in "\n", hyphenated words joined, NFC (a PDF's
    ToUnicode map may give decomposed letters or compatibility signs such as U+2126 OHM)."""
    text = valid_text(text).replace("\r\n", "\n").replace("\r", "\n").translate(_HYPHEN_MARKS)
    return unicodedata.normalize("NFC", text)[:MAX_PAGE_TEXT]


def _declared_count(reader: PdfReader) -> int:
    """The page tree's /Count, which may lie (the tree is walked and counted afterwards)."""
    try:
        count = reader.root_object["/Pages"].get_object()["/Count"]  # type: ignore[index]
    except (KeyError, TypeError, AttributeError):  # no tree or no count: walk it to know
        return 0
    return int(count) if isinstance(count, int) else 0


def _check_page_count(count: int, max_pages: int) -> None:
    if count > max_pages:
        raise PdfError(TOO_MANY_PAGES)


def _check_parents(page: PageObject, limit: int = 256) -> None:
    """A page's /Parent chain must end; inherited attributes are looked up along it."""
    seen: set[int] = set()
    node = page.get("/Parent")
    while node is not None:
        node = node.get_object()
        reference = getattr(node, "indirect_reference", None)
        key = reference.idnum if reference is not None else id(node)
        if key in seen or len(seen) >= limit:
            raise PdfError(CORRUPT_PDF)
        seen.add(key)
        node = node.get("/Parent")


def _decode_contents(page: PageObject) -> None:
    """Decode the page's content streams (pypdf caches them); bombs hit pypdf's limits here."""
    try:
        contents = page.get_contents()
        if contents is not None:
            contents.get_data()
    except (LimitReachedError, MemoryError):
        raise
    except Exception as exc:
        logger.info("page content cannot be decoded: %s", exc)


def check_header(path: str) -> None:
    """Refuse by content: an empty file, or one without "%PDF-" in its first 1024 bytes."""
    with open(path, "rb") as file:
        head = file.read(HEADER_WINDOW)
    if not head:
        raise PdfError(EMPTY_FILE)
    if b"%PDF-" not in head:
        raise PdfError(NOT_PDF)


def open_reader(path: str) -> PdfReader:
    """Open `path` with pypdf after the header check; refuse encrypted files."""
    check_header(path)
    reader = PdfReader(path, strict=False)
    if reader.is_encrypted:
        raise PdfError(ENCRYPTED_PDF)
    return reader


@contextmanager
def pypdf_errors() -> Iterator[None]:
    """Turn what pypdf raises into PdfError codes."""
    try:
        yield
    except (PdfError, OSError):
        raise  # OSError: a missing file or a full disk is the server's problem, not the PDF's
    except LimitReachedError as exc:
        # pypdf also reports reference cycles as limits; those files are simply broken.
        code = CORRUPT_PDF if "cycle" in str(exc).lower() else PDF_TOO_COMPLEX
        raise PdfError(code) from exc
    except MemoryError as exc:
        raise PdfError(PDF_TOO_COMPLEX) from exc
    except FileNotDecryptedError as exc:
        raise PdfError(ENCRYPTED_PDF) from exc
    except Exception as exc:
        logger.info("pypdf failed: %s: %s", type(exc).__name__, exc)
        raise PdfError(CORRUPT_PDF) from exc


def page_rotation(page: PageObject) -> int:
    """/Rotate as PDFium applies it: truncated to a multiple of 90, in 0..270."""
    try:
        value = float(page.get("/Rotate", 0) or 0)
    except (TypeError, ValueError):
        return 0
    if not math.isfinite(value):
        return 0
    return (math.trunc(value / 90) % 4) * 90


def page_info(page: PageObject) -> PageInfo:
    """The displayed size of `page`: its crop box after /Rotate.

    Both the media box and the crop box must be readable, each side 1 to MAX_PAGE_SIDE points
    (corners in any order); else ``bad_page_size``. PDFium would show a page without a usable
    box as US Letter, but pypdf could neither stamp nor merge it.
    """
    try:
        sides = [abs(float(side)) for box in (page.mediabox, page.cropbox)
                 for side in (box.width, box.height)]
    except (LimitReachedError, MemoryError):
        raise
    except Exception:
        raise PdfError(BAD_PAGE_SIZE) from None
    if not all(math.isfinite(side) and 1 <= side <= MAX_PAGE_SIDE for side in sides):
        raise PdfError(BAD_PAGE_SIZE)
    width, height = sides[2], sides[3]
    rotation = page_rotation(page)
    if rotation in (90, 270):
        width, height = height, width
    return PageInfo(round(width, 3), round(height, 3), rotation)


def _metadata(reader: PdfReader) -> tuple[str | None, str | None]:
    try:
        info = reader.metadata
        if info is None:
            return None, None
        return _clean(info.title), _clean(info.author)
    except LimitReachedError:
        raise
    except Exception:
        return None, None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(valid_text(value).replace("\x00", "").split())[:MAX_METADATA_TEXT]
    return text or None


def valid_text(text: str) -> str:
    """``text`` as Unicode text that can be stored and shown: a font's ToUnicode map (or a
    UTF-16 string) can give lone surrogates, which become U+FFFD; a high and a low surrogate
    side by side become the one character they encode."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def _texts(document: pdfium.PdfDocument, deadline: float, path: str) -> tuple[str, ...]:
    texts: list[str] = []
    total = 0
    count = len(document)
    for number in range(1, count + 1):
        if time.monotonic() > deadline or total > MAX_TOTAL_TEXT:
            logger.warning("Text extraction of %s stopped at page %d", path, number)
            texts.extend("" for _ in range(number, count + 1))
            break
        texts.append(_page_text(document, number))
        total += len(texts[-1])
    return tuple(texts)


def _page_text(document: pdfium.PdfDocument, number: int) -> str:
    try:
        page = document[number - 1]
    except pdfium.PdfiumError:
        return ""
    try:
        textpage = page.get_textpage()
        try:
            return clean_page_text(textpage.get_text_range())
        finally:
            textpage.close()
    except pdfium.PdfiumError:
        return ""
    finally:
        page.close()
