"""Page images for the tablets, rendered by PDFium; runs in a worker child."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image

from meeting_server.datadir import atomic_writer, sync_dir
from meeting_server.pdf import CORRUPT_PDF, ENCRYPTED_PDF, PAGE_NOT_FOUND, PdfError

FORMATS = {"webp": "WEBP", "png": "PNG"}
WEBP_QUALITY = 80
MIN_WIDTH = 16
MAX_WIDTH = 4096
# A page's long side is at most this many times `width` pixels (strips and banners).
MAX_ASPECT = 2.0


@dataclass(frozen=True)
class PageTarget:
    """Where and how `draw_page` draws a page: `{out_dir}/{n}.{fmt}` at `width`."""

    out_dir: str
    width: int
    fmt: str

    def path(self, number: int = 1) -> str:
        return os.path.join(self.out_dir, f"{number}.{self.fmt}")


def draw_page(document: pdfium.PdfDocument, number: int, target: PageTarget) -> str:
    """Draw page `number` of an open `document` to `target` (see `render_pages`)."""
    path = target.path(number)
    _render(document, number, target.width, path, target.fmt)
    sync_dir(target.out_dir)
    return path


def render_pages_behind(
    path: str, pages: list[int], width: int, fmt: str, out_dir: str, prefix: str
) -> list[str]:
    """`render_pages` at the lowest CPU priority: pages drawn ahead, in the background, give
    way to what someone waits for (an upload's check, page text, a page asked for)."""
    os.nice(19)
    return render_pages(path, pages, width, fmt, out_dir, prefix)


def render_pages(
    path: str, pages: list[int], width: int, fmt: str, out_dir: str, prefix: str
) -> list[str]:
    """Render the 1-based `pages` of `path` to `{out_dir}/{prefix}{n}.{fmt}`; return the paths.

    The page is drawn as displayed (its /Rotate applied) and scaled so that its *short* side
    is `width` pixels: a portrait page is `width` wide, a landscape page `width` tall and
    about 1.41 * `width` wide, so it stays sharp when a tablet is turned sideways. The long
    side is capped at MAX_ASPECT * `width`. `fmt` is "webp" (quality 80) or "png".
    Each file appears atomically (temporary file, fsync, rename).
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown image format {fmt!r}")
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ValueError(f"Image width {width} is outside {MIN_WIDTH}..{MAX_WIDTH}")
    document = open_document(path)
    try:
        count = len(document)
        for number in pages:
            if not 1 <= number <= count:
                raise PdfError(
                    PAGE_NOT_FOUND, f"The document has {count} pages; there is no page {number}."
                )
        written = []
        for number in pages:
            target = os.path.join(out_dir, f"{prefix}{number}.{fmt}")
            _render(document, number, width, target, fmt)
            written.append(target)
    finally:
        document.close()
    sync_dir(out_dir)
    return written


def scale_for(width_pt: float, height_pt: float, width: int) -> float:
    """Pixels per point so that the short side is `width` px and the long one at most
    MAX_ASPECT * `width` px."""
    short, long = sorted((width_pt, height_pt))
    return min(width / short, MAX_ASPECT * width / long)


def open_document(path: str) -> pdfium.PdfDocument:
    """Open `path` with PDFium; a password is `encrypted_pdf`, anything else `corrupt_pdf`."""
    try:
        return pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        code = ENCRYPTED_PDF if "password" in str(exc).lower() else CORRUPT_PDF
        raise PdfError(code) from exc


def _render(document: pdfium.PdfDocument, number: int, width: int, target: str, fmt: str) -> None:
    try:
        page = document[number - 1]
        try:
            width_pt, height_pt = page.get_size()  # already swapped for /Rotate 90 and 270
            if not (width_pt >= 1 and height_pt >= 1):
                raise PdfError(CORRUPT_PDF)
            bitmap = page.render(scale=scale_for(width_pt, height_pt, width))
        finally:
            page.close()
    except pdfium.PdfiumError as exc:
        raise PdfError(CORRUPT_PDF) from exc
    # The image shares the bitmap's buffer: save it while `bitmap` is alive, never close that.
    _save_atomically(bitmap.to_pil(), target, fmt)


def _save_atomically(image: Image.Image, target: str, fmt: str) -> None:
    # The folder is synced once for all pages, by render_pages.
    with atomic_writer(target, sync_folder=False) as file:
        if fmt == "webp":
            image.save(file, FORMATS[fmt], quality=WEBP_QUALITY, method=2)  # 2x faster than 4
        else:
            image.save(file, FORMATS[fmt])
