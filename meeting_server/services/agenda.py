"""Agenda items: add, edit, reorder, remove — each logged with the one item it changed."""

from __future__ import annotations

from typing import Any

from meeting_server.access import Access
from meeting_server.db import Database, Transaction
from meeting_server.models import AgendaItem
from meeting_server.store import agenda, documents, events, meetings


async def _saved(tx: Transaction, item_id: int, actor: int | None) -> AgendaItem:
    """Log the item as it now is (``agenda.changed``); a tablet puts it at its position and
    numbers the others around it, as the store did (the event never lists them all)."""
    item = await agenda.get(tx, item_id)
    assert item is not None
    await events.append(tx, item.meeting_id, "agenda.changed", {"agenda_item": item.as_dict()},
                        actor)
    return item


async def add_item(db: Database, access: Access, title: str, presenter: str,
                   duration_minutes: int | None) -> AgendaItem:
    async with db.transaction() as tx:
        return await add_item_in(tx, access.meeting.id, title, presenter, duration_minutes,
                                 access.user.id)


async def add_item_in(tx: Transaction, meeting_id: int, title: str, presenter: str,
                      duration_minutes: int | None, actor: int | None) -> AgendaItem:
    item = await agenda.append(tx, meeting_id, title, presenter, duration_minutes)
    return await _saved(tx, item.id, actor)


async def update_item(db: Database, access: Access, item: AgendaItem,
                      changes: dict[str, Any], position: int | None) -> AgendaItem:
    async with db.transaction() as tx:
        await agenda.update(tx, item.id, changes)
        if position is not None:
            await agenda.move(tx, item, position)
        return await _saved(tx, item.id, access.user.id)


async def delete_item(db: Database, access: Access, item: AgendaItem) -> None:
    async with db.transaction() as tx:
        presenter = await meetings.presenter(tx, access.meeting.id)
        removed = await documents.ids_for_item(tx, item.id)
        await agenda.delete(tx, item)
        # Its documents go with it; the meeting's current item, and conclusions about it, are
        # left without one (the foreign keys): the tablets do the same from this event.
        await events.append(tx, access.meeting.id, "agenda.item_deleted",
                            {"agenda_item_id": item.id, "document_ids": removed},
                            access.user.id)
        if presenter and await documents.get(tx, presenter.document_id) is None:
            await meetings.set_presenter(tx, access.meeting.id, None)
            await events.append(tx, access.meeting.id, "presenter.page",
                                {"document_id": None, "version": None, "page": None},
                                access.user.id)
