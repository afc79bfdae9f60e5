"""One-time pairing codes, stored hashed."""

from __future__ import annotations

from datetime import datetime

from meeting_server.db import Conn, Transaction, fetchone
from meeting_server.timeutil import utc_now


async def add(tx: Transaction, code_hash: str, user_id: int, created_by: int,
              expires_at: datetime) -> None:
    await tx.execute(
        "INSERT INTO pairing_codes (code_hash, user_id, created_by, created_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (code_hash, user_id, created_by, tx.now_iso(), expires_at.isoformat()),
    )


async def usable(conn: Conn, code_hash: str) -> int | None:
    """The user an unused, unexpired code signs in, read without writing (a wrong guess
    must not take the single writer)."""
    row = await fetchone(
        conn,
        "SELECT user_id, expires_at FROM pairing_codes WHERE code_hash = ? AND used_at IS NULL",
        (code_hash,),
    )
    if row is None or datetime.fromisoformat(row["expires_at"]) <= utc_now():
        return None
    return int(row["user_id"])


async def use(tx: Transaction, code_hash: str) -> int | None:
    """Spend the code; the user it signs in, or None if unknown, used or expired."""
    row = await tx.fetchone(
        "SELECT user_id, expires_at FROM pairing_codes WHERE code_hash = ? AND used_at IS NULL",
        (code_hash,),
    )
    if row is None or datetime.fromisoformat(row["expires_at"]) <= utc_now():
        return None
    await tx.execute("UPDATE pairing_codes SET used_at = ? WHERE code_hash = ?",
                     (tx.now_iso(), code_hash))
    return int(row["user_id"])


async def sweep(tx: Transaction, before: datetime) -> None:
    """Forget codes that expired before ``before`` (used or not)."""
    await tx.execute("DELETE FROM pairing_codes WHERE expires_at < ?", (before.isoformat(),))
