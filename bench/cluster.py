"""Several instances: cross-instance delivery against one instance, PostgreSQL's write path
against SQLite's.

Run from the repository root with the venv active (needs Debian's postgresql and
redis-server)::

    python bench/cluster.py [--tablets 1000] [--events 60]

Everything runs on loopback in processes of its own: a PostgreSQL made for the run (initdb in a
temp dir, fsync on, as in production), a redis-server, and ``python -m meeting_server serve``
instances. The tablets (real ``websockets`` clients) and the writer share this process, so the
client-side costs are the same in every row.

1. *One instance, SQLite* (today's default): N tablets on it, the writer on it.
2. *One instance, PostgreSQL*, without Redis: the same on PostgreSQL.
3. *One instance, PostgreSQL + Redis*: instance A of the cluster alone: N tablets on A, the
   writer on A (instance B runs, with no tablet).
4. *Two instances*: N/2 tablets on A and N/2 on B, the writer on A; B's tablets get each event
   through Redis (``meeting_server/live/bus.py``).

Latency is from just before the writer's ``PUT`` (current item, alternating) to each tablet
having parsed the event, in a closed loop (the next write once every tablet has the previous).
Then the write path with no tablet: the same ``PUT`` on SQLite and on PostgreSQL.

Targets (issue 17): cross-instance p99 under 50 ms at 1,000 tablets, and within 1.5x of one
instance. Exits non-zero only on errors; a missed target is printed as MISSED.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import pwd
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import uvloop
from _server import ROOT, BenchError, median, percentile, table, verdict
from websockets.asyncio.client import ClientConnection, connect

PASSWORD = "bench-password-not-secret"
CROSS_P99_MS = 50.0
CROSS_RATIO = 1.5
WRITE_PATH_REQUESTS = 200
CONNECT_CONCURRENCY = 25
EVENT_TIMEOUT = 30.0
START_TIMEOUT = 90.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def raise_nofile() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def wait_for(ready: Any, what: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        if proc.poll() is not None:
            raise BenchError(f"{what} exited: {log.read_text(errors='replace')[-1500:]}")
        if time.monotonic() > deadline:
            raise BenchError(f"{what} did not start in {START_TIMEOUT:.0f} s")
        time.sleep(0.05)


def stop(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- the services ---------------------------------------------------------------------------

class Postgres:
    """A PostgreSQL cluster of its own, as the ``postgres`` user when run as root."""

    def __init__(self, folder: Path) -> None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        if not found:
            raise BenchError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = found[-1].parent
        self.folder = folder / "pg"
        self.port = free_port()
        self.run = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/meeting"

    def start(self) -> None:
        self.folder.mkdir(parents=True)
        if self.run:
            entry = pwd.getpwnam("postgres")
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        data = self.folder / "data"
        subprocess.run([*self.run, str(self.bin / "initdb"), "-D", str(data), "-U", "postgres",
                        "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"],
                       check=True, capture_output=True)
        options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
                   " -c max_connections=200")
        subprocess.run([*self.run, str(self.bin / "pg_ctl"), "-D", str(data), "-o", options,
                        "-l", str(self.folder / "server.log"), "-w", "-t", "60", "start"],
                       check=True, capture_output=True)
        subprocess.run([str(self.bin / "psql"), "-X", "-q", "-h", "127.0.0.1", "-p",
                        str(self.port), "-U", "postgres", "-c", "CREATE DATABASE meeting"],
                       check=True, capture_output=True)

    def stop(self) -> None:
        subprocess.run([*self.run, str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"),
                        "-m", "fast", "-w", "stop"], capture_output=True)


class Redis:
    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise BenchError("redis-server is not installed (apt-get install redis-server)")
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = self.folder / "redis.log"
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--dir", str(self.folder)],
                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)

        def ready() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    return b"+PONG" in sock.recv(16)
            except OSError:
                return False

        wait_for(ready, "redis-server", self.proc, log)


class Instance:
    """``python -m meeting_server serve`` on a port of its own."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name = name
        self.env = {**os.environ, "MEETING_LOG_LEVEL": "warning", **env}
        self.port = free_port()
        self.log = folder / f"{name}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self, *args: str, stdin: str | None = None) -> None:
        done = subprocess.run([sys.executable, "-m", "meeting_server", *args], env=self.env,
                              input=stdin.encode() if stdin else None, capture_output=True,
                              cwd=ROOT, timeout=120)
        if done.returncode != 0:
            raise BenchError(f"meeting_server {' '.join(args)}: {done.stderr.decode()[-800:]}")

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "meeting_server", "serve", "--host", "127.0.0.1",
                 "--port", str(self.port)],
                env=self.env, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT)

        def ready() -> bool:
            try:
                return httpx.get(f"{self.url}/health/ready", timeout=2).status_code == 200
            except httpx.TransportError:
                return False

        wait_for(ready, f"instance {self.name}", self.proc, self.log)

    def problems(self) -> list[str]:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return [line for line in text.splitlines() if "Traceback" in line or "ERROR" in line]


