"""Meetings, participants, attendance, the current item and the presenter."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from meeting_server.access import Access
from meeting_server.db import Database, Transaction
from meeting_server.errors import Invalid, NotFound
from meeting_server.models import Meeting, MeetingRole, Participant, Presenter, User
from meeting_server.store import agenda, documents, events, meetings, publications, users
from meeting_server.store.state import notice_due, notice_late


async def create_meeting(db: Database, user: User, title: str, starts_at: datetime,
                         location: str, chair_id: int | None) -> Meeting:
    async with db.transaction() as tx:
        return await create_meeting_in(tx, user.id, title, starts_at, location, chair_id)


async def create_meeting_in(tx: Transaction, actor: int | None, title: str, starts_at: datetime,
                            location: str, chair_id: int | None) -> Meeting:
    """Create the meeting inside ``tx`` (``actor`` None: the command line)."""
    if chair_id is not None:
        await _active_user(tx, chair_id, "chair_id")
    meeting = await meetings.create(tx, title, starts_at.isoformat(), location, chair_id, actor)
    if chair_id is not None:
        await meetings.upsert_participant(tx, meeting.id, chair_id, "chair")
    await events.append(tx, meeting.id, "meeting.updated",
                        meeting_data(meeting, None, tx.clock.today()), actor)
    if chair_id is not None:
        await _participant_added(tx, meeting.id, chair_id, actor)
    return meeting


async def update_meeting(db: Database, access: Access, changes: dict[str, Any]) -> Meeting:
    async with db.transaction() as tx:
        if "chair_id" in changes and changes["chair_id"] is not None:
            await _active_user(tx, changes["chair_id"], "chair_id")
        meeting = await meetings.update(tx, access.meeting.id,
                                        {**changes, **_times(tx, access.meeting, changes)})
        first_notice = (await publications.first_notices(tx, [meeting.id])).get(meeting.id)
        await events.append(tx, meeting.id, "meeting.updated",
                            meeting_data(meeting, first_notice, tx.clock.today()),
                            access.user.id)
        previous = access.meeting.chair_id
        if "chair_id" in changes and previous is not None and previous != changes["chair_id"]:
            if await meetings.role_of(tx, meeting.id, previous) == "chair":
                await meetings.upsert_participant(tx, meeting.id, previous, "member")
                await _participant_added(tx, meeting.id, previous, access.user.id)
        if changes.get("chair_id") is not None:
            await meetings.upsert_participant(tx, meeting.id, changes["chair_id"], "chair")
            await _participant_added(tx, meeting.id, changes["chair_id"], access.user.id)
        return meeting


def meeting_data(meeting: Meeting, first_notice_at: str | None, today: date) -> dict[str, Any]:
    """``meeting.updated``: the meeting, when its notice is due and whether it is late."""
    return {"meeting": meeting.as_dict(), "notice_due": notice_due(meeting),
            "notice_late": notice_late(meeting, first_notice_at, today)}


def _times(tx: Transaction, meeting: Meeting, changes: dict[str, Any]) -> dict[str, Any]:
    """A change of status records when: the first start, the end (cleared if the meeting
    resumes), or neither when it is scheduled again."""
    status = changes.get("status")
    if status is None or status == meeting.status:
        return {}
    if status == "in_progress":
        return {"started_at": meeting.started_at or tx.now_iso(), "ended_at": None}
    if status == "ended":
        return {"started_at": meeting.started_at or tx.now_iso(), "ended_at": tx.now_iso()}
    return {"started_at": None, "ended_at": None}


async def _active_user(tx: Transaction, user_id: int, field: str) -> User:
    user = await users.get_user(tx, user_id)
    if user is None or not user.active:
        raise Invalid("No active user with id {user_id}.", "unknown_user",
                      values={"user_id": user_id}, field=field)
    return user


async def _participant_added(tx: Transaction, meeting_id: int, user_id: int,
                             actor: int | None) -> Participant:
    person = await meetings.participant(tx, meeting_id, user_id)
    assert person is not None
    await events.append(tx, meeting_id, "participant.added", {"participant": person.as_dict()},
                        actor)
    return person


async def add_participant(db: Database, access: Access, user_id: int,
                          role: MeetingRole) -> Participant:
    async with db.transaction() as tx:
        return await add_participant_in(tx, access.meeting.id, user_id, role, access.user.id)


async def add_participant_in(tx: Transaction, meeting_id: int, user_id: int, role: MeetingRole,
                             actor: int | None) -> Participant:
    await _active_user(tx, user_id, "user_id")
    await meetings.upsert_participant(tx, meeting_id, user_id, role)
    return await _participant_added(tx, meeting_id, user_id, actor)


async def remove_participant(db: Database, access: Access, user_id: int) -> None:
    async with db.transaction() as tx:
        if not await meetings.remove_participant(tx, access.meeting.id, user_id):
            raise NotFound("That user is not a participant of this meeting.")
        if access.meeting.chair_id == user_id:
            await meetings.update(tx, access.meeting.id, {"chair_id": None})
        await events.append(tx, access.meeting.id, "participant.removed", {"user_id": user_id},
                            access.user.id)


async def set_attendance(db: Database, access: Access, user_id: int, status: str,
                         reason: str | None) -> Participant:
    async with db.transaction() as tx:
        if await meetings.role_of(tx, access.meeting.id, user_id) is None:
            raise NotFound("That user is not a participant of this meeting.")
        await meetings.set_attendance(tx, access.meeting.id, user_id, status,
                                      reason if status == "absent" else None)
        person = await meetings.participant(tx, access.meeting.id, user_id)
        assert person is not None
        await events.append(tx, access.meeting.id, "attendance.changed",
                            {"participant": person.as_dict()}, access.user.id)
        return person


async def set_current_item(db: Database, access: Access, item_id: int | None) -> None:
    async with db.transaction() as tx:
        if item_id is not None:
            item = await agenda.get(tx, item_id)
            if item is None or item.meeting_id != access.meeting.id:
                raise Invalid("No such agenda item in this meeting.", "unknown_agenda_item",
                              field="agenda_item_id")
        event = await events.append(tx, access.meeting.id, "agenda.current",
                                    {"current_item_id": item_id}, access.user.id)
        # under discussion since the event's time, which the tablets apply it with
        await meetings.set_current_item(tx, access.meeting.id, item_id, event.at)


async def set_presenter(db: Database, access: Access, document_id: int, page: int) -> Presenter:
    async with db.transaction() as tx:
        doc = await documents.get(tx, document_id)
        if doc is None or doc.meeting_id != access.meeting.id:
            raise Invalid("No such document in this meeting.", "unknown_document",
                          field="document_id")
        if page > doc.current.page_count:
            raise Invalid("The document has {pages} pages.", "bad_page",
                          values={"pages": doc.current.page_count},
                          field="page")
        value = Presenter(document_id, doc.version, page)
        await meetings.set_presenter(tx, access.meeting.id, value)
        await events.append(tx, access.meeting.id, "presenter.page", value.as_dict(),
                            access.user.id)
        return value


async def clear_presenter(db: Database, access: Access) -> None:
    """Nobody presents: the tablets stay on the page they are on."""
    async with db.transaction() as tx:
        await meetings.set_presenter(tx, access.meeting.id, None)
        await events.append(tx, access.meeting.id, "presenter.page",
                            {"document_id": None, "version": None, "page": None},
                            access.user.id)
