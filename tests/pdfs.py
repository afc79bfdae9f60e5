"""The PDFs the tests upload, generated here: small, deterministic, one property each.

Every sample is built byte by byte (Helvetica text, no embedded fonts), so the same code gives
the same bytes on every machine and the tests need no file from outside the project. The shapes
are those real producers write: pdfLaTeX-style object streams with a cross-reference stream,
classic ``xref`` tables, an incremental update, Flate-compressed content, a DCT (JPEG) image, a
CMYK image, an outline, shared content streams under ``/Rotate``, RC4 encryption.

``MEETING_TEST_CORPUS=/some/dir`` adds that folder's ``*.pdf`` to the tests that run over every
sample (see :func:`extra_corpus`); nothing else reads a file from outside ``tests/``.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path

A4 = (595.2756, 841.8898)  # as displayed by pypdf after rounding: 595.276 × 841.89
LETTER = (612, 792)

ONE_PAGE = "one-page.pdf"
FOUR_PAGES = "four-pages.pdf"
OUTLINE = "outline.pdf"
ENCRYPTED = "password.pdf"
LONG = "long.pdf"
ROTATED = "rotated.pdf"
JPEG_IMAGE = "jpeg-image.pdf"
CMYK_IMAGE = "cmyk-image.pdf"
MULTICOLUMN = "multicolumn.pdf"
INCREMENTAL = "incremental-update.pdf"

#: The user password of ENCRYPTED (the owner password differs).
USER_PASSWORD = "openpassword"
#: The first line of FOUR_PAGES's first page.
FOUR_PAGES_FIRST_LINE = "Hello, here is some text on the first page."
#: LONG's page count and document information (UTF-16 strings in the Info dictionary).
LONG_PAGES = 117
LONG_TITLE = "Báo cáo tổng hợp kết quả cải cách hành chính"
LONG_AUTHOR = "Nguyễn Văn An"
#: The word that starts LONG's first page.
LONG_FIRST_WORD = "Tonghop"
#: The rotation of ROTATED's four pages, in order.
ROTATIONS = (90, 180, 270, 0)
#: The titles of OUTLINE's bookmarks, top level, with the children of the second.
OUTLINE_TITLES = ("Introduction", "Findings", "Conclusion")
OUTLINE_CHILDREN = ("First finding", "Second finding")

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
FILLER = ("The committee reviewed the report and asked the departments to follow the plan. "
          "Each unit keeps its records and reports the progress of its tasks in time.")


# ----------------------------------------------------------------------------- the builder


def pdf_string(text: str) -> bytes:
    """A literal string: PDFDocEncoding when it fits Latin-1, else UTF-16BE with a BOM."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        raw = b"\xfe\xff" + text.encode("utf-16-be")
    escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped.replace(b"\r", b"\\r") + b")"


def number(value: float) -> bytes:
    return (b"%d" % value) if float(value).is_integer() else (b"%.4f" % value).rstrip(b"0")


def box(size: tuple[float, float]) -> bytes:
    return b"[0 0 " + number(size[0]) + b" " + number(size[1]) + b"]"


class Stream:
    """A stream object: its dictionary entries (without /Length) and its encoded data."""

    def __init__(self, data: bytes, entries: bytes = b"", *, compress: bool = False) -> None:
        if compress:
            data = zlib.compress(data, 9)
            entries = b"/Filter /FlateDecode " + entries
        self.data = data
        self.entries = entries

    def body(self, data: bytes | None = None) -> bytes:
        data = self.data if data is None else data
        return (b"<< " + self.entries + b" /Length %d >>\nstream\n" % len(data) + data
                + b"\nendstream")


Object = bytes | Stream


