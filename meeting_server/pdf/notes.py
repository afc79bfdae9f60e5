"""A reader's private notes drawn on their copy of a document; runs in a child process.

Pen strokes become vector paths appended to the page's content (so they print and show in
every reader), each note's text a sticky-note annotation (``/Text``) at the page's top left,
with the mark "từ phiên bản N" when it was written on an earlier version. Coordinates come as
the tablet stored them: 0..10000 of the page's width and height *as displayed* (after
``/Rotate``), x to the right and y downwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from pypdf import PageObject, PdfWriter
from pypdf.annotations import Text
from pypdf.generic import ContentStream, NameObject, TextStringObject

from meeting_server.datadir import atomic_writer
from meeting_server.pdf.ingest import open_reader, page_rotation, pypdf_errors

SCALE = 10_000


@dataclass(frozen=True)
class PageNotes:
    """What is drawn on one page (1-based)."""

    page: int
    text: str
    #: Each stroke: ``{"c": "#rrggbb", "w": width in thousandths of the page's displayed
    #: width, "p": [x1, y1, x2, y2, ...]}``.
    strokes: tuple[dict[str, object], ...]
    from_version: int | None = None


def _mapper(page: PageObject) -> tuple[float, float, float, float, int]:
    box = page.cropbox
    return (float(box.left), float(box.bottom), float(box.width), float(box.height),
            page_rotation(page))


def to_pdf(page: PageObject, u: float, v: float) -> tuple[float, float]:
    """A displayed point (``u`` right, ``v`` down, in 0..1) in the page's user space."""
    left, bottom, width, height, rotation = _mapper(page)
    if rotation == 90:
        return left + v * width, bottom + u * height
    if rotation == 180:
        return left + (1 - u) * width, bottom + v * height
    if rotation == 270:
        return left + (1 - v) * width, bottom + (1 - u) * height
    return left + u * width, bottom + (1 - v) * height


def _color(value: object) -> tuple[float, float, float]:
    text = value if isinstance(value, str) else ""
    if len(text) == 7 and text.startswith("#"):
        try:
            return tuple(int(text[i:i + 2], 16) / 255 for i in (1, 3, 5))  # type: ignore[return-value]
        except ValueError:
            pass
    return (0.8, 0.1, 0.1)


def strokes_content(page: PageObject, strokes: tuple[dict[str, object], ...]) -> bytes:
    """The content-stream operators that draw ``strokes`` on ``page``."""
    _, _, width, height, rotation = _mapper(page)
    shown_width = height if rotation in (90, 270) else width
    out = [b"q 1 J 1 j"]
    for stroke in strokes:
        points = stroke.get("p")
        if not isinstance(points, list) or len(points) < 2:
            continue
        r, g, b = _color(stroke.get("c"))
        raw_width = stroke.get("w", 3)
        line = (raw_width if isinstance(raw_width, int | float) else 3) / 1000 * shown_width
        out.append(f"{r:.3f} {g:.3f} {b:.3f} RG {line:.2f} w".encode())
        pairs = [(float(points[i]) / SCALE, float(points[i + 1]) / SCALE)
                 for i in range(0, len(points) - 1, 2)]
        if len(pairs) == 1:
            pairs.append(pairs[0])
        for i, (u, v) in enumerate(pairs):
            x, y = to_pdf(page, u, v)
            out.append(f"{x:.2f} {y:.2f} {'m' if i == 0 else 'l'}".encode())
        out.append(b"S")
    out.append(b"Q")
    return b"\n".join(out)


def note_text(note: PageNotes) -> str:
    mark = f"\n(từ phiên bản {note.from_version})" if note.from_version else ""
    return f"{note.text}{mark}"


def draw_notes(src: str, dest: str, notes: list[PageNotes]) -> int:
    """Write ``src`` with ``notes`` drawn to ``dest``; returns how many pages got notes
    (a note on a page the document no longer has is left out)."""
    with pypdf_errors():
        writer = PdfWriter(clone_from=open_reader(src))
        drawn = 0
        for note in notes:
            if not 1 <= note.page <= len(writer.pages):
                continue
            page = writer.pages[note.page - 1]
            if note.strokes:
                original = page.get_contents()
                content = ContentStream(None, writer)
                content.set_data(b"q\n" + (original.get_data() if original else b"")
                                 + b"\nQ\n" + strokes_content(page, note.strokes))
                page.replace_contents(content)
                page.compress_content_streams()
            if note.text:
                x, y = to_pdf(page, 0.02, 0.02)
                annotation = Text(rect=(x, y - 24, x + 24, y), text=note_text(note))
                annotation[NameObject("/T")] = TextStringObject("Ghi chú riêng")
                writer.add_annotation(page, annotation)
            drawn += 1
        with atomic_writer(dest) as out:
            writer.write(out)
    return drawn
