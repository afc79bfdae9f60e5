"""The audit log: ``GET /api/audit`` (JSON or CSV) and the page ``GET /audit``."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import Response

from meeting_server.audit import AUDIT_ACTIONS
from meeting_server.errors import BadRequest
from meeting_server.queries import audit as queries
from meeting_server.store.audit import AuditFilter, AuditRow
from meeting_server.task_exports import safe_cell
from meeting_server.timeutil import parse_date
from meeting_server.validate import MAX_ID
from meeting_server.views.common import ask, audit, content_disposition, ok, pages, signed_in

#: The object kinds the log can be filtered by: every kind recorded (a test reads the calls).
KINDS = ("meeting", "document", "document_notes", "book", "publication", "tasks", "task",
         "dashboard", "audit", "user")
MAX_LIMIT = 1000
CSV_HEADER = ["id", "at", "username", "name", "action", "object_kind", "object_id",
              "meeting_id", "detail", "address"]


def _ident(q: QueryParams, name: str) -> int | None:
    raw = q.get(name) or None
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and 0 < len(raw) < 20 and 0 < int(raw) <= MAX_ID):
        raise BadRequest("'{name}' must be a whole number.", "bad_query",
                         values={"name": name})
    return int(raw)


def _day(q: QueryParams, name: str) -> str | None:
    raw = q.get(name) or None
    if raw is None:
        return None
    try:
        return parse_date(raw).isoformat()
    except ValueError:
        raise BadRequest("'{name}' must be a date (YYYY-MM-DD).", "bad_query",
                         values={"name": name}) from None


def _choice(q: QueryParams, name: str, choices: tuple[str, ...]) -> str | None:
    value = q.get(name) or None
    if value is not None and value not in choices:
        raise BadRequest("'{name}' must be one of {choices}.", "bad_query",
                         values={"name": name, "choices": ", ".join(choices)})
    return value


def audit_filter(q: QueryParams) -> AuditFilter:
    """``?user_id=&action=&kind=&meeting_id=&since=&until=&before=&limit=``: ``since`` and
    ``until`` are days (both included), ``before`` an id to page back from."""
    until = _day(q, "until")
    limit = _ident(q, "limit") or 100
    return AuditFilter(
        user_id=_ident(q, "user_id"), action=_choice(q, "action", AUDIT_ACTIONS),
        object_kind=_choice(q, "kind", KINDS), meeting_id=_ident(q, "meeting_id"),
        since=_day(q, "since"),
        until=(parse_date(until) + timedelta(days=1)).isoformat() if until else None,
        before_id=_ident(q, "before"), limit=min(limit, MAX_LIMIT))


def audit_csv(rows: list[AuditRow]) -> bytes:
    """UTF-8 with a byte-order mark for Excel; every text cell safe from formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow([r.id, r.at, safe_cell(r.username), safe_cell(r.user_name), r.action,
                         r.object_kind, r.object_id or "", r.meeting_id or "",
                         safe_cell(r.detail), safe_cell(r.address)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


async def audit_log(request: Request) -> Response:
    """``{"entries": [...], "next_before": ID | null}``, or ``format=csv``."""
    user = await signed_in(request)
    q = request.query_params
    fmt = _choice(q, "format", ("json", "csv")) or "json"
    wanted = audit_filter(q)
    rows = await ask(request, queries.audit_log, wanted)
    if fmt == "csv":
        audit(request, user, "download", "audit", None, None, "csv")
        return Response(audit_csv(rows), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": content_disposition("nhat-ky-truy-cap.csv", ".csv")})
    next_before = rows[-1].id if len(rows) == wanted.limit else None
    return ok({"entries": [r.as_dict() for r in rows], "next_before": next_before})


async def audit_page(request: Request) -> Response:
    user = await signed_in(request)
    q = request.query_params
    wanted = audit_filter(q)
    rows = await ask(request, queries.audit_log, wanted)
    kept = {k: v for k, v in q.items() if k in ("user_id", "action", "kind", "meeting_id",
                                               "since", "until", "limit") and v}
    return pages(request).render(request, "audit.html", {
        "user": user, "rows": rows, "actions": AUDIT_ACTIONS, "kinds": KINDS, "filters": kept,
        "next_before": rows[-1].id if len(rows) == wanted.limit else None,
    })
