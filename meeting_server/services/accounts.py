"""Units, users and sign-in."""

from __future__ import annotations

from typing import Any

from meeting_server import auth
from meeting_server.db import Database, Transaction
from meeting_server.errors import Conflict, Invalid, NotFound, NotSignedIn
from meeting_server.models import Unit, User
from meeting_server.settings import Settings
from meeting_server.store import users


async def add_unit(db: Database, code: str, name: str) -> Unit:
    async with db.transaction() as tx:
        return await add_unit_in(tx, code, name)


async def add_unit_in(tx: Transaction, code: str, name: str) -> Unit:
    unit = await users.add_unit(tx, code, name)
    if unit is None:
        raise Conflict("A unit with code '{code}' already exists.", "unit_exists",
                       values={"code": code})
    return unit


async def unit_id(db_conn: Any, code: str | None) -> int | None:
    if code is None:
        return None
    unit = await users.unit_by_code(db_conn, code)
    if unit is None:
        raise Invalid("No unit with code '{code}'.", "unknown_unit",
                      values={"code": code}, field="unit")
    return unit.id


async def add_user(db: Database, username: str, name: str, role: str, unit: str | None,
                   title: str, password: str | None) -> User:
    hashed = await auth.hash_password(password) if password else None
    async with db.transaction() as tx:
        return await add_user_in(tx, username, name, role, unit, title, hashed)


async def add_user_in(tx: Transaction, username: str, name: str, role: str, unit: str | None,
                      title: str, password_hash: str | None) -> User:
    user_id = await users.add_user(tx, username, name, role, await unit_id(tx, unit), title,
                                   password_hash)
    if user_id is None:
        raise Conflict("The username '{username}' is taken.", "username_taken",
                       values={"username": username})
    user = await users.get_user(tx, user_id)
    assert user is not None
    return user


async def update_user(db: Database, user_id: int, changes: dict[str, Any]) -> User:
    """Apply changes; ``active: False`` also ends every session of the user."""
    changes = dict(changes)
    if "password" in changes:
        changes["password_hash"] = await auth.hash_password(changes.pop("password"))
    async with db.transaction() as tx:
        if await users.get_user(tx, user_id) is None:
            raise NotFound("User not found.")
        if "unit" in changes:
            changes["unit_id"] = await unit_id(tx, changes.pop("unit"))
        if "active" in changes:
            changes["active"] = 1 if changes["active"] else 0
        await users.update_user(tx, user_id, changes)
        if changes.get("active") == 0 or "password_hash" in changes:
            await users.revoke_user_sessions(tx, user_id)
        user = await users.get_user(tx, user_id)
    assert user is not None
    return user


async def sign_in(db: Database, settings: Settings, username: str,
                  password: str) -> tuple[str, User, str]:
    """Check the password; returns (token, user, expires_at)."""
    async with db.read() as conn:
        found = await users.password_hash(conn, username)
    ok = await auth.verify_password(password, found[1] if found else None)
    if not ok or found is None or not found[2]:
        raise NotSignedIn("Wrong username or password.", "invalid_credentials")
    return await start_session(db, settings, found[0])


async def start_session(db: Database, settings: Settings, user_id: int) -> tuple[str, User, str]:
    token = auth.new_token()
    async with db.transaction() as tx:
        expires = await users.add_session(tx, auth.token_hash(settings, token), user_id,
                                          settings.session_days)
        user = await users.get_user(tx, user_id)
    assert user is not None
    return token, user, expires


async def sign_out(db: Database, settings: Settings, token: str) -> None:
    async with db.transaction() as tx:
        await users.revoke_session(tx, auth.token_hash(settings, token))
