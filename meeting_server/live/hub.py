"""Fan-out of live meeting messages to sockets, with backpressure.

A room is the set of subscriptions to one meeting. A message is encoded and framed once per
event; it goes straight to every socket that can take it at once (``write_now``: nothing queued
for it, transport not paused). Otherwise it waits in the subscription's bounded queue, sent by a
task of its own that ends when the queue is empty, so a slow or dead client only ever holds up
itself, and an idle one costs no task::

    publish() ──► write_now(frame) ──► socket                      (the usual case)
              └─► queue (bounded) ──► sender task ──► Sender.send()
                  full: close 1013     slower than send_timeout: close 1013; raises: close 1011

The endpoint uses it like this::

    sub = hub.subscribe(meeting_id, user_id, sender)  # live messages are buffered from here
    try:
        ...                                           # read the snapshot or the missed events
        sub.start(first, after_seq)                   # sends those, then buffered and live ones
        ...                                           # receive loop; answers go by sub.reply()
    finally:
        hub.unsubscribe(sub)

The hub knows nothing of HTTP: a Sender is anything with ``send(text)`` and ``close(code, reason)``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, Protocol

from meeting_server.live.transport import text_frame

logger = logging.getLogger(__name__)

CLOSE_GOING_AWAY = 1001
CLOSE_POLICY_VIOLATION = 1008
CLOSE_INTERNAL_ERROR = 1011
CLOSE_TRY_AGAIN_LATER = 1013


class Sender(Protocol):
    """What the hub sends through. It may also have ``write_now(frame: bytes) -> bool``: write
    one whole WebSocket frame (see ``transport.text_frame``) at once if the socket can take it
    without waiting, else return False; then the hub queues the text and ``send``s it."""

    async def send(self, text: str) -> None: ...

    async def close(self, code: int, reason: str) -> None: ...


class Subscription:
    """One client's place in a meeting's room, made by ``Hub.subscribe``.

    An idle client costs no task: a message goes straight to the socket (``write_now``, when the
    sender has it and nothing is queued before it); otherwise it is queued and a sender task
    runs until the queue is empty again.
    """

    __slots__ = ("meeting_id", "user_id", "sender", "_hub", "_pending", "_first", "_after_seq",
                 "_task", "_started", "_ended", "_finished", "_done", "_write_now")

    def __init__(self, hub: Hub, meeting_id: int, user_id: int, sender: Sender) -> None:
        self.meeting_id = meeting_id
        self.user_id = user_id
        self.sender = sender
        self._hub = hub
        self._pending: deque[tuple[int | None, str]] = deque()
        self._first: tuple[str, ...] = ()
        self._after_seq = 0
        self._task: asyncio.Task[None] | None = None
        self._started = False
        self._ended = False
        self._finished = False
        self._done: asyncio.Event | None = None
        self._write_now: Callable[[bytes], bool] | None = getattr(sender, "write_now", None)

    @property
    def closed(self) -> bool:
        """True once the hub has let go of this client (dropped, revoked or unsubscribed)."""
        return self._ended

    def start(self, first: Sequence[str], after_seq: int) -> None:
        """Send ``first`` in order, then queued and live messages with seq above ``after_seq``."""
        if self._started:
            raise RuntimeError("Subscription already started")
        self._started = True
        if self._ended:
            return
        self._after_seq = after_seq
        self._first = tuple(first)
        if self._first or self._pending:
            self._run_sender()

    def reply(self, text: str) -> None:
        """Queue a message for this client alone (pong, error), after what it already has queued.

        The endpoint must send through here, never on the socket itself, once started.
        """
        if not self._ended:
            self._hub._offer(self, None, text, None)

    def deliver(self, seq: int | None, text: str, frame: list[bytes] | None,
                limit: int) -> bool:
        """The hub's (the endpoint uses :meth:`reply`): write ``text`` to the socket at once
        if nothing is queued before it and the socket can take it (``frame`` holds its frame,
        made once for the whole room), else queue it; a message at or below the start's seq
        is skipped. False, and nothing queued, when ``limit`` messages already wait."""
        if self._ended:
            return True
        if self._started and self._task is None and not self._pending:
            if seq is not None and seq <= self._after_seq:
                return True
            if self._write_now is not None:
                if frame is None:
                    frame = []
                if not frame:
                    frame.append(text_frame(text.encode()))
                if self._write_now(frame[0]):
                    return True
        if len(self._pending) >= limit:
            return False
        self._pending.append((seq, text))
        if self._started and self._task is None:
            self._run_sender()
        return True

    async def wait_closed(self) -> None:
        """Wait until the client has been let go and its sender task and close have finished."""
        if self._finished:
            return
        if self._done is None:
            self._done = asyncio.Event()
        await self._done.wait()

    def _run_sender(self) -> None:
        self._task = self._hub._spawn(self._run(), f"live-send-{self.meeting_id}-{self.user_id}")

    async def _run(self) -> None:
        try:
            # Once the hub lets go of this client (it may still be ready to run), send nothing.
            first, self._first = self._first, ()
            for text in first:
                if self._ended:
                    return
                await self._send(text)
            while self._pending and not self._ended:
                seq, text = self._pending.popleft()
                if seq is None or seq > self._after_seq:
                    await self._send(text)
        except TimeoutError:
            logger.info(
                "Live client of user %d in meeting %d: send timed out",
                self.user_id,
                self.meeting_id,
            )
            self._hub._end(self, (CLOSE_TRY_AGAIN_LATER, "send timed out"))
        except Exception as exc:
            logger.info(
                "Live client of user %d in meeting %d: send failed: %r",
                self.user_id,
                self.meeting_id,
                exc,
            )
            self._hub._end(self, (CLOSE_INTERNAL_ERROR, "send failed"))
        finally:
            if self._task is asyncio.current_task():
                self._task = None

    async def _send(self, text: str) -> None:
        async with asyncio.timeout(self._hub.send_timeout):
            await self.sender.send(text)


class Hub:
    """Rooms of live subscriptions, one room per meeting."""

    def __init__(self, queue_size: int = 256, send_timeout: float = 10.0) -> None:
        if queue_size < 1:
            raise ValueError("queue_size must be at least 1")
        self.queue_size = queue_size
        self.send_timeout = send_timeout
        self._rooms: dict[int, dict[Subscription, None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    def subscribe(self, meeting_id: int, user_id: int, sender: Sender) -> Subscription:
        """Join the meeting's room; messages are buffered until ``Subscription.start``."""
        if self._closing:
            raise RuntimeError("Hub is closed")
        sub = Subscription(self, meeting_id, user_id, sender)
        self._rooms.setdefault(meeting_id, {})[sub] = None
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        """Leave the room without closing the socket; safe to call more than once."""
        self._end(sub, None)

    def publish(self, meeting_id: int, seq: int, text: str) -> None:
        """Queue ``text`` for everyone in the room; never waits. Call in seq order."""
        room = self._rooms.get(meeting_id)
        if not room:
            return
        frame: list[bytes] = []  # made at most once, for every socket that can take it now
        for sub in list(room):
            self._offer(sub, seq, text, frame)

    def drop(
        self, sub: Subscription, code: int = CLOSE_POLICY_VIOLATION, reason: str = "access revoked"
    ) -> None:
        """Close one subscription (e.g. its session signed out); no-op if already let go."""
        if not sub.closed:
            logger.info(
                "Closing live client of user %d in meeting %d: %s",
                sub.user_id,
                sub.meeting_id,
                reason,
            )
        self._end(sub, (code, reason))

    def revoke(
        self,
        user_id: int,
        meeting_id: int | None = None,
        code: int = CLOSE_POLICY_VIOLATION,
        reason: str = "access revoked",
    ) -> int:
        """Close the user's subscriptions in one meeting, or in all; return how many."""
        if meeting_id is None:
            rooms = list(self._rooms.values())
        else:
            rooms = [self._rooms.get(meeting_id, {})]
        subs = [sub for room in rooms for sub in room if sub.user_id == user_id]
        for sub in subs:
            self._end(sub, (code, reason))
        if subs:
            logger.info("Revoked %d live client(s) of user %d: %s", len(subs), user_id, reason)
        return len(subs)

    def room_size(self, meeting_id: int) -> int:
        return len(self._rooms.get(meeting_id, ()))

    async def close_all(self, code: int = CLOSE_GOING_AWAY) -> None:
        """Close every client and wait for all the hub's tasks; no subscribing after this."""
        self._closing = True
        subs = [sub for room in self._rooms.values() for sub in room]
        for sub in subs:
            self._end(sub, (code, "server shutting down"))
        if subs:
            logger.info("Closing %d live client(s)", len(subs))
        while self._tasks:
            await asyncio.wait(set(self._tasks))

    def _offer(self, sub: Subscription, seq: int | None, text: str,
               frame: list[bytes] | None) -> None:
        if not sub.deliver(seq, text, frame, self.queue_size):
            logger.info(
                "Live client of user %d in meeting %d fell behind", sub.user_id, sub.meeting_id
            )
            self._end(sub, (CLOSE_TRY_AGAIN_LATER, "fell behind"))

    def _end(self, sub: Subscription, close: tuple[int, str] | None) -> None:
        if sub._ended:
            return
        sub._ended = True
        room = self._rooms.get(sub.meeting_id)
        if room is not None:
            room.pop(sub, None)
            if not room:
                del self._rooms[sub.meeting_id]
        self._spawn(self._finish(sub, close), f"live-close-{sub.meeting_id}-{sub.user_id}")

    async def _finish(self, sub: Subscription, close: tuple[int, str] | None) -> None:
        try:
            task = sub._task
            if task is not None and not task.done():
                task.cancel()
                await asyncio.wait({task})
            if close is not None:
                try:
                    async with asyncio.timeout(self.send_timeout):
                        await sub.sender.close(*close)
                except Exception as exc:
                    logger.debug("Closing live client of user %d: %r", sub.user_id, exc)
        finally:
            sub._pending.clear()
            sub._finished = True
            if sub._done is not None:
                sub._done.set()

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._forget)
        return task

    def _forget(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (exc := task.exception()) is not None:
            logger.error("Live task %s failed", task.get_name(), exc_info=exc)
