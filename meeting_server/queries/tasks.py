"""Conclusions and follow-up tasks as their views show them: the caller's standing, a task
with its history, the task list and the tracker."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from meeting_server import access
from meeting_server.access import Access, TaskAccess
from meeting_server.db import Conn, fetchall, fetchone
from meeting_server.errors import BadRequest, NotFound
from meeting_server.models import Conclusion, Task, Unit, User
from meeting_server.queries.meetings import meeting_access
from meeting_server.store import conclusions, meetings, tasks, users

# Tasks with their meeting and the caller's role in it: the first parameter is the caller's id.
_JOINED = (
    f"SELECT {tasks.COLUMNS}, {meetings.columns_as('m')}, p.role AS caller_role"
    f" FROM {tasks.FROM} JOIN meetings m ON m.id = t.meeting_id"
    " LEFT JOIN participants p ON p.meeting_id = t.meeting_id AND p.user_id = ?"
)


async def conclusion_access(conn: Conn, user: User, conclusion_id: int
                            ) -> tuple[Conclusion, Access]:
    """The conclusion and the caller's access to its meeting (404 if not theirs). Two
    statements."""
    found = await conclusions.get(conn, conclusion_id)
    if found is None:
        raise NotFound("Conclusion not found.")
    return found, await meeting_access(conn, user, found.meeting_id)


async def task_access(conn: Conn, user: User, task_id: int) -> TaskAccess:
    """The task, its meeting and the caller's standing towards it, or NotFound when it is
    missing or not theirs (``access.task_access``). One statement."""
    row = await fetchone(conn, f"{_JOINED} WHERE t.id = ?", (user.id, task_id))
    if row is None:
        return access.task_access(user, None, None, None)
    return access.task_access(user, tasks.task_from_row(row),
                              meetings.meeting_from_row(row, "m"), row["caller_role"])


async def task_detail(conn: Conn, user: User, task_id: int, today: date) -> dict[str, Any]:
    """``GET /api/tasks/{id}``: the task with its progress reports, its meeting's title and
    date, its conclusion and whether the caller may report on it. Three statements."""
    standing = await task_access(conn, user, task_id)
    task, meeting = standing.task, standing.meeting
    conclusion = await conclusions.get(conn, task.conclusion_id)
    assert conclusion is not None
    history = await tasks.updates(conn, task.id)
    return {**task.as_dict(today), "updates": [u.as_dict() for u in history],
            "meeting_title": meeting.title, "meeting_starts_at": meeting.starts_at,
            "conclusion": conclusion.as_dict(), "can_report": standing.can_report}


@dataclass(frozen=True)
class ListedTask:
    task: Task
    meeting_title: str
    role: str | None  # the caller's in the task's meeting


async def _listed(conn: Conn, user: User, where: tasks.TaskFilter,
                  today: date) -> list[ListedTask]:
    clause, params = tasks.where_clause(access.scope(user), where, today)
    rows = await fetchall(conn, f"{_JOINED} WHERE {clause}{tasks.ORDER}", [user.id, *params])
    return [ListedTask(tasks.task_from_row(r), r["m_title"], r["caller_role"]) for r in rows]


async def task_list(conn: Conn, user: User, where: tasks.TaskFilter, today: date,
                    unit_code: str | None = None) -> list[ListedTask]:
    """``GET /api/tasks``: the tasks the caller sees that ``where`` asks for (and of the unit
    ``unit_code``, lead or supporting), each with its meeting's title. One statement, two
    with a unit."""
    if unit_code is not None:
        unit = await users.unit_by_code(conn, unit_code)
        if unit is None:
            raise BadRequest("No unit with code '{unit_code}'.", "bad_query",
                             values={"unit_code": unit_code})
        where = replace(where, unit_id=unit.id)
    return await _listed(conn, user, where, today)


@dataclass(frozen=True)
class Tracker:
    rows: list[dict[str, Any]]
    units: list[Unit]
    unit: Unit | None


async def tracker(conn: Conn, user: User, unit_code: str | None, status: str | None,
                  overdue: bool, today: date) -> Tracker:
    """The task tracker: the tasks the caller sees (of ``unit_code``: by default a member's
    own unit, everything for staff; ``""`` for everything), each with its meeting's title,
    its progress reports and whether the caller may report on it; and the units to filter
    by. Three statements, whatever the number of tasks."""
    units = await users.list_units(conn)
    if unit_code is None:
        unit_code = "" if access.is_staff(user) or user.unit is None else user.unit.code
    unit = next((u for u in units if u.code == unit_code), None)
    found = await _listed(conn, user, tasks.TaskFilter(
        unit_id=unit.id if unit else None, status=status, overdue=True if overdue else None,
    ), today)
    history = await tasks.updates_of(conn, [row.task.id for row in found])
    rows = [{
        "task": row.task.as_dict(today),
        "meeting_title": row.meeting_title,
        "updates": [u.as_dict() for u in history.get(row.task.id, [])],
        "can_report": access.can_report(user, row.task, row.role),
    } for row in found]
    return Tracker(rows, units, unit)