class Document:
    """Objects numbered from 1, written with a classic xref table or a cross-reference stream."""

    def __init__(self) -> None:
        self.objects: list[Object | None] = []

    def reserve(self) -> int:
        self.objects.append(None)
        return len(self.objects)

    def add(self, body: Object) -> int:
        self.objects.append(body)
        return len(self.objects)

    def set(self, number: int, body: Object) -> None:
        self.objects[number - 1] = body

    def _bodies(self) -> Iterator[tuple[int, Object]]:
        for n, body in enumerate(self.objects, start=1):
            assert body is not None, f"object {n} was reserved and never set"
            yield n, body

    def write_classic(self, root: int, info: int | None = None, *,
                      encrypt: Encryption | None = None, header: bytes = b"%PDF-1.4") -> bytes:
        out = bytearray(header + b"\n%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        for n, body in self._bodies():
            offsets[n] = len(out)
            if isinstance(body, Stream):
                data = body.data if encrypt is None or n == encrypt.number else \
                    encrypt.cipher(n, body.data)
                body = body.body(data)
            out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
        xref = len(out)
        out += xref_table(offsets, len(self.objects) + 1)
        trailer = b"/Size %d /Root %d 0 R" % (len(self.objects) + 1, root)
        if info is not None:
            trailer += b" /Info %d 0 R" % info
        if encrypt is not None:
            trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (
                encrypt.number, encrypt.file_id.hex().encode(), encrypt.file_id.hex().encode())
        out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)

    def write_compact(self, root: int, info: int | None = None) -> bytes:
        """pdfLaTeX's shape: every non-stream object in one object stream, a cross-reference
        stream instead of a table, and only the streams at top level."""
        out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
        packed = [(n, body) for n, body in self._bodies() if isinstance(body, bytes)]
        objstm = len(self.objects) + 1
        xref_number = objstm + 1
        rows: dict[int, tuple[int, int, int]] = {}
        for n, body in self._bodies():
            if isinstance(body, Stream):
                rows[n] = (1, len(out), 0)
                out += b"%d 0 obj\n" % n + body.body() + b"\nendobj\n"
        head, data = bytearray(), bytearray()
        for index, (n, body) in enumerate(packed):
            head += b"%d %d " % (n, len(data))
            data += body + b"\n"
            rows[n] = (2, objstm, index)
        packed_stream = Stream(bytes(head) + bytes(data),
                               b"/Type /ObjStm /N %d /First %d" % (len(packed), len(head)),
                               compress=True)
        rows[objstm] = (1, len(out), 0)
        out += b"%d 0 obj\n" % objstm + packed_stream.body() + b"\nendobj\n"
        rows[xref_number] = (1, len(out), 0)
        table = struct.pack(">BIH", 0, 0, 65535) + b"".join(
            struct.pack(">BIH", *rows[n]) for n in range(1, xref_number + 1))
        trailer = b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R" % (xref_number + 1, root)
        if info is not None:
            trailer += b" /Info %d 0 R" % info
        xref = Stream(table, trailer, compress=True)
        out += b"%d 0 obj\n" % xref_number + xref.body() + b"\nendobj\n"
        out += b"startxref\n%d\n%%%%EOF\n" % rows[xref_number][1]
        return bytes(out)


def xref_table(offsets: dict[int, int], size: int, first: int = 0) -> bytes:
    """A classic xref section; offsets for the objects written, free entries elsewhere."""
    rows = [b"0000000000 65535 f \n" if n not in offsets else b"%010d 00000 n \n" % offsets[n]
            for n in range(first, size)]
    return b"xref\n%d %d\n" % (first, size - first) + b"".join(rows)


def text_content(lines: list[str], *, x: float = 72, y: float = 770, size: int = 11,
                 leading: int = 15) -> bytes:
    """Helvetica lines from (x, y) down; WinAnsi text, so Latin-1 characters only."""
    ops = [b"BT", b"/F1 %d Tf" % size, b"%d TL" % leading, number(x) + b" " + number(y) + b" Td"]
    for line in lines:
        ops.append(pdf_string(line) + b" Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops)


def wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line] if line else lines


