"""The audit log's buffer, and when each session was last used: kept in memory, written in
batches.

Recording who viewed, downloaded or published what must not add a write transaction to every
page view: the single writer would queue behind a room full of tablets opening documents. So
:meth:`Recorder.record` only appends to a list, and :meth:`Recorder.flush` writes everything
gathered (audit rows, and the last request time of each session, for the idle timeout of
staff sessions) in **one** transaction. The app's housekeeping task flushes every
``MEETING_AUDIT_FLUSH_SECONDS``, sooner when the buffer fills, and once more at shutdown.

What a crash (``kill -9``, power loss) can lose: the rows and activity of the last flush
interval. A session's last activity then reads as older than it was, which can only end an
idle staff session sooner, never keep one alive. If the buffer reaches :data:`MAX_BUFFERED`
because the database cannot be written, the oldest rows are dropped (and logged).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from meeting_server.db import Database
from meeting_server.store import audit as audit_store
from meeting_server.store import users

logger = logging.getLogger(__name__)

AuditAction = Literal["view", "download", "publish", "sign_in", "decide"]
AUDIT_ACTIONS: tuple[AuditAction, ...] = get_args(AuditAction)
#: A flush is asked for as soon as this many rows wait.
FLUSH_AT = 1_000
#: Never more than this many rows in memory.
MAX_BUFFERED = 100_000


@dataclass(frozen=True)
class AuditEntry:
    at: str
    user_id: int | None
    action: AuditAction
    object_kind: str
    object_id: int | None
    meeting_id: int | None
    detail: str = ""
    address: str = ""


class Recorder:
    """Audit rows and session activity, written in batches (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._entries: list[AuditEntry] = []
        self._seen: dict[str, datetime] = {}
        self._writing: dict[str, datetime] = {}
        self._lock = asyncio.Lock()
        self.wanted = asyncio.Event()
        self.dropped = 0

    def record(self, entry: AuditEntry) -> None:
        self._entries.append(entry)
        if len(self._entries) >= FLUSH_AT:
            self.wanted.set()
        if len(self._entries) > MAX_BUFFERED:
            excess = len(self._entries) - MAX_BUFFERED
            del self._entries[:excess]
            self.dropped += excess
            logger.error("audit buffer full: %d oldest rows dropped", excess)

    def last_seen(self, token_hash: str) -> datetime | None:
        return self._seen.get(token_hash) or self._writing.get(token_hash)

    def seen(self, token_hash: str, at: datetime) -> None:
        self._seen[token_hash] = at

    @property
    def pending(self) -> int:
        return len(self._entries) + len(self._seen)

    async def flush(self) -> None:
        """Write what was gathered in one transaction; on failure it stays for the next try."""
        async with self._lock:
            entries, self._entries = self._entries, []
            self._writing, self._seen = self._seen, {}
            self.wanted.clear()
            if not entries and not self._writing:
                return
            try:
                async with self.db.transaction() as tx:
                    await audit_store.add(tx, entries)
                    zone = tx.clock.zone
                    await users.touch_sessions(tx, {
                        digest: at.astimezone(zone).replace(microsecond=0).isoformat()
                        for digest, at in self._writing.items()})
            except BaseException:
                self._entries[:0] = entries
                for digest, at in self._writing.items():
                    if digest not in self._seen or self._seen[digest] < at:
                        self._seen[digest] = at
                raise
            finally:
                self._writing = {}
