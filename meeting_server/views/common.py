"""What every view needs: the database, the settings, the caller and their access."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import quote

import aiosqlite
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response

from meeting_server import auth
from meeting_server.access import Access
from meeting_server.context import AppContext
from meeting_server.db import Database
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
        user = await auth.authenticate(request, conn, settings(request), request.method)
    request.state.user = user
    return user


P = ParamSpec("P")
T = TypeVar("T")


async def ask(request: Request,
              query: Callable[Concatenate[aiosqlite.Connection, User, P], Awaitable[T]],
              *args: P.args, **kwargs: P.kwargs) -> T:
    """Sign the caller in, then answer ``query`` (a function of ``meeting_server.queries``)
    for them from one read transaction."""
    user = await signed_in(request)
    async with db(request).read() as conn:
        return await query(conn, user, *args, **kwargs)


async def meeting_access(request: Request, meeting_id: int | None = None) -> Access:
    """The caller's access to the meeting in the path (or ``meeting_id``), or 404."""
    return await ask(request, meeting_queries.meeting_access,
                     meeting_id if meeting_id is not None else path_id(request))


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback and the exact name as RFC 5987 ``filename*``."""
    fallback = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_"
                       for c in filename) or "document.pdf"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status)


def no_content() -> Response:
    return Response(status_code=204)
