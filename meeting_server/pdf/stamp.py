"""Copies of documents stamped with the reader's name, and the meeting book; runs in a child.

The stamp is drawn in an overlay PDF written here by hand, with a subset of a system TrueType
font embedded as a CID font (so Vietnamese letters show and can be extracted as text), and
merged onto every page with pypdf: a footer line at the bottom of the page as displayed, and
the same text large, light and diagonal across the page. The meeting book is merged once and
stamped per reader by an incremental update (see `merge_book` and `stamp_book`).
"""

from __future__ import annotations

import io
import math
import os
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from fontTools import subset  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from meeting_server.datadir import atomic_writer
from meeting_server.pdf import CORRUPT_PDF, FONT_MISSING, PdfError
from meeting_server.pdf.ingest import open_reader, page_rotation, pypdf_errors

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)
FOOTER_SIZE = 8.0
FOOTER_MARGIN = 12.0
FOOTER_GRAY, FOOTER_ALPHA = 0.35, 0.8
DIAGONAL_GRAY, DIAGONAL_ALPHA = 0.5, 0.12
DIAGONAL_MAX_SIZE = 54.0

_Box = tuple[float, float, float, float]


@dataclass(frozen=True)
class BookEntry:
    item_title: str
    documents: tuple[tuple[str, str], ...]  # (document title, path)


def stamp_pdf(src: str, dst: str, text: str) -> int:
    """Write to `dst` a copy of `src` with `text` stamped on every page; return the page count."""
    with pypdf_errors():
        writer = PdfWriter(clone_from=open_reader(src))
        if not writer.pages:
            raise PdfError(CORRUPT_PDF)
        _stamp(writer, text)
        _write_atomically(writer, dst)
        return len(writer.pages)


def build_book(entries: list[BookEntry], dst: str, text: str) -> int:
    """Merge the entries' documents in order into `dst`, stamped with `text`.

    Each agenda item gets a top-level bookmark at its first page with one child per document;
    items without documents are left out. Returns the total page count.
    """
    with pypdf_errors():
        writer = _merged(entries)
        _stamp(writer, text)
        _write_atomically(writer, dst)
        return len(writer.pages)


def _merged(entries: list[BookEntry]) -> PdfWriter:
    """The entries' documents in order, with a bookmark per item and per document."""
    writer = PdfWriter()
    for entry in entries:
        item_mark = None
        for title, path in entry.documents:
            reader = open_reader(path)
            first = len(writer.pages)
            writer.append(reader, import_outline=False)
            if len(writer.pages) == first:
                raise PdfError(CORRUPT_PDF)
            if item_mark is None:
                item_mark = writer.add_outline_item(title=entry.item_title, page_number=first)
            writer.add_outline_item(title=title, page_number=first, parent=item_mark)
    if not writer.pages:
        raise PdfError(CORRUPT_PDF, "The meeting has no documents to put in a book.")
    writer.page_mode = "/UseOutlines"
    return writer



def _stamp(writer: PdfWriter, text: str) -> None:
    font = _EmbeddedFont.load(" ".join(text.split()))
    keys = [_page_key(page) for page in writer.pages]
    distinct = list(dict.fromkeys(keys))
    overlay = PdfReader(io.BytesIO(_overlay_pdf(font, distinct)))
    overlays = dict(zip(distinct, overlay.pages, strict=True))
    _unshare_contents(writer)
    for page, key in zip(writer.pages, keys, strict=True):
        page.merge_page(overlays[key])
        page.compress_content_streams()


def _unshare_contents(writer: PdfWriter) -> None:
    """Give each page its own content stream where pages share one (or its parts).

    Merging replaces a page's content objects in place, which would stamp a shared stream
    once per page that uses it, or blank the other pages.
    """
    owners: dict[int, int] = {}
    for page in writer.pages:
        for number in _content_objects(page):
            owners[number] = owners.get(number, 0) + 1
    for page in writer.pages:
        if any(owners[number] > 1 for number in _content_objects(page)):
            content = page.get_contents()
            del page[NameObject("/Contents")]
            if content is not None:
                page.replace_contents(content)


def _content_objects(page: PageObject) -> list[int]:
    reference = page.get("/Contents")
    if reference is None:
        return []
    numbers = [reference.idnum] if isinstance(reference, IndirectObject) else []
    contents = reference.get_object()
    if isinstance(contents, ArrayObject):
        numbers += [part.idnum for part in contents if isinstance(part, IndirectObject)]
    return numbers


