"""Naming the leaders who see the dashboard (the administrator's)."""

from __future__ import annotations

from meeting_server import access
from meeting_server.db import Database
from meeting_server.models import User
from meeting_server.store import leaders, users


async def set_scope(db: Database, caller: User, user_id: int, scope: str | None) -> None:
    """``scope``: 'city' (every unit), 'unit' (their own), or None (no dashboard)."""
    async with db.transaction() as tx:
        access.require_leader_scope_change(caller, await users.get_user(tx, user_id), scope)
        await leaders.set_scope(tx, user_id, scope)
