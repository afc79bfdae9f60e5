"""Nothing open by accident: security headers, no inline script, WeasyPrint reads only our
files, spreadsheet cells that cannot run formulas, download names that cannot lie."""

from __future__ import annotations

import csv
import http.server
import io
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from meeting_server.local_fetch import allowed_path
from meeting_server.publishing.render import render_pdf
from meeting_server.task_exports import safe_cell
from meeting_server.views.common import content_disposition, download_name

from conftest import ROOT, Server, World

TEMPLATES = ROOT / "templates"


async def test_pages_send_a_policy_without_inline_script_or_framing(server: Server) -> None:
    page = await server.client().get("/login")

    policy = page.headers["content-security-policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
    assert directives["script-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]


@pytest.mark.parametrize("path", ["/login", "/health", "/api/me", "/static/app.css"])
async def test_every_answer_says_nosniff_and_keeps_the_referrer_inside(server: Server,
                                                                       path: str) -> None:
    r = await server.client().get(path)

    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"


async def test_the_policy_names_the_pages_own_websocket(server: Server) -> None:
    page = await server.client().get("/login")

    assert "connect-src 'self' ws://testserver wss://testserver" in page.headers[
        "content-security-policy"]


SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")),
                         ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_runs_inline_script(template: Path) -> None:
    text = template.read_text(encoding="utf-8")

    inline = [attrs for attrs in SCRIPT.findall(text)
              if "src=" not in attrs and 'type="application/json"' not in attrs]
    assert inline == [] and HANDLER.search(text) is None and "javascript:" not in text


@pytest.fixture
def listening() -> Iterator[list[str]]:
    """A web server on loopback that notes every path asked of it."""
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        asked.append(f"http://127.0.0.1:{server.server_address[1]}")
        yield asked
    finally:
        server.shutdown()
        server.server_close()


def test_weasyprint_fetches_nothing_but_our_files(listening: list[str]) -> None:
    origin = listening.pop()
    html = (f'<p>Biên bản</p><img src="{origin}/img.png">'
            f'<link rel="stylesheet" href="{origin}/style.css">'
            f'<p style="background: url({origin}/bg.png)">x</p>')

    rendered = render_pdf(html, str(TEMPLATES))

    assert rendered is not None and listening == []


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    f"file://{TEMPLATES}/../pyproject.toml",
    f"file://{TEMPLATES}/%2e%2e/pyproject.toml",
    f"file://evil.example{TEMPLATES}/base.html",
    "http://127.0.0.1/",
    "data:text/css,p{}",
])
def test_the_fetcher_refuses_what_is_not_ours(url: str) -> None:
    assert allowed_path(url, [TEMPLATES]) is None


def test_the_fetcher_reads_the_templates() -> None:
    assert allowed_path(f"file://{TEMPLATES}/base.html", [TEMPLATES]) == TEMPLATES / "base.html"


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+1", "-1+1", "@SUM(A1)",
                                   "\tx", "\rx", "＝1+1"])
def test_a_cell_that_starts_like_a_formula_is_text(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_an_ordinary_cell_is_kept() -> None:
    assert safe_cell("Sở Nội vụ") == "Sở Nội vụ"


async def test_the_task_spreadsheet_escapes_formulas(world: World) -> None:
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                               json={"text": "Kết luận"})
    await world.secretary.post(f"/api/conclusions/{r.json()['id']}/tasks", json={
        "title": '=HYPERLINK("http://evil.example","Bấm")', "lead_unit": "SNV",
        "due_text": "thường xuyên"})

    sheet = await world.secretary.get("/api/tasks", params={"format": "csv"})

    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert [row[2] for row in rows[1:]] == ["'=HYPERLINK(\"http://evil.example\",\"Bấm\")"]


@pytest.mark.parametrize("name,shown", [
    ("báo cáo.pdf", "báo cáo.pdf"),
    ("báo cáo", "báo cáo.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe.pdf"),
    ("a\u2066b\u2069.PDF", "ab.PDF"),
    ("../../etc/passwd", "etcpasswd.pdf"),
    ("", "document.pdf"),
])
def test_download_names_end_in_pdf_without_bidi_controls(name: str, shown: str) -> None:
    assert download_name(name) == shown


def test_the_disposition_header_carries_the_cleaned_name() -> None:
    header = content_disposition("hợp đồng\u202egnp.exe")

    assert unquote(header.split("filename*=UTF-8''")[1]) == "hợp đồnggnp.exe.pdf"
