"""Agenda items: append, edit, reorder, remove."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from meeting_server.errors import Invalid
from meeting_server.inputs import MAX_MINUTES, item_fields
from meeting_server.queries.documents import item_access
from meeting_server.services import agenda as service
from meeting_server.validate import json_body, path_id
from meeting_server.views.common import ask, db, meeting_access, no_content, ok


async def add_item(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_manage()
    body = await json_body(request)
    fields = item_fields(body)
    body.done()
    item = await service.add_item(db(request), access, fields.title, fields.presenter,
                                  fields.duration_minutes)
    return ok(item.as_dict(), 201)


async def update_item(request: Request) -> Response:
    item, access = await ask(request, item_access, path_id(request))
    access.require_manage()
    body = await json_body(request)
    changes: dict[str, Any] = {}
    if body.has("title"):
        changes["title"] = body.text("title", max_len=500)
    if body.has("presenter"):
        changes["presenter"] = body.text("presenter", max_len=200, allow_empty=True)
    if body.has("duration_minutes"):
        changes["duration_minutes"] = body.integer("duration_minutes", lo=1, hi=MAX_MINUTES,
                                                   nullable=True)
    position = body.integer("position", required=False, lo=1, hi=10_000)
    body.done()
    if not changes and position is None:
        raise Invalid("Nothing to change.", "empty_change")
    updated = await service.update_item(db(request), access, item, changes, position)
    return ok(updated.as_dict())


async def delete_item(request: Request) -> Response:
    item, access = await ask(request, item_access, path_id(request))
    access.require_manage()
    await service.delete_item(db(request), access, item)
    return no_content()
