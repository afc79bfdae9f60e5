"""What every view needs: the database, the settings, the caller and their access."""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, Response

from meeting_server import auth
from meeting_server.auth import Access
from meeting_server.db import Database
from meeting_server.models import User
from meeting_server.settings import Settings
from meeting_server.validate import path_id


def db(conn: HTTPConnection) -> Database:
    database: Database = conn.app.state.db
    return database


def settings(conn: HTTPConnection) -> Settings:
    value: Settings = conn.app.state.settings
    return value


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
