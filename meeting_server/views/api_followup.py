"""The follow-up item of a meeting: generated from earlier meetings' open tasks, and the
chair's decisions on them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server.models import CLOSED_STATUSES
from meeting_server.queries import followup as queries
from meeting_server.services import followup as service
from meeting_server.validate import json_body, path_id
from meeting_server.views.common import ask, client_address, clock, db, meeting_access, ok


async def create(request: Request) -> Response:
    """``POST /api/meetings/{id}/follow-up`` ``{meeting_ids?}``: the secretary adds the item."""
    standing = await meeting_access(request)
    standing.require_manage()
    body = await json_body(request)
    asked = body.ids("meeting_ids", limit=service.MAX_SOURCES, required=False, nullable=True)
    body.done()
    item, made = await service.create(db(request), standing, asked)
    return ok({"agenda_item": item.as_dict(),
               "source_meeting_ids": list(made.source_meeting_ids)}, 201)


async def candidates(request: Request) -> Response:
    found = await ask(request, queries.candidates, path_id(request))
    return ok({"meetings": found})


async def show(request: Request) -> Response:
    """``GET /api/agenda-items/{id}/follow-up``."""
    return ok(await ask(request, queries.followup_view, path_id(request),
                        clock(request).today()))


async def decide(request: Request) -> Response:
    """``POST /api/agenda-items/{id}/follow-up/decisions`` ``{task_id, decision, note?,
    due_date?, lead_unit?, status?}``: the chair or the secretary."""
    body = await json_body(request)
    task_id = body.ident("task_id")
    decision = body.choice("decision", service.DECISIONS)
    note = body.text("note", required=False, max_len=2000, allow_empty=True) or ""
    due_date = body.day("due_date", required=False, nullable=True)
    lead_unit = body.text("lead_unit", required=False, max_len=32, nullable=True)
    status = body.choice("status", CLOSED_STATUSES, required=False)
    body.done()
    found, standing, task = await ask(request, queries.decision_target, path_id(request),
                                      task_id)
    standing.require_lead()
    recorded, _ = await service.decide(db(request), standing, found, task, decision, note,
                                       due_date, lead_unit, status, client_address(request))
    return ok(recorded, 201)


async def items(request: Request) -> Response:
    """``GET /api/meetings/{id}/follow-up``: the ids of the meeting's follow-up items."""
    return ok({"agenda_item_ids": await ask(request, queries.items_of_meeting,
                                            path_id(request))})
