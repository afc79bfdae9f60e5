"""Server-rendered pages (jinja2), Vietnamese first."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from babel.dates import format_date
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from meeting_server import auth
from meeting_server.errors import NotFound, NotSignedIn
from meeting_server.i18n import Translations
from meeting_server.models import CLOSED_STATUSES, TASK_STATUSES, User
from meeting_server.publishing.render import TITLES
from meeting_server.resources import data_path
from meeting_server.store import documents, meetings, state, tasks, users
from meeting_server.timeutil import now
from meeting_server.validate import path_id
from meeting_server.views import api_publications
from meeting_server.views.common import db, settings


class Pages:
    """The jinja2 environment and the translations, shared by every page."""

    def __init__(self) -> None:
        self.env = Environment(
            loader=FileSystemLoader(str(data_path("templates"))),
            autoescape=select_autoescape(default=True),
            enable_async=False,
        )
        self.translations = Translations()
        self.env.filters["vndate"] = localdate
        self.env.filters["vndatetime"] = localdatetime

    def language(self, request: Request) -> str:
        return self.translations.pick(request.query_params.get("lang"),
                                      request.cookies.get("lang"),
                                      request.headers.get("accept-language"))

    def render(self, request: Request, name: str, context: dict[str, Any],
               status: int = 200) -> HTMLResponse:
        lang = self.language(request)
        translate = self.translations.gettext(lang)
        template = self.env.get_template(name)
        html = template.render(
            request=request, url_for=request.url_for, lang=lang, _=translate,
            live_strings=lambda keys: {key: translate(key) for key in keys}, **context,
        )
        response = HTMLResponse(html, status)
        if request.query_params.get("lang") == lang:
            response.set_cookie("lang", lang, max_age=365 * 86400, samesite="lax")
        return response

    async def error_page(self, request: Request, status: int, code: str,
                         message: str) -> Response:
        if status == 401:
            return RedirectResponse(f"/login?next={quote(request.url.path)}", 303)
        return self.render(request, "error.html",
                           {"status": status, "code": code, "message": message, "user": None},
                           status)


def vndate(value: str | None) -> str:
    """2019-07-31 → 31/07/2019, as Vietnamese documents write dates."""
    if not value:
        return ""
    year, month, day = value[:10].split("-")
    return f"{day}/{month}/{year}"


@pass_context
def localdate(context: Context, value: str | None) -> str:
    """A date as the page's language writes it: 31/07/2019, or 31 Jul 2019 in English."""
    if not value or context.get("lang") != "en":
        return vndate(value)
    return format_date(date.fromisoformat(value[:10]), format="medium", locale="en_GB")


@pass_context
def localdatetime(context: Context, value: str | None) -> str:
    if not value:
        return ""
    return f"{value[11:16]} {localdate(context, value)}"


def pages(request: Request) -> Pages:
    value: Pages = request.app.state.pages
    return value


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
        today = now().date()
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
        current = await state.meeting_state(conn, access.meeting, access.can_lead)
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
        current = await state.meeting_state(conn, access.meeting, access.can_lead)
        units = await users.list_units(conn)
    due = date.fromisoformat(current["notice_due"])
    notices = [p for p in current["publications"] if p["kind"] == "notice" and p["published_at"]]
    published = notices[0]["published_at"][:10] if notices else None
    return pages(request).render(request, "console.html", {
        "user": user, "access": access, "state": current, "units": units,
        "days_left": (due - now().date()).days, "notice_published": published,
        "notice_late": published is None and due < now().date(),
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
        today = now().date()
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
