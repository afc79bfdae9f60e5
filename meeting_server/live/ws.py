"""The WebSocket endpoint ``/ws/meetings/{id}`` and the bridge from commits to the hub."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from starlette.websockets import WebSocket, WebSocketDisconnect

from meeting_server import access, auth
from meeting_server.db import Conn, Database
from meeting_server.errors import HTTPError, NotSignedIn
from meeting_server.live import protocol
from meeting_server.live.admission import Admissions, Session
from meeting_server.live.hub import CLOSE_POLICY_VIOLATION, Hub, Subscription
from meeting_server.live.transport import FRAMES
from meeting_server.models import Event, Meeting, User
from meeting_server.queries import meetings as meeting_queries
from meeting_server.services import meetings as meeting_service
from meeting_server.settings import Settings
from meeting_server.store import events, meetings
from meeting_server.timeutil import utc_now

logger = logging.getLogger(__name__)

HELLO_TIMEOUT = 30.0
REPLAY_PAGE = 200
LIVE_READS = 2  # sockets reading at once (SQLite has 3 readers); most handshakes read nothing
SNAPSHOT_MAX_AGE = 10.0  # seconds a snapshot is shared when no event is logged meanwhile


@dataclass(frozen=True, slots=True)
class _Snapshot:
    seq: int
    today: date
    built: float
    text: asyncio.Future[str]


class Live:
    """Sends committed events to the meeting's sockets and closes revoked ones; builds a
    meeting's snapshot once per change for every tablet that says hello meanwhile."""

    def __init__(self, db: Database, hub: Hub) -> None:
        self.db = db
        self.hub = hub
        self._sessions: dict[str, set[Subscription]] = {}
        self._snapshots: dict[tuple[int, bool], _Snapshot] = {}
        self.snapshots_built = 0
        #: Sessions, roles and seqs the handshakes read (live/admission.py).
        self.admissions = Admissions()
        # Sockets' reads (handshake, catch-up) take turns here, so that a storm of reconnecting
        # tablets never holds every database reader: the busy meeting's requests find one.
        self.reads = asyncio.Semaphore(LIVE_READS)
        db.on_commit(self.publish)

    async def snapshot(self, conn: Conn, user: User, meeting_id: int, sees_drafts: bool,
                       seq: int, today: date) -> str:
        """The ``snapshot`` message of the meeting as of event ``seq`` (read in ``conn``'s
        transaction), with drafts or without: built by the first tablet that asks, shared by
        the others until an event is logged, the day changes or SNAPSHOT_MAX_AGE has passed
        (a change that logs no event, such as a participant's new name, is seen by then)."""
        key = (meeting_id, sees_drafts)
        now = time.monotonic()
        found = self._snapshots.get(key)
        if (found is not None and found.seq == seq and found.today == today
                and now - found.built < SNAPSHOT_MAX_AGE):
            try:
                return await asyncio.shield(found.text)
            except Exception:  # its builder failed, or its tablet went away meanwhile
                pass  # then this tablet builds it (a real failure recurs and is raised below)
        entry = _Snapshot(seq, today, now, asyncio.get_running_loop().create_future())
        self._snapshots[key] = entry
        try:
            _, state = await meeting_queries.meeting_state(conn, user, meeting_id, today)
            text = protocol.encode_snapshot(seq, state)
        except BaseException as exc:
            if self._snapshots.get(key) is entry:
                del self._snapshots[key]
            entry.text.set_exception(exc if isinstance(exc, Exception) else
                                     RuntimeError("snapshot not built"))
            entry.text.exception()  # retrieved: those who wait get it, nobody else must
            raise
        self.snapshots_built += 1
        entry.text.set_result(text)
        return text

    def publish(self, committed: Sequence[Event]) -> None:
        for event in committed:
            self.admissions.meeting_changed(event.meeting_id, event.seq)
            self._snapshots.pop((event.meeting_id, False), None)
            self._snapshots.pop((event.meeting_id, True), None)
            self.hub.publish(event.meeting_id, event.seq, protocol.encode_event(
                event.seq, event.event, event.data, event.at, event.actor))
            if event.event == "participant.removed":
                self.hub.revoke(int(event.data["user_id"]), event.meeting_id)

    def user_revoked(self, user_id: int) -> None:
        self.admissions.user_changed(user_id)
        self.hub.revoke(user_id)

    def user_changed(self, user_id: int) -> None:
        """The user's account changed (role, unit, name...): their sockets stay, but the next
        handshake reads them again."""
        self.admissions.user_changed(user_id)

    def session_ended(self, token_hash: str) -> None:
        self.admissions.session_ended(token_hash)
        for sub in self._sessions.pop(token_hash, set()):
            self.hub.drop(sub, CLOSE_POLICY_VIOLATION, "signed out")

    def track(self, token_hash: str, sub: Subscription) -> None:
        self._sessions.setdefault(token_hash, set()).add(sub)

    def untrack(self, token_hash: str, sub: Subscription) -> None:
        subs = self._sessions.get(token_hash)
        if subs is not None:
            subs.discard(sub)
            if not subs:
                del self._sessions[token_hash]


