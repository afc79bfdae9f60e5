"""Written opinions as their views show them: the caller's list, one consultation, and for
staff its summary. A member sees only the consultations they are asked in, with their own
answer; never the others' answers."""

from __future__ import annotations

from typing import Any

from meeting_server import access
from meeting_server.db import Conn
from meeting_server.errors import NotFound
from meeting_server.models import User
from meeting_server.services.consultations import is_open, tally
from meeting_server.store import consultations as store
from meeting_server.store import users
from meeting_server.store.consultations import Consultation
from meeting_server.timeutil import Clock


async def listing(conn: Conn, user: User, clock: Clock) -> dict[str, Any]:
    """``{consultations: [...]}``: for staff every one, for a member those they are asked in,
    each with ``open`` and (for a member) ``my_answer``. One statement."""
    if access.is_staff(user):
        return {"consultations": [{**c.as_dict(), "open": is_open(c, clock)}
                                  for c in await store.list_all(conn)]}
    return {"consultations": [{**_for_member(c), "open": is_open(c, clock), "my_answer": mine}
                              for c, mine in await store.list_asked(conn, user.id)]}


def _for_member(consultation: Consultation) -> dict[str, Any]:
    """What someone asked sees of a consultation: not how many others answered."""
    shown = consultation.as_dict()
    del shown["asked"], shown["answered"]
    return shown


async def people(conn: Conn, user: User) -> list[dict[str, Any]]:
    """Whom the secretary may ask: the active users other than administrators."""
    access.require_consultation_manager(user)
    return [{"id": u.id, "name": u.name, "unit": u.unit.name if u.unit else None}
            for u in await users.list_users(conn) if u.active and u.role != "admin"]


async def pending(conn: Conn, user: User, clock: Clock) -> list[dict[str, Any]]:
    """The open consultations the caller is asked in and has not answered (the home page)."""
    return [{**_for_member(c), "open": True}
            for c, mine in await store.list_asked(conn, user.id)
            if mine is None and is_open(c, clock)]


async def detail(conn: Conn, user: User, consultation_id: int, clock: Clock
                 ) -> dict[str, Any]:
    """One consultation: for staff with every answer and the counts, for someone asked with
    their own answer only; 404 for anyone else. Two or three statements."""
    found = await store.get(conn, consultation_id)
    mine = await store.answers(conn, consultation_id, user.id) if found else []
    if found is None or not access.can_see_consultation(user, bool(mine)):
        raise NotFound("Consultation not found.")
    shown: dict[str, Any] = {**(found.as_dict() if access.is_staff(user) else
                                _for_member(found)), "open": is_open(found, clock),
                             "my_answer": mine[0].as_dict() if mine else None}
    if access.is_staff(user):
        everyone = await store.answers(conn, consultation_id)
        shown.update(answers=[a.as_dict() for a in everyone], counts=tally(everyone))
    return shown
