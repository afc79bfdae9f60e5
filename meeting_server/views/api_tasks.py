"""Conclusions, follow-up tasks, progress reports and the task tracker's exports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from meeting_server.deadlines import DeadlineError, date_wording, parse_deadline
from meeting_server.errors import BadRequest, Invalid
from meeting_server.models import TASK_STATUSES, Meeting
from meeting_server.queries import meetings as meeting_queries
from meeting_server.queries import tasks as queries
from meeting_server.services import conclusions as service
from meeting_server.store.tasks import Due, TaskFilter
from meeting_server.task_exports import tasks_csv, tasks_ics
from meeting_server.timeutil import parse_date
from meeting_server.validate import MAX_ID, Fields, json_body, path_id, whole_number
from meeting_server.views.common import (
    ask,
    audit,
    clock,
    db,
    meeting_access,
    no_content,
    ok,
    signed_in,
)

MAX_TEXT = 10_000


def meeting_day(meeting: Meeting) -> date:
    return datetime.fromisoformat(meeting.starts_at).date()


def deadline_error(error: DeadlineError) -> Invalid:
    return Invalid(error.message, "bad_deadline", field="due_text")


async def add_conclusion(request: Request) -> Response:
    access = await meeting_access(request)
    access.require_lead()
    body = await json_body(request)
    text = body.text("text", max_len=MAX_TEXT)
    item_id = body.ident("agenda_item_id", required=False, nullable=True)
    body.done()
    saved = await service.add_conclusion(db(request), access, text, item_id)
    return ok(saved.as_dict(), 201)


async def update_conclusion(request: Request) -> Response:
    conclusion, access = await ask(request, queries.conclusion_access, path_id(request))
    access.require_lead()
    body = await json_body(request)
    changes: dict[str, Any] = {}
    if body.has("text"):
        changes["text"] = body.text("text", max_len=MAX_TEXT)
    if body.has("agenda_item_id"):
        changes["agenda_item_id"] = body.ident("agenda_item_id", nullable=True)
    number = body.integer("number", required=False, lo=1, hi=100_000)
    body.done()
    if not changes and number is None:
        raise Invalid("Nothing to change.", "empty_change")
    saved = await service.update_conclusion(db(request), access, conclusion, changes, number)
    return ok(saved.as_dict())


async def delete_conclusion(request: Request) -> Response:
    conclusion, access = await ask(request, queries.conclusion_access, path_id(request))
    access.require_lead()
    await service.delete_conclusion(db(request), access, conclusion)
    return no_content()


def _unit_codes(body: Fields, name: str) -> list[str]:
    value = body.data.get(name, [])
    body.seen.add(name)
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > 50 or not all(
            isinstance(v, str) and 0 < len(v) <= 32 for v in value):
        raise Invalid("The field '{name}' must be a list of unit codes.", "invalid_field",
                      values={"name": name},
                      field=name)
    return [v.strip() for v in value]


def _deadline(meeting: Meeting | date, due_date: date | None, due_text: str) -> Due:
    """The task's deadline, as it will be stored: an explicit date wins over the words, which
    are read against the meeting's date."""
    if due_date is not None:
        return Due(due_date, due_text, False, wording=date_wording(due_date))
    if not due_text:
        raise Invalid("Give a deadline: a date, or words such as 'trong tháng 7' or "
                      "'thường xuyên'.", "bad_deadline", field="due_text")
    try:
        parsed = parse_deadline(due_text, meeting if isinstance(meeting, date)
                                else meeting_day(meeting))
    except DeadlineError as error:
        raise deadline_error(error) from None
    return Due(parsed.due_date, due_text, parsed.ongoing, parsed.due_time, parsed.schedule,
               parsed.wording)


async def add_task(request: Request) -> Response:
    conclusion, access = await ask(request, queries.conclusion_access, path_id(request))
    access.require_lead()
    body = await json_body(request)
    title = body.text("title", max_len=2000)
    lead_unit = body.text("lead_unit", max_len=32)
    support = _unit_codes(body, "support_units")
    responsible = body.text("responsible", required=False, max_len=200, allow_empty=True) or ""
    due_date = body.day("due_date", required=False, nullable=True)
    due_text = body.text("due_text", required=False, max_len=500, allow_empty=True,
                         nullable=True) or ""
    body.done()
    due = _deadline(access.meeting, due_date, due_text)
    task = await service.add_task(db(request), access, conclusion, title, lead_unit, support,
                                  responsible, due)
    return ok(task.as_dict(clock(request).today()), 201)


async def get_task(request: Request) -> Response:
    return ok(await ask(request, queries.task_detail, path_id(request), clock(request).today()))


