"""HTML from the publication templates, and its PDF by WeasyPrint (in a thread)."""

from __future__ import annotations

import asyncio
import io
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from meeting_server.local_fetch import local_url_fetcher
from meeting_server.publishing.context import short_date, vietnamese_date

TITLES = {"minutes": "Biên bản cuộc họp", "notice": "Thông báo kết luận"}


class Renderer:
    """The publication templates; the same body serves the web page and the PDF."""

    def __init__(self, templates: Path) -> None:
        self.templates = templates
        self.env = Environment(loader=FileSystemLoader(str(templates)),
                               autoescape=select_autoescape(default=True))
        self.env.filters["vndate"] = short_date
        self.env.filters["vnlongdate"] = lambda iso: vietnamese_date(date.fromisoformat(iso))
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
                 version: int) -> str:
        """A standalone HTML document (what the PDF is made from, and what is frozen)."""
        template = self.env.get_template("publications/document.html")
        return template.render(body=self.body(kind, record, fields, status, version),
                               **self.context(kind, record, fields, status, version))

    async def pdf(self, html: str, metadata: dict[str, str]) -> bytes:
        """WeasyPrint is not built for concurrent use: one rendering at a time, off the loop."""
        async with self._lock:
            return await asyncio.to_thread(render_pdf, html, str(self.templates), metadata)


def render_pdf(html: str, base_url: str, metadata: dict[str, str]) -> bytes:
    import weasyprint
    from pypdf import PdfWriter

    raw = weasyprint.HTML(string=html, base_url=base_url,
                          url_fetcher=local_url_fetcher(Path(base_url))).write_pdf()
    writer = PdfWriter(clone_from=io.BytesIO(raw))
    writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
