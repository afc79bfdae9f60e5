"""A city on one box: 10,000 idle tablets over 500 meetings, a busy meeting, a reconnect storm,
1,000 tablets in one meeting and one writer's events/s — against bare websockets, in one run.

Run from the repository root with the venv active::

    python bench/city.py

Each system runs in a process of its own, one after the other, and gets the same load:

*Server*: ``python -m meeting_server serve`` (uvicorn under uvloop). Tablets are real
``websockets`` clients (compression off, no client pings) with the admin's bearer token on
``/ws/meetings/{id}``; each says ``hello`` and waits for its snapshot. The chair turns pages with
``PUT /api/meetings/{id}/presenter`` (the real HTTP path, acknowledged after the commit).

*Baseline*: a bare ``websockets.asyncio.server`` (this script with ``--bare-server``, uvloop,
default buffers): a room per meeting path, a snapshot on hello (none when the tablet's
``last_seq`` is current), ``pong`` for ``ping``; the writer sends each event over a WebSocket,
the server numbers it, serialises it once, ``broadcast()``s it to the room and answers "ok".

The load generator is ``WORKERS`` processes of tablets (so it is not the bottleneck), driven
over pipes by this process, which also holds the writer. Times are CLOCK_MONOTONIC, the same in
every process: a page turn's latency is from just before its request is sent to the moment the
*last* tablet of the meeting has parsed it. Page turns are paced (one every ``TURN_INTERVAL``
once the previous one is acknowledged), as a chair turns pages.

Scenarios, per system:

1. **City**: 10,000 idle tablets over 500 meetings (20 each) connect (``CONNECT_CONCURRENCY``
   handshakes in flight per worker); the server's RSS (``VmRSS`` of its process only) before and
   after gives the memory per idle socket.
2. **Busy meeting**: 20 more tablets follow ``TURNS`` page turns while the 10,000 idle.
3. **Reconnect storm**: the 10,000 idle sockets are dropped at once (the tablets' side aborts
   the TCP connections, as a Wi-Fi outage seen through a relay) and every tablet reconnects as
   ``static/live.js`` does (first attempt 0.4-0.7 s after the drop, then its back-off; at most
   ``STORM_CONCURRENCY`` handshakes in flight per tablet process) with its ``last_seq``; a
   tablet has caught up when the answer to a ``ping`` sent right after its hello arrives (it
   comes after the replay or snapshot). Meanwhile the chair keeps turning pages in the busy
   meeting.
4. **1,000 tablets in one meeting** (the idle city gone): ``TURNS`` page turns.
5. **One writer**: 200 tablets in one meeting, ``BURST`` back-to-back page turns (each waits for
   its acknowledgement); events/s until every tablet has the last one.

Exits 0 when it ran (a missed target prints MISSED), 2 on an error.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import multiprocessing.connection
import os
import random
import resource
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvloop
from _server import (
    CORPUS,
    BareProcess,
    BenchError,
    ServerProcess,
    median,
    percentile,
    table,
    verdict,
)
from websockets.exceptions import WebSocketException

IDLE_MEETINGS = 500
IDLE_PER_MEETING = 20
BUSY_TABLETS = 20
BIG_TABLETS = 1000
WRITER_TABLETS = 200
TURNS = 100
TURN_INTERVAL = 0.05
BURST = 200
WORKERS = 5  # one for the busy meeting, four for the rest
CONNECT_CONCURRENCY = 50  # handshakes in flight per worker
# Per worker: 2,000 reconnections in flight in all, as many as the servers' listen backlog.
STORM_CONCURRENCY = 500
CONNECT_TIMEOUT = 30.0
RETRIES = 20
COLLECT_TIMEOUT = 60.0
PRESENTER_PDF = CORPUS / "pdflatex-4-pages.pdf"

# Targets (issue 16).
RSS_LIMIT_MIB = 400
RSS_RATIO = 2.0
BUSY_P99_MS = 50
BUSY_RATIO = 5.0
BIG_P99_MS = 100
BIG_RATIO = 2.0
STORM_SECONDS = 15
STORM_BUSY_P99_MS = 200
WRITER_RATIO = 2.0


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise BenchError(f"no VmRSS for {pid}")


def raise_nofile() -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def load() -> str:
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


# --- the bare baseline (its own process) ---------------------------------------------------

async def bare_server() -> None:
    from websockets.asyncio.server import ServerConnection, broadcast, serve
    from websockets.exceptions import ConnectionClosed

    rooms: dict[str, set[ServerConnection]] = {}
    seqs: dict[str, int] = {}

    async def handler(ws: ServerConnection) -> None:
        assert ws.request is not None
        path = ws.request.path
        if path == "/writer":
            async for message in ws:
                order = json.loads(message)
                room = order["room"]
                seq = seqs[room] = seqs.get(room, 0) + 1
                event = order["event"]
                event["seq"] = seq
                broadcast(rooms.get(room, ()), dumps(event))
                await ws.send("ok")
            return
        room = rooms.setdefault(path, set())
        try:
            hello = json.loads(await ws.recv())
            last = hello.get("last_seq")
            current = seqs.get(path, 0)
            room.add(ws)
            if last is None or last != current:
                await ws.send(dumps({"type": "snapshot", "seq": current, "state": {}}))
            async for message in ws:
                if json.loads(message).get("type") == "ping":
                    await ws.send('{"type":"pong"}')
        except ConnectionClosed:
            pass  # the storm aborts connections
        finally:
            room.discard(ws)

    loop = asyncio.get_running_loop()
    stop: asyncio.Future[None] = loop.create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.cancel)
    # The server's listen backlog and, as our server has none, no opening handshake timeout.
    async with serve(handler, "127.0.0.1", 0, compression=None, backlog=2048,
                     open_timeout=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"Serving on ws://127.0.0.1:{port}/", flush=True)
        try:
            await stop
        except asyncio.CancelledError:
            pass


# --- tablet workers (processes of their own) -----------------------------------------------

class Tablet:
    __slots__ = ("url", "headers", "ws", "task", "last_seq", "times", "ready", "caught_up")

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.url = url
        self.headers = headers
        self.ws: Any = None
        self.task: asyncio.Task[None] | None = None
        self.last_seq: int | None = None
        self.times: dict[int, float] = {}
        self.ready: asyncio.Future[None] | None = None
        self.caught_up: asyncio.Future[None] | None = None

    async def open(self, resume: bool) -> None:
        from websockets.asyncio.client import connect

        loop = asyncio.get_running_loop()
        self.ready = loop.create_future()
        self.ws = await connect(self.url, compression=None, additional_headers=self.headers,
                                open_timeout=CONNECT_TIMEOUT, ping_interval=None,
                                max_queue=None)
        self.task = loop.create_task(self.read(self.ws))
        await self.ws.send(dumps({"type": "hello",
                                  "last_seq": self.last_seq if resume else None}))
        if resume:
            await self.ws.send('{"type":"ping"}')
        await self.ready

    async def read(self, ws: Any) -> None:
        try:
            async for text in ws:
                now = time.monotonic()
                message = json.loads(text)
                kind = message.get("type")
                if kind == "event":
                    self.last_seq = message["seq"]
                    self.times[message["seq"]] = now
                elif kind == "snapshot":
                    self.last_seq = message["seq"]
                    if self.ready is not None and not self.ready.done():
                        self.ready.set_result(None)
                elif kind == "pong":
                    if self.ready is not None and not self.ready.done():
                        self.ready.set_result(None)
                elif kind == "error":
                    raise BenchError(f"the server answered an error: {message}")
        except Exception as exc:
            if self.ready is not None and not self.ready.done():
                self.ready.set_exception(exc)


class Worker:
    def __init__(self, pipe: multiprocessing.connection.Connection) -> None:
        self.pipe = pipe
        self.groups: dict[str, list[Tablet]] = {}
        self.retries = 0

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            command, args = await loop.run_in_executor(None, self.pipe.recv)
            if command == "quit":
                break
            try:
                answer = await getattr(self, command)(*args)
            except Exception as exc:
                answer = BenchError(f"worker {command}: {exc!r}")
            self.pipe.send(answer)
        for tablets in self.groups.values():
            await self.close_all(tablets)

    async def open(self, group: str, base: str, headers: dict[str, str],
                   plan: list[tuple[int, int]]) -> tuple[float, float]:
        tablets = [Tablet(f"{base}/ws/meetings/{meeting}", headers)
                   for meeting, count in plan for _ in range(count)]
        self.groups[group] = tablets
        started = time.monotonic()
        await self.gather(tablets, CONNECT_CONCURRENCY, resume=False)
        return started, time.monotonic()

    async def gather(self, tablets: list[Tablet], concurrency: int, resume: bool) -> list[float]:
        gate = asyncio.Semaphore(concurrency)
        started = time.monotonic()

        async def one(tablet: Tablet) -> float:
            if resume:  # static/live.js: the first attempt 0.4-0.7 s after the socket closed
                await asyncio.sleep(backoff(1))
            for attempt in range(RETRIES + 1):
                try:
                    async with gate:
                        await asyncio.wait_for(tablet.open(resume), CONNECT_TIMEOUT)
                    break
                except (OSError, TimeoutError, WebSocketException) as exc:
                    if tablet.ws is not None:
                        tablet.ws.transport.abort()
                    if attempt == RETRIES:
                        raise BenchError(f"a tablet could not connect: {exc!r}") from exc
                    self.retries += 1
                    await asyncio.sleep(backoff(attempt + 2))  # as static/live.js does
            return time.monotonic() - started

        return list(await asyncio.gather(*(one(t) for t in tablets)))

    async def storm(self, group: str) -> tuple[float, list[float]]:
        tablets = self.groups[group]
        for tablet in tablets:  # as a Wi-Fi outage: no close frames, the TCP connections die
            tablet.ws.transport.abort()
        for tablet in tablets:
            if tablet.task is not None:
                await asyncio.wait([tablet.task])
        started = time.monotonic()
        return started, await self.gather(tablets, STORM_CONCURRENCY, resume=True)

    async def take_retries(self, group: str) -> int:
        retries, self.retries = self.retries, 0
        return retries

    async def last_seqs(self, group: str) -> list[int | None]:
        return list({t.last_seq for t in self.groups[group]})

    async def collect(self, group: str, seqs: list[int]) -> dict[int, float]:
        """Per seq, when the last tablet of the group had it (waits until all have all)."""
        tablets = self.groups[group]
        deadline = time.monotonic() + COLLECT_TIMEOUT
        while any(seq not in t.times for t in tablets for seq in seqs):
            if time.monotonic() > deadline:
                missing = sum(seq not in t.times for t in tablets for seq in seqs)
                raise BenchError(f"{missing} (tablet, event) pairs never arrived")
            await asyncio.sleep(0.01)
        return {seq: max(t.times[seq] for t in tablets) for seq in seqs}

    async def close(self, group: str) -> int:
        tablets = self.groups.pop(group)
        await self.close_all(tablets)
        return len(tablets)

    @staticmethod
    async def close_all(tablets: list[Tablet]) -> None:
        gate = asyncio.Semaphore(200)

        async def one(t: Tablet) -> None:
            async with gate:
                try:
                    await asyncio.wait_for(t.ws.close(), 10)
                except Exception:
                    t.ws.transport.abort()
                if t.task is not None:
                    await asyncio.wait([t.task])

        await asyncio.gather(*(one(t) for t in tablets))


def backoff(retry: int) -> float:
    """static/live.js's delay before reconnection attempt ``retry`` (1, 2, ...), in seconds."""
    return 0.3 * 1.8 ** min(retry, 4) * (0.75 + random.random() / 2)


