"""PDF work, isolated in child processes: validation, page images, stamping, merging.

Every pypdf and pypdfium2 call happens in a child started by `worker.PdfWorker`; the server
process only sees results and one exception type:

    PdfError(code, message)
      code "empty_file"       the upload has no bytes
      code "not_pdf"          no "%PDF-" header in the first 1024 bytes
      code "encrypted_pdf"    password-protected, even with an empty user password
      code "corrupt_pdf"      unreadable, no pages, or the child crashed
      code "pdf_too_complex"  over the time or memory limit, or a decompression bomb
      code "too_many_pages"   more pages than the server accepts (MEETING_MAX_PDF_PAGES)
      code "bad_page_size"    a page box that cannot be read, or a side outside 1..14,400 pt
      code "page_not_found"   a page number past the last page
      code "font_missing"     no TrueType font for the stamp (a server set-up problem)
"""

from __future__ import annotations

EMPTY_FILE = "empty_file"
NOT_PDF = "not_pdf"
ENCRYPTED_PDF = "encrypted_pdf"
CORRUPT_PDF = "corrupt_pdf"
PDF_TOO_COMPLEX = "pdf_too_complex"
TOO_MANY_PAGES = "too_many_pages"
BAD_PAGE_SIZE = "bad_page_size"
PAGE_NOT_FOUND = "page_not_found"
FONT_MISSING = "font_missing"

MESSAGES = {
    EMPTY_FILE: "The file is empty.",
    NOT_PDF: "The file is not a PDF.",
    ENCRYPTED_PDF: "The PDF is password-protected; upload an unprotected copy.",
    CORRUPT_PDF: "The PDF is damaged and cannot be read.",
    PDF_TOO_COMPLEX: "The PDF could not be processed within the server's time and memory limits.",
    TOO_MANY_PAGES: "The PDF has more pages than the server accepts.",
    BAD_PAGE_SIZE: "A page of the PDF has no usable size (its MediaBox or CropBox).",
    PAGE_NOT_FOUND: "The document has no such page.",
    FONT_MISSING: "The server has no font to stamp documents with.",
}


class PdfError(Exception):
    """A PDF could not be processed; `code` is stable and meant for API error bodies."""

    def __init__(self, code: str, message: str | None = None) -> None:
        self.code = code
        self.message = message if message is not None else MESSAGES.get(code, code)
        super().__init__(code, self.message)

    def __reduce__(self) -> tuple[type[PdfError], tuple[str, str]]:
        return (type(self), (self.code, self.message))

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


__all__ = [
    "BAD_PAGE_SIZE",
    "CORRUPT_PDF",
    "EMPTY_FILE",
    "ENCRYPTED_PDF",
    "FONT_MISSING",
    "MESSAGES",
    "NOT_PDF",
    "PAGE_NOT_FOUND",
    "PDF_TOO_COMPLEX",
    "TOO_MANY_PAGES",
    "PdfError",
]
