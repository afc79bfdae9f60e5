"""The leader's dashboard: per lead unit, the tasks assigned in a period and how they stand.

A task counts for its lead unit (đơn vị chủ trì) and for the period in which its meeting took
place (the day it was assigned). Each task falls in exactly one of:

- ``done_on_time``: done on or before its deadline (an ongoing task, without one, always);
- ``done_late``: done after its deadline (the day ``completed_at`` falls on, in the server's
  time zone, after ``due_date``);
- ``overdue``: still open past its deadline (``Task.overdue``);
- ``open``: still open, not past its deadline;
- ``cancelled``: cancelled (not counted in ``assigned``).

``assigned`` = ``done_on_time + done_late + overdue + open``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, tzinfo
from typing import Any

from meeting_server import access
from meeting_server.db import Conn, fetchall, fetchone
from meeting_server.models import Unit, User
from meeting_server.store import leaders as users_leaders
from meeting_server.store import users

FIGURES = ("assigned", "done_on_time", "done_late", "overdue", "open", "cancelled")


@dataclass
class UnitFigures:
    code: str
    name: str
    assigned: int = 0
    done_on_time: int = 0
    done_late: int = 0
    overdue: int = 0
    open: int = 0
    cancelled: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Dashboard:
    since: date | None
    until: date | None
    today: date
    units: list[UnitFigures]
    totals: UnitFigures = field(default_factory=lambda: UnitFigures("", ""))

    def as_dict(self) -> dict[str, Any]:
        return {"from": self.since.isoformat() if self.since else None,
                "to": self.until.isoformat() if self.until else None,
                "today": self.today.isoformat(),
                "units": [u.as_dict() for u in self.units],
                "totals": {k: getattr(self.totals, k) for k in FIGURES}}


def classify(status: str, ongoing: bool, due: date | None, completed: date | None,
             today: date) -> str:
    """Which figure a task counts in (see the module docstring)."""
    if status == "cancelled":
        return "cancelled"
    if status == "done":
        late = not ongoing and due is not None and completed is not None and completed > due
        return "done_late" if late else "done_on_time"
    if not ongoing and due is not None and due < today:
        return "overdue"
    return "open"


async def leader_scope(conn: Conn, user_id: int) -> str | None:
    row = await fetchone(conn, "SELECT scope FROM leader_scopes WHERE user_id = ?", (user_id,))
    return str(row[0]) if row else None


async def dashboard(conn: Conn, user: User, since: date | None, until: date | None,
                    today: date, zone: tzinfo) -> Dashboard:
    """``GET /api/dashboard``: the figures of the units the caller may see
    (``access.dashboard_scope``), every such unit listed even without tasks. Three
    statements."""
    seen = access.dashboard_scope(user, await leader_scope(conn, user.id))
    units: list[Unit] = [u for u in await users.list_units(conn)
                         if seen.unit_id is None or u.id == seen.unit_id]
    rows = await fetchall(
        conn,
        "SELECT t.lead_unit_id, t.status, t.ongoing, t.due_date, t.completed_at, m.starts_at"
        " FROM tasks t JOIN meetings m ON m.id = t.meeting_id"
        + ("" if seen.unit_id is None else " WHERE t.lead_unit_id = ?"),
        () if seen.unit_id is None else (seen.unit_id,))
    figures = {u.id: UnitFigures(u.code, u.name) for u in units}
    totals = UnitFigures("", "")
    for unit_id, status, ongoing, due, completed, starts_at in rows:
        day = datetime.fromisoformat(starts_at).date()
        if unit_id not in figures or (since and day < since) or (until and day > until):
            continue
        done_day = (datetime.fromisoformat(completed).astimezone(zone).date()
                    if completed else None)
        kind = classify(status, bool(ongoing), date.fromisoformat(due) if due else None,
                        done_day, today)
        for target in (figures[unit_id], totals):
            setattr(target, kind, getattr(target, kind) + 1)
            if kind != "cancelled":
                target.assigned += 1
    return Dashboard(since, until, today, list(figures.values()), totals)


async def may_see(conn: Conn, user: User) -> bool:
    """Whether the pages offer the dashboard to ``user``. One statement."""
    return access.may_see_dashboard(user, await leader_scope(conn, user.id))


async def leaders(conn: Conn, user: User) -> dict[int, str]:
    """The administration page: who is named a leader, and of what. One statement."""
    access.require_admin(user)
    return await users_leaders.all_scopes(conn)
