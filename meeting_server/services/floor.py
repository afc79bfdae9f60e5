"""The speakers' list: each change in one transaction with the event that tells the tablets."""

from __future__ import annotations

from meeting_server.access import Access
from meeting_server.db import Database, Transaction
from meeting_server.errors import Conflict, Invalid, NotFound
from meeting_server.models import EventName
from meeting_server.services.conclusions import check_item
from meeting_server.store import events, floor, meetings
from meeting_server.store.floor import FloorRequest


async def _logged(tx: Transaction, request_id: int, name: EventName, actor: int
                  ) -> FloorRequest:
    found = await floor.get(tx, request_id)
    assert found is not None
    await events.append(tx, found.meeting_id, name, {"request": found.as_dict()}, actor)
    return found


async def request_floor(db: Database, access: Access, user_id: int,
                        agenda_item_id: int | None, note: str) -> FloorRequest:
    """``user_id`` asks to speak (on the item, by default the one under discussion)."""
    async with db.transaction() as tx:
        meeting_id = access.meeting.id
        if await meetings.role_of(tx, meeting_id, user_id) is None:
            raise Invalid("That user is not a participant of this meeting.", "not_participant",
                          field="user_id")
        if agenda_item_id is None:
            current = await meetings.get(tx, meeting_id)
            agenda_item_id = current.current_item_id if current else None
        await check_item(tx, meeting_id, agenda_item_id)
        if await floor.open_request_of(tx, meeting_id, user_id) is not None:
            raise Conflict("This participant has already asked to speak.", "already_requested")
        request_id = await floor.create(tx, meeting_id, agenda_item_id, user_id, note)
        return await _logged(tx, request_id, "floor.requested", access.user.id)


def _own(access: Access, request: FloorRequest | None) -> FloorRequest:
    if request is None or request.meeting_id != access.meeting.id:
        raise NotFound("No such request to speak.")
    return request


async def withdraw(db: Database, access: Access, request: FloorRequest) -> None:
    async with db.transaction() as tx:
        current = _own(access, await floor.get(tx, request.id))
        if current.status != "waiting":
            raise Conflict("Only a request still waiting can be withdrawn.", "not_waiting")
        await floor.withdraw(tx, current.id)
        await floor.set_order(tx, await floor.waiting_ids(tx, current.meeting_id))
        await events.append(tx, current.meeting_id, "floor.withdrawn",
                            {"request_id": current.id}, access.user.id)


async def reorder(db: Database, access: Access, order: list[int]) -> list[int]:
    """The waiting requests in the order given (all of them, each once)."""
    async with db.transaction() as tx:
        waiting = await floor.waiting_ids(tx, access.meeting.id)
        if sorted(order) != sorted(waiting) or len(set(order)) != len(order):
            raise Invalid("The order must list every waiting request once.", "bad_order",
                          field="order")
        await floor.set_order(tx, order)
        await events.append(tx, access.meeting.id, "floor.reordered", {"order": order},
                            access.user.id)
        return order


async def give(db: Database, access: Access, request: FloorRequest, default_seconds: int
               ) -> FloorRequest:
    """The floor to ``request``'s speaker, with the meeting's limit; whoever spoke is done."""
    async with db.transaction() as tx:
        current = _own(access, await floor.get(tx, request.id))
        if current.status != "waiting":
            raise Conflict("Only a waiting request can be given the floor.", "not_waiting")
        before = await floor.speaking(tx, current.meeting_id)
        if before is not None:
            await floor.end(tx, before.id)
            await _logged(tx, before.id, "floor.ended", access.user.id)
        limit = await floor.limit_of(tx, current.meeting_id) or default_seconds
        await floor.give(tx, current.id, limit, tx.now_iso())
        await floor.set_order(tx, await floor.waiting_ids(tx, current.meeting_id))
        return await _logged(tx, current.id, "floor.given", access.user.id)


async def end(db: Database, access: Access, request: FloorRequest) -> FloorRequest:
    async with db.transaction() as tx:
        current = _own(access, await floor.get(tx, request.id))
        if current.status != "speaking":
            raise Conflict("This speaker does not have the floor.", "not_speaking")
        await floor.end(tx, current.id)
        return await _logged(tx, current.id, "floor.ended", access.user.id)


async def set_limit(db: Database, access: Access, seconds: int | None) -> None:
    """The meeting's time per speaker (None: the server's default); the current speaker keeps
    the time they were given."""
    async with db.transaction() as tx:
        await floor.set_limit(tx, access.meeting.id, seconds)
        await events.append(tx, access.meeting.id, "floor.limit_set",
                            {"limit_seconds": seconds}, access.user.id)
