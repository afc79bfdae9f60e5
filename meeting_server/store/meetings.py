"""Meetings, their participants and attendance, the current item and the presenter."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from meeting_server.access import Scope
from meeting_server.db import Conn, Transaction, fetchall, fetchone
from meeting_server.models import Meeting, Participant, Presenter
from meeting_server.store.users import user_from_row

_FIELDS = ("id", "title", "starts_at", "location", "status", "chair_id", "current_item_id",
           "created_at", "updated_at", "started_at", "ended_at", "current_item_at")
_MEETING_COLUMNS = ", ".join(_FIELDS)


def columns_as(alias: str) -> str:
    """The meeting's columns from the table named ``alias``, as ``{alias}_{column}``, for reads
    that join a meeting to something else (read back with ``meeting_from_row(row, alias)``)."""
    return ", ".join(f"{alias}.{name} AS {alias}_{name}" for name in _FIELDS)


def meeting_from_row(row: sqlite3.Row, alias: str | None = None) -> Meeting:
    prefix = f"{alias}_" if alias else ""
    return Meeting(*(row[prefix + name] for name in _FIELDS))


def _meeting(row: sqlite3.Row) -> Meeting:
    return meeting_from_row(row)


async def get(conn: Conn, meeting_id: int) -> Meeting | None:
    row = await fetchone(conn, f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE id = ?",
                         (meeting_id,))
    return _meeting(row) if row else None


async def with_role(conn: Conn, meeting_id: int,
                    user_id: int) -> tuple[Meeting | None, str | None]:
    """The meeting and the user's role in it (None when they take no part), in one statement."""
    row = await fetchone(
        conn,
        f"SELECT {columns_as('m')}, p.role FROM meetings m LEFT JOIN participants p"
        " ON p.meeting_id = m.id AND p.user_id = ? WHERE m.id = ?",
        (user_id, meeting_id),
    )
    if row is None:
        return None, None
    return meeting_from_row(row, "m"), row["role"]


async def roles_in(conn: Conn, meeting_ids: Sequence[int], user_id: int
                   ) -> dict[int, str | None]:
    """Each of ``meeting_ids`` that exists, with the user's role in it (None when they take no
    part), in one statement."""
    rows = await fetchall(
        conn, "SELECT m.id, p.role FROM meetings m LEFT JOIN participants p"
        " ON p.meeting_id = m.id AND p.user_id = ? WHERE m.id IN (SELECT value FROM json_each(?))",
        (user_id, json.dumps(list(meeting_ids))))
    return {int(r[0]): r[1] for r in rows}


async def list_visible(conn: Conn, seen: Scope) -> list[Meeting]:
    """The SQL of ``access.can_see_meeting``: every meeting, or those ``seen.user_id`` takes
    part in; newest first."""
    if seen.everything:
        rows = await fetchall(
            conn, f"SELECT {_MEETING_COLUMNS} FROM meetings ORDER BY starts_at DESC, id DESC"
        )
    else:
        rows = await fetchall(
            conn,
            f"SELECT {_MEETING_COLUMNS} FROM meetings WHERE id IN"
            " (SELECT meeting_id FROM participants WHERE user_id = ?)"
            " ORDER BY starts_at DESC, id DESC",
            (seen.user_id,),
        )
    return [_meeting(r) for r in rows]


async def create(tx: Transaction, title: str, starts_at: str, location: str,
                 chair_id: int | None, created_by: int | None) -> Meeting:
    at = tx.now_iso()
    row = await tx.fetchone(
        "INSERT INTO meetings (title, starts_at, location, chair_id, created_by, created_at,"
        f" updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {_MEETING_COLUMNS}",
        (title, starts_at, location, chair_id, created_by, at, at),
    )
    assert row is not None
    return _meeting(row)


async def update(tx: Transaction, meeting_id: int, changes: dict[str, object]) -> Meeting:
    allowed = {"title", "starts_at", "location", "status", "chair_id", "started_at", "ended_at"}
    assert set(changes) <= allowed, changes
    assignments = "".join(f"{column} = ?, " for column in changes)
    row = await tx.fetchone(
        f"UPDATE meetings SET {assignments}updated_at = ? WHERE id = ?"
        f" RETURNING {_MEETING_COLUMNS}",
        (*changes.values(), tx.now_iso(), meeting_id),
    )
    assert row is not None
    return _meeting(row)