def worker_main(pipe: multiprocessing.connection.Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    uvloop.run(Worker(pipe).run())


class Workers:
    """The tablet processes; ``call`` sends one command to each and gathers the answers."""

    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("fork")
        self.pipes: list[multiprocessing.connection.Connection] = []
        self.procs: list[Any] = []
        for _ in range(count):
            ours, theirs = context.Pipe()
            proc = context.Process(target=worker_main, args=(theirs,), daemon=True)
            proc.start()
            theirs.close()
            self.pipes.append(ours)
            self.procs.append(proc)

    def of(self, group: str) -> list[int]:
        """The workers that hold ``group``: the busy meeting's tablets have one to themselves,
        so that the storm's reconnecting tablets do not slow the busy meeting's client side."""
        if group == "busy":
            return [0]
        if group == "idle":
            return list(range(1, len(self.pipes)))
        return list(range(len(self.pipes)))

    async def call(self, command: str, group: str, per_worker: list[tuple[Any, ...]]
                   ) -> list[Any]:
        loop = asyncio.get_running_loop()
        pipes = [self.pipes[i] for i in self.of(group)]
        for pipe, args in zip(pipes, per_worker, strict=True):
            pipe.send((command, (group, *args)))
        answers = await asyncio.gather(*(loop.run_in_executor(None, p.recv) for p in pipes))
        for answer in answers:
            if isinstance(answer, BaseException):
                raise answer
        return list(answers)

    async def each(self, command: str, group: str, *args: Any) -> list[Any]:
        return await self.call(command, group, [args] * len(self.of(group)))

    def stop(self) -> None:
        for pipe in self.pipes:
            try:
                pipe.send(("quit", ()))
            except OSError:
                pass
        for proc in self.procs:
            proc.join(30)
            if proc.is_alive():
                proc.kill()


def spread(meetings: list[tuple[int, int]], workers: int) -> list[list[tuple[int, int]]]:
    """Meetings' tablets dealt over the workers, each meeting's split as evenly as can be."""
    plans: list[list[tuple[int, int]]] = [[] for _ in range(workers)]
    turn = 0
    for meeting, count in meetings:
        for w in range(workers):
            share = count // workers + (1 if (w + turn) % workers < count % workers else 0)
            if share:
                plans[w].append((meeting, share))
        turn += count % workers
    return plans


# --- the two systems -----------------------------------------------------------------------

class System:
    name = ""
    pid = 0
    ws_base = ""
    headers: dict[str, str] = {}
    big = busy = writer = 0
    idle: list[int] = []

    async def setup(self) -> None: ...

    async def turn(self, meeting: int, step: int) -> None: ...

    async def aclose(self) -> None: ...


class OurServer(System):
    name = "server"

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.pid = server.pid
        self.ws_base = server.ws_url
        self.headers = server.headers()
        self.client = httpx.AsyncClient(base_url=server.url, headers=self.headers, timeout=60)
        self.documents: dict[int, tuple[int, int]] = {}
        self.shown: dict[int, int] = {}

    async def meeting(self, title: str, document: bool) -> int:
        r = _json(await self.client.post("/api/meetings", json={
            "title": title, "starts_at": "2019-07-05T08:00:00+07:00",
            "location": "Phòng họp 1"}), 201)
        meeting = int(r["id"])
        if document:
            item = _json(await self.client.post(f"/api/meetings/{meeting}/agenda-items",
                                                json={"title": "Báo cáo kinh tế - xã hội"}), 201)
            with open(PRESENTER_PDF, "rb") as file:
                doc = _json(await self.client.post(
                    f"/api/agenda-items/{item['id']}/documents",
                    files={"file": (PRESENTER_PDF.name, file.read(), "application/pdf")}), 201)
            self.documents[meeting] = (doc["id"], doc["page_count"])
        return meeting

    async def setup(self) -> None:
        self.busy = await self.meeting("Bench: họp bận", True)
        self.big = await self.meeting("Bench: 1.000 máy tính bảng", True)
        self.writer = await self.meeting("Bench: một người ghi", True)
        gate = asyncio.Semaphore(4)

        async def idle(n: int) -> int:
            async with gate:
                return await self.meeting(f"Bench: họp {n + 1}", False)

        self.idle = list(await asyncio.gather(*(idle(n) for n in range(IDLE_MEETINGS))))

    async def turn(self, meeting: int, step: int) -> None:
        document, pages = self.documents[meeting]
        page = step % pages + 1
        if page == self.shown.get(meeting):  # every turn must change the page
            page = page % pages + 1
        self.shown[meeting] = page
        _json(await self.client.put(f"/api/meetings/{meeting}/presenter", json={
            "document_id": document, "page": page}), 200)

    async def aclose(self) -> None:
        await self.client.aclose()


class BareServer(System):
    name = "bare websockets"

    def __init__(self, bare: BareProcess) -> None:
        self.pid = bare.pid
        self.ws_base = bare.url
        self.busy, self.big, self.writer = 1, 2, 3
        self.idle = list(range(10, 10 + IDLE_MEETINGS))
        self.conn: Any = None

    async def setup(self) -> None:
        from websockets.asyncio.client import connect

        self.conn = await connect(f"{self.ws_base}/writer", compression=None,
                                  ping_interval=None)

    async def turn(self, meeting: int, step: int) -> None:
        event = {"type": "event", "seq": 0, "event": "presenter.page",
                 "data": {"document_id": 1, "page": step % 4 + 1, "document_title":
                          "pdflatex-4-pages.pdf", "version": 1},
                 "at": "2019-07-05T08:00:00+07:00", "actor": 1}
        await self.conn.send(dumps({"room": f"/ws/meetings/{meeting}", "event": event}))
        if await self.conn.recv() != "ok":
            raise BenchError("the bare server did not acknowledge")

    async def aclose(self) -> None:
        if self.conn is not None:
            await self.conn.close()


def _json(response: httpx.Response, status: int) -> Any:
    if response.status_code != status:
        raise BenchError(f"{response.request.method} {response.request.url.path} answered "
                         f"{response.status_code}, expected {status}: {response.text[:300]}")
    return response.json()


# --- measurements --------------------------------------------------------------------------

@dataclass
class Outcome:
    system: str
    rss_before_kib: int = 0
    rss_after_kib: int = 0
    connect_seconds: float = 0.0
    busy: list[float] = field(default_factory=list)  # seconds, per turn, to the last tablet
    storm_seconds: float = 0.0
    storm_p50: float = 0.0
    storm_busy: list[float] = field(default_factory=list)
    big: list[float] = field(default_factory=list)
    events_per_second: float = 0.0
    retries: int = 0
    load: str = ""

    @property
    def per_socket_kib(self) -> float:
        return (self.rss_after_kib - self.rss_before_kib) / (IDLE_MEETINGS * IDLE_PER_MEETING)


class Turns:
    """The chair's page turns in one meeting, and their send times by seq."""

    def __init__(self, system: System, meeting: int, seq: int) -> None:
        self.system = system
        self.meeting = meeting
        self.seq = seq
        self.sent: dict[int, float] = {}

    async def one(self) -> None:
        self.seq += 1
        self.sent[self.seq] = time.monotonic()
        await self.system.turn(self.meeting, self.seq)

    async def paced(self, count: int | None, until: Callable[[], bool] | None = None) -> None:
        n = 0
        while (count is not None and n < count) or (until is not None and not until()):
            started = time.monotonic()
            await self.one()
            n += 1
            await asyncio.sleep(max(0.0, TURN_INTERVAL - (time.monotonic() - started)))


async def latencies(workers: Workers, group: str, turns: Turns,
                    seqs: list[int] | None = None) -> list[float]:
    seqs = seqs if seqs is not None else sorted(turns.sent)
    answers = await workers.each("collect", group, seqs)
    return [max(a[seq] for a in answers) - turns.sent[seq] for seq in seqs]


async def open_group(workers: Workers, system: System, group: str,
                     meetings: list[tuple[int, int]]) -> float:
    plans = spread(meetings, len(workers.of(group)))
    answers = await workers.call("open", group, [(system.ws_base, system.headers, plan)
                                                 for plan in plans])
    return float(max(end for _, end in answers) - min(start for start, _ in answers))


async def run_system(system: System, workers: Workers,
                     progress: Callable[[str], None]) -> Outcome:
    out = Outcome(system.name)
    await system.setup()
    # Seqs: a fresh meeting's events are numbered by the server; turns are counted from the seq
    # the busy tablets' snapshot had, which a first turn (unmeasured) tells.
    progress("busy meeting's 20 tablets, warm-up")
    await open_group(workers, system, "busy", [(system.busy, BUSY_TABLETS)])
    busy = Turns(system, system.busy, await base_seq(workers, system, "busy", system.busy))
    out.rss_before_kib = rss_kib(system.pid)
    progress(f"{IDLE_MEETINGS * IDLE_PER_MEETING} idle tablets over {IDLE_MEETINGS} meetings")
    out.connect_seconds = await open_group(
        workers, system, "idle", [(m, IDLE_PER_MEETING) for m in system.idle])
    out.rss_after_kib = rss_kib(system.pid)
    progress(f"busy meeting: {TURNS} page turns, {TURN_INTERVAL * 1e3:.0f} ms apart")
    busy.sent.clear()
    await busy.paced(TURNS)
    out.busy = await latencies(workers, "busy", busy)
    progress("reconnect storm, the busy meeting turning pages")
    busy.sent.clear()
    storm = asyncio.ensure_future(workers.each("storm", "idle"))
    await busy.paced(None, storm.done)
    answers = await storm
    start = min(s for s, _ in answers)
    done = [s - start + t for s, times in answers for t in times]
    out.storm_seconds = max(done)
    out.storm_p50 = median(done)
    out.storm_busy = await latencies(workers, "busy", busy)
    out.load = load()
    out.retries = sum(await workers.each("take_retries", "big"))
    progress("closing the city")
    await workers.each("close", "idle")
    await workers.each("close", "busy")
    progress(f"{BIG_TABLETS} tablets in one meeting: {TURNS} page turns")
    await open_group(workers, system, "big", [(system.big, BIG_TABLETS)])
    big = Turns(system, system.big, await base_seq(workers, system, "big", system.big))
    big.sent.clear()
    await big.paced(TURNS)
    out.big = await latencies(workers, "big", big)
    await workers.each("close", "big")
    progress(f"one writer, {WRITER_TABLETS} tablets: {BURST} back-to-back page turns")
    await open_group(workers, system, "writer", [(system.writer, WRITER_TABLETS)])
    writer = Turns(system, system.writer,
                   await base_seq(workers, system, "writer", system.writer))
    writer.sent.clear()
    started = time.monotonic()
    for _ in range(BURST):
        await writer.one()
    answers = await workers.each("collect", "writer", [writer.seq])
    out.events_per_second = BURST / (max(a[writer.seq] for a in answers) - started)
    await workers.each("close", "writer")
    await system.aclose()
    return out


async def base_seq(workers: Workers, system: System, group: str, meeting: int) -> int:
    """One unmeasured turn; the seq it got (the tablets' last) is where measured turns start."""
    turns = Turns(system, meeting, 0)
    await turns.one()
    deadline = time.monotonic() + COLLECT_TIMEOUT
    while True:
        seqs = await workers.each("last_seqs", group)
        flat = {s for w in seqs for s in w}
        if len(flat) == 1 and None not in flat:
            return int(flat.pop())
        if time.monotonic() > deadline:
            raise BenchError(f"the {group} tablets never agreed on a seq: {sorted(flat)}")
        await asyncio.sleep(0.02)


# --- report --------------------------------------------------------------------------------

def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.1f}"