def simple_document(pages: list[bytes], size: tuple[float, float] = A4, *,
                    compress: bool = False, images: dict[str, Stream] | None = None,
                    ) -> tuple[Document, int, list[int]]:
    """Pages with one content stream each, Helvetica as /F1 and ``images`` as XObjects;
    returns (document, catalog, page numbers). The page tree is the object after the catalog."""
    doc = Document()
    catalog, tree, font = doc.reserve(), doc.reserve(), doc.add(FONT)
    resources = b"/Font << /F1 %d 0 R >>" % font
    if images:
        named = b" ".join(b"/" + name.encode() + b" %d 0 R" % doc.add(image)
                          for name, image in images.items())
        resources += b" /XObject << " + named + b" >>"
    page_numbers = []
    for content in pages:
        stream = doc.add(Stream(content, compress=compress))
        page_numbers.append(doc.add(
            b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources << %s >> /Contents %d 0 R >>"
            % (tree, box(size), resources, stream)))
    kids = b" ".join(b"%d 0 R" % n for n in page_numbers)
    doc.set(tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_numbers)))
    doc.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    return doc, catalog, page_numbers


def info(doc: Document, **entries: str) -> int:
    body = b" ".join(b"/" + key.title().encode() + b" " + pdf_string(value)
                     for key, value in entries.items())
    return doc.add(b"<< " + body + b" /Producer (meeting-server tests/pdfs.py) >>")


# ----------------------------------------------------------------------------- encryption


PADDING = bytes.fromhex("28bf4e5e4e758a4164004e56fffa01082e2e00b6d0683e802f0ca9fe6453697a")


def rc4(key: bytes, data: bytes) -> bytes:
    state = list(range(256))
    j = 0
    for i in range(256):
        j = (j + state[i] + key[i % len(key)]) % 256
        state[i], state[j] = state[j], state[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + state[i]) % 256
        state[i], state[j] = state[j], state[i]
        out.append(byte ^ state[(state[i] + state[j]) % 256])
    return bytes(out)


class Encryption:
    """The standard security handler, revision 3 (128-bit RC4), as in PDF 1.7 § 7.6.3."""

    def __init__(self, number: int, user: str, owner: str, file_id: bytes,
                 permissions: int = -4) -> None:
        self.number, self.file_id, self.permissions = number, file_id, permissions
        user_padded = (user.encode("latin-1") + PADDING)[:32]
        digest = hashlib.md5((owner.encode("latin-1") + PADDING)[:32]).digest()
        for _ in range(50):
            digest = hashlib.md5(digest).digest()
        owner_entry = rc4(digest, user_padded)
        for i in range(1, 20):
            owner_entry = rc4(bytes(b ^ i for b in digest), owner_entry)
        self.owner_entry = owner_entry
        p = struct.pack("<i", permissions)
        key = hashlib.md5(user_padded + owner_entry + p + file_id).digest()
        for _ in range(50):
            key = hashlib.md5(key).digest()
        self.key = key
        user_entry = rc4(key, hashlib.md5(PADDING + file_id).digest())
        for i in range(1, 20):
            user_entry = rc4(bytes(b ^ i for b in key), user_entry)
        self.user_entry = user_entry + bytes(16)

    def dictionary(self) -> bytes:
        return (b"<< /Filter /Standard /V 2 /R 3 /Length 128 /P %d /O <%s> /U <%s> >>"
                % (self.permissions, self.owner_entry.hex().encode(),
                   self.user_entry.hex().encode()))

    def cipher(self, number: int, data: bytes) -> bytes:
        object_key = hashlib.md5(self.key + struct.pack("<I", number)[:3] + b"\0\0").digest()
        return rc4(object_key, data)


# ----------------------------------------------------------------------------- the samples


def one_page() -> bytes:
    """One Letter page of text, written the way pdfLaTeX writes (object and xref streams)."""
    lines = ["Minimal document", "", *wrap(FILLER, 80)]
    doc, catalog, _ = simple_document([text_content(lines)], LETTER, compress=True)
    return doc.write_compact(catalog, info(doc, title="Minimal document"))


def four_pages() -> bytes:
    """Four A4 pages of different text, pdfLaTeX-style."""
    pages = [text_content([FOUR_PAGES_FIRST_LINE, *wrap(FILLER, 80)])]
    for n in range(2, 5):
        pages.append(text_content([f"Page {n} of four", *wrap(f"Section {n}. " + FILLER, 80)]))
    doc, catalog, _ = simple_document(pages, compress=True)
    return doc.write_compact(catalog, info(doc, title="Four pages"))


