"""The per-meeting event log: gap-free ``seq``, written in the changing transaction."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from meeting_server.db import Conn, Transaction, fetchall, fetchone
from meeting_server.models import EVENT_NAMES, Event, EventName


async def append(tx: Transaction, meeting_id: int, name: EventName, data: dict[str, Any],
                 actor: int | None) -> Event:
    """Append an event to the meeting's log inside ``tx``; it is published after commit."""
    if name not in EVENT_NAMES:  # mypy checks the literals; this catches a cast or an Any
        raise ValueError(f"unknown event name {name!r}")
    row = await tx.fetchone(
        "UPDATE meetings SET last_seq = last_seq + 1 WHERE id = ? RETURNING last_seq",
        (meeting_id,),
    )
    if row is None:
        raise LookupError(f"meeting {meeting_id} does not exist")
    seq = int(row[0])
    at = tx.now_iso()
    await tx.execute(
        "INSERT INTO events (meeting_id, seq, event, data, at, actor_id) VALUES (?, ?, ?, ?, ?, ?)",
        (meeting_id, seq, name, json.dumps(data, ensure_ascii=False), at, actor),
    )
    event = Event(meeting_id, seq, name, data, at, actor)
    tx.events.append(event)
    return event


async def last_seq(conn: Conn, meeting_id: int) -> int:
    row = await fetchone(conn, "SELECT last_seq FROM meetings WHERE id = ?", (meeting_id,))
    return int(row[0]) if row else 0


async def last_seqs(conn: Conn, meeting_ids: Sequence[int] | None = None) -> dict[int, int]:
    """The last seq of the meetings ``meeting_ids``, or of every meeting (what an instance has
    already seen when it starts listening)."""
    if meeting_ids is None:
        rows = await fetchall(conn, "SELECT id, last_seq FROM meetings")
        return {int(r[0]): int(r[1]) for r in rows}
    rows = await fetchall(conn, "SELECT id, last_seq FROM meetings WHERE id IN"
                          " (SELECT value FROM json_each(?))", (json.dumps(list(meeting_ids)),))
    return {int(r[0]): int(r[1]) for r in rows}


async def first_seq(conn: Conn, meeting_id: int) -> int:
    """The oldest seq the log still keeps (0 when empty)."""
    row = await fetchone(conn, "SELECT min(seq) FROM events WHERE meeting_id = ?", (meeting_id,))
    return int(row[0]) if row and row[0] is not None else 0


async def page(conn: Conn, meeting_id: int, seq: int, limit: int, max_bytes: int
               ) -> list[Event]:
    """A page of the log after ``seq``: at most ``limit`` events, and at most ``max_bytes`` of
    their data unless the first alone is more (then it comes by itself). The sizes are read
    first, so that a page of large events (as logged before events carried only what changed)
    is never loaded whole. Two statements."""
    sizes = await fetchall(
        conn,
        "SELECT seq, length(CAST(data AS BLOB)) FROM events WHERE meeting_id = ? AND seq > ?"
        " ORDER BY seq LIMIT ?",
        (meeting_id, seq, limit),
    )
    if not sizes:
        return []
    last, total = sizes[0][0], 0
    for row in sizes:
        total += row[1]
        if total > max_bytes and row[0] != sizes[0][0]:
            break
        last = row[0]
    rows = await fetchall(
        conn,
        "SELECT seq, event, data, at, actor_id FROM events WHERE meeting_id = ? AND seq > ?"
        " AND seq <= ? ORDER BY seq",
        (meeting_id, seq, last),
    )
    return [
        Event(meeting_id, r["seq"], r["event"], json.loads(r["data"]), r["at"], r["actor_id"])
        for r in rows
    ]
