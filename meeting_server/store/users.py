"""Units, users and sign-in sessions."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from meeting_server.db import Conn, Transaction, fetchall, fetchone
from meeting_server.models import Unit, User

_USER_COLUMNS = (
    "u.id, u.username, u.name, u.title, u.role, u.active,"
    " n.id AS unit_id, n.code AS unit_code, n.name AS unit_name"
)
_USER_FROM = "users u LEFT JOIN units n ON n.id = u.unit_id"


def user_from_row(row: sqlite3.Row) -> User:
    unit = Unit(row["unit_id"], row["unit_code"], row["unit_name"]) if row["unit_id"] else None
    return User(row["id"], row["username"], row["name"], row["title"], row["role"], unit,
                bool(row["active"]))


def _unit(row: sqlite3.Row) -> Unit:
    return Unit(row["id"], row["code"], row["name"], bool(row["active"]))


async def list_units(conn: Conn) -> list[Unit]:
    """Every unit, deactivated ones too (they keep their tasks and users)."""
    rows = await fetchall(conn, "SELECT id, code, name, active FROM units ORDER BY code")
    return [_unit(r) for r in rows]


async def unit_by_code(conn: Conn, code: str) -> Unit | None:
    row = await fetchone(conn, "SELECT id, code, name, active FROM units WHERE code = ?", (code,))
    return _unit(row) if row else None


async def add_unit(tx: Transaction, code: str, name: str) -> Unit | None:
    """Add a unit; None when the code is taken."""
    row = await tx.fetchone(
        "INSERT INTO units (code, name, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (code) DO NOTHING RETURNING id",
        (code, name, tx.now_iso()),
    )
    return Unit(row[0], code, name) if row else None


async def update_unit(tx: Transaction, unit_id: int, changes: dict[str, object]
                      ) -> Unit | None:
    """The unit with its new ``name`` or ``active``; None when there is no such unit."""
    assert changes and set(changes) <= {"name", "active"}, changes
    assignments = ", ".join(f"{column} = ?" for column in changes)
    row = await tx.fetchone(
        f"UPDATE units SET {assignments} WHERE id = ? RETURNING id, code, name, active",
        (*changes.values(), unit_id))
    return _unit(row) if row else None


async def list_users(conn: Conn) -> list[User]:
    rows = await fetchall(conn, f"SELECT {_USER_COLUMNS} FROM {_USER_FROM} ORDER BY u.username")
    return [user_from_row(r) for r in rows]


async def get_user(conn: Conn, user_id: int) -> User | None:
    row = await fetchone(conn, f"SELECT {_USER_COLUMNS} FROM {_USER_FROM} WHERE u.id = ?",
                         (user_id,))
    return user_from_row(row) if row else None


async def user_by_username(conn: Conn, username: str) -> User | None:
    row = await fetchone(conn, f"SELECT {_USER_COLUMNS} FROM {_USER_FROM} WHERE u.username = ?",
                         (username,))
    return user_from_row(row) if row else None


async def password_hash(conn: Conn, username: str) -> tuple[int, str | None, bool] | None:
    row = await fetchone(
        conn, "SELECT id, password_hash, active FROM users WHERE username = ?", (username,)
    )
    return (row[0], row[1], bool(row[2])) if row else None


async def add_user(tx: Transaction, username: str, name: str, role: str, unit_id: int | None,
                   title: str, password_hash: str | None) -> int | None:
    """Add a user; None when the username is taken."""
    row = await tx.fetchone(
        "INSERT INTO users (username, name, title, role, unit_id, password_hash, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING RETURNING id",
        (username, name, title, role, unit_id, password_hash, tx.now_iso()),
    )
    return int(row[0]) if row else None


async def update_user(tx: Transaction, user_id: int, changes: dict[str, object]) -> None:
    allowed = {"name", "title", "role", "unit_id", "password_hash", "active"}
    if not changes:
        return
    assert set(changes) <= allowed, changes
    assignments = ", ".join(f"{column} = ?" for column in changes)
    await tx.execute(f"UPDATE users SET {assignments} WHERE id = ?", (*changes.values(), user_id))


async def add_session(tx: Transaction, token_hash: str, user_id: int, days: int) -> str:
    expires = (tx.clock.now() + timedelta(days=days)).isoformat()
    await tx.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        (token_hash, user_id, tx.now_iso(), expires),
    )
    return expires


@dataclass(frozen=True)
class SessionRecord:
    """A session: its user, when it expires, whether it was opened with a second factor, when
    it was last used (as last written), and the roles the security policy requires one of."""

    user: User
    expires_at: datetime
    second_factor: bool
    last_active: datetime
    required_roles: tuple[str, ...]


async def session_record(conn: Conn, token_hash: str) -> SessionRecord | None:
    """The session of an unrevoked token of an active user, in one statement; whether it
    still counts (expired, idle) is ``auth.check_session``'s to say."""
    row = await fetchone(
        conn,
        f"SELECT {_USER_COLUMNS}, s.expires_at, s.second_factor,"
        " coalesce(s.last_seen_at, s.created_at) AS last_active,"
        " (SELECT second_factor_roles FROM security_policy WHERE id = 1) AS required_roles"
        " FROM sessions s JOIN users u ON u.id = s.user_id"
        " LEFT JOIN units n ON n.id = u.unit_id"
        " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND u.active = 1",
        (token_hash,),
    )
    if row is None:
        return None
    roles = json.loads(row["required_roles"] or "[]")
    return SessionRecord(user_from_row(row), datetime.fromisoformat(row["expires_at"]),
                         bool(row["second_factor"]),
                         datetime.fromisoformat(row["last_active"]),
                         tuple(str(r) for r in roles))


async def mark_second_factor(tx: Transaction, token_hash: str) -> None:
    """The session proved a second factor (signed in with one, or enrolled in it)."""
    await tx.execute("UPDATE sessions SET second_factor = 1 WHERE token_hash = ?", (token_hash,))


async def touch_sessions(tx: Transaction, last_seen: Mapping[str, str]) -> None:
    """Write when each session was last used (token hash → ISO time), in one statement."""
    if not last_seen:
        return
    await tx.execute(
        "UPDATE sessions SET last_seen_at = j.value FROM json_each(?) AS j"
        " WHERE sessions.token_hash = j.key"
        " AND (sessions.last_seen_at IS NULL OR sessions.last_seen_at < j.value)",
        (json.dumps(dict(last_seen)),),
    )


async def sweep_sessions(tx: Transaction, before: datetime) -> None:
    """Forget sessions that expired or were revoked before ``before``."""
    cutoff = before.isoformat()
    await tx.execute("DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?",
                     (cutoff, cutoff))


async def revoke_session(tx: Transaction, token_hash: str) -> None:
    await tx.execute(
        "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        (tx.now_iso(), token_hash),
    )


async def revoke_user_sessions(tx: Transaction, user_id: int) -> None:
    await tx.execute(
        "UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL",
        (tx.now_iso(), user_id),
    )
