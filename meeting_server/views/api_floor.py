"""The speakers' list: asking for the floor, withdrawing, ordering, giving, ending, the limit."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server.access import Access, require_for_self_or_lead
from meeting_server.queries import floor_votes as queries
from meeting_server.services import floor as service
from meeting_server.store.floor import FloorRequest
from meeting_server.validate import json_body, path_id
from meeting_server.views.common import ask, db, meeting_access, no_content, ok, settings


async def _request_access(request: Request) -> tuple[Access, FloorRequest]:
    return await ask(request, queries.floor_request, path_id(request))


async def request_floor(request: Request) -> Response:
    access = await meeting_access(request)
    body = await json_body(request)
    user_id = body.ident("user_id", required=False, nullable=True) or access.user.id
    item_id = body.ident("agenda_item_id", required=False, nullable=True)
    note = body.text("note", required=False, max_len=300, allow_empty=True) or ""
    body.done()
    require_for_self_or_lead(access, user_id)
    found = await service.request_floor(db(request), access, user_id, item_id, note)
    return ok(found.as_dict(), 201)


async def withdraw(request: Request) -> Response:
    access, found = await _request_access(request)
    require_for_self_or_lead(access, found.user_id)
    await service.withdraw(db(request), access, found)
    return no_content()


async def reorder(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_lead()
    body = await json_body(request)
    order = body.ids("order", limit=1000, allow_empty=True)
    body.done()
    return ok({"order": await service.reorder(db(request), access, order)})


async def give(request: Request) -> Response:
    access, found = await _request_access(request)
    access.require_lead()
    given = await service.give(db(request), access, found, settings(request).speaking_seconds)
    return ok(given.as_dict())


async def end(request: Request) -> Response:
    access, found = await _request_access(request)
    access.require_lead()
    return ok((await service.end(db(request), access, found)).as_dict())


async def set_limit(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_lead()
    body = await json_body(request)
    seconds = body.integer("limit_seconds", lo=10, hi=3600, nullable=True)
    body.done()
    await service.set_limit(db(request), access, seconds)
    return ok({"limit_seconds": seconds,
               "default_seconds": settings(request).speaking_seconds})