class _Sender:
    def __init__(self, websocket: WebSocket) -> None:
        self.websocket = websocket
        frames = websocket.scope.get("extensions", {}).get(FRAMES)
        if frames is not None:  # served by transport.MeetingWebSocketProtocol
            self.write_now: Callable[[bytes], bool] = frames["write_frame"]

    async def send(self, text: str) -> None:
        await self.websocket.send_text(text)

    async def close(self, code: int, reason: str) -> None:
        try:
            await self.websocket.close(code, reason)
        except (RuntimeError, OSError, WebSocketDisconnect):
            pass


@dataclass(frozen=True, slots=True)
class _Admission:
    user: User
    token_hash: str
    sees_drafts: bool
    generation: int  # Admissions.generation when checked
    seq: int  # the meeting's last seq when checked


async def _admit(websocket: WebSocket, live: Live, settings: Settings,
                 meeting_id: int) -> _Admission | None:
    """Whether the socket may follow the meeting (None: refuse it). From memory when the
    token's session, the user's role in the meeting and the meeting's seq are known (see
    live/admission.py); otherwise what is missing is read in one read transaction."""
    cred = auth.credential(websocket)
    if cred is None:
        return None
    if cred[0] == "cookie" and not auth.origin_allowed(websocket, settings):
        return None
    cache = live.admissions
    digest = auth.token_hash(settings, cred[1])
    now = utc_now()
    session = cache.session(digest)
    if session is not None:
        try:
            auth.check_session(session.user, session.expires_at, session.last_active, now,
                               settings)
        except NotSignedIn:
            session = None
    known = cache.role(meeting_id, session.user.id) if session is not None else None
    seq = cache.seq(meeting_id)
    if session is not None and known is not None and seq is not None:
        cache.hits += 1
        return _decide(session.user, digest, known[0], known[1], cache.generation, seq)
    cache.misses += 1
    generation = cache.generation
    async with live.reads, live.db.read() as conn:
        if session is None:
            found = await auth.current_session(websocket, conn, settings)
            if found is None:
                return None
            session = Session(found.user, found.expires_at, found.last_active,
                              time.monotonic())
            cache.keep_session(digest, session, generation)
        user = session.user
        meeting, role = await meetings.with_role(conn, meeting_id, user.id)
        seq = await events.last_seq(conn, meeting_id)
    cache.saw_seq(meeting_id, seq)
    if meeting is None:
        return None
    cache.keep_role(meeting, user.id, role, seq, generation)
    return _decide(user, digest, meeting, role, generation, seq)


def _decide(user: User, token_hash: str, meeting: Meeting, role: str | None, generation: int,
            seq: int) -> _Admission | None:
    if not access.can_follow_live(user, role):
        return None
    sees_drafts = access.meeting_access(user, meeting, role).sees_drafts
    return _Admission(user, token_hash, sees_drafts, generation, seq)


async def meeting_socket(websocket: WebSocket) -> None:
    context = websocket.app.context
    db: Database = context.db
    live: Live = context.live
    meeting_id = websocket.path_params["id"]
    admitted = await _admit(websocket, live, context.settings, meeting_id)
    if admitted is None:
        await websocket.close(CLOSE_POLICY_VIOLATION)
        return
    user, token_hash = admitted.user, admitted.token_hash
    await websocket.accept()
    sub: Subscription | None = None
    try:
        hello = await _await_hello(websocket)
        if hello is None:
            return
        sub = live.hub.subscribe(meeting_id, user.id, _Sender(websocket))
        live.track(token_hash, sub)
        # From here a revocation closes this socket. One between the handshake and now (the
        # session ended, the user removed from the meeting) did not: check again.
        if (admitted.generation != live.admissions.generation
                or live.admissions.seq(meeting_id) != admitted.seq):
            again = await _admit(websocket, live, context.settings, meeting_id)
            if again is None or again.user.id != user.id:
                live.hub.drop(sub, CLOSE_POLICY_VIOLATION, "access revoked")
                await sub.wait_closed()
                return
            admitted = again
        first, after = await _catch_up(db, context.settings, live, user, meeting_id,
                                       admitted.sees_drafts, hello.last_seq)
        sub.start(first, after)
        await _receive_loop(websocket, db, sub, user, meeting_id)
    except WebSocketDisconnect:
        pass
    except TimeoutError:
        await _Sender(websocket).close(CLOSE_POLICY_VIOLATION, "no hello")
    finally:
        if sub is not None:
            live.untrack(token_hash, sub)
            live.hub.unsubscribe(sub)