def report(ours: Outcome, bare: Outcome) -> bool:
    rows = []
    for o in (ours, bare):
        rows.append([o.system, f"{o.rss_after_kib / 1024:.0f}", f"{o.per_socket_kib:.1f}",
                     f"{o.connect_seconds:.1f}", ms(median(o.busy)), ms(percentile(o.busy, .99)),
                     ms(max(o.busy)), f"{o.storm_seconds:.1f}", ms(percentile(o.storm_busy, .99)),
                     ms(median(o.big)), ms(percentile(o.big, .99)), f"{o.events_per_second:.0f}",
                     o.retries, o.load])
    print(table(["system", "RSS MiB", "KiB/socket", "connect s", "busy p50", "busy p99",
                 "busy max", "storm s", "storm busy p99", "1000 p50", "1000 p99", "ev/s",
                 "retries", "load (after storm)"], rows))
    print()
    checks: list[tuple[str, bool, str]] = []

    def check(name: str, ok: bool, measured: str) -> None:
        checks.append((name, ok, measured))

    rss = ours.rss_after_kib / 1024
    check(f"10,000 idle: server RSS under {RSS_LIMIT_MIB} MiB", rss < RSS_LIMIT_MIB,
          f"{rss:.0f} MiB")
    mem = ours.per_socket_kib / bare.per_socket_kib
    check(f"10,000 idle: memory per socket within {RSS_RATIO:.0f}x of bare", mem <= RSS_RATIO,
          f"{ours.per_socket_kib:.1f} / {bare.per_socket_kib:.1f} KiB = {mem:.2f}x")
    p99, bp99 = percentile(ours.busy, .99), percentile(bare.busy, .99)
    check(f"busy meeting p99 under {BUSY_P99_MS} ms", p99 * 1e3 < BUSY_P99_MS, f"{ms(p99)} ms")
    check(f"busy meeting p99 within {BUSY_RATIO:.0f}x of bare", p99 <= BUSY_RATIO * bp99,
          f"{ms(p99)} / {ms(bp99)} ms = {p99 / bp99:.2f}x")
    p99, bp99 = percentile(ours.big, .99), percentile(bare.big, .99)
    check(f"1,000 in one meeting p99 under {BIG_P99_MS} ms", p99 * 1e3 < BIG_P99_MS,
          f"{ms(p99)} ms")
    check(f"1,000 in one meeting p99 within {BIG_RATIO:.0f}x of bare", p99 <= BIG_RATIO * bp99,
          f"{ms(p99)} / {ms(bp99)} ms = {p99 / bp99:.2f}x")
    check(f"reconnect storm: all caught up within {STORM_SECONDS} s",
          ours.storm_seconds < STORM_SECONDS,
          f"{ours.storm_seconds:.1f} s (median tablet {ours.storm_p50:.1f} s; bare "
          f"{bare.storm_seconds:.1f} s = {ours.storm_seconds / bare.storm_seconds:.2f}x)")
    p99 = percentile(ours.storm_busy, .99)
    check(f"reconnect storm: busy meeting p99 under {STORM_BUSY_P99_MS} ms",
          p99 * 1e3 < STORM_BUSY_P99_MS,
          f"{ms(p99)} ms over {len(ours.storm_busy)} turns (bare "
          f"{ms(percentile(bare.storm_busy, .99))} ms)")
    ratio = bare.events_per_second / ours.events_per_second
    check(f"one writer, {WRITER_TABLETS} tablets: events/s within {WRITER_RATIO:.0f}x of bare",
          ratio <= WRITER_RATIO,
          f"{ours.events_per_second:.0f} / {bare.events_per_second:.0f} ev/s = 1/{ratio:.2f}")
    print(table(["target", "verdict", "measured"], [[n, verdict(ok), m] for n, ok, m in checks]))
    return all(ok for _, ok, _ in checks)