def outline() -> bytes:
    """Four pages with bookmarks: three at the top level, the second with two children."""
    pages = [text_content([f"Part {n}", *wrap(FILLER, 80)]) for n in range(1, 5)]
    doc, catalog, page_numbers = simple_document(pages)
    root = doc.reserve()
    top = [doc.reserve() for _ in OUTLINE_TITLES]
    children = [doc.reserve() for _ in OUTLINE_CHILDREN]

    def entry(title: str, parent: int, page: int, siblings: list[int], index: int,
              extra: bytes = b"") -> bytes:
        links = b""
        if index > 0:
            links += b" /Prev %d 0 R" % siblings[index - 1]
        if index < len(siblings) - 1:
            links += b" /Next %d 0 R" % siblings[index + 1]
        return (b"<< /Title %s /Parent %d 0 R /Dest [%d 0 R /Fit]%s%s >>"
                % (pdf_string(title), parent, page, links, extra))

    for index, title in enumerate(OUTLINE_TITLES):
        extra = b""
        if index == 1:
            extra = b" /First %d 0 R /Last %d 0 R /Count %d" % (
                children[0], children[-1], len(children))
        doc.set(top[index], entry(title, root, page_numbers[[0, 1, 3][index]], top, index, extra))
    for index, title in enumerate(OUTLINE_CHILDREN):
        doc.set(children[index], entry(title, top[1], page_numbers[1 + index], children, index))
    doc.set(root, b"<< /Type /Outlines /First %d 0 R /Last %d 0 R /Count %d >>"
            % (top[0], top[-1], len(top) + len(children)))
    doc.set(catalog, b"<< /Type /Catalog /Pages %d 0 R /Outlines %d 0 R"
            b" /PageMode /UseOutlines >>" % (catalog + 1, root))
    return doc.write_classic(catalog, info(doc, title="With an outline"))


def encrypted() -> bytes:
    """One page, RC4-128, user password USER_PASSWORD: a reader needs it to see anything."""
    doc, catalog, _ = simple_document([text_content(["Confidential", *wrap(FILLER, 80)])])
    number = doc.reserve()
    encryption = Encryption(number, USER_PASSWORD, "owner secret",
                            hashlib.md5(b"meeting-server tests encrypted").digest())
    doc.set(number, encryption.dictionary())
    return doc.write_classic(catalog, encrypt=encryption)


def long_word(page: int) -> str:
    """A word found on that page of LONG only: ten letters, none a prefix of another."""
    first, rest = divmod(page, 26 * 26)
    second, third = divmod(rest, 26)
    return "phanmuc" + "".join(chr(ord("a") + n) for n in (first, second, third))


def long() -> bytes:
    """LONG_PAGES A4 pages, each with its own word (long_word), a UTF-16 title and author."""
    pages = []
    for page in range(1, LONG_PAGES + 1):
        heading = f"{LONG_FIRST_WORD} chapter {page}" if page == 1 else f"Chapter {page}"
        body = wrap(f"{FILLER} The index word of this page is {long_word(page)}. {FILLER}", 80)
        pages.append(text_content([heading, "", *body]))
    doc, catalog, _ = simple_document(pages, compress=True)
    return doc.write_classic(catalog, info(doc, title=LONG_TITLE, author=LONG_AUTHOR),
                             header=b"%PDF-1.7")


def rotated() -> bytes:
    """Four A4 pages rotated by ROTATIONS, all drawing one shared content stream that keeps
    clear of the edges (a stamp's footer must be the only mark at the displayed bottom)."""
    doc = Document()
    catalog, tree, font = doc.reserve(), doc.reserve(), doc.add(FONT)
    content = doc.add(Stream(text_content(["Rotated page", "Trang xoay"], x=200, y=450,
                                          size=18, leading=24)))
    pages = [doc.add(b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Rotate %d"
                     b" /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                     % (tree, box(A4), rotation, font, content))
             for rotation in ROTATIONS]
    kids = b" ".join(b"%d 0 R" % n for n in pages)
    doc.set(tree, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)))
    doc.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    return doc.write_classic(catalog)


