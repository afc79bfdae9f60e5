"""The speakers' list: requests for the floor, their order, who speaks and for how long."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from meeting_server.db import Conn, Transaction, fetchall, fetchone

FloorStatus = Literal["waiting", "speaking", "done", "withdrawn"]
FLOOR_STATUSES: Final[tuple[FloorStatus, ...]] = get_args(FloorStatus)
#: The requests a meeting's state lists: who waits, who speaks, who has spoken.
LISTED: Final[tuple[FloorStatus, ...]] = ("waiting", "speaking", "done")


@dataclass(frozen=True)
class FloorRequest:
    id: int
    meeting_id: int
    agenda_item_id: int | None
    user_id: int
    name: str
    title: str
    unit_name: str | None
    status: FloorStatus
    position: int | None
    note: str
    limit_seconds: int | None
    requested_at: str
    started_at: str | None
    ended_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "meeting_id": self.meeting_id,
                "agenda_item_id": self.agenda_item_id, "user_id": self.user_id,
                "name": self.name, "title": self.title, "unit_name": self.unit_name,
                "status": self.status, "position": self.position, "note": self.note,
                "limit_seconds": self.limit_seconds, "requested_at": self.requested_at,
                "started_at": self.started_at, "ended_at": self.ended_at}


_SELECT = (
    "SELECT r.id, r.meeting_id, r.agenda_item_id, r.user_id, u.name, u.title,"
    " un.name AS unit_name, r.status, r.position, r.note, r.limit_seconds, r.requested_at,"
    " r.started_at, r.ended_at FROM floor_requests r JOIN users u ON u.id = r.user_id"
    " LEFT JOIN units un ON un.id = u.unit_id"
)
# Waiting in their order, then the speaker, then those who spoke as they spoke.
_ORDER = (" ORDER BY CASE r.status WHEN 'done' THEN 0 WHEN 'speaking' THEN 1 ELSE 2 END,"
          " r.position, r.started_at, r.id")


def _request(row: sqlite3.Row) -> FloorRequest:
    return FloorRequest(row["id"], row["meeting_id"], row["agenda_item_id"], row["user_id"],
                        row["name"], row["title"], row["unit_name"], row["status"],
                        row["position"], row["note"], row["limit_seconds"],
                        row["requested_at"], row["started_at"], row["ended_at"])


async def listed(conn: Conn, meeting_id: int) -> list[FloorRequest]:
    rows = await fetchall(conn, f"{_SELECT} WHERE r.meeting_id = ? AND r.status IN"
                          f" ('waiting', 'speaking', 'done'){_ORDER}", (meeting_id,))
    return [_request(r) for r in rows]


async def get(conn: Conn, request_id: int) -> FloorRequest | None:
    row = await fetchone(conn, f"{_SELECT} WHERE r.id = ?", (request_id,))
    return _request(row) if row else None


async def open_request_of(conn: Conn, meeting_id: int, user_id: int) -> FloorRequest | None:
    """The user's request still waiting or speaking, if any."""
    row = await fetchone(conn, f"{_SELECT} WHERE r.meeting_id = ? AND r.user_id = ? AND"
                         " r.status IN ('waiting', 'speaking')", (meeting_id, user_id))
    return _request(row) if row else None


async def speaking(conn: Conn, meeting_id: int) -> FloorRequest | None:
    row = await fetchone(conn, f"{_SELECT} WHERE r.meeting_id = ? AND r.status = 'speaking'",
                         (meeting_id,))
    return _request(row) if row else None


async def waiting_ids(conn: Conn, meeting_id: int) -> list[int]:
    rows = await fetchall(conn, "SELECT id FROM floor_requests WHERE meeting_id = ? AND"
                          " status = 'waiting' ORDER BY position, id", (meeting_id,))
    return [int(r["id"]) for r in rows]


async def create(tx: Transaction, meeting_id: int, agenda_item_id: int | None, user_id: int,
                 note: str) -> int:
    row = await tx.fetchone(
        "INSERT INTO floor_requests (meeting_id, agenda_item_id, user_id, status, position,"
        " note, requested_at) VALUES (?, ?, ?, 'waiting', (SELECT coalesce(max(position), 0)"
        " + 1 FROM floor_requests WHERE meeting_id = ? AND status = 'waiting'), ?, ?)"
        " RETURNING id",
        (meeting_id, agenda_item_id, user_id, meeting_id, note, tx.now_iso()),
    )
    assert row is not None
    return int(row["id"])


async def set_order(tx: Transaction, ids: list[int]) -> None:
    await tx.executemany("UPDATE floor_requests SET position = ? WHERE id = ?",
                              [(n, rid) for n, rid in enumerate(ids, start=1)])


async def withdraw(tx: Transaction, request_id: int) -> None:
    await tx.execute("UPDATE floor_requests SET status = 'withdrawn', position = NULL,"
                     " ended_at = ? WHERE id = ?", (tx.now_iso(), request_id))


async def give(tx: Transaction, request_id: int, limit_seconds: int, at: str) -> None:
    await tx.execute("UPDATE floor_requests SET status = 'speaking', position = NULL,"
                     " limit_seconds = ?, started_at = ? WHERE id = ?",
                     (limit_seconds, at, request_id))


async def end(tx: Transaction, request_id: int) -> None:
    await tx.execute("UPDATE floor_requests SET status = 'done', ended_at = ? WHERE id = ?",
                     (tx.now_iso(), request_id))


async def limit_of(conn: Conn, meeting_id: int) -> int | None:
    """The meeting's own limit in seconds; None: the server's default."""
    row = await fetchone(conn, "SELECT limit_seconds FROM floor_limits WHERE meeting_id = ?",
                         (meeting_id,))
    return int(row[0]) if row else None


async def set_limit(tx: Transaction, meeting_id: int, seconds: int | None) -> None:
    if seconds is None:
        await tx.execute("DELETE FROM floor_limits WHERE meeting_id = ?", (meeting_id,))
        return
    await tx.execute(
        "INSERT INTO floor_limits (meeting_id, limit_seconds) VALUES (?, ?)"
        " ON CONFLICT (meeting_id) DO UPDATE SET limit_seconds = excluded.limit_seconds",
        (meeting_id, seconds),
    )


async def state(conn: Conn, meeting_id: int) -> dict[str, Any]:
    """The speakers' list as the meeting state carries it."""
    return {"limit_seconds": await limit_of(conn, meeting_id),
            "requests": [r.as_dict() for r in await listed(conn, meeting_id)]}
