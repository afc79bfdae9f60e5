"""What every view needs: the database, the settings, the caller and their access."""

from __future__ import annotations

import unicodedata
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import quote

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response

from meeting_server import auth, ratelimit
from meeting_server.access import Access
from meeting_server.audit import AuditAction, AuditEntry
from meeting_server.context import AppContext
from meeting_server.db import Conn, Database
from meeting_server.models import User
from meeting_server.queries import meetings as meeting_queries
from meeting_server.settings import Settings
from meeting_server.templating import Pages
from meeting_server.timeutil import Clock
from meeting_server.validate import path_id


def app_context(conn: HTTPConnection) -> AppContext:
    """The running app's context (see meeting_server.context)."""
    context: AppContext = conn.app.context
    return context


def pages(conn: HTTPConnection) -> Pages:
    """The jinja2 pages and their translations."""
    return app_context(conn).pages


def db(conn: HTTPConnection) -> Database:
    return app_context(conn).db


def settings(conn: HTTPConnection) -> Settings:
    return app_context(conn).settings


def clock(conn: HTTPConnection) -> Clock:
    return app_context(conn).clock


async def signed_in(request: Request) -> User:
    """The caller, or 401; cached on the request."""
    cached: User | None = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    async with db(request).read() as conn:
        return await _signed_in(request, conn)


async def _signed_in(request: Request, conn: Conn) -> User:
    user = await auth.authenticate(request, conn, settings(request), request.method,
                                   app_context(request).recorder)
    request.state.user = user
    return user


def client_address(conn: HTTPConnection) -> str:
    """The client's address as sign-in limits and the audit log count it (behind a proxy,
    from X-Forwarded-For when the proxy is in MEETING_FORWARDED_ALLOW_IPS)."""
    return ratelimit.client_address(conn.client.host if conn.client else None)


def audit(request: Request, user: User, action: AuditAction, object_kind: str,
          object_id: int | None, meeting_id: int | None, detail: str = "") -> None:
    """Note in the audit log (buffered: meeting_server.audit) what ``user`` did."""
    app_context(request).recorder.record(AuditEntry(
        clock(request).now_iso(), user.id, action, object_kind, object_id, meeting_id,
        detail[:200], client_address(request)))


P = ParamSpec("P")
T = TypeVar("T")


async def ask(request: Request,
              query: Callable[Concatenate[Conn, User, P], Awaitable[T]],
              *args: P.args, **kwargs: P.kwargs) -> T:
    """Sign the caller in, then answer ``query`` (a function of ``meeting_server.queries``)
    for them from one read transaction (the sign-in's too: two thread round trips fewer)."""
    user: User | None = getattr(request.state, "user", None)
    async with db(request).read() as conn:
        if user is None:
            user = await _signed_in(request, conn)
        return await query(conn, user, *args, **kwargs)


async def meeting_access(request: Request, meeting_id: int | None = None) -> Access:
    """The caller's access to the meeting in the path (or ``meeting_id``), or 404."""
    return await ask(request, meeting_queries.meeting_access,
                     meeting_id if meeting_id is not None else path_id(request))


def download_name(filename: str, suffix: str = ".pdf") -> str:
    """A name safe to offer for saving: no bidirectional or other control characters (which
    can make ``evil\u202eFDP.exe`` read as ``evil.exe.PDF``), no path separators, and always
    ending in ``suffix``."""
    kept = "".join(c for c in filename if unicodedata.category(c) not in ("Cc", "Cf")
                   and c not in "/\\")
    kept = kept.strip().strip(".")[:200].strip() or "document"
    return kept if kept.lower().endswith(suffix) else kept + suffix


def content_disposition(filename: str, suffix: str = ".pdf") -> str:
    """``attachment`` with an ASCII fallback and the exact name as RFC 5987 ``filename*``; the
    name goes through :func:`download_name` first."""
    filename = download_name(filename, suffix)
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_"
                       for c in filename) or "document.pdf"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status)


def no_content() -> Response:
    return Response(status_code=204)
