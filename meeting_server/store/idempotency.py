"""Stored first responses for ``Idempotency-Key`` retries."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from meeting_server.db import Conn, Transaction, fetchone
from meeting_server.timeutil import utc_now

KEEP = timedelta(hours=24)


async def find(conn: Conn, scope: str, key: str
               ) -> tuple[str, int, list[tuple[str, str]], bytes] | None:
    row = await fetchone(
        conn,
        "SELECT request_hash, status, headers, body, created_at FROM idempotency_keys"
        " WHERE scope = ? AND key = ?",
        (scope, key),
    )
    if row is None or datetime.fromisoformat(row["created_at"]) < utc_now() - KEEP:
        return None
    headers = [(str(k), str(v)) for k, v in json.loads(row["headers"])]
    return row["request_hash"], int(row["status"]), headers, bytes(row["body"])


class AnsweredMeanwhile(Exception):
    """Another instance stored an answer for the key while this one ran the request: this
    transaction (the request's change with it) must roll back; a retry gets that answer."""


async def save(tx: Transaction, scope: str, key: str, request_hash: str, status: int,
               headers: list[tuple[str, str]], body: bytes) -> None:
    """Store the answer, over an expired one only. Two instances running the same key at
    once (a client's retry sent elsewhere): the second waits on the key's row until the first
    commits, finds its answer, and raises :class:`AnsweredMeanwhile`, so its change is not
    made twice."""
    row = await tx.fetchone(
        "INSERT INTO idempotency_keys (scope, key, request_hash, status, headers, body,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scope, key) DO UPDATE SET"
        " request_hash = excluded.request_hash, status = excluded.status,"
        " headers = excluded.headers, body = excluded.body, created_at = excluded.created_at"
        " WHERE idempotency_keys.created_at < ? RETURNING 1",
        (scope, key, request_hash, status, json.dumps(headers), body, tx.now_iso(),
         (tx.clock.now() - KEEP).isoformat()),
    )
    if row is None:
        raise AnsweredMeanwhile(f"Idempotency-Key {key!r} was answered meanwhile")


async def sweep(tx: Transaction) -> None:
    await tx.execute("DELETE FROM idempotency_keys WHERE created_at < ?",
                     ((tx.clock.now() - KEEP).isoformat(),))
