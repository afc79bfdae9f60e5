"""Follow-up tasks: lead and supporting units, deadlines, status, progress reports."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from meeting_server.access import Scope
from meeting_server.db import Conn, Transaction, fetchall, fetchone
from meeting_server.deadlines import Schedule
from meeting_server.models import CLOSED_STATUSES, Task, TaskUpdate, Unit

# A task's columns and the tables they come from, for reads that join more (queries/tasks.py).
COLUMNS = (
    "t.id, t.meeting_id, t.conclusion_id, t.title, t.responsible, t.due_date,"
    " t.due_text, t.ongoing, t.status, t.completed_at, t.created_at, t.updated_at,"
    " t.due_time, t.schedule, t.schedule_start, t.due_wording,"
    " l.id AS lead_id, l.code AS lead_code, l.name AS lead_name,"
    " (SELECT json_group_array(json_array(u.id, u.code, u.name)) FROM"
    "   (SELECT u.id, u.code, u.name FROM task_support_units s JOIN units u ON u.id = s.unit_id"
    "    WHERE s.task_id = t.id ORDER BY u.code) u) AS support"
)
FROM = "tasks t JOIN units l ON l.id = t.lead_unit_id"
ORDER = " ORDER BY t.due_date IS NULL, t.due_date, t.meeting_id, t.id"
_SELECT = f"SELECT {COLUMNS} FROM {FROM}"


def task_from_row(row: sqlite3.Row) -> Task:
    support = tuple(Unit(i, c, n) for i, c, n in json.loads(row["support"]))
    return Task(row["id"], row["meeting_id"], row["conclusion_id"], row["title"],
                Unit(row["lead_id"], row["lead_code"], row["lead_name"]), support,
                row["responsible"],
                date.fromisoformat(row["due_date"]) if row["due_date"] else None,
                row["due_text"], bool(row["ongoing"]), row["status"], row["completed_at"],
                row["created_at"], row["updated_at"],
                time.fromisoformat(row["due_time"]) if row["due_time"] else None,
                Schedule(row["schedule"], date.fromisoformat(row["schedule_start"]))
                if row["schedule"] else None,
                row["due_wording"])


@dataclass(frozen=True)
class Due:
    """A task's deadline as stored: see migration 0006."""

    date: date | None
    text: str
    ongoing: bool
    time: time | None = None
    schedule: Schedule | None = None
    wording: str = ""

    def columns(self) -> dict[str, Any]:
        return {"due_date": self.date, "due_text": self.text, "ongoing": int(self.ongoing),
                "due_time": self.time.strftime("%H:%M") if self.time else None,
                "schedule": self.schedule.rule if self.schedule else None,
                "schedule_start": self.schedule.start if self.schedule else None,
                "due_wording": self.wording}


@dataclass(frozen=True)
class TaskFilter:
    unit_id: int | None = None
    status: str | None = None
    overdue: bool | None = None
    meeting_id: int | None = None
    due_before: date | None = None
    due_after: date | None = None


_OF_UNIT = ("(t.lead_unit_id = ? OR EXISTS (SELECT 1 FROM task_support_units s"
            " WHERE s.task_id = t.id AND s.unit_id = ?))")


def visible_clause(seen: Scope) -> tuple[str, list[Any]]:
    """The SQL of ``access.can_see_task`` over ``tasks t``: everything, or the tasks of the
    meetings ``seen.user_id`` takes part in and those whose lead or supporting unit is
    ``seen.unit_id``."""
    if seen.everything:
        return "1 = 1", []
    clause = "t.meeting_id IN (SELECT meeting_id FROM participants WHERE user_id = ?)"
    if seen.unit_id is None:
        return f"({clause})", [seen.user_id]
    return f"({clause} OR {_OF_UNIT})", [seen.user_id, seen.unit_id, seen.unit_id]


def where_clause(seen: Scope, where: TaskFilter, today: date) -> tuple[str, list[Any]]:
    """The conditions on ``tasks t`` of the tasks ``seen`` sees that ``where`` asks for."""
    clause, params = visible_clause(seen)
    conditions = [clause]
    if where.unit_id is not None:
        conditions.append(_OF_UNIT)
        params += [where.unit_id, where.unit_id]
    if where.status is not None:
        conditions.append("t.status = ?")
        params.append(where.status)
    if where.meeting_id is not None:
        conditions.append("t.meeting_id = ?")
        params.append(where.meeting_id)
    if where.due_before is not None:
        conditions.append("t.due_date <= ?")
        params.append(where.due_before.isoformat())
    if where.due_after is not None:
        conditions.append("t.due_date >= ?")
        params.append(where.due_after.isoformat())
    if where.overdue is not None:
        overdue = ("(t.ongoing = 0 AND t.due_date < ? AND t.status NOT IN"
                   f" ({', '.join('?' for _ in CLOSED_STATUSES)}))")
        conditions.append(overdue if where.overdue else f"NOT {overdue}")
        params += [today.isoformat(), *CLOSED_STATUSES]
    return " AND ".join(conditions), params