# --- tablets and the writer -------------------------------------------------------------------

class Arrivals:
    def __init__(self, tablets: int) -> None:
        self.tablets = tablets
        self.counts: dict[int, int] = {}
        self.waiters: dict[int, asyncio.Future[None]] = {}

    def arrived(self, seq: int) -> None:
        self.counts[seq] = count = self.counts.get(seq, 0) + 1
        if count == self.tablets and (waiter := self.waiters.pop(seq, None)) is not None:
            waiter.set_result(None)

    async def all_have(self, seq: int) -> None:
        if self.counts.get(seq, 0) >= self.tablets:
            return
        self.waiters[seq] = waiter = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(waiter, EVENT_TIMEOUT)
        except TimeoutError:
            raise BenchError(f"only {self.counts.get(seq, 0)} of {self.tablets} tablets got "
                             f"event {seq} within {EVENT_TIMEOUT:.0f} s") from None


@dataclass
class Tablet:
    ws: ClientConnection
    instance: str
    arrivals: Arrivals
    times: dict[int, float] = field(default_factory=dict)
    snapshot: asyncio.Future[int] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future())
    task: asyncio.Task[None] | None = None

    async def run(self) -> None:
        async for text in self.ws:
            now = time.perf_counter()
            message = json.loads(text)
            if message["type"] == "event":
                self.times[message["seq"]] = now
                self.arrivals.arrived(message["seq"])
            elif message["type"] == "snapshot" and not self.snapshot.done():
                self.snapshot.set_result(message["seq"])


async def open_tablets(where: list[tuple[Instance, int]], meeting: int, token: str,
                       arrivals: Arrivals) -> tuple[list[Tablet], int]:
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def one(instance: Instance) -> Tablet:
        async with gate:
            ws = await connect(f"ws://127.0.0.1:{instance.port}/ws/meetings/{meeting}",
                               compression=None, open_timeout=60, max_queue=None,
                               additional_headers={"Authorization": f"Bearer {token}"})
            tablet = Tablet(ws, instance.name, arrivals)
            tablet.task = asyncio.create_task(tablet.run())
            await ws.send(json.dumps({"type": "hello", "last_seq": None}))
            await asyncio.wait_for(asyncio.shield(tablet.snapshot), 60)
            return tablet

    tablets = await asyncio.gather(*(one(i) for i, n in where for _ in range(n)))
    seqs = {t.snapshot.result() for t in tablets}
    if len(seqs) != 1:
        raise BenchError(f"tablets got snapshots at different seqs: {sorted(seqs)}")
    return list(tablets), seqs.pop()


async def close_tablets(tablets: list[Tablet]) -> None:
    await asyncio.gather(*(t.ws.close() for t in tablets), return_exceptions=True)
    await asyncio.gather(*(t.task for t in tablets if t.task), return_exceptions=True)


