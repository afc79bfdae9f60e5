"""A reader's private notes on document pages, and their copy of the document with them."""

from __future__ import annotations

import os
import secrets
from datetime import datetime

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from meeting_server.errors import BadRequest
from meeting_server.models import User
from meeting_server.pdf import FONT_MISSING, PdfError
from meeting_server.pdf.notes import PageNotes, draw_notes
from meeting_server.queries import notes as queries
from meeting_server.services import documents as documents_service
from meeting_server.services import notes as service
from meeting_server.validate import MAX_ID, json_body, path_id, whole_number
from meeting_server.views.common import (
    app_context,
    ask,
    audit,
    clock,
    content_disposition,
    db,
    no_content,
    ok,
)


def _version_asked(request: Request) -> int | None:
    raw = request.query_params.get("version")
    if raw is None:
        return None
    number = whole_number(raw)
    if number is None or not 0 < number <= MAX_ID:
        raise BadRequest("'version' must be a positive whole number.", "bad_query")
    return number


async def list_notes(request: Request) -> Response:
    """``GET /api/documents/{id}/notes?version=``: the caller's notes, each marked with the
    version it was written on when that is earlier than the one read."""
    _, version, found = await ask(request, queries.my_notes, path_id(request),
                                  _version_asked(request))
    return ok({"document_id": version.document_id, "version": version.version,
               "notes": [n.as_dict(version.version) for n in found]})


async def save_note(request: Request) -> Response:
    """``PUT /api/documents/{id}/notes/{page}`` ``{version, text, strokes}``."""
    page = path_id(request, "page")
    body = await json_body(request)
    number = body.integer("version", lo=1)
    text = body.text("text", required=False, max_len=service.MAX_TEXT, allow_empty=True) or ""
    strokes = service.check_strokes(body.data.get("strokes", []))
    body.seen.add("strokes")
    body.done()
    document, version, _ = await ask(request, queries.my_notes, path_id(request), number)
    saved = await service.save(db(request), request.state.user, document, version, page, text,
                               strokes)
    if saved is None:
        return no_content()
    return ok(saved.as_dict(version.version))


async def delete_note(request: Request) -> Response:
    page = path_id(request, "page")
    document, _, _ = await ask(request, queries.my_notes, path_id(request), None)
    await service.delete(db(request), request.state.user, document, page)
    return no_content()


def _stamp_text(user: User, at: datetime) -> str:
    unit = f" — {user.unit.name}" if user.unit else ""
    return f"{user.name}{unit} — {at.strftime('%d/%m/%Y %H:%M')}"


async def notes_pdf(request: Request) -> Response:
    """``GET /api/documents/{id}/notes/pdf?version=``: the caller's stamped copy of the
    document with their notes drawn on its pages (made for this request, then removed)."""
    document, version, found = await ask(request, queries.my_notes, path_id(request),
                                         _version_asked(request))
    user: User = request.state.user
    context = app_context(request)
    at = clock(request).now()
    audit(request, user, "download", "document_notes", document.id, document.meeting_id,
          f"version {version.version}")
    folder = context.derived.stamped_dir() / "notes"
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{secrets.token_hex(12)}.pdf"
    pages = [PageNotes(n.page, n.text, tuple(n.strokes),
                       n.version if n.version < version.version else None) for n in found]
    try:
        stamped = await context.derived.stamped(version.sha256, f"u{user.id}-{at:%Y%m%d}",
                                                _stamp_text(user, at))
        await context.worker.run(draw_notes, str(stamped), str(dest), pages)
    except PdfError as error:
        if error.code == FONT_MISSING:
            raise
        raise documents_service.http_error(error) from None
    name = version.filename.removesuffix(".pdf") + " - ghi chú"
    return FileResponse(dest, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(name),
        "Cache-Control": "private, no-store",
    }, background=BackgroundTask(os.unlink, dest))
