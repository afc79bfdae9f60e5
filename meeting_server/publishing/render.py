"""HTML from the publication templates, and its PDF/A by WeasyPrint (in a thread)."""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from meeting_server.local_fetch import local_url_fetcher
from meeting_server.publishing import forms
from meeting_server.publishing.context import short_date
from meeting_server.publishing.fonts import FAMILIES, serif_font

if TYPE_CHECKING:
    from meeting_server.publishing.signing import Signing

TITLES = {"minutes": "Biên bản cuộc họp", "notice": "Thông báo kết luận"}
#: The name of a document of each kind, as a correction refers to it.
KIND_NAMES = {"minutes": "Biên bản", "notice": "Thông báo"}
#: The element of the signer block where the signature's appearance goes (its ``id``).
SIGNATURE_ANCHOR = "signature-box"
PDF_VARIANT = "pdf/a-2b"
_POINTS_PER_PX = 0.75  # 72 PDF points per inch, 96 CSS pixels per inch


@dataclass(frozen=True)
class SignatureBox:
    """Where the signature's appearance goes: a 0-based page and a rectangle in PDF points
    (x1, y1, x2, y2) from the page's bottom left."""

    page: int
    rect: tuple[float, float, float, float]


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    signature_box: SignatureBox | None


class Renderer:
    """The publication templates; the same body serves the web page and the PDF. ``signing``
    signs published PDFs, when a certificate is configured."""

    def __init__(self, templates: Path, signing: Signing | None = None) -> None:
        self.templates = templates
        self.signing = signing
        self.font = serif_font()
        self.env = Environment(loader=FileSystemLoader(str(templates)),
                               autoescape=select_autoescape(default=True))
        self.env.filters.update({
            "vndate": short_date, "vnlongdate": long_date, "no_orphan": forms.no_orphan,
            "task_sentence": forms.task_sentence, "recipient_lines": forms.recipient_lines,
            "upper_first": forms.upper_first, "clock_words": clock_words,
        })
        self.env.globals.update({
            "document_number": document_number, "signer_lines": signer_lines,
            "issuer_lines": issuer_lines, "font_families": font_stack(self.font.family),
            "signature_anchor": SIGNATURE_ANCHOR, "kind_names": KIND_NAMES,
        })
        self._lock = asyncio.Lock()

    def context(self, kind: str, record: dict[str, Any], fields: dict[str, Any],
                status: str, version: int) -> dict[str, Any]:
        return {"kind": kind, "record": record, "fields": fields, "status": status,
                "version": version, "title": TITLES[kind]}

    def body(self, kind: str, record: dict[str, Any], fields: dict[str, Any], status: str,
             version: int) -> str:
        template = self.env.get_template(f"publications/{kind}.html")
        return template.render(**self.context(kind, record, fields, status, version))

    def document(self, kind: str, record: dict[str, Any], fields: dict[str, Any], status: str,
                 version: int, metadata: dict[str, str] | None = None) -> str:
        """A standalone HTML document (what the PDF is made from, and what is frozen);
        ``metadata`` (title, author, subject, keywords, created) becomes the PDF's."""
        template = self.env.get_template("publications/document.html")
        return template.render(body=self.body(kind, record, fields, status, version),
                               metadata=metadata or {},
                               **self.context(kind, record, fields, status, version))

    async def pdf(self, html: str) -> RenderedPdf:
        """WeasyPrint is not built for concurrent use: one rendering at a time, off the loop."""
        async with self._lock:
            return await asyncio.to_thread(render_pdf, html, str(self.templates))


def font_stack(chosen: str) -> str:
    families = [chosen, *(f for f in FAMILIES if f != chosen)]
    return ", ".join(f'"{f}"' for f in families if f != "serif") + ", serif"


def long_date(iso: str) -> str:
    return forms.vietnamese_date(date.fromisoformat(iso[:10]))


def clock_words(hhmm: str) -> str:
    """"11:30" as "11 giờ 30"."""
    hours, _, minutes = (hhmm or "").partition(":")
    return f"{hours} giờ {minutes}" if minutes else hhmm


def document_number(fields: dict[str, Any]) -> str:
    """"152/TB-VP" from the fields (older drafts kept the whole of it in ``number``)."""
    number = str(fields.get("number") or "")
    if "symbol" not in fields:
        return number
    return forms.document_number(number, fields["symbol"])


def signer_lines(fields: dict[str, Any]) -> list[str]:
    if "issuer_head" not in fields:  # a draft made before the authority was derived
        return str(fields.get("signer_title", "")).upper().splitlines()
    return forms.signer_lines(fields["issuer_head"], fields.get("issuer_collective", ""),
                              fields.get("signer_title", ""), fields.get("signer_authority", ""))


def publication_people(record: dict[str, Any]) -> list[dict[str, str]]:
    """The people of the record who might sign, for the signer's list on the draft's page."""
    people = [record.get("chair"), record.get("secretary"), *record.get("attendees", [])]
    return [{"name": p["name"], "title": p["title"]} for p in people if p and p.get("name")]


def issuer_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


@cache
def _weasyprint() -> Any:
    """WeasyPrint, with its sRGB output profile read and closed.

    WeasyPrint 70 opens its sRGB profile for PDF/A and never closes the file: a ResourceWarning
    each time (an error under the test suite's warning filters). The profile is read through
    this subclass, which closes the file; harmless once WeasyPrint closes it itself.
    """
    import weasyprint
    import weasyprint.pdf

    original = weasyprint.pdf.ColorProfile

    class ClosingColorProfile(original):  # type: ignore[misc, valid-type]
        def __init__(self, file_object: Any, *args: Any) -> None:
            with file_object:
                super().__init__(io.BytesIO(file_object.read()), *args)

    weasyprint.pdf.ColorProfile = ClosingColorProfile
    return weasyprint


def render_pdf(html: str, base_url: str) -> RenderedPdf:
    """PDF/A-2b, its fonts embedded, and where the signature's appearance goes."""
    document = _weasyprint().HTML(string=html, base_url=base_url,
                                  url_fetcher=local_url_fetcher(Path(base_url))).render()
    box = None
    for index, page in enumerate(document.pages):
        found = page.anchors.get(SIGNATURE_ANCHOR)
        if found is not None:
            x1, y1, x2, y2 = found
            box = SignatureBox(index, (x1 * _POINTS_PER_PX, (page.height - y2) * _POINTS_PER_PX,
                                       x2 * _POINTS_PER_PX, (page.height - y1) * _POINTS_PER_PX))
            break
    return RenderedPdf(document.write_pdf(pdf_variant=PDF_VARIANT), box)