@dataclass
class Meeting:
    client: httpx.AsyncClient
    token: str
    id: int = 0
    items: list[int] = field(default_factory=list)
    step: int = 0

    async def setup(self) -> None:
        r = await self.client.post("/api/meetings", json={
            "title": "Bench: cluster", "starts_at": "2019-07-05T08:00:00+07:00"})
        self.id = expect(r, 201)["id"]
        for title in ("Báo cáo cải cách hành chính", "Dịch vụ công trực tuyến"):
            r = await self.client.post(f"/api/meetings/{self.id}/agenda-items",
                                       json={"title": title})
            self.items.append(expect(r, 201)["id"])

    async def write(self, client: httpx.AsyncClient | None = None) -> None:
        self.step += 1
        r = await (client or self.client).put(
            f"/api/meetings/{self.id}/current-item",
            json={"agenda_item_id": self.items[self.step % 2]})
        expect(r, 200)


def expect(response: httpx.Response, status: int) -> Any:
    if response.status_code != status:
        raise BenchError(f"{response.request.method} {response.request.url.path}: "
                         f"{response.status_code} {response.text[:300]}")
    return response.json() if response.content else None


async def signed_in(instance: Instance) -> tuple[httpx.AsyncClient, str]:
    r = await httpx.AsyncClient(base_url=instance.url).post(
        "/api/session", json={"username": "admin", "password": PASSWORD})
    token = expect(r, 200)["token"]
    return httpx.AsyncClient(base_url=instance.url, timeout=60,
                             headers={"Authorization": f"Bearer {token}"}), token


@dataclass
class Row:
    label: str
    latencies: dict[str, list[float]]  # per instance name

    def all(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]


async def run(label: str, meeting: Meeting, writer: httpx.AsyncClient,
              where: list[tuple[Instance, int]], events: int) -> Row:
    arrivals = Arrivals(sum(n for _, n in where))
    tablets, seq = await open_tablets(where, meeting.id, meeting.token, arrivals)
    latencies: dict[str, list[float]] = {i.name: [] for i, _ in where}
    try:
        for _ in range(events):
            seq += 1
            sent = time.perf_counter()
            await meeting.write(writer)
            await arrivals.all_have(seq)
            for t in tablets:
                latencies[t.instance].append(t.times[seq] - sent)
    finally:
        await close_tablets(tablets)
    return Row(label, latencies)


async def write_path(meeting: Meeting, client: httpx.AsyncClient) -> list[float]:
    times = []
    for _ in range(WRITE_PATH_REQUESTS):
        before = time.perf_counter()
        await meeting.write(client)
        times.append(time.perf_counter() - before)
    return times


def ms(values: list[float], fraction: float | None = None) -> str:
    value = median(values) if fraction is None else percentile(values, fraction)
    return f"{value * 1e3:.2f}"


# --- the run ------------------------------------------------------------------------------------

