"""Live events and revocations shared by several instances through Redis pub/sub.

With ``MEETING_REDIS_URL`` set, :func:`open_live` makes a :class:`ClusterLive` instead of the
one-instance :class:`~meeting_server.live.ws.Live`::

    commit on any instance ──► its on_commit ──► PUBLISH meeting-server:live ──► every instance
                                     │                                              │
                                     └────────────► gate (per meeting, seq order) ◄─┘
                                                         │
                                                 Live.publish ──► its own Hub

The event log in the database stays the source of truth; Redis only carries news of it. Each
instance keeps, per meeting, the last seq it handed to its hub: a seq at or below it is a
duplicate (an instance hears its own events twice, directly and back from Redis) and is
dropped; the next seq is delivered at once; a seq further on means messages were missed (Redis
restarted, this instance fell behind and was disconnected, an instance died between its commit
and its publish, or two instances' messages crossed) and the missing ones are read from the
log before it. The same check runs every :data:`RECONCILE_SECONDS` and after every reconnect to
Redis, so that a missed *last* event reaches the sockets too. A meeting nobody follows on this
instance is not read back: a socket that joins later reads the log itself.

Pub/sub rather than Streams: the log already gives replay, so a Stream would be a second copy
with its own retention to trim, and one that an unpersisted Redis loses on restart anyway; the
seq check against the log is needed in both cases, and pub/sub is the lighter and faster.

Revocations (a user deactivated, a session signed out, any change to a user) go on the same
channel; a removed participant needs nothing more, as each instance closes their sockets when it
delivers the ``participant.removed`` event. They also empty each instance's cache of handshakes
(live/admission.py), which is trusted only while this instance listens: while it does not,
every handshake reads the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import redis.asyncio as redis
from redis.asyncio.connection import Connection

from meeting_server.db import Database
from meeting_server.live.hub import CLOSE_TRY_AGAIN_LATER, Hub, Subscription
from meeting_server.live.ws import Live
from meeting_server.models import Event
from meeting_server.store import events

logger = logging.getLogger(__name__)

CHANNEL = "meeting-server:live"
#: How often each instance compares what it delivered with the log, for the meetings it serves.
RECONCILE_SECONDS = 2.0
#: Messages waiting to be published while Redis is unreachable; more are dropped (the log and
#: the reconciliation still bring them to the other instances).
OUTBOX_SIZE = 10_000
READ_PAGE = 200
SUBSCRIBE_WAIT = 10.0
POOL_SIZE = 32
RETRY_SECONDS = (0.1, 0.5, 1.0, 2.0, 5.0)


def connect(url: str) -> redis.Redis:
    """A Redis client for ``url``: a pool of at most :data:`POOL_SIZE` connections, which
    waits for one to be free (up to 5 s) instead of failing; connects on first use."""
    pool = redis.BlockingConnectionPool.from_url(
        url, max_connections=POOL_SIZE, timeout=5, health_check_interval=30,
        socket_connect_timeout=5)
    return redis.Redis.from_pool(pool)


class ClusterLive(Live):
    """:class:`Live` whose events and revocations reach the other instances' sockets too."""

    def __init__(self, db: Database, hub: Hub, client: redis.Redis, *,
                 channel: str = CHANNEL, reconcile_seconds: float = RECONCILE_SECONDS) -> None:
        super().__init__(db, hub)
        self.client = client
        self.channel = channel
        self.reconcile_seconds = reconcile_seconds
        #: Who this instance is on the channel (its own revocations are not done twice).
        self.instance = secrets.token_hex(8)
        #: Per meeting, the last seq handed to the hub.
        self._last: dict[int, int] = {}
        #: Per meeting being read back from the log, the events that came meanwhile.
        self._pending: dict[int, dict[int, Event]] = {}
        self._subs: dict[int, set[Subscription]] = {}
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue(OUTBOX_SIZE)
        self._tasks: set[asyncio.Task[None]] = set()
        self._listening = asyncio.Event()
        self._started = False
        #: Messages received from Redis and gaps read back from the log (for tests and logs).
        self.received = 0
        self.gaps = 0
        # The handshakes' cache is trusted only while revocations from the other instances are
        # heard (subscribed to the channel); it is emptied whenever they may have been missed.
        self.admissions.trusted = False

    # ------------------------------------------------------------------ life

    async def start(self, listen: bool = True) -> None:
        """Start publishing; with ``listen`` (a server), take every meeting's last seq as
        already seen and subscribe, waiting up to :data:`SUBSCRIBE_WAIT` seconds (after that
        the server starts anyway, delivers its own events and reads the others' from the log
        every :data:`RECONCILE_SECONDS` until Redis answers)."""
        self._started = True
        self._spawn(self._publisher(), "live-bus-publish")
        if not listen:
            return
        async with self.db.read() as conn:
            self._last.update(await events.last_seqs(conn))
        self._spawn(self._listener(), "live-bus-listen")
        self._spawn(self._reconciler(), "live-bus-reconcile")
        try:
            async with asyncio.timeout(SUBSCRIBE_WAIT):
                await self._listening.wait()
        except TimeoutError:
            logger.warning("Redis does not answer; live events of other instances come from "
                           "the log every %.0f s until it does", self.reconcile_seconds)

    async def close(self) -> None:
        """Publish what is queued (briefly), then stop."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2.0):
                await self._outbox.join()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks))

    # ------------------------------------------------------------------ what Live does

    def publish(self, committed: Sequence[Event]) -> None:
        """The on_commit listener: tell the other instances, and deliver here.

        The message is queued for Redis first and this instance's own fan-out runs just after
        (next in the loop), so the publisher sends it before this instance writes to its own
        sockets: the other instances' tablets do not wait for this one's."""
        if not committed:
            return
        self._send({"events": [
            [e.meeting_id, e.seq, e.event, e.data, e.at, e.actor] for e in committed]})
        if self._started:
            asyncio.get_running_loop().call_soon(self._accept_all, tuple(committed))
        else:
            self._accept_all(committed)

    def _accept_all(self, committed: Sequence[Event]) -> None:
        for event in committed:
            self._accept(event)

    def user_revoked(self, user_id: int) -> None:
        super().user_revoked(user_id)
        self._send({"user": user_id})

    def session_ended(self, token_hash: str) -> None:
        super().session_ended(token_hash)
        self._send({"session": token_hash})

    def user_changed(self, user_id: int) -> None:
        super().user_changed(user_id)
        self._send({"changed": user_id})

    def track(self, token_hash: str, sub: Subscription) -> None:
        super().track(token_hash, sub)
        self._subs.setdefault(sub.meeting_id, set()).add(sub)

    def untrack(self, token_hash: str, sub: Subscription) -> None:
        super().untrack(token_hash, sub)
        subs = self._subs.get(sub.meeting_id)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._subs[sub.meeting_id]

    async def reachable(self) -> bool:
        """Whether Redis answers a PING within a second."""
        try:
            async with asyncio.timeout(1.0):
                return bool(await self.client.ping())
        except (redis.RedisError, OSError, TimeoutError):
            return False

    def last_delivered(self, meeting_id: int) -> int:
        return self._last.get(meeting_id, 0)

    # ------------------------------------------------------------------ the gate

    def _accept(self, event: Event) -> None:
        meeting_id = event.meeting_id
        pending = self._pending.get(meeting_id)
        if pending is not None:
            pending[event.seq] = event
            return
        last = self._last.get(meeting_id, 0)
        if event.seq <= last:
            return
        if event.seq == last + 1 or not self.hub.room_size(meeting_id):
            self._deliver(event)
            return
        self._pending[meeting_id] = {event.seq: event}
        self._spawn(self._fill(meeting_id, None), f"live-bus-fill-{meeting_id}")

    def _deliver(self, event: Event) -> None:
        self._last[event.meeting_id] = event.seq
        super().publish((event,))

    async def _fill(self, meeting_id: int, upto: int | None) -> None:
        """Read the log up to ``upto`` (or up to each pending event), deliver in seq order."""
        pending = self._pending.setdefault(meeting_id, {})
        try:
            if upto is not None:
                await self._read_log(meeting_id, upto)
            while pending:
                seq = min(pending)
                event = pending.pop(seq)
                last = self._last.get(meeting_id, 0)
                if seq <= last:
                    continue
                if seq > last + 1 and self.hub.room_size(meeting_id):
                    await self._read_log(meeting_id, seq - 1)
                self._deliver(event)
        except Exception:
            logger.exception("Reading meeting %d's events back from the log failed", meeting_id)
            self._restart_room(meeting_id)
            if pending:
                self._last[meeting_id] = max(self._last.get(meeting_id, 0), max(pending))
        finally:
            del self._pending[meeting_id]

    async def _read_log(self, meeting_id: int, upto: int) -> None:
        after = self._last.get(meeting_id, 0)
        if after >= upto:
            return
        self.gaps += 1
        logger.info("Meeting %d: events %d..%d read back from the log", meeting_id,
                    after + 1, upto)
        async with self.db.read() as conn:
            while after < upto:
                page = await events.page(conn, meeting_id, after, min(READ_PAGE, upto - after),
                                         1 << 24)
                found = [e for e in page if e.seq <= upto]
                if not found:
                    break
                for event in found:
                    if event.seq != self._last.get(meeting_id, 0) + 1:
                        break
                    self._deliver(event)
                after = found[-1].seq
        if self._last.get(meeting_id, 0) < upto:
            # Not in the log any more (pruned): the sockets start again from a snapshot.
            logger.warning("Meeting %d: events up to %d are not in the log", meeting_id, upto)
            self._restart_room(meeting_id)
            self._last[meeting_id] = upto

    def _restart_room(self, meeting_id: int) -> None:
        """Close this instance's sockets of the meeting (1013): they reconnect and resume."""
        for sub in list(self._subs.get(meeting_id, ())):
            self.hub.drop(sub, CLOSE_TRY_AGAIN_LATER, "missed events")

    async def reconcile(self) -> None:
        """Deliver what the log has beyond what was delivered, for the meetings followed here."""
        followed = [m for m in self._subs if self.hub.room_size(m)]
        if not followed:
            return
        async with self.db.read() as conn:
            seqs = await events.last_seqs(conn, followed)
        for meeting_id in followed:
            last = seqs.get(meeting_id, 0)
            if last > self._last.get(meeting_id, 0) and meeting_id not in self._pending:
                self._pending[meeting_id] = {}
                self._spawn(self._fill(meeting_id, last), f"live-bus-fill-{meeting_id}")

    # ------------------------------------------------------------------ Redis

    def _send(self, message: dict[str, Any]) -> None:
        if not self._started:
            return
        message["from"] = self.instance
        try:
            self._outbox.put_nowait(message)  # encoded by the publisher, not under commit
        except asyncio.QueueFull:
            logger.warning("Redis unreachable: a live message was not published")

    async def _publisher(self) -> None:
        failures = 0
        while True:
            text = json.dumps(await self._outbox.get(), ensure_ascii=False)
            try:
                while True:
                    try:
                        await self.client.publish(self.channel, text)
                        failures = 0
                        break
                    except (redis.RedisError, OSError) as exc:
                        if failures == 0:
                            logger.warning("Publishing to Redis failed: %r", exc)
                        await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
                        failures += 1
            finally:
                self._outbox.task_done()

    async def _listener(self) -> None:
        failures = 0
        while True:
            try:
                async with self._subscribed() as pubsub:
                    if failures:
                        logger.info("Listening to Redis again")
                    failures = 0
                    while True:
                        message = await pubsub.get_message(ignore_subscribe_messages=True,
                                                           timeout=None)
                        if message is not None and message["type"] == "message":
                            self._received(message["data"])
            except (redis.RedisError, OSError) as exc:
                if failures == 0:
                    logger.warning("Listening to Redis failed: %r", exc)
                await asyncio.sleep(RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)])
                failures += 1

    @asynccontextmanager
    async def _subscribed(self) -> AsyncIterator[Any]:
        pubsub = self.client.pubsub()
        try:
            await pubsub.subscribe(self.channel)
            confirmed = await pubsub.get_message(timeout=10)
            if confirmed is None or confirmed["type"] != "subscribe":
                raise redis.ConnectionError(f"no confirmation of SUBSCRIBE: {confirmed!r}")
            if pubsub.connection is not None:
                # redis-py reconnects and subscribes again by itself: what was published
                # meanwhile is lost, so look in the log.
                pubsub.connection.register_connect_callback(self._reconnected)
            self.admissions.forget_all()
            self.admissions.trusted = True
            await self._caught_up()
            yield pubsub
        finally:
            self.admissions.trusted = False
            self.admissions.forget_all()
            if pubsub.connection is not None:
                pubsub.connection.deregister_connect_callback(self._reconnected)
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]

    async def _reconnected(self, connection: Connection) -> None:
        logger.info("Reconnected to Redis")
        self.admissions.forget_all()  # revocations published meanwhile were not heard
        self._spawn(self.reconcile(), "live-bus-reconcile-now")

    async def _caught_up(self) -> None:
        self._listening.set()
        await self.reconcile()

    def _received(self, data: bytes | str) -> None:
        self.received += 1
        try:
            message = json.loads(data)
            if message.get("from") == self.instance:
                return
            if "events" in message:
                for m, seq, name, payload, at, actor in message["events"]:
                    self._accept(Event(int(m), int(seq), name, payload, at, actor))
            elif "user" in message:
                super().user_revoked(int(message["user"]))
            elif "session" in message:
                super().session_ended(str(message["session"]))
            elif "changed" in message:
                super().user_changed(int(message["changed"]))
        except (ValueError, TypeError, KeyError, AttributeError):
            logger.warning("Ignored a malformed message on %s", self.channel)

    async def _reconciler(self) -> None:
        while True:
            await asyncio.sleep(self.reconcile_seconds)
            try:
                await self.reconcile()
            except Exception:
                logger.exception("Comparing delivered events with the log failed")

    def _spawn(self, coro: Any, name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


async def open_live(db: Database, hub: Hub, client: redis.Redis | None, *,
                    listen: bool = True) -> tuple[Live, ClusterLive | None]:
    """:class:`Live` for one instance (no ``client``), else a started :class:`ClusterLive`."""
    if client is None:
        return Live(db, hub), None
    live = ClusterLive(db, hub, client)
    await live.start(listen=listen)
    return live, live
