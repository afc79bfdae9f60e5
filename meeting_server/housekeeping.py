"""The server's scheduled work: write the audit buffer, and sweep what is kept for a while.

One background task (a :class:`Periodic`, which the notifier uses too), started in the app
context's lifespan (``open_context``) and stopped by its ``AsyncExitStack``: every
``MEETING_AUDIT_FLUSH_SECONDS`` (or as soon as the buffer fills) it flushes the
:class:`~meeting_server.audit.Recorder`, and every ``MEETING_SWEEP_MINUTES`` it sweeps, in one
transaction: ``Idempotency-Key`` answers older than 24 hours, pairing codes and sessions that
expired (or were revoked) over a day ago, and audit rows older than ``MEETING_AUDIT_DAYS``. At
shutdown the buffer is flushed one last time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta

from meeting_server.audit import Recorder
from meeting_server.db import Database
from meeting_server.settings import Settings
from meeting_server.store import audit, idempotency, pairing, users

logger = logging.getLogger(__name__)

#: Expired pairing codes and sessions are kept this long (to tell "expired" from "unknown").
GRACE = timedelta(days=1)
#: How long shutting down waits for a flush or sweep in progress before cancelling it.
STOP_TIMEOUT = 30.0


async def sweep(db: Database, settings: Settings) -> None:
    """Delete what has outlived its keeping, in one transaction."""
    async with db.transaction() as tx:
        now = tx.clock.now()
        await idempotency.sweep(tx)
        await pairing.sweep(tx, now - GRACE)
        await users.sweep_sessions(tx, now - GRACE)
        await audit.sweep(tx, now - timedelta(days=settings.audit_days))


class Periodic:
    """``work`` run in a background task: now, then every ``seconds``, or sooner when ``wake``
    is set, until :meth:`close`. A failure is logged and tried again after a full interval
    (a wake does not cut that short: a failing database is not asked again at once)."""

    def __init__(self, name: str, seconds: float, work: Callable[[], Awaitable[object]],
                 wake: asyncio.Event | None = None) -> None:
        self.name = name
        self.seconds = seconds
        self.work = work
        self.wake = wake or asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name=self.name)

    async def close(self) -> None:
        """Stop the task, letting a run in progress finish (for up to :data:`STOP_TIMEOUT`)."""
        if self._task is None:
            return
        self._stopping.set()
        done, _ = await asyncio.wait([self._task], timeout=STOP_TIMEOUT)
        if not done:
            self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while not self._stopping.is_set():
            self.wake.clear()
            try:
                await self.work()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("%s failed; trying again at the next interval", self.name)
                await self._pause(self._stopping)
            else:
                await self._pause(self.wake)

    async def _pause(self, event: asyncio.Event) -> None:
        """Until ``event`` is set, the task is stopped, or the interval has passed."""
        waits = {asyncio.ensure_future(event.wait()), asyncio.ensure_future(self._stopping.wait())}
        try:
            await asyncio.wait(waits, timeout=self.seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
            await asyncio.gather(*waits, return_exceptions=True)


class Housekeeping:
    def __init__(self, db: Database, recorder: Recorder, settings: Settings) -> None:
        self.db = db
        self.recorder = recorder
        self.settings = settings
        self._next_sweep = 0.0
        self._periodic = Periodic("housekeeping", settings.audit_flush_seconds, self._tick,
                                  wake=recorder.wanted)

    async def start(self) -> None:
        """Sweep once now (before the server answers anything), then run in the background."""
        await sweep(self.db, self.settings)
        self._next_sweep = time.monotonic() + self.settings.sweep_minutes * 60
        self._periodic.start()

    async def close(self) -> None:
        """Stop the task (letting a flush in progress finish) and flush what is left."""
        await self._periodic.close()
        await self.recorder.flush()

    async def _tick(self) -> None:
        if time.monotonic() >= self._next_sweep:
            self._next_sweep = time.monotonic() + self.settings.sweep_minutes * 60
            await sweep(self.db, self.settings)
        await self.recorder.flush()