async def _receive(websocket: WebSocket) -> str | bytes:
    message = await websocket.receive()
    if message["type"] == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    text: str | None = message.get("text")
    return text if text is not None else bytes(message.get("bytes") or b"")


async def _await_hello(websocket: WebSocket) -> protocol.Hello | None:
    """Wait for hello, answering pings and errors meanwhile."""
    async with asyncio.timeout(HELLO_TIMEOUT):
        while True:
            text = await _receive(websocket)
            try:
                message = protocol.decode_client_message(text)
            except protocol.ProtocolError as exc:
                await websocket.send_text(protocol.encode_error(exc.code, exc.message))
                continue
            if isinstance(message, protocol.Hello):
                return message
            if isinstance(message, protocol.Ping):
                await websocket.send_text(protocol.encode_pong())
            else:
                await websocket.send_text(protocol.encode_error(
                    "hello_first", "Send hello before anything else."))


async def _catch_up(db: Database, settings: Settings, live: Live, user: User, meeting_id: int,
                    sees_drafts: bool, last_seq: int | None) -> tuple[list[str], int]:
    """The missed events after ``last_seq``, or a snapshot when they cannot be replayed: a
    ``last_seq`` unknown, in the future or older than the log keeps, more missed events than
    MEETING_WS_REPLAY_EVENTS or MEETING_WS_REPLAY_KB, or one logged in an older format.
    A tablet already at the meeting's last seq (known in memory) reads nothing."""
    known = live.admissions.seq(meeting_id)
    if last_seq is not None and last_seq == known:  # back after a blink of the Wi-Fi
        return [], known
    async with live.reads, db.read() as conn:
        last = await events.last_seq(conn, meeting_id)
        live.admissions.saw_seq(meeting_id, last)
        if last_seq == last:
            return [], last
        oldest = await events.first_seq(conn, meeting_id)
        if (last_seq is not None and last_seq <= last
                and (last_seq >= oldest - 1 or last_seq == last)
                and last - last_seq <= settings.ws_replay_events):
            missed = await _replay(conn, meeting_id, last_seq, settings.ws_replay_kb * 1024)
            if missed is not None:
                return missed
        snapshot = await live.snapshot(conn, user, meeting_id, sees_drafts, last,
                                       db.clock.today())
    return [snapshot], last


async def _replay(conn: Conn, meeting_id: int, after: int, max_bytes: int
                  ) -> tuple[list[str], int] | None:
    """The events after ``after`` as messages and the last one's seq, read a page at a time;
    None as soon as they come to more than ``max_bytes`` or one cannot be replayed."""
    messages: list[str] = []
    size = 0
    while page := await events.page(conn, meeting_id, after, REPLAY_PAGE, max_bytes):
        for e in page:
            if not protocol.replayable(e.event, e.data):
                return None
            messages.append(protocol.encode_event(e.seq, e.event, e.data, e.at, e.actor))
            size += len(messages[-1].encode())
            if size > max_bytes:
                return None
        after = page[-1].seq
    return messages, after


async def _receive_loop(websocket: WebSocket, db: Database, sub: Subscription, user: User,
                        meeting_id: int) -> None:
    while not sub.closed:
        text = await _receive(websocket)
        try:
            message = protocol.decode_client_message(text)
        except protocol.ProtocolError as exc:
            sub.reply(protocol.encode_error(exc.code, exc.message))
            continue
        if isinstance(message, protocol.Ping):
            sub.reply(protocol.encode_pong())
        elif isinstance(message, protocol.Hello):
            sub.reply(protocol.encode_error("already_started", "hello was already received."))
        elif isinstance(message, protocol.PresenterPage):
            try:
                async with db.read() as conn:
                    standing = await meeting_queries.meeting_access(conn, user, meeting_id)
                standing.require_lead()
                await meeting_service.set_presenter(db, standing, message.document_id,
                                                    message.page)
            except HTTPError as exc:
                sub.reply(protocol.encode_error(exc.code, exc.message))