async def visible(conn: Conn, seen: Scope, where: TaskFilter, today: date) -> list[Task]:
    clause, params = where_clause(seen, where, today)
    rows = await fetchall(conn, f"{_SELECT} WHERE {clause}{ORDER}", params)
    return [task_from_row(r) for r in rows]


async def list_for_meeting(conn: Conn, meeting_id: int) -> list[Task]:
    rows = await fetchall(conn, f"{_SELECT} WHERE t.meeting_id = ?{ORDER}", (meeting_id,))
    return [task_from_row(r) for r in rows]


async def list_for_conclusion(conn: Conn, conclusion_id: int) -> list[Task]:
    rows = await fetchall(conn, f"{_SELECT} WHERE t.conclusion_id = ? ORDER BY t.id",
                          (conclusion_id,))
    return [task_from_row(r) for r in rows]


async def get(conn: Conn, task_id: int) -> Task | None:
    row = await fetchone(conn, f"{_SELECT} WHERE t.id = ?", (task_id,))
    return task_from_row(row) if row else None


async def create(tx: Transaction, meeting_id: int, conclusion_id: int, title: str,
                 lead_unit_id: int, support_unit_ids: list[int], responsible: str, due: Due,
                 created_by: int) -> int:
    at = tx.now_iso()
    columns = {k: v.isoformat() if isinstance(v, date) else v for k, v in due.columns().items()}
    row = await tx.fetchone(
        "INSERT INTO tasks (meeting_id, conclusion_id, title, lead_unit_id, responsible,"
        f" {', '.join(columns)}, created_by, created_at, updated_at)"
        f" VALUES (?, ?, ?, ?, ?, {', '.join('?' for _ in columns)}, ?, ?, ?) RETURNING id",
        (meeting_id, conclusion_id, title, lead_unit_id, responsible, *columns.values(),
         created_by, at, at),
    )
    assert row is not None
    task_id = int(row[0])
    await set_support_units(tx, task_id, support_unit_ids)
    return task_id


async def set_support_units(tx: Transaction, task_id: int, unit_ids: list[int]) -> None:
    await tx.execute("DELETE FROM task_support_units WHERE task_id = ?", (task_id,))
    await tx.executemany(
        "INSERT INTO task_support_units (task_id, unit_id) VALUES (?, ?)",
        [(task_id, unit_id) for unit_id in dict.fromkeys(unit_ids)],
    )


async def update(tx: Transaction, task_id: int, changes: dict[str, Any]) -> None:
    allowed = {"title", "lead_unit_id", "responsible", "due_date", "due_text", "ongoing",
               "status", "completed_at", "due_time", "schedule", "schedule_start",
               "due_wording"}
    assert set(changes) <= allowed, changes
    values = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in changes.items()}
    assignments = "".join(f"{column} = ?, " for column in values)
    await tx.execute(f"UPDATE tasks SET {assignments}updated_at = ? WHERE id = ?",
                     (*values.values(), tx.now_iso(), task_id))


async def add_update(tx: Transaction, task_id: int, author_id: int, note: str,
                     status: str | None, occurrence: date | None = None) -> int:
    row = await tx.fetchone(
        "INSERT INTO task_updates (task_id, author_id, note, status, created_at, occurrence)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        (task_id, author_id, note, status, tx.now_iso(),
         occurrence.isoformat() if occurrence else None),
    )
    assert row is not None
    return int(row[0])


async def reported(conn: Conn, task_id: int) -> set[date]:
    """The occurrences of a recurring task that a progress report was made for."""
    rows = await fetchall(conn, "SELECT DISTINCT occurrence FROM task_updates"
                                " WHERE task_id = ? AND occurrence IS NOT NULL", (task_id,))
    return {date.fromisoformat(r[0]) for r in rows}


_UPDATE_COLUMNS = ("SELECT d.id, d.task_id, d.author_id, u.name, d.note, d.status, d.created_at,"
                   " d.occurrence FROM task_updates d LEFT JOIN users u ON u.id = d.author_id")


def _update(r: sqlite3.Row) -> TaskUpdate:
    return TaskUpdate(r[0], r[1], r[2], r[3], r[4], r[5], r[6],
                      date.fromisoformat(r[7]) if r[7] else None)


async def updates(conn: Conn, task_id: int) -> list[TaskUpdate]:
    rows = await fetchall(conn, f"{_UPDATE_COLUMNS} WHERE d.task_id = ? ORDER BY d.id",
                          (task_id,))
    return [_update(r) for r in rows]


async def updates_of(conn: Conn, task_ids: Sequence[int]) -> dict[int, list[TaskUpdate]]:
    """The progress reports of many tasks in one statement, by task, oldest first."""
    rows = await fetchall(
        conn,
        f"{_UPDATE_COLUMNS} WHERE d.task_id IN (SELECT value FROM json_each(?))"
        " ORDER BY d.task_id, d.id",
        (json.dumps(list(task_ids)),),
    )
    found: dict[int, list[TaskUpdate]] = {}
    for r in rows:
        found.setdefault(r[1], []).append(_update(r))
    return found
