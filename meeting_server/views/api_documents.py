"""Agenda documents: upload, versions, page images, stamped downloads, the meeting book."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable
from datetime import datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from meeting_server.access import Access
from meeting_server.derived import Derived
from meeting_server.documents_files import DocumentFiles
from meeting_server.errors import BadRequest, Invalid, NotFound
from meeting_server.inputs import document_title
from meeting_server.models import Document, DocumentVersion, User
from meeting_server.pdf import FONT_MISSING, PdfError
from meeting_server.pdf.stamp import BookEntry
from meeting_server.queries import documents as queries
from meeting_server.services import documents as service
from meeting_server.store import agenda, meetings
from meeting_server.uploads import receive
from meeting_server.validate import MAX_ID, path_id, whole_number
from meeting_server.views.common import (
    app_context,
    ask,
    audit,
    clock,
    content_disposition,
    db,
    ok,
    settings,
)

IMMUTABLE = "private, max-age=31536000, immutable"


def _files(request: Request) -> DocumentFiles:
    files: DocumentFiles = app_context(request).files
    return files


def _derived(request: Request) -> Derived:
    derived: Derived = app_context(request).derived
    return derived


async def _made(file: Awaitable[Path]) -> Path:
    """A derived file (page image, stamped copy, book), or 422 with the PDF's error code when
    the worker could not make it (a file accepted by an older, laxer check)."""
    try:
        return await file
    except PdfError as error:
        if error.code == FONT_MISSING:
            raise  # the server's set-up, not the document
        raise service.http_error(error) from None


async def _version_asked(request: Request) -> int | None:
    """The ``?version=`` asked for (None: the current one); a bad one is 400, after the 404
    of a document the caller may not see."""
    raw = request.query_params.get("version")
    number = whole_number(raw) if raw is not None else None
    if raw is not None and (number is None or not 0 < number <= MAX_ID):
        await ask(request, queries.document_access, path_id(request))  # 404 comes first
        raise BadRequest("'version' must be a positive whole number.", "bad_query")
    return number


async def _document_version(request: Request) -> tuple[Document, DocumentVersion, Access]:
    """The document in the path at the ``?version=`` asked for (else the current one)."""
    return await ask(request, queries.document_version, path_id(request),
                     await _version_asked(request))


def _title(value: str | None, fallback: str) -> str:
    return document_title(value, fallback)


async def upload(request: Request) -> Response:
    item, access = await ask(request, queries.item_access, path_id(request))
    access.require_manage()
    cfg = settings(request)
    files = _files(request)
    form = await receive(request, files, cfg.max_upload_bytes)
    assert form.file is not None
    try:
        title = _title(form.fields.get("title"), form.filename)
    except Invalid:
        files.discard(form.file)
        raise
    derived = _derived(request)
    indexer = app_context(request).indexer
    info, settle = await service.ingest(app_context(request).worker, files, form.file,
                                        cfg.max_pdf_pages, derived, indexer)
    try:
        async with db(request).read() as conn:
            if await agenda.get(conn, item.id) is None:
                files.discard(form.file)
                raise NotFound("Agenda item not found.")
        document = await service.publish(db(request), files, item, title, form.filename,
                                         form.file, info, access.user.id)
    except BaseException:
        settle(False)
        raise
    settle(True)
    indexer.enqueue(document.current.sha256)
    derived.draw_ahead(document.current.sha256, document.current.page_count)
    audit(request, access.user, "publish", "document", document.id, document.meeting_id,
          "version 1")
    return ok(_created(document), 201)


async def upload_version(request: Request) -> Response:
    document, access = await ask(request, queries.document_access, path_id(request))
    access.require_manage()
    files = _files(request)
    form = await receive(request, files, settings(request).max_upload_bytes)
    assert form.file is not None
    note = form.fields.get("note", "").strip()
    if len(note) > 2000 or "\x00" in note:
        files.discard(form.file)
        raise Invalid("The note must be at most 2000 characters.", "invalid_field", field="note")
    derived = _derived(request)
    indexer = app_context(request).indexer
    info, settle = await service.ingest(app_context(request).worker, files, form.file,
                                        settings(request).max_pdf_pages, derived, indexer)
    try:
        updated = await service.add_version(db(request), files, document, form.filename, note,
                                            form.file, info, access.user.id)
    except BaseException:
        settle(False)
        raise
    settle(True)
    indexer.enqueue(updated.current.sha256)
    async with db(request).read() as conn:  # the page presented first, if it is this document
        presented = await meetings.presenter(conn, updated.meeting_id)
    derived.draw_ahead(updated.current.sha256, updated.current.page_count,
                       presented.page if presented and presented.document_id == updated.id
                       else 2)
    audit(request, access.user, "publish", "document", updated.id, updated.meeting_id,
          f"version {updated.version}")
    return ok(_created(updated), 201)


def _created(document: Document) -> dict[str, object]:
    return {"id": document.id, "title": document.title, "version": document.version,
            "page_count": document.current.page_count, "sha256": document.current.sha256,
            "filename": document.current.filename, "size": document.current.size,
            "agenda_item_id": document.agenda_item_id, "meeting_id": document.meeting_id}


async def get_document(request: Request) -> Response:
    document, versions = await ask(request, queries.document_detail, path_id(request))
    return ok({**document.as_dict(), "versions": [v.as_dict() for v in versions]})


async def page_sizes(request: Request) -> Response:
    """Each page's ``[width, height, rotation]`` in points as displayed, for the viewer: asked
    for once per version (immutable with ``?version=``), never put in pages or the state."""
    version, sizes = await ask(request, queries.page_sizes, path_id(request),
                               await _version_asked(request))
    etag = f'"{version.sha256[:20]}-sizes"'
    pinned = "version" in request.query_params
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE if pinned else "private, no-cache",
               "Vary": "Cookie, Authorization"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    body = (f'{{"document_id":{version.document_id},"version":{version.version},'
            f'"page_count":{version.page_count},"page_sizes":{sizes}}}')
    return Response(body, media_type="application/json", headers=headers)


async def page_image(request: Request) -> Response:
    _, version, _ = await _document_version(request)
    page = path_id(request, "page")
    if page > version.page_count:
        raise NotFound("The document has {pages} pages.", "page_not_found",
                       values={"pages": version.page_count})
    derived = _derived(request)
    width = _width_asked(request, derived)
    # Content-addressed: the version's file, the width and the page; the same bytes forever.
    etag = f'"{version.sha256[:20]}-{width}-{page}"'
    pinned = "version" in request.query_params
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE if pinned else "private, no-cache",
               "Vary": "Cookie, Authorization"}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    path = await _made(derived.page(version.sha256, page, version.page_count, width))
    # A page image is small (tens to hundreds of KiB, at most 1600 x 3200 px): read whole in
    # one hop off the loop, where a FileResponse takes one per stat, open and chunk.
    return Response(await asyncio.to_thread(path.read_bytes), headers=headers,
                    media_type=f"image/{derived.fmt}")


def _width_asked(request: Request, derived: Derived) -> int:
    """The image width asked for with ``?w=`` (one of the server's few widths), else the
    server's default; any other is 400, so the cache holds a handful of sizes per page."""
    raw = request.query_params.get("w")
    if raw is None:
        return derived.width
    width = whole_number(raw)
    if width not in derived.widths:
        raise BadRequest("'w' must be one of {widths}.", "bad_query",
                         values={"widths": ", ".join(map(str, derived.widths))})
    return width


def stamp_text(user: User, at: datetime) -> str:
    unit = f" — {user.unit.name}" if user.unit else ""
    return f"{user.name}{unit} — {at.strftime('%d/%m/%Y %H:%M')}"


def _reader_key(user: User, at: datetime) -> str:
    """Stamped copies are kept per reader and day."""
    return f"u{user.id}-{at.strftime('%Y%m%d')}"


def first_request_of_download(request: Request) -> bool:
    """A PDF reader asks for a large file in ranges: the audit log notes the first only."""
    return request.headers.get("range", "bytes=0-").replace(" ", "").startswith("bytes=0-")


async def download(request: Request) -> Response:
    document, version, access = await _document_version(request)
    at = clock(request).now()
    if first_request_of_download(request):
        audit(request, access.user, "download", "document", document.id, access.meeting.id,
              f"version {version.version}")
    path = await _made(_derived(request).stamped(version.sha256, _reader_key(access.user, at),
                                                 stamp_text(access.user, at)))
    return FileResponse(path, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(version.filename),
        "Cache-Control": "private, no-store",
    })


async def book(request: Request) -> Response:
    access, items, docs = await ask(request, queries.book, path_id(request))
    files = _files(request)
    entries = []
    for item in items:
        mine = tuple((d.title, str(files.path(d.current.sha256))) for d in docs
                     if d.agenda_item_id == item.id)
        if mine:
            entries.append(BookEntry(f"{item.position}. {item.title}", mine))
    if not entries:
        raise NotFound("The meeting has no documents yet.", "no_documents")
    digest = hashlib.sha256(repr(entries).encode()).hexdigest()[:32]
    at = clock(request).now()
    if first_request_of_download(request):
        audit(request, access.user, "download", "book", access.meeting.id, access.meeting.id)
    path = await _made(_derived(request).book(digest, _reader_key(access.user, at), entries,
                                              stamp_text(access.user, at)))
    return FileResponse(path, media_type="application/pdf", headers={
        "Content-Disposition": content_disposition(f"{access.meeting.title}.pdf"),
        "Cache-Control": "private, no-store",
    })
