"""Meetings as their views show them: the caller's access, lists, the state, the log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from meeting_server import access
from meeting_server.access import Access
from meeting_server.db import Conn
from meeting_server.models import (
    CLOSED_STATUSES,
    AgendaItem,
    Document,
    Event,
    Meeting,
    Unit,
    User,
)
from meeting_server.store import (
    agenda,
    documents,
    events,
    meetings,
    publications,
    state,
    tasks,
    users,
)


async def meeting_access(conn: Conn, user: User, meeting_id: int) -> Access:
    """The caller's access to the meeting, or NotFound (``access.meeting_access``).
    One statement."""
    meeting, role = await meetings.with_role(conn, meeting_id, user.id)
    return access.meeting_access(user, meeting, role)


async def summaries(conn: Conn, user: User) -> list[dict[str, Any]]:
    """``GET /api/meetings``: the meetings the caller sees, newest first, each with its agenda
    and the agenda's documents. Three statements, whatever the number of meetings."""
    found = await meetings.list_visible(conn, access.scope(user))
    return await _summaries(conn, found)


async def _summaries(conn: Conn, found: list[Meeting]) -> list[dict[str, Any]]:
    ids = [m.id for m in found]
    items: dict[int, list[AgendaItem]] = {}
    for item in await agenda.list_for_meetings(conn, ids):
        items.setdefault(item.meeting_id, []).append(item)
    docs: dict[int, list[Document]] = {}
    for doc in await documents.list_for_meetings(conn, ids):
        docs.setdefault(doc.meeting_id, []).append(doc)
    return [{**m.as_dict(), "current_item_id": m.current_item_id,
             "agenda_items": state.agenda_with_documents(items.get(m.id, []),
                                                         docs.get(m.id, []))}
            for m in found]


async def meeting_state(conn: Conn, user: User, meeting_id: int, today: date
                        ) -> tuple[Access, dict[str, Any]]:
    """``GET /api/meetings/{id}``, the meeting page and the socket's snapshot: the caller's
    access and the full state (drafts only for those who see them). Eight statements."""
    standing = await meeting_access(conn, user, meeting_id)
    return standing, await state.meeting_state(conn, standing.meeting, standing.sees_drafts,
                                               today)


async def next_meeting(conn: Conn, user: User, today: date) -> int | None:
    """Where a tablet lands once paired: the caller's meeting in progress (the one started
    last), else their next meeting from ``today`` on (the earliest), else the latest one not
    held yet, else None. One statement."""
    found = await meetings.list_visible(conn, access.scope(user))
    running = [m for m in found if m.status == "in_progress"]
    if running:
        return max(running, key=lambda m: m.starts_at).id
    waiting = [m for m in found if m.status == "scheduled"]
    coming = [m for m in waiting if m.starts_at[:10] >= today.isoformat()]
    if coming:
        return min(coming, key=lambda m: m.starts_at).id
    return max(waiting, key=lambda m: m.starts_at).id if waiting else None


@dataclass(frozen=True)
class Console:
    access: Access
    state: dict[str, Any]
    units: list[Unit]
    #: The active users the secretary may add as participants (empty for the chair).
    people: list[User]
    #: The users the caller may pair a tablet for (``access.may_pair``).
    pairable: list[int]


async def console(conn: Conn, user: User, meeting_id: int, today: date) -> Console:
    """The secretary's console: the meeting's state, the units tasks may go to and the people
    to choose participants from; only for the chair and the secretary. Ten statements."""
    standing = await meeting_access(conn, user, meeting_id)
    standing.require_lead()
    current = await state.meeting_state(conn, standing.meeting, standing.sees_drafts, today)
    people = ([u for u in await users.list_users(conn) if u.active]
              if standing.can_pick_people else [])
    pairable = [u.id for u in people if access.may_pair(user, u)]
    return Console(standing, current, await users.list_units(conn), people, pairable)


async def events_after(conn: Conn, user: User, meeting_id: int, after: int, limit: int,
                       max_bytes: int) -> tuple[list[Event], int]:
    """``GET /api/meetings/{id}/events``: a page of the log after ``after`` (``events.page``:
    at most ``limit`` events and about ``max_bytes``), and the last seq. Four statements."""
    standing = await meeting_access(conn, user, meeting_id)
    found = await events.page(conn, standing.meeting.id, after, limit, max_bytes)
    return found, await events.last_seq(conn, standing.meeting.id)


@dataclass(frozen=True)
class Home:
    meetings: list[dict[str, Any]]
    open_tasks: list[dict[str, Any]]
    #: For those who issue them: the conclusion notices of meetings held, not yet published.
    notices: list[dict[str, Any]] = field(default_factory=list)


async def home(conn: Conn, user: User, today: date) -> Home:
    """The home page: the caller's meetings (as ``summaries``), their unit's open tasks, and
    for staff the conclusion notices due and late. Five statements at most."""
    visible = await meetings.list_visible(conn, access.scope(user))
    found = await _summaries(conn, visible)
    notices = await _notices_due(conn, visible, today) if access.tracks_notices(user) else []
    if user.unit is None:
        return Home(found, [], notices)
    mine = await tasks.visible(conn, access.scope(user), tasks.TaskFilter(unit_id=user.unit.id),
                               today)
    return Home(found, [t.as_dict(today) for t in mine if t.status not in CLOSED_STATUSES],
                notices)


async def _notices_due(conn: Conn, visible: list[Meeting], today: date
                       ) -> list[dict[str, Any]]:
    """Meetings held (started) without a published notice, the latest due first:
    each with its due date, the days left (negative: late) and whether it is late; a meeting
    still scheduled has no notice due, even when its date is past. One statement."""
    held = [m for m in visible if state.held(m)]
    published = await publications.first_notices(conn, [m.id for m in held])
    due = []
    for meeting in held:
        if meeting.id in published:
            continue
        day = date.fromisoformat(state.notice_due(meeting))
        due.append({"meeting": meeting.as_dict(), "due": day.isoformat(),
                    "days_left": (day - today).days,
                    "late": state.notice_late(meeting, None, today)})
    return sorted(due, key=lambda n: n["due"])
