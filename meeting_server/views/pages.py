"""Server-rendered pages (jinja2), Vietnamese first."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from meeting_server import auth
from meeting_server.errors import NotFound, NotSignedIn
from meeting_server.models import CLOSED_STATUSES, TASK_STATUSES, User
from meeting_server.publishing.render import TITLES
from meeting_server.resources import data_path
from meeting_server.store import documents, meetings, state, tasks, users
from meeting_server.templating import Pages
from meeting_server.validate import path_id
from meeting_server.views import api_publications
from meeting_server.views.common import app_context, clock, db, settings


def pages(request: Request) -> Pages:
    return app_context(request).pages


async def page_user(request: Request) -> User:
    async with db(request).read() as conn:
        user = await auth.current_user(request, conn, settings(request))
    if user is None:
        raise NotSignedIn("Sign in first.")
    return user


async def login(request: Request) -> Response:
    next_url = request.query_params.get("next", "/")
    if not next_url.startswith("/") or next_url.startswith("//"):
        next_url = "/"
    return pages(request).render(request, "login.html", {"next": next_url, "user": None})


async def home(request: Request) -> Response:
    user = await page_user(request)
    async with db(request).read() as conn:
        found = await meetings.list_visible(conn, user)
        summaries = [await state.meeting_summary(conn, m) for m in found]
        today = clock(request).today()
        open_tasks = [] if user.unit is None else [
            t.as_dict(today) for t in await tasks.visible(
                conn, user, tasks.TaskFilter(unit_id=user.unit.id), today)
            if t.status not in CLOSED_STATUSES
        ]
    return pages(request).render(request, "home.html", {
        "user": user, "meetings": summaries, "open_tasks": open_tasks,
    })


async def meeting(request: Request) -> Response:
    user = await page_user(request)
    meeting_id = path_id(request)
    async with db(request).read() as conn:
        access = await auth.meeting_access(conn, user, meeting_id)
        current = await state.meeting_state(conn, access.meeting, access.can_lead,
                                            clock(request).today())
    items = [
        {**item, "documents": [d for d in current["documents"]
                               if d["agenda_item_id"] == item["id"]]}
        for item in current["agenda_items"]
    ]
    return pages(request).render(request, "meeting.html", {
        "user": user, "access": access, "state": current, "items": items,
    })


async def document(request: Request) -> Response:
    user = await page_user(request)
    meeting_id = path_id(request)
    document_id = path_id(request, "doc_id")
    async with db(request).read() as conn:
        access = await auth.meeting_access(conn, user, meeting_id)
        found = await documents.get(conn, document_id)
        if found is None or found.meeting_id != meeting_id:
            raise NotFound("Document not found.")
        versions = await documents.versions(conn, document_id)
    shown = found.current
    raw = request.query_params.get("version", "")
    if raw.isascii() and raw.isdigit():
        shown = next((v for v in versions if v.version == int(raw)), found.current)
    raw_page = request.query_params.get("page", "1")
    digits = raw_page.isascii() and raw_page.isdigit() and 0 < len(raw_page) < 7
    page = int(raw_page) if digits else 1
    page = max(1, min(page, shown.page_count))
    return pages(request).render(request, "document.html", {
        "user": user, "access": access, "meeting": access.meeting, "document": found,
        "shown": shown, "page": page, "newer": shown.version < found.current.version,
        "sizes": [[p.width, p.height] for p in shown.page_sizes],
    })


async def console(request: Request) -> Response:
    user = await page_user(request)
    async with db(request).read() as conn:
        access = await auth.meeting_access(conn, user, path_id(request))
        access.require_lead()
        current = await state.meeting_state(conn, access.meeting, access.can_lead,
                                            clock(request).today())
        units = await users.list_units(conn)
    due = date.fromisoformat(current["notice_due"])
    today = clock(request).today()
    notices = [p for p in current["publications"] if p["kind"] == "notice" and p["published_at"]]
    published = notices[0]["published_at"][:10] if notices else None
    return pages(request).render(request, "console.html", {
        "user": user, "access": access, "state": current, "units": units,
        "days_left": (due - today).days, "notice_published": published,
        "notice_late": published is None and due < today,
    })


async def task_tracker(request: Request) -> Response:
    user = await page_user(request)
    q = request.query_params
    async with db(request).read() as conn:
        units = await users.list_units(conn)
        default_unit = "" if user.is_staff or user.unit is None else user.unit.code
        unit_code = q.get("unit", default_unit)
        unit = next((u for u in units if u.code == unit_code), None)
        status = q.get("status") if q.get("status") in TASK_STATUSES else None
        overdue = q.get("overdue") == "true"
        today = clock(request).today()
        found = await tasks.visible(conn, user, tasks.TaskFilter(
            unit_id=unit.id if unit else None, status=status, overdue=True if overdue else None,
        ), today)
        rows = []
        for task in found:
            meeting = await meetings.get(conn, task.meeting_id)
            role = await meetings.role_of(conn, task.meeting_id, user.id)
            rows.append({
                "task": task.as_dict(today),
                "meeting_title": meeting.title if meeting else "",
                "updates": [u.as_dict() for u in await tasks.updates(conn, task.id)],
                "can_report": user.is_staff or role == "secretary"
                or (user.unit is not None and user.unit.id == task.lead_unit.id),
            })
    return pages(request).render(request, "tasks.html", {
        "user": user, "rows": rows, "units": units, "statuses": TASK_STATUSES,
        "filters": {"unit": unit.code if unit else "", "status": status, "overdue": overdue},
    })


async def publication(request: Request) -> Response:
    user = await page_user(request)
    request.state.user = user
    found, access, _ = await api_publications.publication_access(request)
    renderer = api_publications.renderer(request)
    body = renderer.body(found.kind, found.snapshot, found.fields, found.status, found.version)
    return pages(request).render(request, "publication.html", {
        "user": user, "publication": found, "body": body,
        "title": TITLES[found.kind],
        "editable": found.status == "draft" and access is not None and access.can_lead,
    })


async def pair(request: Request) -> Response:
    """A tablet opened from the QR code: it signs in with the code and goes to its meetings."""
    code = request.query_params.get("code", "")[:20]
    return pages(request).render(request, "pair.html", {"code": code, "user": None})


async def service_worker(request: Request) -> Response:
    """The service worker, served from the root so that its scope is the whole site."""
    return FileResponse(data_path("static") / "sw.js", media_type="text/javascript",
                        headers={"Cache-Control": "no-cache"})