async def set_current_item(tx: Transaction, meeting_id: int, item_id: int | None,
                           since: str) -> None:
    """The item under discussion, and since when."""
    await tx.execute("UPDATE meetings SET current_item_id = ?, current_item_at = ? WHERE id = ?",
                     (item_id, since if item_id is not None else None, meeting_id))


async def presenter(conn: Conn, meeting_id: int) -> Presenter | None:
    row = await fetchone(
        conn,
        "SELECT presenter_document_id, presenter_version, presenter_page FROM meetings"
        " WHERE id = ?",
        (meeting_id,),
    )
    if row is None or row[0] is None:
        return None
    return Presenter(row[0], row[1], row[2])


async def set_presenter(tx: Transaction, meeting_id: int, value: Presenter | None) -> None:
    args = (value.document_id, value.version, value.page) if value else (None, None, None)
    await tx.execute(
        "UPDATE meetings SET presenter_document_id = ?, presenter_version = ?,"
        " presenter_page = ? WHERE id = ?",
        (*args, meeting_id),
    )


_PARTICIPANT_SQL = (
    "SELECT p.meeting_id, p.role AS meeting_role, p.attendance, p.absence_reason,"
    " p.attendance_at, u.id, u.username, u.name, u.title, u.role, u.active,"
    " n.id AS unit_id, n.code AS unit_code, n.name AS unit_name"
    " FROM participants p JOIN users u ON u.id = p.user_id"
    " LEFT JOIN units n ON n.id = u.unit_id"
)
_ROLE_ORDER = (
    "CASE p.role WHEN 'chair' THEN 0 WHEN 'secretary' THEN 1 WHEN 'member' THEN 2 ELSE 3 END"
)


def _participant(row: sqlite3.Row) -> Participant:
    return Participant(row["meeting_id"], user_from_row(row), row["meeting_role"],
                       row["attendance"], row["absence_reason"], row["attendance_at"])


async def participants(conn: Conn, meeting_id: int) -> list[Participant]:
    rows = await fetchall(
        conn,
        f"{_PARTICIPANT_SQL} WHERE p.meeting_id = ? ORDER BY {_ROLE_ORDER}, p.added_at, u.id",
        (meeting_id,),
    )
    return [_participant(r) for r in rows]


async def participant(conn: Conn, meeting_id: int, user_id: int) -> Participant | None:
    row = await fetchone(conn, f"{_PARTICIPANT_SQL} WHERE p.meeting_id = ? AND p.user_id = ?",
                         (meeting_id, user_id))
    return _participant(row) if row else None


async def role_of(conn: Conn, meeting_id: int, user_id: int) -> str | None:
    row = await fetchone(
        conn, "SELECT role FROM participants WHERE meeting_id = ? AND user_id = ?",
        (meeting_id, user_id),
    )
    return str(row[0]) if row else None


async def upsert_participant(tx: Transaction, meeting_id: int, user_id: int, role: str) -> bool:
    """Add the participant or change their role; True when they were new."""
    row = await tx.fetchone(
        "SELECT 1 FROM participants WHERE meeting_id = ? AND user_id = ?", (meeting_id, user_id)
    )
    await tx.execute(
        "INSERT INTO participants (meeting_id, user_id, role, added_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (meeting_id, user_id) DO UPDATE SET role = excluded.role",
        (meeting_id, user_id, role, tx.now_iso()),
    )
    return row is None


async def remove_participant(tx: Transaction, meeting_id: int, user_id: int) -> bool:
    cur = await tx.execute(
        "DELETE FROM participants WHERE meeting_id = ? AND user_id = ?", (meeting_id, user_id)
    )
    return cur.rowcount > 0


async def set_attendance(tx: Transaction, meeting_id: int, user_id: int, status: str,
                         reason: str | None) -> None:
    await tx.execute(
        "UPDATE participants SET attendance = ?, absence_reason = ?, attendance_at = ?"
        " WHERE meeting_id = ? AND user_id = ?",
        (status, reason, tx.now_iso(), meeting_id, user_id),
    )