def _page_key(page: PageObject) -> tuple[_Box, int]:
    box = page.cropbox
    left, right = sorted((float(box.left), float(box.right)))
    bottom, top = sorted((float(box.bottom), float(box.top)))
    if right - left < 1 or top - bottom < 1:
        raise PdfError(CORRUPT_PDF)
    return (left, bottom, right, top), page_rotation(page)


def _display_matrix(box: _Box, rotation: int) -> tuple[float, ...]:
    """Map coordinates on the page as displayed (origin bottom left) to user space."""
    left, bottom, right, top = box
    return {
        0: (1, 0, 0, 1, left, bottom),
        90: (0, 1, -1, 0, right, bottom),
        180: (-1, 0, 0, -1, right, top),
        270: (0, -1, 1, 0, left, top),
    }[rotation]


class _EmbeddedFont:
    """A TrueType subset with the glyphs of one line of text, as PDF objects."""

    def __init__(
        self, data: bytes, text: str, glyphs: list[int], widths: dict[int, int], metrics: bytes
    ) -> None:
        self.data = data
        self.text = text
        self.glyphs = glyphs
        self.widths = widths  # in 1/1000 em
        self.metrics = metrics  # the FontDescriptor's box and heights

    @classmethod
    def load(cls, text: str) -> _EmbeddedFont:
        path = next((p for p in FONT_CANDIDATES if os.path.exists(p)), None)
        if path is None:
            raise PdfError(FONT_MISSING)
        font = TTFont(path)
        chars = _drawable(text, font.getBestCmap())
        options = subset.Options()
        options.notdef_outline = True
        options.layout_features = []
        options.drop_tables += ["FFTM", "GPOS", "GSUB", "GDEF", "kern"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes={ord(c) for c in chars})
        subsetter.subset(font)
        cmap = font.getBestCmap()  # glyph ids change in the subset: look them up after it
        scale = 1000 / font["head"].unitsPerEm
        glyphs = [font.getGlyphID(cmap[ord(c)]) for c in chars]
        widths = {
            gid: round(font["hmtx"][cmap[ord(c)]][0] * scale)
            for gid, c in zip(glyphs, chars, strict=True)
        }
        buffer = io.BytesIO()
        font.save(buffer)
        return cls(buffer.getvalue(), "".join(chars), glyphs, widths, _metrics(font, scale))

    def width(self, size: float) -> float:
        return sum(self.widths[g] for g in self.glyphs) * size / 1000

    def hex(self) -> bytes:
        return b"<" + "".join(f"{g:04X}" for g in self.glyphs).encode() + b">"

    def objects(self, first: int) -> dict[int, bytes]:
        """The Type0 font as objects `first`.. `first + 4`; the font dictionary is `first`."""
        unicode_of = {g: c for g, c in zip(self.glyphs, self.text, strict=True)}
        widths = b" ".join(b"%d [%d]" % (g, self.widths[g]) for g in sorted(self.widths))
        cmap_lines = [
            f"<{g:04X}> <{c.encode('utf-16-be').hex().upper()}>" for g, c in unicode_of.items()
        ]
        to_unicode = (
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
            "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            f"{len(cmap_lines)} beginbfchar\n" + "\n".join(cmap_lines) + "\nendbfchar\n"
            "endcmap CMapName currentdict /CMap defineresource pop end end\n"
        ).encode()
        name = b"/AAAAAA+Stamp"
        return {
            first: b"<< /Type /Font /Subtype /Type0 /BaseFont %s /Encoding /Identity-H "
            b"/DescendantFonts [%d 0 R] /ToUnicode %d 0 R >>" % (name, first + 1, first + 4),
            first + 1: b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont %s "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
            b"/FontDescriptor %d 0 R /CIDToGIDMap /Identity /DW 600 /W [%s] >>"
            % (name, first + 2, widths),
            first + 2: b"<< /Type /FontDescriptor /FontName %s /Flags 32 %s "
            b"/ItalicAngle 0 /StemV 80 /FontFile2 %d 0 R >>" % (name, self.metrics, first + 3),
            first + 3: _stream(self.data, b"/Length1 %d" % len(self.data)),
            first + 4: _stream(to_unicode),
        }


def _drawable(text: str, cmap: dict[int, str]) -> list[str]:
    """The characters of `text` the font has, letters it lacks decomposed when that helps."""
    chars: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        parts = [char] if ord(char) in cmap else unicodedata.normalize("NFD", char)
        chars.extend(part for part in parts if ord(part) in cmap)
    return chars or [c for c in "?" if ord(c) in cmap]