async def bench(folder: Path, count: int, events: int) -> bool:
    postgres, redis = Postgres(folder), Redis(folder)
    sqlite = Instance("sqlite", {"MEETING_DATA_DIR": str(folder / "sqlite")}, folder)
    shared = {"MEETING_DATA_DIR": str(folder / "shared"), "MEETING_DATABASE_URL": postgres.url,
              "MEETING_REDIS_URL": redis.url}
    a, b = Instance("a", shared, folder), Instance("b", shared, folder)
    alone = {k: v for k, v in shared.items() if k != "MEETING_REDIS_URL"}
    plain = Instance("postgresql", {**alone, "MEETING_DATA_DIR": str(folder / "plain")}, folder)
    instances = [sqlite, plain, a, b]
    try:
        print("  starting PostgreSQL, Redis and four instances ...", flush=True)
        postgres.start()
        redis.start()
        for instance in (sqlite, a):
            instance.command("migrate")
            instance.command("user", "add", "admin", "--name", "Bench Admin", "--role",
                             "admin", "--password-stdin", stdin=PASSWORD + "\n")
        for instance in instances:
            instance.start()

        lite_client, lite_token = await signed_in(sqlite)
        a_client, a_token = await signed_in(a)
        plain_client, plain_token = await signed_in(plain)
        lite = Meeting(lite_client, lite_token)
        await lite.setup()
        pg = Meeting(a_client, a_token)
        await pg.setup()
        pg_alone = Meeting(plain_client, plain_token)
        await pg_alone.setup()

        print("  the write path, no tablets: SQLite, PostgreSQL ...", flush=True)
        path_sqlite = await write_path(lite, lite_client)
        path_pg = await write_path(pg, a_client)

        half = count // 2
        rows = []
        print(f"  {count} tablets on one instance, SQLite ...", flush=True)
        rows.append(await run("one instance, SQLite", lite, lite_client, [(sqlite, count)],
                              events))
        print(f"  {count} tablets on one instance, PostgreSQL without Redis ...", flush=True)
        rows.append(await run("one instance, PostgreSQL", pg_alone, plain_client,
                              [(plain, count)], events))
        print(f"  {count} tablets on one instance, PostgreSQL + Redis ...", flush=True)
        rows.append(await run("one instance, PostgreSQL + Redis", pg, a_client, [(a, count)],
                              events))
        print(f"  {half} + {count - half} tablets on two instances, writer on A ...",
              flush=True)
        rows.append(await run("two instances (A + B), writer on A", pg, a_client,
                              [(a, half), (b, count - half)], events))
        for client in (lite_client, a_client, plain_client):
            await client.aclose()
        problems = [f"{i.name}: {p}" for i in instances for p in i.problems()]
        if problems:
            raise BenchError("instances logged errors:\n" + "\n".join(problems[:20]))
    finally:
        for instance in instances:
            stop(instance.proc)
        stop(redis.proc)
        postgres.stop()

    print()
    print(f"Write path with no tablet: PUT current-item, {WRITE_PATH_REQUESTS} requests (ms)")
    print(table(["database", "median", "p95", "p99"], [
        ["SQLite", ms(path_sqlite), ms(path_sqlite, 0.95), ms(path_sqlite, 0.99)],
        ["PostgreSQL", ms(path_pg), ms(path_pg, 0.95), ms(path_pg, 0.99)]]))
    print(f"  RATIO PostgreSQL / SQLite: median {median(path_pg) / median(path_sqlite):.2f}x, "
          f"p95 {percentile(path_pg, 0.95) / percentile(path_sqlite, 0.95):.2f}x "
          "(no target: informational)")
    print()
    print(f"Delivery per (tablet, event), {count} tablets, closed loop of {events} writes (ms)")
    table_rows = []
    for row in rows:
        for name, values in [("all", row.all())] + (
                list(row.latencies.items()) if len(row.latencies) > 1 else []):
            table_rows.append([row.label, name, len(values), ms(values), ms(values, 0.95),
                               ms(values, 0.99), f"{max(values) * 1e3:.2f}"])
    print(table(["setup", "tablets on", "samples", "median", "p95", "p99", "max"], table_rows))
    single = percentile(rows[2].all(), 0.99)
    cross = percentile(rows[3].latencies["b"], 0.99)
    both = percentile(rows[3].all(), 0.99)
    ratio = cross / single
    under = cross * 1e3 < CROSS_P99_MS
    within = ratio <= CROSS_RATIO
    print()
    print(f"  cross-instance p99 (tablets on B, writer on A): {cross * 1e3:.2f} ms "
          f"(target < {CROSS_P99_MS:.0f} ms: {verdict(under)})")
    print(f"  RATIO cross-instance p99 / one instance p99 (same PostgreSQL + Redis): "
          f"{ratio:.2f}x (target <= {CROSS_RATIO}x: {verdict(within)})")
    print(f"  RATIO two instances p99 (all tablets) / one instance p99: {both / single:.2f}x; "
          f"one instance on PostgreSQL + Redis / on SQLite p99: "
          f"{single / percentile(rows[0].all(), 0.99):.2f}x (informational)")
    return under and within


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tablets", type=int, default=1000)
    parser.add_argument("--events", type=int, default=60)
    args = parser.parse_args()
    raise_nofile()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"bench/cluster.py — {os.cpu_count()} CPUs, load average {load}")
    folder = Path(tempfile.mkdtemp(prefix="meeting-cluster-"))
    if os.geteuid() == 0:
        os.chmod(folder, 0o755)
    started = time.perf_counter()
    try:
        met = uvloop.run(bench(folder, args.tablets, args.events))
    except (BenchError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        print(f"error: {exc} {detail.decode(errors='replace') if detail else ''}",
              file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"\nSummary: {'all targets met' if met else 'some targets MISSED'} "
          f"({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
