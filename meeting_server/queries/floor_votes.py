"""A request to speak or a vote, with the caller's access to its meeting (or NotFound)."""

from __future__ import annotations

from meeting_server.access import Access
from meeting_server.db import Conn
from meeting_server.errors import NotFound
from meeting_server.models import User
from meeting_server.queries.meetings import meeting_access
from meeting_server.store import floor, votes
from meeting_server.store.floor import FloorRequest
from meeting_server.store.votes import Vote


async def floor_request(conn: Conn, user: User, request_id: int
                        ) -> tuple[Access, FloorRequest]:
    """Two statements; another meeting's request is not found, as a missing one is."""
    found = await floor.get(conn, request_id)
    if found is None:
        raise NotFound("No such request to speak.")
    try:
        return await meeting_access(conn, user, found.meeting_id), found
    except NotFound:
        raise NotFound("No such request to speak.") from None


async def vote(conn: Conn, user: User, vote_id: int) -> tuple[Access, Vote]:
    """Two statements; another meeting's vote is not found, as a missing one is."""
    found = await votes.get(conn, vote_id)
    if found is None:
        raise NotFound("No such vote.")
    try:
        return await meeting_access(conn, user, found.meeting_id), found
    except NotFound:
        raise NotFound("No such vote.") from None