def gradient(mode: str, size: tuple[int, int] = (64, 48)) -> bytes:
    """Raw pixels of a smooth gradient, one byte per channel."""
    width, height = size
    channels = len(mode)
    out = bytearray()
    for y in range(height):
        for x in range(width):
            values = (x * 4, y * 5, (x + y) * 2, 40)
            out += bytes(v % 256 for v in values[:channels])
    return bytes(out)


def jpeg_image() -> bytes:
    """One page with a photograph: an RGB JPEG (DCTDecode) made by Pillow."""
    from PIL import Image

    picture = Image.frombytes("RGB", (64, 48), gradient("RGB"))
    encoded = io.BytesIO()
    picture.save(encoded, "JPEG", quality=80)
    image = Stream(encoded.getvalue(), b"/Type /XObject /Subtype /Image /Width 64 /Height 48"
                   b" /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode")
    content = text_content(["A photograph"]) + b"\nq 320 0 0 240 72 400 cm /Im1 Do Q"
    doc, catalog, _ = simple_document([content], LETTER, images={"Im1": image})
    return doc.write_classic(catalog)


def cmyk_image() -> bytes:
    """One page with a Flate-compressed DeviceCMYK image."""
    image = Stream(gradient("CMYK"), b"/Type /XObject /Subtype /Image /Width 64 /Height 48"
                   b" /ColorSpace /DeviceCMYK /BitsPerComponent 8", compress=True)
    content = text_content(["A CMYK picture"]) + b"\nq 256 0 0 192 72 400 cm /Im1 Do Q"
    doc, catalog, _ = simple_document([content], compress=True, images={"Im1": image})
    return doc.write_classic(catalog)


def multicolumn() -> bytes:
    """Three Letter pages of two columns of text each."""
    pages = []
    for n in range(1, 4):
        left = text_content(wrap(f"Left column of page {n}. " + FILLER * 3, 40), x=54, y=740)
        right = text_content(wrap(f"Right column of page {n}. " + FILLER * 3, 40), x=320, y=740)
        pages.append(left + b"\n" + right)
    doc, catalog, _ = simple_document(pages, LETTER, compress=True)
    return doc.write_classic(catalog)


def incremental() -> bytes:
    """A one-page file and then an incremental update that adds a second page: two xref
    sections linked by /Prev, as an editor or a signing tool leaves them."""
    doc, catalog, [first] = simple_document([text_content(["Original page"])])
    original = doc.write_classic(catalog)
    tree = catalog + 1
    size = len(doc.objects) + 1
    out = bytearray(original)
    offsets = {}
    content, page = size, size + 1
    offsets[content] = len(out)
    out += b"%d 0 obj\n" % content + Stream(text_content(["Added page"])).body() + b"\nendobj\n"
    offsets[page] = len(out)
    out += (b"%d 0 obj\n<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources << /Font << /F1"
            b" %d 0 R >> >> /Contents %d 0 R >>\nendobj\n" % (page, tree, box(A4), catalog + 2,
                                                                content))
    offsets[tree] = len(out)
    out += (b"%d 0 obj\n<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>\nendobj\n"
            % (tree, first, page))
    previous = int(original.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for n in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (n, offsets[n])
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
            % (page + 1, catalog, previous, xref))
    return bytes(out)


SAMPLES: dict[str, Callable[[], bytes]] = {
    ONE_PAGE: one_page,
    FOUR_PAGES: four_pages,
    OUTLINE: outline,
    ENCRYPTED: encrypted,
    LONG: long,
    ROTATED: rotated,
    JPEG_IMAGE: jpeg_image,
    CMYK_IMAGE: cmyk_image,
    MULTICOLUMN: multicolumn,
    INCREMENTAL: incremental,
}
#: Page counts, as every reader must see them.
PAGE_COUNTS = {ONE_PAGE: 1, FOUR_PAGES: 4, OUTLINE: 4, ENCRYPTED: 1, LONG: LONG_PAGES,
               ROTATED: 4, JPEG_IMAGE: 1, CMYK_IMAGE: 1, MULTICOLUMN: 3, INCREMENTAL: 2}
#: Every sample a user may upload (all but the encrypted one).
READABLE = sorted(name for name in SAMPLES if name != ENCRYPTED)


