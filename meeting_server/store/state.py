"""The meeting state: what ``GET /api/meetings/{id}`` and the socket snapshot return."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from meeting_server.db import Conn
from meeting_server.deadlines import add_working_days
from meeting_server.models import AgendaItem, Document, Meeting
from meeting_server.store import (
    agenda,
    conclusions,
    documents,
    floor,
    meetings,
    publications,
    tasks,
    votes,
)

NOTICE_WORKING_DAYS = 5


def notice_due(meeting: Meeting) -> str:
    """The conclusion notice is due five working days (holidays skipped) after the meeting."""
    day = datetime.fromisoformat(meeting.starts_at).date()
    return add_working_days(day, NOTICE_WORKING_DAYS).isoformat()


def held(meeting: Meeting) -> bool:
    """Whether the meeting has taken place: started (in progress or ended). One still
    scheduled has not, whatever its date: its notice is not due yet."""
    return meeting.status != "scheduled"


def notice_late(meeting: Meeting, first_notice_at: str | None, today: date) -> bool:
    """Whether the conclusion notice is late: published after its due date, or not published,
    the meeting held and the due date past (``first_notice_at``: when it was first published,
    if it was). A notice can only be late once the meeting has taken place."""
    if not first_notice_at and not held(meeting):
        return False
    issued = date.fromisoformat(first_notice_at[:10]) if first_notice_at else today
    return issued > date.fromisoformat(notice_due(meeting))


async def meeting_state(conn: Conn, meeting: Meeting, include_drafts: bool, today: date
                        ) -> dict[str, Any]:
    """The full state; drafts of publications only for those who may edit them; tasks due
    before ``today`` are overdue."""
    items = await agenda.list_for(conn, meeting.id)
    docs = await documents.list_for_meeting(conn, meeting.id)
    presenter = await meetings.presenter(conn, meeting.id)
    people = await meetings.participants(conn, meeting.id)
    found = await conclusions.list_for(conn, meeting.id)
    assigned = await tasks.list_for_meeting(conn, meeting.id)
    published = await publications.list_for(conn, meeting.id, drafts=include_drafts)
    return {
        "meeting": meeting.as_dict(),
        "agenda_items": [i.as_dict() for i in items],
        "current_item_id": meeting.current_item_id,
        "presenter": presenter.as_dict() if presenter else None,
        "participants": [p.as_dict() for p in people],
        "documents": [d.as_dict() for d in docs],
        "conclusions": [c.as_dict() for c in found],
        "tasks": [t.as_dict(today) for t in assigned],
        "publications": [p.summary() for p in published],
        "notice_due": notice_due(meeting),
        "notice_late": notice_late(meeting, min(
            (p.published_at for p in published if p.kind == "notice" and p.published_at),
            default=None), today),
        "floor": await floor.state(conn, meeting.id),
        **await votes.state(conn, meeting.id),
    }


def agenda_with_documents(items: list[AgendaItem], docs: list[Document]
                          ) -> list[dict[str, Any]]:
    """Agenda items, each with a short list of its current documents."""
    by_item: dict[int, list[dict[str, Any]]] = {}
    for d in docs:
        by_item.setdefault(d.agenda_item_id, []).append(
            {"id": d.id, "title": d.title, "version": d.version,
             "page_count": d.current.page_count}
        )
    return [{**i.as_dict(), "documents": by_item.get(i.id, [])} for i in items]

