"""Server-rendered pages (jinja2), Vietnamese first."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response

from meeting_server import access
from meeting_server.models import TASK_STATUSES
from meeting_server.publishing.render import TITLES, publication_people
from meeting_server.queries import dashboard as dashboard_queries
from meeting_server.queries import documents as document_queries
from meeting_server.queries import meetings as meeting_queries
from meeting_server.queries import publications as publication_queries
from meeting_server.queries import tasks as task_queries
from meeting_server.redirects import same_origin_path
from meeting_server.resources import data_path
from meeting_server.validate import path_id, whole_number
from meeting_server.views import api_notifications
from meeting_server.views.common import app_context, ask, audit, clock, pages, signed_in


async def login(request: Request) -> Response:
    next_url = same_origin_path(request.query_params.get("next"))
    return pages(request).render(request, "login.html", {"next": next_url, "user": None})


async def home(request: Request) -> Response:
    found = await ask(request, meeting_queries.home, clock(request).today())
    user = await signed_in(request)
    return pages(request).render(request, "home.html", {
        "user": user, "meetings": found.meetings, "open_tasks": found.open_tasks,
        "notices": found.notices, "tracks_notices": access.tracks_notices(user),
        "leads": await ask(request, dashboard_queries.may_see),
        **await api_notifications.home_extras(request),
    })


async def meeting(request: Request) -> Response:
    access, current = await ask(request, meeting_queries.meeting_state, path_id(request),
                                clock(request).today())
    items = [
        {**item, "documents": [d for d in current["documents"]
                               if d["agenda_item_id"] == item["id"]]}
        for item in current["agenda_items"]
    ]
    audit(request, access.user, "view", "meeting", access.meeting.id, access.meeting.id)
    return pages(request).render(request, "meeting.html", {
        "user": access.user, "access": access, "state": current, "items": items,
    })


async def document(request: Request) -> Response:
    raw_page = request.query_params.get("page", "1")
    digits = raw_page.isascii() and raw_page.isdigit() and 0 < len(raw_page) < 7
    viewed = await ask(request, document_queries.document_page, path_id(request),
                       path_id(request, "doc_id"),
                       whole_number(request.query_params.get("version", "")),
                       int(raw_page) if digits else 1)
    access, found, shown, page = viewed.access, viewed.document, viewed.shown, viewed.page
    audit(request, access.user, "view", "document", found.id, access.meeting.id,
          f"version {shown.version}")
    return pages(request).render(request, "document.html", {
        "user": access.user, "access": access, "meeting": access.meeting, "document": found,
        "shown": shown, "page": page, "newer": shown.version < found.current.version,
        "size": viewed.size,
    })


async def console(request: Request) -> Response:
    today = clock(request).today()
    found = await ask(request, meeting_queries.console, path_id(request), today)
    access, current = found.access, found.state
    due = date.fromisoformat(current["notice_due"])
    notices = [p for p in current["publications"] if p["kind"] == "notice" and p["published_at"]]
    published = notices[0]["published_at"][:10] if notices else None
    return pages(request).render(request, "console.html", {
        "user": access.user, "access": access, "state": current, "units": found.units,
        "people": [{"id": u.id, "name": u.name, "title": u.title,
                    "unit_name": u.unit.name if u.unit else None} for u in found.people],
        "pairable": found.pairable,
        "days_left": (due - today).days, "notice_published": published,
        "notice_late": current["notice_late"],
    })


async def task_tracker(request: Request) -> Response:
    q = request.query_params
    status = q.get("status") if q.get("status") in TASK_STATUSES else None
    overdue = q.get("overdue") == "true"
    found = await ask(request, task_queries.tracker, q.get("unit"), status, overdue,
                      clock(request).today())
    return pages(request).render(request, "tasks.html", {
        "user": await signed_in(request), "rows": found.rows, "units": found.units,
        "statuses": TASK_STATUSES,
        "filters": {"unit": found.unit.code if found.unit else "", "status": status,
                    "overdue": overdue},
    })


async def publication(request: Request) -> Response:
    page = await ask(request, publication_queries.publication_page, path_id(request))
    standing = page.standing
    found = standing.publication
    renderer = app_context(request).renderer
    body = renderer.body(found.kind, found.snapshot, found.fields, found.status, found.version)
    audit(request, standing.user, "view", "publication", found.id, found.meeting_id,
          f"{found.kind} v{found.version} {found.status}")
    return pages(request).render(request, "publication.html", {
        "user": standing.user, "publication": found, "body": body,
        "title": TITLES[found.kind], "editable": standing.can_edit,
        "suggested_number": page.suggested_number, "signs": renderer.signing is not None,
        "signature": found.fields.get("signature"),
        "people": publication_people(found.snapshot),
    })


async def pair(request: Request) -> Response:
    """A tablet opened from the QR code: it signs in with the code and goes to its meetings."""
    code = request.query_params.get("code", "")[:20]
    return pages(request).render(request, "pair.html", {"code": code, "user": None})


async def next_meeting(request: Request) -> Response:
    """``/meetings/next``: the caller's meeting now or next (where a paired tablet lands), else
    their list of meetings."""
    found = await ask(request, meeting_queries.next_meeting, clock(request).today())
    target = request.url_for("meeting_page", id=found) if found else request.url_for("home")
    return RedirectResponse(target.path, 303)


async def service_worker(request: Request) -> Response:
    """The service worker, served from the root so that its scope is the whole site."""
    return FileResponse(data_path("static") / "sw.js", media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})