@cache
def sample(name: str) -> bytes:
    """The bytes of one sample (built once per process)."""
    return SAMPLES[name]()


def write_samples(folder: Path) -> Path:
    """Every sample written into ``folder``, which is returned."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in SAMPLES:
        (folder / name).write_bytes(sample(name))
    return folder


def extra_corpus(*, encrypted: bool = False) -> list[Path]:
    """``$MEETING_TEST_CORPUS/*.pdf`` for an optional, longer run over real-world files: the
    readable ones, or with ``encrypted`` the password-protected ones."""
    folder = os.environ.get("MEETING_TEST_CORPUS")
    if not folder:
        return []
    found = sorted(Path(folder).glob("*.pdf"))
    if not found:
        raise RuntimeError(f"MEETING_TEST_CORPUS={folder} holds no *.pdf")
    from pypdf import PdfReader

    return [path for path in found if PdfReader(path).is_encrypted == encrypted]


# ----------------------------------------------------------------------------- not in SAMPLES
# Files that tests ask for by name: large, or refused at upload, or odd in one way.

#: The words on the page of lone_surrogate_text() that its font maps to real letters.
SURROGATE_TEXT_WORDS = ("Tonghop", "quyet", "dinh")
_BROKEN_TO_UNICODE = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <00> <FF> endcodespacerange
2 beginbfchar
<41> <D800>
<42> <DC00>
endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end
"""


def lone_surrogate_text() -> bytes:
    """One page whose font's /ToUnicode maps "A" and "B" to lone surrogates (U+D800, U+DC00),
    as broken producers write; the other letters extract as themselves."""
    doc = Document()
    catalog, tree = doc.reserve(), doc.reserve()
    to_unicode = doc.add(Stream(_BROKEN_TO_UNICODE))
    font = doc.add(FONT[:-2] + b"/ToUnicode %d 0 R >>" % to_unicode)
    words = " ".join(SURROGATE_TEXT_WORDS)
    content = doc.add(Stream(text_content([f"A {words} B", "BA xA"])))
    page = doc.add(b"<< /Type /Page /Parent %d 0 R /MediaBox %s /Resources << /Font << /F1 %d"
                   b" 0 R >> >> /Contents %d 0 R >>" % (tree, box(A4), font, content))
    doc.set(tree, b"<< /Type /Pages /Kids [%d 0 R] /Count 1 >>" % page)
    doc.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % tree)
    return doc.write_classic(catalog)


def with_media_box(media_box: bytes) -> bytes:
    """One page of text whose /MediaBox is written as given, e.g. ``b"[0 0 1e400 1e400]"``."""
    doc, catalog, [page] = simple_document([text_content(["Odd page size"])])
    body = doc.objects[page - 1]
    assert isinstance(body, bytes)
    doc.set(page, body.replace(b"/MediaBox " + box(A4), b"/MediaBox " + media_box))
    return doc.write_classic(catalog)


@cache
def many_pages(count: int) -> bytes:
    """``count`` small A4 pages, each with its number: a long document's page tree (in pages
    of 100 kids) without the bulk. Built once per process for each ``count``."""
    doc = Document()
    catalog, root, font = doc.reserve(), doc.reserve(), doc.add(FONT)
    branches = []
    for first in range(0, count, 100):
        branch = doc.reserve()
        kids = []
        for n in range(first + 1, min(first + 100, count) + 1):
            content = doc.add(Stream(text_content([f"Page {n} of {count}"])))
            kids.append(doc.add(
                b"<< /Type /Page /Parent %d 0 R /Contents %d 0 R >>" % (branch, content)))
        doc.set(branch, b"<< /Type /Pages /Parent %d 0 R /Kids [%s] /Count %d >>" % (
            root, b" ".join(b"%d 0 R" % k for k in kids), len(kids)))
        branches.append(branch)
    doc.set(root, b"<< /Type /Pages /Kids [%s] /Count %d /MediaBox %s /Resources << /Font"
            b" << /F1 %d 0 R >> >> >>" % (b" ".join(b"%d 0 R" % b for b in branches), count,
                                          box(A4), font))
    doc.set(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % root)
    return doc.write_classic(catalog)
