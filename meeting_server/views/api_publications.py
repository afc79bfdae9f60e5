"""Minutes and conclusion notices: drafts, edits, publishing, and reading them."""

from __future__ import annotations

import asyncio
import hashlib
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from meeting_server.errors import Conflict, Invalid
from meeting_server.models import PUBLICATION_KINDS, Publication
from meeting_server.publishing.forms import AUTHORITIES
from meeting_server.publishing.render import TITLES, Renderer
from meeting_server.publishing.signing import verify as verify_signature
from meeting_server.queries import publications as queries
from meeting_server.services import publications as service
from meeting_server.validate import Fields, json_body, path_id
from meeting_server.views.common import (
    app_context,
    ask,
    audit,
    clock,
    content_disposition,
    db,
    meeting_access,
    ok,
    settings,
)

MAX_TEXT = 20_000


def renderer(request: Request) -> Renderer:
    return app_context(request).renderer


async def create(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_manage()
    body = await json_body(request)
    kind = body.choice("kind", PUBLICATION_KINDS)
    body.done()
    draft = await service.create_draft(db(request), settings(request), access, kind)
    return ok(draft.as_dict(), 201)


async def get(request: Request) -> Response:
    standing = await ask(request, queries.publication_access, path_id(request))
    return ok(standing.publication.as_dict())


def _strings(body: Fields, name: str, limit: int) -> list[str]:
    value = body.data.get(name)
    body.seen.add(name)
    if not isinstance(value, list) or len(value) > limit or not all(
            isinstance(v, str) and len(v) <= 300 and "\x00" not in v for v in value):
        raise Invalid("The field '{name}' must be a list of at most {limit} short texts.",
                      "invalid_field", values={"name": name, "limit": limit}, field=name)
    return [v.strip() for v in value if v.strip()]


def _opinions(body: Fields) -> dict[str, str]:
    value = body.data.get("opinions")
    body.seen.add("opinions")
    if not isinstance(value, dict) or len(value) > 500 or not all(
            isinstance(k, str) and k.isascii() and k.isdigit() and isinstance(v, str)
            and len(v) <= MAX_TEXT and "\x00" not in v for k, v in value.items()):
        raise Invalid("'opinions' maps agenda item ids to texts.", "invalid_field",
                      field="opinions")
    return {k: v.strip() for k, v in value.items()}


_NUMBER = re.compile(r"0*([1-9][0-9]{0,5})(?:/(.+))?")
_CLOCK = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _number(body: Fields, symbol: str) -> str:
    """The document's number: "152", or "152/TB-VP" with the draft's own symbol; or empty."""
    text = body.text("number", max_len=50, allow_empty=True)
    if not text:
        return ""
    found = _NUMBER.fullmatch(text)
    if found is None or (found[2] is not None and found[2] != symbol):
        raise Invalid("The number is written in digits, e.g. 152 ({symbol} is added to it).",
                      "invalid_field", values={"symbol": symbol}, field="number")
    return found[1]


def _signer(body: Fields) -> dict[str, str]:
    signer = body.data["signer"]
    body.seen.add("signer")
    if not isinstance(signer, dict) or set(signer) - {"title", "name", "authority"} or not all(
            isinstance(v, str) and len(v) <= 200 and "\x00" not in v for v in signer.values()):
        raise Invalid("'signer' is an object with title, name and authority.",
                      "invalid_field", field="signer")
    if signer.get("authority", "") not in ("", *AUTHORITIES):
        raise Invalid("'signer.authority' is TL, TUQ, or empty to derive it from the position.",
                      "invalid_field", field="signer.authority")
    names = {"title": "signer_title", "name": "signer_name", "authority": "signer_authority"}
    return {names[key]: " ".join(value.split()) for key, value in signer.items()}


async def update(request: Request) -> Response:
    standing = await ask(request, queries.publication_access, path_id(request))
    body = await json_body(request)
    changes: dict[str, Any] = {}
    for name, limit in (("introduction", MAX_TEXT), ("closing", 2000), ("place", 100),
                        ("issuer", 200), ("issuer_parent", 200), ("addressees", 1000)):
        if body.has(name):
            changes[name] = body.text(name, max_len=limit, allow_empty=True)
    if body.has("number"):
        changes["number"] = _number(body, str(standing.publication.fields.get("symbol", "")))
    if body.has("start_time"):
        start = body.text("start_time", max_len=5, allow_empty=True)
        if start and not _CLOCK.fullmatch(start):
            raise Invalid("The start time is HH:MM, e.g. 08:00.", "invalid_field",
                          field="start_time")
        changes["start_time"] = start
    if body.has("end_time"):
        end = body.text("end_time", max_len=5, allow_empty=True)
        if end and not _CLOCK.fullmatch(end):
            raise Invalid("The end time is HH:MM, e.g. 11:30.", "invalid_field",
                          field="end_time")
        changes["end_time"] = end
    if body.has("date"):
        day = body.day("date")
        assert day is not None
        changes["date"] = day.isoformat()
    if body.has("opinions"):
        changes["opinions"] = _opinions(body)
    if body.has("recipients"):
        changes["recipients"] = _strings(body, "recipients", 60)
    if body.has("signer"):
        changes.update(_signer(body))
    body.done()
    standing.require_edit()
    if not changes:
        raise Invalid("Nothing to change.", "empty_change")
    updated = await service.update_fields(db(request), standing.publication, changes)
    return ok(updated.as_dict())


async def refresh(request: Request) -> Response:
    standing = await ask(request, queries.publication_access, path_id(request))
    lead = standing.require_lead()
    return ok((await service.refresh(db(request), lead, standing.publication)).as_dict())


async def publish(request: Request) -> Response:
    standing = await ask(request, queries.publication_access, path_id(request))
    lead = standing.require_lead()
    published = await service.publish(db(request), app_context(request).files, renderer(request),
                                      lead, standing.publication)
    audit(request, lead.user, "publish", "publication", published.id, lead.meeting.id,
          f"{published.kind} v{published.version}")
    return ok(published.as_dict())


def _filename(found: Publication) -> str:
    return f"{TITLES[found.kind]} - {found.snapshot['title']} (v{found.version}).pdf"


async def pdf(request: Request) -> Response:
    standing = await ask(request, queries.publication_access, path_id(request))
    found = standing.publication
    audit(request, standing.user, "download", "publication", found.id, found.meeting_id,
          f"{found.kind} v{found.version} {found.status}")
    if found.status == "draft":
        html = renderer(request).document(found.kind, found.snapshot, found.fields, "draft",
                                          found.version,
                                          service.metadata(found, clock(request).now()))
        data = (await renderer(request).pdf(html)).data
        return Response(data, media_type="application/pdf", headers={
            "Content-Disposition": content_disposition(_filename(found)),
            "Cache-Control": "private, no-store"})
    assert found.sha256 is not None
    return FileResponse(app_context(request).files.publication_path(found.sha256),
                        media_type="application/pdf", headers={
                            "Content-Disposition": content_disposition(_filename(found)),
                            "Cache-Control": "private, max-age=31536000, immutable",
                            "ETag": f'"{found.sha256}"'})


async def html(request: Request) -> Response:
    standing, frozen = await ask(request, queries.frozen_html, path_id(request))
    found = standing.publication
    audit(request, standing.user, "view", "publication", found.id, found.meeting_id,
          f"{found.kind} v{found.version} {found.status}")
    if found.status == "draft":
        text = renderer(request).document(found.kind, found.snapshot, found.fields, "draft",
                                          found.version)
    else:
        assert frozen is not None
        text = frozen
    return HTMLResponse(text, headers={"Cache-Control": "private, no-cache",
                                       "Content-Security-Policy": "script-src 'none'"})


async def verify(request: Request) -> Response:
    """The published file's digital signature, checked by pyHanko against the issuing body's
    certificate, and whether the file is still the one whose SHA-256 was frozen."""
    found = (await ask(request, queries.publication_access, path_id(request))).publication
    if found.status == "draft" or found.sha256 is None:
        raise Conflict("A draft is not signed; publish it first.", "not_published")
    context = app_context(request)
    try:
        data = await asyncio.to_thread(context.files.publication_path(found.sha256).read_bytes)
    except FileNotFoundError:
        data = b""
    signing = context.renderer.signing
    checked = await asyncio.to_thread(verify_signature, data,
                                      signing.trusted if signing else (), settings(request).zone)
    matches = hashlib.sha256(data).hexdigest() == found.sha256
    if not matches and checked["valid"]:
        checked["problem"] = "The stored file is not the one published: its SHA-256 differs."
    return ok({"id": found.id, "sha256": found.sha256, "sha256_matches": matches, **checked,
               "valid": bool(checked["valid"] and matches)})
