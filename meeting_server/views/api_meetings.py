"""Meetings, their participants, attendance, current item, presenter and event log."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from meeting_server.access import require_staff
from meeting_server.errors import BadRequest, Invalid
from meeting_server.inputs import meeting_fields, participant_role
from meeting_server.models import ATTENDANCE_STATUSES, MEETING_STATUSES
from meeting_server.queries import meetings as queries
from meeting_server.services import meetings as service
from meeting_server.validate import MAX_ID, json_body, path_id, whole_number
from meeting_server.views.common import (
    ask,
    clock,
    db,
    meeting_access,
    no_content,
    ok,
    signed_in,
)

#: A page of GET /events: at most this many events, and this many bytes of their data.
EVENTS_PAGE = 1000
EVENTS_PAGE_BYTES = 1024 * 1024


async def list_meetings(request: Request) -> Response:
    return ok({"meetings": await ask(request, queries.summaries)})


async def create_meeting(request: Request) -> Response:
    user = await signed_in(request)
    require_staff(user)
    body = await json_body(request)
    fields = meeting_fields(body, clock(request))
    chair_id = body.ident("chair_id", required=False, nullable=True)
    body.done()
    meeting = await service.create_meeting(db(request), user, fields.title, fields.starts_at,
                                           fields.location, chair_id)
    return ok(meeting.as_dict(), 201)


async def get_meeting(request: Request) -> Response:
    _, current = await ask(request, queries.meeting_state, path_id(request),
                           clock(request).today())
    return ok(current)


async def update_meeting(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_manage()
    body = await json_body(request)
    changes: dict[str, Any] = {}
    if body.has("title"):
        changes["title"] = body.text("title", max_len=300)
    if body.has("starts_at"):
        moment = body.moment("starts_at", clock(request))
        assert moment is not None
        changes["starts_at"] = moment.isoformat()
    if body.has("location"):
        changes["location"] = body.text("location", max_len=300, allow_empty=True)
    if body.has("status"):
        changes["status"] = body.choice("status", MEETING_STATUSES)
    if body.has("chair_id"):
        changes["chair_id"] = body.ident("chair_id", nullable=True)
    body.done()
    if not changes:
        raise Invalid("Nothing to change.", "empty_change")
    meeting = await service.update_meeting(db(request), access, changes)
    return ok(meeting.as_dict())


async def add_participant(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_manage()
    body = await json_body(request)
    user_id = body.ident("user_id")
    role = participant_role(body)
    body.done()
    person = await service.add_participant(db(request), access, user_id, role)
    return ok(person.as_dict(), 201)


async def remove_participant(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_manage()
    user_id = path_id(request, "user_id")
    await service.remove_participant(db(request), access, user_id)
    return no_content()


async def set_attendance(request: Request) -> Response:
    access = await meeting_access(request)
    body = await json_body(request)
    status = body.choice("status", ATTENDANCE_STATUSES)
    reason = body.text("reason", required=False, max_len=500, nullable=True)
    user_id = body.ident("user_id", required=False, nullable=True) or access.user.id
    body.done()
    access.require_attendance(user_id)
    if status == "absent" and not reason:
        raise Invalid("An absence needs a reason.", "missing_field", field="reason")
    person = await service.set_attendance(db(request), access, user_id, status, reason)
    return ok(person.as_dict())


async def set_current_item(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_lead()
    body = await json_body(request)
    item_id = body.ident("agenda_item_id", nullable=True)
    body.done()
    await service.set_current_item(db(request), access, item_id)
    return ok({"current_item_id": item_id})


async def set_presenter(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_lead()
    body = await json_body(request)
    document_id = body.ident("document_id")
    page = body.integer("page", lo=1, hi=100_000)
    body.done()
    value = await service.set_presenter(db(request), access, document_id, page)
    return ok(value.as_dict())


async def clear_presenter(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_lead()
    await service.clear_presenter(db(request), access)
    return no_content()


async def list_events(request: Request) -> Response:
    after = whole_number(request.query_params.get("after", "0"))
    if after is None or after > MAX_ID:
        await meeting_access(request)  # another meeting's log is 404 before a bad 'after'
        raise BadRequest("'after' must be a whole number.", "bad_query")
    found, last = await ask(request, queries.events_after, path_id(request), after,
                            EVENTS_PAGE, EVENTS_PAGE_BYTES)
    return ok({"events": [e.as_dict() for e in found], "last_seq": last})
