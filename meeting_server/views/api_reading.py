"""Reading readiness: the viewer reports pages seen; the secretary sees who has read what."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server.errors import Invalid
from meeting_server.services import reading as service
from meeting_server.validate import MAX_ID, json_body, path_id
from meeting_server.views.common import ask, db, ok, pages, signed_in

MAX_REPORTS = 500


def _whole(value: object, hi: int = MAX_ID) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= hi


async def report(request: Request) -> Response:
    user = await signed_in(request)
    body = await json_body(request)
    raw = body.data.get("pages")
    body.seen.add("pages")
    body.done()
    if not isinstance(raw, list) or len(raw) > MAX_REPORTS or not all(
            isinstance(p, dict) and set(p) <= {"document_id", "version", "page", "page_count"}
            and _whole(p.get("document_id")) and _whole(p.get("version"), 100_000)
            and _whole(p.get("page"), 100_000) for p in raw):
        raise Invalid("The field '{name}' must be a list of pages seen: document_id, version "
                      "and page.", "invalid_field", values={"name": "pages"}, field="pages")
    pages_seen = [(p["document_id"], p["version"], p["page"]) for p in raw]
    return ok(await service.report(db(request), user, pages_seen))


async def readiness(request: Request) -> Response:
    return ok(await ask(request, service.readiness, path_id(request)))


async def readiness_page(request: Request) -> Response:
    user = await signed_in(request)
    found = await ask(request, service.readiness, path_id(request))
    return pages(request).render(request, "reading.html", {"user": user, "r": found})