async def update_task(request: Request) -> Response:
    standing = await ask(request, queries.task_access, path_id(request))
    standing.require_manage()
    task = standing.task
    body = await json_body(request)
    changes: dict[str, Any] = {}
    if body.has("title"):
        changes["title"] = body.text("title", max_len=2000)
    if body.has("lead_unit"):
        changes["lead_unit"] = body.text("lead_unit", max_len=32)
    if body.has("support_units"):
        changes["support_units"] = _unit_codes(body, "support_units")
    if body.has("responsible"):
        changes["responsible"] = body.text("responsible", max_len=200, allow_empty=True)
    if body.has("status"):
        changes["status"] = body.choice("status", TASK_STATUSES)
    if body.has("due_date") or body.has("due_text"):
        due_date = body.day("due_date", required=False, nullable=True)
        due_text = body.text("due_text", required=False, max_len=500, allow_empty=True,
                             nullable=True)
        text = task.due_text if due_text is None else due_text
        if not body.has("due_date") and due_text is not None:
            changes["due"] = _deadline(standing.meeting, None, text)
        else:
            changes["due"] = _deadline(standing.meeting, due_date, text)
    body.done()
    if not changes:
        raise Invalid("Nothing to change.", "empty_change")
    updated = await service.update_task(db(request), standing.user, task, changes)
    return ok(updated.as_dict(clock(request).today()))


async def report_progress(request: Request) -> Response:
    standing = await ask(request, queries.task_access, path_id(request))
    standing.require_report()
    body = await json_body(request)
    note = body.text("note", max_len=MAX_TEXT)
    status = body.choice("status", TASK_STATUSES, required=False)
    occurrence = body.day("occurrence", required=False, nullable=True)
    body.done()
    standing.require_status(status)
    updated, update_id, occurrence = await service.report_progress(
        db(request), standing.user, standing.task, note, status, occurrence)
    return ok({"id": update_id, "task": updated.as_dict(clock(request).today()), "note": note,
               "status": status, "occurrence": occurrence.isoformat() if occurrence else None},
              201)


def _flag(raw: str | None, name: str) -> bool | None:
    if raw is None or raw == "":
        return None
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise BadRequest("'{name}' must be true or false.", "bad_query", values={"name": name})


def _query_date(raw: str | None, name: str) -> date | None:
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError:
        raise BadRequest("'{name}' must be a date (YYYY-MM-DD).", "bad_query",
                         values={"name": name}) from None


async def list_tasks(request: Request) -> Response:
    await signed_in(request)
    q = request.query_params
    status = q.get("status") or None
    if status is not None and status not in TASK_STATUSES:
        raise BadRequest("'status' must be one of {choices}.", "bad_query",
                         values={"choices": ', '.join(TASK_STATUSES)})
    meeting_raw = q.get("meeting_id") or None
    meeting_id = whole_number(meeting_raw) if meeting_raw is not None else None
    if meeting_raw is not None and (meeting_id is None or meeting_id > MAX_ID):
        raise BadRequest("'meeting_id' must be a whole number.", "bad_query")
    where = TaskFilter(
        status=status, overdue=_flag(q.get("overdue"), "overdue"),
        meeting_id=meeting_id,
        due_before=_query_date(q.get("due_before"), "due_before"),
        due_after=_query_date(q.get("due_after"), "due_after"),
    )
    fmt = q.get("format", "json")
    if fmt not in ("json", "csv", "ics"):
        raise BadRequest("'format' must be json, csv or ics.", "bad_query")
    today = clock(request).today()
    listed = await ask(request, queries.task_list, where, today, q.get("unit") or None)
    found = [row.task for row in listed]
    titles = {row.task.meeting_id: row.meeting_title for row in listed}
    if fmt != "json":
        audit(request, await signed_in(request), "download", "tasks", None, where.meeting_id,
              fmt)
    if fmt == "csv":
        return Response(tasks_csv(found, titles, today), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="nhiem-vu.csv"'})
    if fmt == "ics":
        return Response(tasks_ics(found, titles, clock(request).zone),
                        media_type="text/calendar; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="nhiem-vu.ics"'})
    return ok({"tasks": [{**row.task.as_dict(today), "meeting_title": row.meeting_title}
                         for row in listed]})


async def preview_deadline(request: Request) -> Response:
    """Parse deadline words as the console types them: ?text=…&meeting_id=… (or &date=…)."""
    await signed_in(request)
    text = request.query_params.get("text", "")
    raw_meeting = request.query_params.get("meeting_id")
    if raw_meeting:
        meeting_id = whole_number(raw_meeting)
        if meeting_id is None or not 0 < meeting_id <= MAX_ID:
            raise BadRequest("'meeting_id' must be a whole number.", "bad_query")
        access = await ask(request, meeting_queries.meeting_access, meeting_id)
        day = meeting_day(access.meeting)
    else:
        day = _query_date(request.query_params.get("date"), "date") or clock(request).today()
    due = _deadline(day, None, text.strip())
    return ok({"text": due.text, "kind": "ongoing" if due.ongoing
               else "schedule" if due.schedule else "date",
               "due_date": due.date.isoformat() if due.date else None,
               "due_time": due.time.strftime("%H:%M") if due.time else None,
               "ongoing": due.ongoing,
               "schedule": {"rrule": due.schedule.rule, "start": due.schedule.start.isoformat()}
               if due.schedule else None,
               "deadline": due.wording})
