"""Agenda items, kept numbered 1..n within their meeting."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from meeting_server.db import Conn, Transaction, fetchall, fetchone
from meeting_server.models import AgendaItem

_COLUMNS = "id, meeting_id, position, title, presenter, duration_minutes"


def _item(row: sqlite3.Row) -> AgendaItem:
    return AgendaItem(row["id"], row["meeting_id"], row["position"], row["title"],
                      row["presenter"], row["duration_minutes"])


async def list_for(conn: Conn, meeting_id: int) -> list[AgendaItem]:
    rows = await fetchall(
        conn, f"SELECT {_COLUMNS} FROM agenda_items WHERE meeting_id = ? ORDER BY position, id",
        (meeting_id,),
    )
    return [_item(r) for r in rows]


async def list_for_meetings(conn: Conn, meeting_ids: Sequence[int]) -> list[AgendaItem]:
    """The agenda items of many meetings in one statement, each meeting's in order."""
    rows = await fetchall(
        conn,
        f"SELECT {_COLUMNS} FROM agenda_items WHERE meeting_id IN"
        " (SELECT value FROM json_each(?)) ORDER BY meeting_id, position, id",
        (json.dumps(list(meeting_ids)),),
    )
    return [_item(r) for r in rows]


async def get(conn: Conn, item_id: int) -> AgendaItem | None:
    row = await fetchone(conn, f"SELECT {_COLUMNS} FROM agenda_items WHERE id = ?", (item_id,))
    return _item(row) if row else None


async def append(tx: Transaction, meeting_id: int, title: str, presenter: str,
                 duration_minutes: int | None) -> AgendaItem:
    await tx.lock_meeting(meeting_id)
    row = await tx.fetchone(
        "INSERT INTO agenda_items (meeting_id, position, title, presenter, duration_minutes,"
        " created_at) VALUES (?, (SELECT coalesce(max(position), 0) + 1 FROM agenda_items"
        f" WHERE meeting_id = ?), ?, ?, ?, ?) RETURNING {_COLUMNS}",
        (meeting_id, meeting_id, title, presenter, duration_minutes, tx.now_iso()),
    )
    assert row is not None
    return _item(row)


async def update(tx: Transaction, item_id: int, changes: dict[str, object]) -> None:
    assert set(changes) <= {"title", "presenter", "duration_minutes"}, changes
    if changes:
        assignments = ", ".join(f"{column} = ?" for column in changes)
        await tx.execute(f"UPDATE agenda_items SET {assignments} WHERE id = ?",
                         (*changes.values(), item_id))


async def move(tx: Transaction, item: AgendaItem, position: int) -> None:
    """Move the item to ``position`` (clamped to 1..n) and renumber the others."""
    await tx.lock_meeting(item.meeting_id)
    items = [i for i in await list_for(tx, item.meeting_id) if i.id != item.id]
    position = max(1, min(position, len(items) + 1))
    items.insert(position - 1, item)
    await _renumber(tx, [i.id for i in items])


async def delete(tx: Transaction, item: AgendaItem) -> None:
    await tx.lock_meeting(item.meeting_id)
    await tx.execute("DELETE FROM agenda_items WHERE id = ?", (item.id,))
    await _renumber(tx, [i.id for i in await list_for(tx, item.meeting_id)])


async def _renumber(tx: Transaction, ids: list[int]) -> None:
    await tx.executemany(
        "UPDATE agenda_items SET position = ? WHERE id = ?",
        [(n, item_id) for n, item_id in enumerate(ids, start=1)],
    )
