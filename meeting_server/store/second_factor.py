"""Two-factor sign-in: each user's sealed TOTP secret, their recovery codes (keyed hashes),
and the security policy (which roles must use it)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from meeting_server.db import Conn, Transaction, fetchone


@dataclass(frozen=True)
class SignInRecord:
    """What a password sign-in checks, read in one statement."""

    user_id: int
    password_hash: str | None
    active: bool
    totp_secret: str | None
    totp_last_step: int | None


@dataclass(frozen=True)
class TotpState:
    secret: str | None
    pending: str | None
    last_step: int | None
    recovery_codes_left: int


async def sign_in_record(conn: Conn, username: str) -> SignInRecord | None:
    row = await fetchone(
        conn, "SELECT id, password_hash, active, totp_secret, totp_last_step FROM users"
        " WHERE username = ?", (username,))
    if row is None:
        return None
    return SignInRecord(int(row["id"]), row["password_hash"], bool(row["active"]),
                        row["totp_secret"], row["totp_last_step"])


async def state(conn: Conn, user_id: int) -> TotpState:
    row = await fetchone(
        conn, "SELECT totp_secret, totp_pending, totp_last_step, (SELECT count(*) FROM"
        " recovery_codes r WHERE r.user_id = u.id AND r.used_at IS NULL) AS codes_left"
        " FROM users u WHERE u.id = ?", (user_id,))
    if row is None:
        return TotpState(None, None, None, 0)
    return TotpState(row["totp_secret"], row["totp_pending"], row["totp_last_step"],
                     int(row["codes_left"]))


async def set_pending(tx: Transaction, user_id: int, sealed: str) -> None:
    await tx.execute("UPDATE users SET totp_pending = ? WHERE id = ?", (sealed, user_id))


async def activate(tx: Transaction, user_id: int, sealed: str, step: int) -> None:
    """The pending secret becomes the user's, with ``step`` already used."""
    await tx.execute(
        "UPDATE users SET totp_secret = ?, totp_pending = NULL, totp_last_step = ? WHERE id = ?",
        (sealed, step, user_id))


async def disable(tx: Transaction, user_id: int) -> None:
    await tx.execute("UPDATE users SET totp_secret = NULL, totp_pending = NULL,"
                     " totp_last_step = NULL WHERE id = ?", (user_id,))
    await tx.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))


async def accept_step(tx: Transaction, user_id: int, step: int) -> bool:
    """Record ``step`` as used, unless it (or a later one) already was."""
    row = await tx.fetchone(
        "UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_secret IS NOT NULL"
        " AND (totp_last_step IS NULL OR totp_last_step < ?) RETURNING id",
        (step, user_id, step))
    return row is not None


async def replace_recovery_codes(tx: Transaction, user_id: int, hashes: Sequence[str]) -> None:
    await tx.execute("DELETE FROM recovery_codes WHERE user_id = ?", (user_id,))
    await tx.executemany(
        "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)",
        [(user_id, digest, tx.now_iso()) for digest in hashes])


async def recovery_code_unused(conn: Conn, user_id: int, code_hash: str) -> bool:
    row = await fetchone(conn, "SELECT 1 FROM recovery_codes WHERE user_id = ? AND code_hash = ?"
                         " AND used_at IS NULL", (user_id, code_hash))
    return row is not None


async def spend_recovery_code(tx: Transaction, user_id: int, code_hash: str) -> bool:
    row = await tx.fetchone(
        "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ?"
        " AND used_at IS NULL RETURNING 1", (tx.now_iso(), user_id, code_hash))
    return row is not None


async def required_roles(conn: Conn) -> tuple[str, ...]:
    row = await fetchone(conn, "SELECT second_factor_roles FROM security_policy WHERE id = 1")
    return tuple(json.loads(row[0])) if row else ()


async def set_required_roles(tx: Transaction, roles: Sequence[str], by: int) -> None:
    await tx.execute(
        "UPDATE security_policy SET second_factor_roles = ?, updated_at = ?, updated_by = ?"
        " WHERE id = 1", (json.dumps(list(roles)), tx.now_iso(), by))
