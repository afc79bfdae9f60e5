"""Search: ``GET /api/search?q=&meeting_id=`` and the page ``GET /search?q=``."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.responses import Response

from meeting_server.errors import BadRequest, Invalid
from meeting_server.queries import search as queries
from meeting_server.store import search as store
from meeting_server.validate import MAX_ID, whole_number
from meeting_server.views.common import app_context, ask, ok, pages, signed_in


def _query(request: Request) -> tuple[str, int | None]:
    text = request.query_params.get("q", "")
    if len(text) > store.MAX_QUERY_CHARS:
        raise Invalid("The search text is over {chars} characters.",
                      "query_too_long", values={"chars": store.MAX_QUERY_CHARS})
    raw = request.query_params.get("meeting_id") or None
    meeting_id = whole_number(raw) if raw is not None else None
    if raw is not None and (meeting_id is None or not 0 < meeting_id <= MAX_ID):
        raise BadRequest("'meeting_id' must be a whole number.", "bad_query")
    return text, meeting_id


def _results(request: Request, hits: list[store.Hit]) -> list[dict[str, Any]]:
    return [{**hit.as_dict(), "url": _url(request, hit)} for hit in hits]


def _url(request: Request, hit: store.Hit) -> str:
    """Where a hit opens: the document at its page, the task in the tracker, the publication,
    or the agenda item or conclusion on the meeting page."""
    if hit.kind == "document":
        url = _path(request, "document_page").format(id=hit.meeting_id, doc_id=hit.id)
        return f"{url}?version={hit.version}&page={hit.page}" if hit.page else url
    if hit.kind == "task":
        return f"{_path(request, 'tasks_page')}?unit=#task-{hit.id}"
    if hit.kind == "publication":
        return _path(request, "publication_page").format(id=hit.id)
    anchor = "item" if hit.kind == "agenda_item" else hit.kind
    meeting = _path(request, "meeting_page").format(id=hit.meeting_id)
    return f"{meeting}#{anchor}-{hit.id}"


def _path(request: Request, name: str) -> str:
    """The route's path with ``{param}`` placeholders (``/meetings/{id}``), from the app's
    table of path formats: ``url_path_for`` walks the whole route table (half a millisecond),
    too slow for 50 results."""
    path: str = request.app.path_formats[name]
    return path


def highlighted(snippet: str, highlights: list[list[int]]) -> Markup:
    """The snippet as HTML: escaped text, the matched words in ``<mark>``."""
    parts: list[str] = []
    at = 0
    for start, end in highlights:
        parts += [str(escape(snippet[at:start])), "<mark>", str(escape(snippet[start:end])),
                  "</mark>"]
        at = end
    parts.append(str(escape(snippet[at:])))
    return Markup("".join(parts))


async def search(request: Request) -> Response:
    """``{"results": [...]}``: at most 50 hits the caller may see, best first."""
    await signed_in(request)
    text, meeting_id = _query(request)
    table = app_context(request).abbreviations
    return ok({"results": _results(request, await ask(request, queries.search, text,
                                                      meeting_id, table))})


async def search_page(request: Request) -> Response:
    user = await signed_in(request)
    text, meeting_id = _query(request)
    hits, choices = await ask(request, queries.search_page, text, meeting_id,
                              app_context(request).abbreviations)
    results = _results(request, hits)
    for result in results:
        result["snippet_html"] = highlighted(result["snippet"], result["highlights"])
    return pages(request).render(request, "search.html", {
        "user": user, "q": text, "meeting_id": meeting_id, "meetings": choices,
        "results": results, "searched": bool(text.strip()),
    })
