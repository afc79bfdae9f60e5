"""Notifications: one row per (kind, subject, recipient, occurrence), in-app and by email.

Rows are inserted with ``ON CONFLICT DO NOTHING`` on that key, so whatever runs the notifier
(after a restart, or on a second instance at the same moment) a notification exists once. Its
email is *claimed* (``pending`` → ``sending``, with the claim's time) in a transaction before it
is sent, and marked ``sent`` after; a claim older than :data:`STALE_CLAIM` (an instance that died
mid-send) is claimed again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from meeting_server.db import Conn, Transaction, fetchall, fetchone

#: A claim this old is taken for an instance that stopped while sending.
STALE_CLAIM = timedelta(minutes=10)
#: Attempts at sending an email before it is marked failed.
MAX_ATTEMPTS = 5
_COLUMNS = ("n.id, n.kind, n.subject_id, n.recipient_id, n.occurrence, n.data, n.link,"
            " n.created_at, n.read_at, n.email_status, n.email_to")


@dataclass(frozen=True)
class Notification:
    id: int
    kind: str
    subject_id: int
    recipient_id: int
    occurrence: str
    data: dict[str, Any]
    link: str
    created_at: str
    read_at: str | None
    email_status: str
    email_to: str | None


def _from_row(row: sqlite3.Row) -> Notification:
    return Notification(row["id"], row["kind"], row["subject_id"], row["recipient_id"],
                        row["occurrence"], json.loads(row["data"]), row["link"],
                        row["created_at"], row["read_at"], row["email_status"], row["email_to"])


@dataclass(frozen=True)
class Wanted:
    """A notification the notifier (or a service) asks for."""

    kind: str
    subject_id: int
    recipient_id: int
    occurrence: str
    data: dict[str, Any]
    link: str


async def add(tx: Transaction, wanted: Sequence[Wanted], email: bool) -> int:
    """Insert those not there yet (an existing one is left alone); returns how many were new.
    With ``email``, a recipient with an address gets it by email too."""
    wanted = await _missing(tx, wanted)
    if not wanted:
        return 0
    addresses = await emails(tx, sorted({w.recipient_id for w in wanted}))
    now = tx.now_iso()
    rows = []
    for w in wanted:
        to = addresses.get(w.recipient_id) if email else None
        rows.append((w.kind, w.subject_id, w.recipient_id, w.occurrence,
                     json.dumps(w.data, ensure_ascii=False), w.link, now,
                     "pending" if to else "none", to))
    added = await tx.insert_rows(
        "INSERT INTO notifications (kind, subject_id, recipient_id, occurrence, data, link,"
        " created_at, email_status, email_to)", rows,
        "ON CONFLICT (kind, subject_id, recipient_id, occurrence) DO NOTHING RETURNING id")
    return len(added)


async def _missing(conn: Conn, wanted: Sequence[Wanted]) -> list[Wanted]:
    """Those of ``wanted`` not there yet (one read, so that a run that finds nothing new
    writes nothing); the insert's ON CONFLICT still settles a race with another instance."""
    if not wanted:
        return []
    subjects = sorted({w.subject_id for w in wanted})
    kinds = sorted({w.kind for w in wanted})
    rows = await fetchall(
        conn, "SELECT kind, subject_id, recipient_id, occurrence FROM notifications"
        " WHERE subject_id IN (SELECT value FROM json_each(?))"
        " AND kind IN (SELECT CAST(value AS TEXT) FROM json_each(?))",
        (json.dumps(subjects), json.dumps(kinds)))
    there = {(r[0], int(r[1]), int(r[2]), r[3]) for r in rows}
    return [w for w in wanted
            if (w.kind, w.subject_id, w.recipient_id, w.occurrence) not in there]


async def for_user(conn: Conn, user_id: int, limit: int = 50) -> list[Notification]:
    """The user's notifications, newest first."""
    rows = await fetchall(conn, f"SELECT {_COLUMNS} FROM notifications n WHERE"
                          " n.recipient_id = ? ORDER BY n.id DESC LIMIT ?", (user_id, limit))
    return [_from_row(r) for r in rows]


async def unread_count(conn: Conn, user_id: int) -> int:
    row = await fetchone(conn, "SELECT COUNT(*) FROM notifications WHERE recipient_id = ?"
                         " AND read_at IS NULL", (user_id,))
    return int(row[0]) if row else 0