async def bench(workers: Workers) -> bool:
    def progress(system: str) -> Callable[[str], None]:
        def say(what: str) -> None:
            print(f"  [{time.monotonic() - T0:5.1f} s] {system}: {what} (load {load()})",
                  flush=True)
        return say

    with BareProcess(__file__, "--bare-server") as bare_proc:
        bare = await run_system(BareServer(bare_proc), workers, progress("bare"))
    with ServerProcess(label="city") as server:
        system = OurServer(server)
        ours = await run_system(system, workers, progress("server"))
        if server.problems():
            raise BenchError("server logged errors:\n" + "\n".join(server.problems()))
    print()
    return report(ours, bare)


T0 = time.monotonic()


def main() -> int:
    if sys.argv[1:] == ["--bare-server"]:
        raise_nofile()
        uvloop.run(bare_server())
        return 0
    limit = raise_nofile()
    print(f"bench/city.py — {os.cpu_count()} CPUs, load average {load()}, "
          f"open files limit {limit}, {WORKERS} tablet processes")
    workers = Workers(WORKERS)
    try:
        all_met = uvloop.run(bench(workers))
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        workers.stop()
    print(f"\nSummary: {'all targets met' if all_met else 'some targets MISSED'} "
          f"({time.monotonic() - T0:.0f} s, load average {load()})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
