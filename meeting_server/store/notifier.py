"""What the notifier looks at: tasks, notices, consultations and meetings due a notification.

Each function reads the candidates with a fixed number of statements; times and days are
compared in Python (``services/notifications.py``), not with the database's date functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from meeting_server.db import Conn, fetchall

#: A list of ids sent as one JSON array parameter.
_IDS = "(SELECT value FROM json_each(?))"

@dataclass(frozen=True)
class TaskRow:
    id: int
    meeting_id: int
    title: str
    lead_unit: str
    due_date: date | None
    created_at: str


async def open_tasks(conn: Conn, created_since: str | None, due_by: date | None
                     ) -> list[TaskRow]:
    """Open tasks created at or after ``created_since``, or (with ``due_by``) due by then."""
    if created_since is not None:
        where, params = "t.created_at >= ?", [created_since]
    else:
        assert due_by is not None
        where, params = "t.ongoing = 0 AND t.due_date <= ?", [due_by.isoformat()]
    rows = await fetchall(
        conn, "SELECT t.id, t.meeting_id, t.title, l.name, t.due_date, t.created_at"
        " FROM tasks t JOIN units l ON l.id = t.lead_unit_id"
        f" WHERE t.status IN ('assigned', 'in_progress') AND {where} ORDER BY t.id", params)
    return [TaskRow(r[0], r[1], r[2], r[3], date.fromisoformat(r[4]) if r[4] else None, r[5])
            for r in rows]


async def task_people(conn: Conn, task_ids: list[int]) -> dict[int, list[int]]:
    """The active users of each task's lead and supporting units."""
    ids = json.dumps(task_ids)
    rows = await fetchall(
        conn, "SELECT t.id, u.id FROM tasks t JOIN users u ON u.unit_id = t.lead_unit_id"
        f" WHERE t.id IN {_IDS} AND u.active = 1"
        " UNION SELECT s.task_id, u.id FROM task_support_units s"
        f" JOIN users u ON u.unit_id = s.unit_id WHERE s.task_id IN {_IDS} AND u.active = 1",
        (ids, ids))
    found: dict[int, list[int]] = {}
    for task_id, user_id in rows:
        found.setdefault(int(task_id), []).append(int(user_id))
    return found


@dataclass(frozen=True)
class NoticeRow:
    id: int
    meeting_id: int
    meeting_title: str
    recipients: tuple[int, ...]


async def published_notices(conn: Conn, since: str) -> list[NoticeRow]:
    """Notices published at or after ``since``, each with its readers: the meeting's
    participants and the active users of the units with tasks in it. Two statements."""
    rows = await fetchall(
        conn, "SELECT p.id, p.meeting_id, m.title FROM publications p JOIN meetings m"
        " ON m.id = p.meeting_id WHERE p.kind = 'notice' AND p.published_at >= ?"
        " ORDER BY p.id", (since,))
    meetings = sorted({int(r[1]) for r in rows})
    ids = json.dumps(meetings)
    people = await fetchall(
        conn, "SELECT p.meeting_id, p.user_id FROM participants p JOIN users u"
        f" ON u.id = p.user_id WHERE u.active = 1 AND p.meeting_id IN {_IDS}"
        " UNION SELECT t.meeting_id, u.id FROM tasks t JOIN users u ON u.unit_id = t.lead_unit_id"
        f" WHERE u.active = 1 AND t.meeting_id IN {_IDS}"
        " UNION SELECT t.meeting_id, u.id FROM tasks t JOIN task_support_units s"
        " ON s.task_id = t.id JOIN users u ON u.unit_id = s.unit_id"
        f" WHERE u.active = 1 AND t.meeting_id IN {_IDS}", (ids, ids, ids))
    by_meeting: dict[int, set[int]] = {}
    for meeting_id, user_id in people:
        by_meeting.setdefault(int(meeting_id), set()).add(int(user_id))
    return [NoticeRow(int(r[0]), int(r[1]), str(r[2]), tuple(sorted(by_meeting.get(r[1], ()))))
            for r in rows]


@dataclass(frozen=True)
class Unanswered:
    consultation_id: int
    title: str
    deadline: str
    user_id: int


async def unanswered(conn: Conn, after: str | None = None,
                     consultation_id: int | None = None) -> list[Unanswered]:
    """Recipients who have not answered: of consultations whose deadline is after ``after``
    (compared as text only to narrow; the caller compares times), or of one consultation."""
    where, params = ("c.id = ?", [consultation_id]) if consultation_id is not None else (
        "c.deadline > ?", [after or ""])
    rows = await fetchall(
        conn, "SELECT c.id, c.title, c.deadline, r.user_id FROM consultations c"
        " JOIN consultation_recipients r ON r.consultation_id = c.id"
        " JOIN users u ON u.id = r.user_id"
        f" WHERE r.answer IS NULL AND u.active = 1 AND {where} ORDER BY c.id, r.user_id",
        params)
    return [Unanswered(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]


@dataclass(frozen=True)
class Unread:
    meeting_id: int
    title: str
    starts_at: str
    user_id: int
    documents: int


async def scheduled_meetings(conn: Conn) -> list[tuple[int, str, str]]:
    """(id, title, starts_at) of the meetings not yet started."""
    rows = await fetchall(conn, "SELECT id, title, starts_at FROM meetings"
                          " WHERE status = 'scheduled' ORDER BY id")
    return [(int(r[0]), str(r[1]), str(r[2])) for r in rows]


async def unread(conn: Conn, meetings: list[tuple[int, str, str]]) -> list[Unread]:
    """Participants (not the secretary) of ``meetings`` who have not opened every one of its
    documents, with how many they have not opened. Two statements."""
    ids = [m[0] for m in meetings]
    rows = await fetchall(
        conn, "SELECT p.meeting_id, p.user_id, d.id FROM participants p"
        " JOIN users u ON u.id = p.user_id JOIN documents d ON d.meeting_id = p.meeting_id"
        f" WHERE p.meeting_id IN {_IDS} AND u.active = 1"
        " AND p.role <> 'secretary'"
        " AND NOT EXISTS (SELECT 1 FROM reading_pages r WHERE r.document_id = d.id"
        " AND r.user_id = p.user_id)", (json.dumps(ids),))
    counts: dict[tuple[int, int], int] = {}
    for meeting_id, user_id, _ in rows:
        key = (int(meeting_id), int(user_id))
        counts[key] = counts.get(key, 0) + 1
    info = {m[0]: m for m in meetings}
    return [Unread(m, info[m][1], info[m][2], u, n) for (m, u), n in sorted(counts.items())]
