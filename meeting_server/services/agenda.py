"""Agenda items: add, edit, reorder, remove — each logged as ``agenda.changed``."""

from __future__ import annotations

from typing import Any

from meeting_server.access import Access
from meeting_server.db import Database, Transaction
from meeting_server.models import AgendaItem
from meeting_server.store import agenda, documents, events, meetings


async def agenda_changed(tx: Transaction, meeting_id: int, actor: int | None) -> None:
    """Log the whole agenda, so a tablet replaces its copy in one step."""
    items = await agenda.list_for(tx, meeting_id)
    docs = await documents.list_for_meeting(tx, meeting_id)
    meeting = await meetings.get(tx, meeting_id)
    assert meeting is not None
    await events.append(tx, meeting_id, "agenda.changed", {
        "agenda_items": [i.as_dict() for i in items],
        "documents": [d.as_dict() for d in docs],
        "current_item_id": meeting.current_item_id,
    }, actor)


async def add_item(db: Database, access: Access, title: str, presenter: str,
                   duration_minutes: int | None) -> AgendaItem:
    async with db.transaction() as tx:
        return await add_item_in(tx, access.meeting.id, title, presenter, duration_minutes,
                                 access.user.id)


async def add_item_in(tx: Transaction, meeting_id: int, title: str, presenter: str,
                      duration_minutes: int | None, actor: int | None) -> AgendaItem:
    item = await agenda.append(tx, meeting_id, title, presenter, duration_minutes)
    await agenda_changed(tx, meeting_id, actor)
    return item


async def update_item(db: Database, access: Access, item: AgendaItem,
                      changes: dict[str, Any], position: int | None) -> AgendaItem:
    async with db.transaction() as tx:
        await agenda.update(tx, item.id, changes)
        if position is not None:
            await agenda.move(tx, item, position)
        await agenda_changed(tx, access.meeting.id, access.user.id)
        updated = await agenda.get(tx, item.id)
        assert updated is not None
        return updated


async def delete_item(db: Database, access: Access, item: AgendaItem) -> None:
    async with db.transaction() as tx:
        presenter = await meetings.presenter(tx, access.meeting.id)
        await agenda.delete(tx, item)
        await agenda_changed(tx, access.meeting.id, access.user.id)
        if presenter and await documents.get(tx, presenter.document_id) is None:
            await meetings.set_presenter(tx, access.meeting.id, None)
            await events.append(tx, access.meeting.id, "presenter.page",
                                {"document_id": None, "version": None, "page": None},
                                access.user.id)
