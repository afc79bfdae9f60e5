"""Conclusions, numbered 1..n within their meeting."""

from __future__ import annotations

import sqlite3

from meeting_server.db import Conn, Transaction, fetchall, fetchone
from meeting_server.models import Conclusion

_COLUMNS = "id, meeting_id, agenda_item_id, number, text, created_at, updated_at"


def _conclusion(row: sqlite3.Row) -> Conclusion:
    return Conclusion(row["id"], row["meeting_id"], row["agenda_item_id"], row["number"],
                      row["text"], row["created_at"], row["updated_at"])


async def list_for(conn: Conn, meeting_id: int) -> list[Conclusion]:
    rows = await fetchall(
        conn, f"SELECT {_COLUMNS} FROM conclusions WHERE meeting_id = ? ORDER BY number, id",
        (meeting_id,),
    )
    return [_conclusion(r) for r in rows]


async def get(conn: Conn, conclusion_id: int) -> Conclusion | None:
    row = await fetchone(conn, f"SELECT {_COLUMNS} FROM conclusions WHERE id = ?",
                         (conclusion_id,))
    return _conclusion(row) if row else None


async def append(tx: Transaction, meeting_id: int, text: str, agenda_item_id: int | None,
                 created_by: int) -> Conclusion:
    await tx.lock_meeting(meeting_id)
    at = tx.now_iso()
    row = await tx.fetchone(
        "INSERT INTO conclusions (meeting_id, agenda_item_id, number, text, created_by,"
        " created_at, updated_at) VALUES (?, ?, (SELECT coalesce(max(number), 0) + 1"
        f" FROM conclusions WHERE meeting_id = ?), ?, ?, ?, ?) RETURNING {_COLUMNS}",
        (meeting_id, agenda_item_id, meeting_id, text, created_by, at, at),
    )
    assert row is not None
    return _conclusion(row)


async def update(tx: Transaction, conclusion_id: int, changes: dict[str, object]) -> None:
    assert set(changes) <= {"text", "agenda_item_id"}, changes
    assignments = "".join(f"{column} = ?, " for column in changes)
    await tx.execute(f"UPDATE conclusions SET {assignments}updated_at = ? WHERE id = ?",
                     (*changes.values(), tx.now_iso(), conclusion_id))


async def move(tx: Transaction, conclusion: Conclusion, number: int) -> None:
    await tx.lock_meeting(conclusion.meeting_id)
    others = [c.id for c in await list_for(tx, conclusion.meeting_id) if c.id != conclusion.id]
    number = max(1, min(number, len(others) + 1))
    others.insert(number - 1, conclusion.id)
    await _renumber(tx, others)


async def delete(tx: Transaction, conclusion: Conclusion) -> None:
    await tx.lock_meeting(conclusion.meeting_id)
    await tx.execute("DELETE FROM conclusions WHERE id = ?", (conclusion.id,))
    await _renumber(tx, [c.id for c in await list_for(tx, conclusion.meeting_id)])


async def _renumber(tx: Transaction, ids: list[int]) -> None:
    await tx.executemany("UPDATE conclusions SET number = ? WHERE id = ?",
                              [(n, cid) for n, cid in enumerate(ids, start=1)])
