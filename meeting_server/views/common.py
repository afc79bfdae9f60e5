"""What every view needs: the database, the settings, the caller and their access."""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response

from meeting_server import auth
from meeting_server.auth import Access
from meeting_server.context import AppContext
from meeting_server.db import Database
from meeting_server.models import User
from meeting_server.settings import Settings
from meeting_server.timeutil import Clock
from meeting_server.validate import path_id


def app_context(conn: HTTPConnection) -> AppContext:
    """The running app's context (see meeting_server.context)."""
    context: AppContext = conn.app.context
    return context


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


async def meeting_access(request: Request, meeting_id: int | None = None) -> Access:
    user = await signed_in(request)
    async with db(request).read() as conn:
        return await auth.meeting_access(
            conn, user, meeting_id if meeting_id is not None else path_id(request)
        )


def ok(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status)


def no_content() -> Response:
    return Response(status_code=204)
