"""Search (being written): see issue 8."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server.errors import NotFound


async def search(request: Request) -> Response:
    raise NotFound("Search is not available yet.")


async def search_page(request: Request) -> Response:
    raise NotFound("Search is not available yet.")
