"""Units and user accounts as the administration pages and the new-meeting form show them."""

from __future__ import annotations

from dataclasses import dataclass

from meeting_server import access
from meeting_server.db import Conn
from meeting_server.models import Unit, User
from meeting_server.store import users


@dataclass(frozen=True)
class Administration:
    units: list[Unit]
    users: list[User]


async def administration(conn: Conn, user: User) -> Administration:
    """The administration page: every unit and every account, active or not; only for an
    administrator. Two statements."""
    access.require_admin(user)
    return Administration(await users.list_units(conn), await users.list_users(conn))


async def meeting_form(conn: Conn, user: User) -> list[User]:
    """The new-meeting form: the active users, to choose the chair among; only for those who
    create meetings. One statement."""
    access.require_staff(user)
    return [u for u in await users.list_users(conn) if u.active]
