"""The follow-up item of a meeting ("Kiểm điểm việc thực hiện kết luận") and the chair's
decisions on the earlier tasks it lists."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from meeting_server.db import Conn, Transaction, fetchall, fetchone
from meeting_server.models import CLOSED_STATUSES, Meeting


@dataclass(frozen=True)
class FollowupItem:
    agenda_item_id: int
    meeting_id: int
    source_meeting_ids: tuple[int, ...]
    created_at: str


@dataclass(frozen=True)
class Decision:
    id: int
    agenda_item_id: int
    meeting_id: int
    task_id: int
    decision: str
    note: str
    previous_due_date: str | None
    due_date: str | None
    previous_status: str | None
    status: str | None
    previous_lead_unit: str | None
    lead_unit: str | None
    decided_by: int | None
    decided_by_name: str | None
    decided_at: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "agenda_item_id": self.agenda_item_id, "task_id": self.task_id,
                "decision": self.decision, "note": self.note,
                "previous_due_date": self.previous_due_date, "due_date": self.due_date,
                "previous_status": self.previous_status, "status": self.status,
                "previous_lead_unit": self.previous_lead_unit, "lead_unit": self.lead_unit,
                "decided_by": self.decided_by, "decided_by_name": self.decided_by_name,
                "decided_at": self.decided_at}


def _item(row: sqlite3.Row) -> FollowupItem:
    return FollowupItem(row[0], row[1], tuple(json.loads(row[2])), row[3])


_ITEM = "SELECT agenda_item_id, meeting_id, source_meeting_ids, created_at FROM followup_items"


async def get_item(conn: Conn, agenda_item_id: int) -> FollowupItem | None:
    row = await fetchone(conn, f"{_ITEM} WHERE agenda_item_id = ?", (agenda_item_id,))
    return _item(row) if row else None


async def items_of(conn: Conn, meeting_id: int) -> list[FollowupItem]:
    rows = await fetchall(conn, f"{_ITEM} WHERE meeting_id = ? ORDER BY agenda_item_id",
                          (meeting_id,))
    return [_item(r) for r in rows]


async def create_item(tx: Transaction, agenda_item_id: int, meeting_id: int,
                      sources: list[int], created_by: int) -> FollowupItem:
    at = tx.now_iso()
    await tx.execute("INSERT INTO followup_items (agenda_item_id, meeting_id,"
                     " source_meeting_ids, created_by, created_at) VALUES (?, ?, ?, ?, ?)",
                     (agenda_item_id, meeting_id, json.dumps(sources), created_by, at))
    return FollowupItem(agenda_item_id, meeting_id, tuple(sources), at)


async def earlier_with_open_tasks(conn: Conn, meeting: Meeting) -> list[int]:
    """Ids of the meetings that start before ``meeting`` and have a task still open. The
    times are compared as times (their offsets may differ), not as text."""
    rows = await fetchall(
        conn,
        "SELECT m.id, m.starts_at FROM meetings m WHERE m.id <> ? AND EXISTS (SELECT 1 FROM"
        f" tasks t WHERE t.meeting_id = m.id AND t.status NOT IN"
        f" ({', '.join('?' for _ in CLOSED_STATUSES)})) ORDER BY m.id",
        (meeting.id, *CLOSED_STATUSES))
    starts = datetime.fromisoformat(meeting.starts_at)
    return [int(r[0]) for r in rows if datetime.fromisoformat(r[1]) < starts]


_DECISION = (
    "SELECT d.id, d.agenda_item_id, d.meeting_id, d.task_id, d.decision, d.note,"
    " d.previous_due_date, d.due_date, d.previous_status, d.status, pu.code, nu.code,"
    " d.decided_by, u.name, d.decided_at FROM followup_decisions d"
    " LEFT JOIN units pu ON pu.id = d.previous_lead_unit_id"
    " LEFT JOIN units nu ON nu.id = d.lead_unit_id LEFT JOIN users u ON u.id = d.decided_by"
)


async def decisions_of(conn: Conn, agenda_item_id: int) -> list[Decision]:
    rows = await fetchall(conn, f"{_DECISION} WHERE d.agenda_item_id = ? ORDER BY d.id",
                          (agenda_item_id,))
    return [Decision(*r) for r in rows]


async def get_decision(conn: Conn, decision_id: int) -> Decision | None:
    row = await fetchone(conn, f"{_DECISION} WHERE d.id = ?", (decision_id,))
    return Decision(*row) if row else None


async def add_decision(tx: Transaction, item: FollowupItem, task_id: int, decision: str,
                       note: str, before: dict[str, Any], after: dict[str, Any],
                       decided_by: int) -> int:
    row = await tx.fetchone(
        "INSERT INTO followup_decisions (agenda_item_id, meeting_id, task_id, decision, note,"
        " previous_due_date, due_date, previous_status, status, previous_lead_unit_id,"
        " lead_unit_id, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " RETURNING id",
        (item.agenda_item_id, item.meeting_id, task_id, decision, note,
         before.get("due_date"), after.get("due_date"), before.get("status"),
         after.get("status"), before.get("lead_unit_id"), after.get("lead_unit_id"),
         decided_by, tx.now_iso()))
    assert row is not None
    return int(row[0])
