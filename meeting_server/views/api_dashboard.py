"""The leader's dashboard: figures per unit (JSON, CSV, a page with server-drawn SVG bars),
and naming the leaders who see it."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from starlette.requests import Request
from starlette.responses import Response

from meeting_server.access import LEADER_SCOPES, require_admin
from meeting_server.errors import BadRequest
from meeting_server.queries import dashboard as queries
from meeting_server.queries.dashboard import FIGURES, Dashboard, UnitFigures
from meeting_server.services import leaders as service
from meeting_server.timeutil import parse_date
from meeting_server.validate import json_body, path_id
from meeting_server.views.common import ask, audit, clock, db, ok, pages, signed_in

CSV_HEADER = ("Mã đơn vị", "Đơn vị", "Được giao", "Hoàn thành đúng hạn", "Hoàn thành trễ hạn",
              "Quá hạn", "Đang thực hiện trong hạn", "Đã hủy")
#: The bars' segments, in order, with their colour class (dashboard.css).
SEGMENTS = ("done_on_time", "done_late", "overdue", "open")
CHART_WIDTH = 600


def _period(request: Request) -> tuple[date | None, date | None]:
    found = []
    for name in ("from", "to"):
        raw = request.query_params.get(name) or None
        try:
            found.append(parse_date(raw) if raw else None)
        except ValueError:
            raise BadRequest("'{name}' must be a date (YYYY-MM-DD).", "bad_query",
                             values={"name": name}) from None
    since, until = found
    if since and until and since > until:
        raise BadRequest("'from' must not be after 'to'.", "bad_query")
    return since, until


async def _figures(request: Request) -> Dashboard:
    since, until = _period(request)
    return await ask(request, queries.dashboard, since, until, clock(request).today(),
                     clock(request).zone)


def dashboard_csv(found: Dashboard) -> str:
    """The same figures as the JSON, one row per unit and a total, for Excel (BOM, CRLF)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for unit in [*found.units, UnitFigures("", "Tổng cộng", **{
            k: getattr(found.totals, k) for k in FIGURES})]:
        writer.writerow([unit.code, unit.name, *(getattr(unit, k) for k in FIGURES)])
    return "\ufeff" + out.getvalue()


async def dashboard(request: Request) -> Response:
    """``GET /api/dashboard?from=&to=&format=csv``."""
    fmt = request.query_params.get("format", "json")
    if fmt not in ("json", "csv"):
        raise BadRequest("'format' must be json or csv.", "bad_query")
    found = await _figures(request)
    if fmt == "csv":
        audit(request, await signed_in(request), "download", "dashboard", None, None, "csv")
        return Response(dashboard_csv(found), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition":
                                 'attachment; filename="bang-theo-doi.csv"'})
    return ok(found.as_dict())


async def set_leader_scope(request: Request) -> Response:
    """``PUT /api/users/{id}/leader-scope`` ``{scope}``: 'city', 'unit' or null (admin)."""
    require_admin(await signed_in(request))
    body = await json_body(request)
    scope = None if body.data.get("scope", "") is None else body.choice("scope", LEADER_SCOPES)
    body.seen.add("scope")
    body.done()
    user_id = path_id(request)
    await service.set_scope(db(request), await signed_in(request), user_id, scope)
    return ok({"user_id": user_id, "scope": scope})


@dataclass(frozen=True)
class Bar:
    """One unit's bar: its segments as (figure, x, width) in a CHART_WIDTH-wide chart."""

    unit: UnitFigures
    segments: list[tuple[str, float, float]]


def bars(found: Dashboard) -> list[Bar]:
    """Stacked bars scaled to the unit with the most tasks."""
    top = max((u.assigned for u in found.units), default=0) or 1
    drawn = []
    for unit in found.units:
        x, segments = 0.0, []
        for name in SEGMENTS:
            width = getattr(unit, name) / top * CHART_WIDTH
            if width:
                segments.append((name, round(x, 2), round(width, 2)))
            x += width
        drawn.append(Bar(unit, segments))
    return drawn


async def dashboard_page(request: Request) -> Response:
    """``/dashboard``: the figures as a table and as SVG bars drawn here (no script)."""
    found = await _figures(request)
    return pages(request).render(request, "dashboard.html", {
        "user": await signed_in(request), "dashboard": found, "bars": bars(found),
        "segments": SEGMENTS, "chart_width": CHART_WIDTH, "figures": FIGURES,
        "query": request.url.query,
    })