def _metrics(font: TTFont, scale: float) -> bytes:
    head, hhea = font["head"], font["hhea"]
    os2 = font["OS/2"] if "OS/2" in font else None
    cap_height = getattr(os2, "sCapHeight", 0) or hhea.ascent * 0.7
    box = (head.xMin, head.yMin, head.xMax, head.yMax)
    return b"/FontBBox [%s] /Ascent %d /Descent %d /CapHeight %d" % (
        _numbers(round(v * scale) for v in box),
        round(hhea.ascent * scale),
        round(hhea.descent * scale),
        round(cap_height * scale),
    )


def _overlay_pdf(font: _EmbeddedFont, keys: Iterable[tuple[_Box, int]]) -> bytes:
    """A PDF with one page per (crop box, rotation), carrying only the stamp."""
    objects: dict[int, bytes] = font.objects(first=3)
    resources = (
        b"<< /Font << /StampFont 3 0 R >> /ExtGState << "
        b"/StampFooter << /ca %.2f >> /StampDiagonal << /ca %.2f >> >> >>"
        % (FOOTER_ALPHA, DIAGONAL_ALPHA)
    )
    kids = []
    number = 8
    for box, rotation in keys:
        content = _stamp_content(font, box, rotation)
        objects[number] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [%s] /Resources %s /Contents %d 0 R >>"
            % (_numbers(box), resources, number + 1)
        )
        objects[number + 1] = _stream(zlib.compress(content), b"/Filter /FlateDecode")
        kids.append(b"%d 0 R" % number)
        number += 2
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(kids), len(kids))
    return _serialize(objects)


def _stamp_content(font: _EmbeddedFont, box: _Box, rotation: int) -> bytes:
    left, bottom, right, top = box
    width, height = right - left, top - bottom
    if rotation in (90, 270):
        width, height = height, width
    footer_size = min(FOOTER_SIZE, FOOTER_SIZE * (width - 2 * FOOTER_MARGIN) / font.width(8))
    footer_x = (width - font.width(footer_size)) / 2
    footer_y = FOOTER_MARGIN - footer_size * 0.25
    diagonal = math.hypot(width, height)
    diagonal_size = min(DIAGONAL_MAX_SIZE, 0.7 * diagonal * 8 / font.width(8))
    cos, sin = width / diagonal, height / diagonal
    text = font.hex()
    return b"\n".join(
        [
            b"q %s cm" % _numbers(_display_matrix(box, rotation)),
            b"q /StampDiagonal gs %.2f g" % DIAGONAL_GRAY,
            b"%s cm" % _numbers((cos, sin, -sin, cos, width / 2, height / 2)),
            b"BT /StampFont %s Tf %s Td %s Tj ET Q"
            % (
                _numbers((diagonal_size,)),
                _numbers((-font.width(diagonal_size) / 2, -diagonal_size * 0.35)),
                text,
            ),
            b"/StampFooter gs %.2f g" % FOOTER_GRAY,
            b"BT /StampFont %s Tf %s Td %s Tj ET Q"
            % (_numbers((footer_size,)), _numbers((footer_x, footer_y)), text),
        ]
    )


def _numbers(values: Iterable[float]) -> bytes:
    return " ".join(f"{v:.4f}".rstrip("0").rstrip(".") or "0" for v in values).encode()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n%s\nendstream" % (len(data), extra, data)


def _serialize(objects: dict[int, bytes]) -> bytes:
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        if number in offsets:
            out += b"%010d 00000 n \n" % offsets[number]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
    return bytes(out)


def _write_atomically(writer: PdfWriter, dst: str) -> None:
    with atomic_writer(dst) as file:
        writer.write(file)


# --------------------------------------------------------------- the meeting book, made once
#
# The book is merged once per set of document versions (`merge_book`), with every page drawing
# an empty form XObject, one per page size, after its own content. Each reader's copy is that
# file unchanged followed by a small incremental update (`stamp_book`) that gives those forms
# the reader's stamp: a few kilobytes to write, whatever the length of the book.

STAMP_XOBJECT = "/MeetingStampForm"


@dataclass(frozen=True)
class BookBase:
    """What `stamp_book` needs of a merged book: its trailer and the placeholder forms."""

    size: int  # the trailer's /Size: new objects are numbered from here
    root: int
    info: int | None
    startxref: int
    forms: tuple[tuple[int, _Box, int], ...]  # (object number, crop box, rotation)
    pages: int


def merge_book(entries: list[BookEntry], dst: str) -> BookBase:
    """Merge the entries' documents in order into `dst`, unstamped, with a bookmark per item
    and per document (as `build_book`) and an empty stamp form drawn on every page."""
    with pypdf_errors():
        writer = _merged(entries)
        _add_stamp_forms(writer)
        _write_atomically(writer, dst)
    return _book_base(dst)