async def mark_read(tx: Transaction, user_id: int, notification_id: int | None) -> int:
    """Mark one of the user's notifications read (or all, with None); how many changed."""
    sql = ("UPDATE notifications SET read_at = ? WHERE recipient_id = ? AND read_at IS NULL")
    params: list[Any] = [tx.now_iso(), user_id]
    if notification_id is not None:
        sql += " AND id = ?"
        params.append(notification_id)
    cursor = await tx.execute(sql, params)
    return int(cursor.rowcount)


async def exists(conn: Conn, user_id: int, notification_id: int) -> bool:
    return await fetchone(conn, "SELECT 1 FROM notifications WHERE id = ? AND recipient_id = ?",
                          (notification_id, user_id)) is not None


# ------------------------------------------------------------------ email delivery


async def claim(tx: Transaction, now: datetime, limit: int = 20) -> list[Notification]:
    """Take up to ``limit`` emails to send: pending ones, and claims gone stale."""
    stale = (now - STALE_CLAIM).isoformat()
    rows = await tx.fetchall(
        f"SELECT {_COLUMNS} FROM notifications n WHERE n.email_status = 'pending'"
        " OR (n.email_status = 'sending' AND n.email_claimed_at < ?) ORDER BY n.id LIMIT ?",
        (stale, limit))
    found = [_from_row(r) for r in rows]
    if not found:
        return []
    # The condition again: with row locks (PostgreSQL), a row another instance claimed
    # meanwhile no longer matches, and is not claimed twice.
    taken = await tx.fetchall(
        "UPDATE notifications SET email_status = 'sending', email_claimed_at = ?,"
        " email_attempts = email_attempts + 1 WHERE id IN (SELECT value FROM json_each(?))"
        " AND (email_status = 'pending' OR (email_status = 'sending'"
        " AND email_claimed_at < ?)) RETURNING id",
        (now.isoformat(), json.dumps([n.id for n in found]), stale))
    ids = {int(r[0]) for r in taken}
    return [n for n in found if n.id in ids]


async def sent(tx: Transaction, notification_ids: Sequence[int]) -> None:
    await tx.execute("UPDATE notifications SET email_status = 'sent', emailed_at = ?"
                     " WHERE id IN (SELECT value FROM json_each(?))",
                     (tx.now_iso(), json.dumps(list(notification_ids))))


async def release(tx: Transaction, notification_ids: Sequence[int]) -> None:
    """Back to pending, the attempt not counted: it was never tried (the server was down)."""
    await tx.execute("UPDATE notifications SET email_status = 'pending',"
                     " email_attempts = email_attempts - 1"
                     " WHERE id IN (SELECT value FROM json_each(?))",
                     (json.dumps(list(notification_ids)),))


async def not_sent(tx: Transaction, notification_ids: Sequence[int]) -> None:
    """Back to pending for the next run, or failed once the attempts are spent."""
    await tx.execute(
        "UPDATE notifications SET email_status = CASE WHEN email_attempts >= ? THEN 'failed'"
        " ELSE 'pending' END WHERE id IN (SELECT value FROM json_each(?))",
        (MAX_ATTEMPTS, json.dumps(list(notification_ids))))


# ------------------------------------------------------------------ addresses and state


async def emails(conn: Conn, user_ids: Sequence[int]) -> dict[int, str]:
    """The addresses of the active users among ``user_ids`` who gave one."""
    rows = await fetchall(conn, "SELECT e.user_id, e.email FROM user_emails e JOIN users u"
                          " ON u.id = e.user_id WHERE u.active = 1 AND e.user_id IN"
                          " (SELECT value FROM json_each(?))", (json.dumps(list(user_ids)),))
    return {int(r[0]): str(r[1]) for r in rows}


async def email_of(conn: Conn, user_id: int) -> str | None:
    row = await fetchone(conn, "SELECT email FROM user_emails WHERE user_id = ?", (user_id,))
    return str(row[0]) if row else None


async def set_email(tx: Transaction, user_id: int, email: str | None) -> None:
    if email is None:
        await tx.execute("DELETE FROM user_emails WHERE user_id = ?", (user_id,))
        return
    await tx.execute("INSERT INTO user_emails (user_id, email, updated_at) VALUES (?, ?, ?)"
                     " ON CONFLICT (user_id) DO UPDATE SET email = excluded.email,"
                     " updated_at = excluded.updated_at", (user_id, email, tx.now_iso()))


async def started_at(tx: Transaction) -> str:
    """When the notifier first ran (recorded now if it never did)."""
    await tx.execute("INSERT INTO notifier_state (key, value) VALUES ('started_at', ?)"
                     " ON CONFLICT (key) DO NOTHING", (tx.now_iso(),))
    row = await tx.fetchone("SELECT value FROM notifier_state WHERE key = 'started_at'")
    assert row is not None
    return str(row[0])
