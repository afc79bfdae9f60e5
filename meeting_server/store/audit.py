"""The audit log: rows written in batches, read back newest first with filters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from meeting_server.db import Conn, Transaction, fetchall

if TYPE_CHECKING:
    from meeting_server.audit import AuditEntry


@dataclass(frozen=True)
class AuditFilter:
    """What ``GET /api/audit`` asks for; ``before_id`` pages back (ids only grow)."""

    user_id: int | None = None
    action: str | None = None
    object_kind: str | None = None
    meeting_id: int | None = None
    since: str | None = None
    until: str | None = None
    before_id: int | None = None
    limit: int = 100


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    user_id: int | None
    username: str
    user_name: str
    action: str
    object_kind: str
    object_id: int | None
    meeting_id: int | None
    detail: str
    address: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "at": self.at, "user_id": self.user_id,
                "username": self.username, "user_name": self.user_name, "action": self.action,
                "object_kind": self.object_kind, "object_id": self.object_id,
                "meeting_id": self.meeting_id, "detail": self.detail, "address": self.address}


async def add(tx: Transaction, entries: Sequence[AuditEntry]) -> None:
    if not entries:
        return
    await tx.executemany(
        "INSERT INTO audit_log (at, user_id, action, object_kind, object_id, meeting_id, detail,"
        " address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(e.at, e.user_id, e.action, e.object_kind, e.object_id, e.meeting_id, e.detail,
          e.address) for e in entries],
    )


async def sweep(tx: Transaction, before: datetime) -> None:
    """Forget the rows written before ``before`` (the retention of MEETING_AUDIT_DAYS)."""
    await tx.execute("DELETE FROM audit_log WHERE at < ?", (before.isoformat(),))


async def find(conn: Conn, wanted: AuditFilter) -> list[AuditRow]:
    """Matching rows, newest first, at most ``wanted.limit``; in one statement."""
    conditions, params = [], []
    for column, value in (("a.user_id = ?", wanted.user_id), ("a.action = ?", wanted.action),
                          ("a.object_kind = ?", wanted.object_kind),
                          ("a.meeting_id = ?", wanted.meeting_id),
                          ("a.at >= ?", wanted.since), ("a.at < ?", wanted.until),
                          ("a.id < ?", wanted.before_id)):
        if value is not None:
            conditions.append(column)
            params.append(value)
    where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = await fetchall(
        conn,
        "SELECT a.id, a.at, a.user_id, coalesce(u.username, '') AS username,"
        " coalesce(u.name, '') AS user_name, a.action, a.object_kind, a.object_id,"
        f" a.meeting_id, a.detail, a.address FROM audit_log a LEFT JOIN users u"
        f" ON u.id = a.user_id {where} ORDER BY a.id DESC LIMIT ?",
        (*params, wanted.limit),
    )
    return [AuditRow(r["id"], r["at"], r["user_id"], r["username"], r["user_name"],
                     r["action"], r["object_kind"], r["object_id"], r["meeting_id"],
                     r["detail"], r["address"]) for r in rows]
