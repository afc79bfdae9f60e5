"""The follow-up item as the tablets and the console show it: the earlier meetings' open
tasks, each with its last progress report and the decisions taken on it here."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from meeting_server import access
from meeting_server.access import Access
from meeting_server.db import Conn, fetchall
from meeting_server.errors import NotFound
from meeting_server.models import CLOSED_STATUSES, AgendaItem, User
from meeting_server.queries.meetings import meeting_access
from meeting_server.store import agenda, followup, meetings, tasks
from meeting_server.store.followup import FollowupItem


async def item_access(conn: Conn, user: User, item_id: int
                      ) -> tuple[AgendaItem, FollowupItem, Access]:
    """The follow-up item, and the caller's access to its meeting (404 if it is not a
    follow-up item or not theirs). Three statements."""
    found = await followup.get_item(conn, item_id)
    item = await agenda.get(conn, item_id) if found else None
    if found is None or item is None:
        raise NotFound("No follow-up item here.", "not_followup_item")
    return item, found, await meeting_access(conn, user, item.meeting_id)


async def followup_view(conn: Conn, user: User, item_id: int, today: date) -> dict[str, Any]:
    """``GET /api/agenda-items/{id}/follow-up``: the open tasks of the earlier meetings
    (overdue first), and those decided here, each with its last report and decisions; for
    the meeting's participants (the item is on their agenda). Six statements."""
    item, found, standing = await item_access(conn, user, item_id)
    decided = await followup.decisions_of(conn, item_id)
    rows = await fetchall(
        conn,
        f"SELECT {tasks.COLUMNS}, m.title AS m_title, m.starts_at AS m_starts_at"
        f" FROM {tasks.FROM} JOIN meetings m ON m.id = t.meeting_id"
        " WHERE t.meeting_id IN (SELECT value FROM json_each(?)) AND (t.status NOT IN"
        f" ({', '.join('?' for _ in CLOSED_STATUSES)})"
        " OR t.id IN (SELECT value FROM json_each(?))) ORDER BY t.due_date IS NULL,"
        " t.due_date, t.meeting_id, t.id",
        (json.dumps(found.source_meeting_ids), *CLOSED_STATUSES,
         json.dumps([d.task_id for d in decided])))
    listed = [(tasks.task_from_row(r), r["m_title"], r["m_starts_at"]) for r in rows]
    history = await tasks.updates_of(conn, [task.id for task, _, _ in listed])
    by_task: dict[int, list[dict[str, Any]]] = {}
    for decision in decided:
        by_task.setdefault(decision.task_id, []).append(decision.as_dict())
    entries = [{
        "task": task.as_dict(today), "meeting_id": task.meeting_id, "meeting_title": title,
        "meeting_starts_at": starts_at,
        "last_report": history[task.id][-1].as_dict() if history.get(task.id) else None,
        "decisions": by_task.get(task.id, []),
    } for task, title, starts_at in listed]
    entries.sort(key=lambda e: not e["task"]["overdue"])
    return {"agenda_item": item.as_dict(), "meeting_id": item.meeting_id,
            "source_meeting_ids": list(found.source_meeting_ids),
            "tasks": entries, "can_decide": standing.can_lead}


async def items_of_meeting(conn: Conn, user: User, meeting_id: int) -> list[int]:
    """The ids of the meeting's follow-up items. Two statements."""
    await meeting_access(conn, user, meeting_id)
    return [f.agenda_item_id for f in await followup.items_of(conn, meeting_id)]


async def candidates(conn: Conn, user: User, meeting_id: int) -> list[dict[str, Any]]:
    """``GET /api/meetings/{id}/follow-up-candidates``: the earlier meetings the secretary
    may follow up here (those they see with tasks still open), latest first. Three
    statements."""
    standing = await meeting_access(conn, user, meeting_id)
    standing.require_manage()
    found = await followup.earlier_with_open_tasks(conn, standing.meeting)
    rows = await fetchall(
        conn,
        f"SELECT {meetings.columns_as('m')}, p.role AS role, (SELECT count(*) FROM tasks t"
        " WHERE t.meeting_id = m.id AND t.status NOT IN"
        f" ({', '.join('?' for _ in CLOSED_STATUSES)})) AS open_tasks FROM meetings m"
        " LEFT JOIN participants p ON p.meeting_id = m.id AND p.user_id = ?"
        " WHERE m.id IN (SELECT value FROM json_each(?))",
        (*CLOSED_STATUSES, user.id, json.dumps(found)))
    out = [{"id": r["m_id"], "title": r["m_title"], "starts_at": r["m_starts_at"],
            "open_tasks": r["open_tasks"]} for r in rows
           if access.may_follow_up_from(user, r["role"])]
    return sorted(out, key=lambda m: datetime.fromisoformat(str(m["starts_at"])),
                  reverse=True)


async def decision_target(conn: Conn, user: User, item_id: int, task_id: int
                          ) -> tuple[FollowupItem, Access, Any]:
    """The follow-up item, the caller's access to its meeting and the task decided on (404
    when missing). Four statements."""
    _, found, standing = await item_access(conn, user, item_id)
    task = await tasks.get(conn, task_id)
    if task is None:
        raise NotFound("Task not found.")
    return found, standing, task