def _add_stamp_forms(writer: PdfWriter) -> None:
    forms: dict[tuple[_Box, int], IndirectObject] = {}
    save = writer._add_object(_content_stream(b"q\n"))
    restore_and_stamp = writer._add_object(
        _content_stream(b"\nQ\n%s Do\n" % STAMP_XOBJECT.encode()))
    for page in writer.pages:
        key = _page_key(page)
        if key not in forms:
            form = StreamObject()
            form.update({NameObject("/Type"): NameObject("/XObject"),
                         NameObject("/Subtype"): NameObject("/Form"),
                         NameObject("/BBox"): ArrayObject(FloatObject(v) for v in key[0])})
            forms[key] = writer._add_object(form)
        contents = page.get("/Contents")
        parts = ArrayObject([save])
        if contents is not None:
            found = contents.get_object()
            if isinstance(found, ArrayObject):
                parts.extend(found)
            else:
                parts.append(contents if isinstance(contents, IndirectObject)
                             else writer._add_object(found))
        parts.append(restore_and_stamp)
        page[NameObject("/Contents")] = parts
        # the page's own resources, so that a dictionary shared with other pages is left alone
        resources = _raw_copy(page.get("/Resources"))
        xobjects = _raw_copy(resources.raw_get("/XObject") if "/XObject" in resources else None)
        xobjects[NameObject(STAMP_XOBJECT)] = forms[key]
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources


def _raw_copy(found: object) -> DictionaryObject:
    """A new dictionary with the entries of `found` (a dictionary or a reference to one) as
    they are: references stay references."""
    copy = DictionaryObject()
    if isinstance(found, IndirectObject):
        found = found.get_object()
    if isinstance(found, DictionaryObject):
        for name, value in dict.items(found):
            copy[name] = value
    return copy


def _content_stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream.set_data(data)
    return stream


def _book_base(path: str) -> BookBase:
    """Read back what the written book's increment must refer to."""
    reader = PdfReader(path)
    trailer = reader.trailer
    root = trailer.raw_get("/Root")
    info = trailer.raw_get("/Info") if "/Info" in trailer else None
    forms: dict[int, tuple[int, _Box, int]] = {}
    for page in reader.pages:
        reference = page["/Resources"]["/XObject"].raw_get(STAMP_XOBJECT)  # type: ignore[index]
        if reference.idnum not in forms:
            box, rotation = _page_key(page)
            forms[reference.idnum] = (reference.idnum, box, rotation)
    with open(path, "rb") as file:
        file.seek(max(0, os.path.getsize(path) - 1024))
        tail = file.read()
    position = tail.rindex(b"startxref")
    startxref = int(tail[position + len(b"startxref"):].split()[0])
    return BookBase(int(trailer["/Size"]), root.idnum,  # type: ignore[call-overload]
                    info.idnum if isinstance(info, IndirectObject) else None,
                    startxref, tuple(forms.values()), len(reader.pages))


def stamp_book(base_path: str, base: BookBase, dst: str, text: str) -> int:
    """Write to `dst` the merged book at `base_path` followed by an incremental update that
    draws `text` in its stamp forms; returns the page count."""
    font = _EmbeddedFont.load(" ".join(text.split()))
    first = base.size
    objects: dict[int, bytes] = font.objects(first=first)
    resources = (
        b"<< /Font << /StampFont %d 0 R >> /ExtGState << "
        b"/StampFooter << /ca %.2f >> /StampDiagonal << /ca %.2f >> >> >>"
        % (first, FOOTER_ALPHA, DIAGONAL_ALPHA)
    )
    for number, box, rotation in base.forms:
        content = zlib.compress(_stamp_content(font, box, rotation))
        objects[number] = _stream(content, b"/Type /XObject /Subtype /Form /BBox [%s] /Resources"
                                  b" %s /Filter /FlateDecode" % (_numbers(box), resources))
    with atomic_writer(dst) as out, open(base_path, "rb") as source:
        length = 0
        while chunk := source.read(1 << 20):
            out.write(chunk)
            length += len(chunk)
        out.write(_increment(objects, base, length))
    return base.pages


def _increment(objects: dict[int, bytes], base: BookBase, offset: int) -> bytes:
    """An incremental update (ISO 32000-1, 7.5.6) that starts at byte `offset` of the file."""
    out = bytearray(b"\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = offset + len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = offset + len(out)
    out += b"xref\n"
    for number in sorted(objects):
        out += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    size = max(base.size, max(objects) + 1)
    info = b" /Info %d 0 R" % base.info if base.info is not None else b""
    out += b"trailer\n<< /Size %d /Root %d 0 R%s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size, base.root, info, base.startxref, xref)
    return bytes(out)
