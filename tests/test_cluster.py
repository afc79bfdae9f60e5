"""Two ``meeting-server serve`` processes behind the real HAProxy, on PostgreSQL and Redis.

Everything is real and on loopback: a PostgreSQL (tests/pg_support.py), a redis-server, two
server processes on one data dir and one database, and HAProxy with ``deploy/haproxy.cfg`` as
shipped. Tablets connect through HAProxy (its ``X-Served-By`` header tells which instance took
each one) and follow the presenter while a secretary writes through HAProxy. Instance A is
killed with SIGKILL in the middle: its tablets reconnect through HAProxy to B and resume from
their last seq. Nothing may be missed or repeated, every acknowledged write must be there, and
every tablet must be back within 10 s.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pdfs
import pg_support
import pytest
from cluster_support import HAProxy, Instance, RedisServer, haproxy, redis_server
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from conftest import PASSWORD, run_base

pytestmark = pytest.mark.slow

MEMBERS = 8
TABLETS = 24
#: Every tablet of the killed instance must be following again within this.
RESUME_LIMIT = 10.0
WAIT = 120.0


@dataclass
class Cluster:
    a: Instance
    b: Instance
    proxy: HAProxy
    redis: RedisServer
    env: dict[str, str]


def command(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", "meeting_server", *args], env=env,
                          input=stdin, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def cluster(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    found = pg_support.cluster(run_base(tmp_path_factory))
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = pg_support.new_database(found, data_dir)
    with redis_server(tmp_path / "redis") as redis:
        env = {"MEETING_DATA_DIR": str(data_dir), "MEETING_DATABASE_URL": url,
               "MEETING_REDIS_URL": redis.url, "MEETING_LOG_LEVEL": "warning"}
        # As docs/deployment.md: migrate and add the first admin once, before the instances.
        full = {**os.environ, **env}
        command(full, "migrate")
        command(full, "user", "add", "admin", "--name", "Quản trị viên", "--role", "admin",
                "--password-stdin", stdin=PASSWORD + "\n")
        a = Instance("a", tmp_path / "a", env)
        b = Instance("b", tmp_path / "b", env)
        try:
            a.start()
            b.start()
            with haproxy(tmp_path / "haproxy", a.address, b.address) as proxy:
                yield Cluster(a, b, proxy, redis, env)
        finally:
            a.stop()
            b.stop()


# ----------------------------------------------------------------------------- the clients


@dataclass
class Tablet:
    """A tablet that follows the meeting through the balancer and reconnects when cut."""

    name: str
    url: str
    meeting_id: int
    token: str
    seq: int | None = None
    presenter: dict[str, Any] | None = None
    #: Every event seq received, in order, across connections.
    seqs: list[int] = field(default_factory=list)
    snapshots: int = 0
    #: The instance of each connection, in order.
    served_by: list[str] = field(default_factory=list)
    #: When each connection after the first was following again (pong received).
    resumed_at: list[float] = field(default_factory=list)
    cut_at: list[float] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    stop: bool = False

    async def run(self) -> None:
        while not self.stop:
            try:
                await self._connection()
            except (ConnectionClosed, OSError, InvalidStatus, TimeoutError):
                pass
            if not self.stop:
                self.cut_at.append(time.monotonic())
                await asyncio.sleep(0.05)

    async def _connection(self) -> None:
        async with connect(f"{self.url}/ws/meetings/{self.meeting_id}", compression=None,
                           open_timeout=10,
                           additional_headers={"Authorization": f"Bearer {self.token}"}) as ws:
            assert ws.response is not None
            self.served_by.append(ws.response.headers.get("X-Served-By", "?"))
            await ws.send(json.dumps({"type": "hello", "last_seq": self.seq}))
            await ws.send(json.dumps({"type": "ping"}))
            async for text in ws:
                message = json.loads(text)
                if message["type"] == "snapshot":
                    self.snapshots += 1
                    self.seq = message["seq"]
                    self.presenter = message["state"]["presenter"]
                elif message["type"] == "event":
                    self.seqs.append(message["seq"])
                    self.seq = message["seq"]
                    if message["event"] == "presenter.page":
                        data = message["data"]
                        self.presenter = None if data["document_id"] is None else data
                elif message["type"] == "pong":
                    if self.ready.is_set():
                        self.resumed_at.append(time.monotonic())
                    self.ready.set()
                if self.stop:
                    return


@dataclass
class Writer:
    """The secretary, writing through the balancer; a write that gets no answer is sent
    again with the same Idempotency-Key until it is answered."""

    client: httpx.AsyncClient
    meeting_id: int
    document_id: int
    acknowledged: list[str] = field(default_factory=list)
    retried: int = 0
    last_page: int = 1

    async def send(self, method: str, path: str, body: dict[str, Any]) -> httpx.Response:
        key = str(uuid.uuid4())
        while True:
            try:
                r = await self.client.request(method, path, json=body,
                                              headers={"Idempotency-Key": key})
                if r.status_code < 500:
                    assert r.status_code in (200, 201), r.text
                    return r
            except httpx.TransportError:
                pass
            self.retried += 1
            await asyncio.sleep(0.05)

    async def write(self, i: int) -> None:
        title = f"Mục {i}"
        await self.send("POST", f"/api/meetings/{self.meeting_id}/agenda-items",
                        {"title": title})
        self.acknowledged.append(title)
        self.last_page = i % 4 + 1
        await self.send("PUT", f"/api/meetings/{self.meeting_id}/presenter",
                        {"document_id": self.document_id, "page": self.last_page})


async def prepare(base: str) -> tuple[httpx.AsyncClient, int, int, list[str]]:
    """Through the balancer: a secretary, members, a meeting with a 4-page document; the
    secretary's client, the meeting, the document, and one member token per member."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as anon:
        r = await anon.post("/api/session", json={"username": "admin", "password": PASSWORD})
        assert r.status_code == 200, r.text
        admin = {"Authorization": f"Bearer {r.json()['token']}"}
        ids = {}
        for username, role in [("thuky", "secretary")] + [
                (f"tv{i}", "member") for i in range(MEMBERS)]:
            r = await anon.post("/api/users", headers=admin, json={
                "username": username, "name": f"Người {username}", "role": role,
                "password": PASSWORD})
            assert r.status_code == 201, r.text
            ids[username] = r.json()["id"]
        tokens = {}
        for username in ids:
            r = await anon.post("/api/session",
                                json={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[username] = r.json()["token"]
    secretary = httpx.AsyncClient(base_url=base, timeout=60,
                                  headers={"Authorization": f"Bearer {tokens['thuky']}"})
    r = await secretary.post("/api/meetings", json={
        "title": "Phiên họp trên hai máy chủ", "starts_at": "2026-12-02T08:00:00+07:00"})
    assert r.status_code == 201, r.text
    meeting = r.json()["id"]
    for i in range(MEMBERS):
        r = await secretary.post(f"/api/meetings/{meeting}/participants",
                                 json={"user_id": ids[f"tv{i}"], "role": "member"})
        assert r.status_code == 201, r.text
    r = await secretary.post(f"/api/meetings/{meeting}/agenda-items",
                             json={"title": "Tài liệu"})
    item = r.json()["id"]
    r = await secretary.post(f"/api/agenda-items/{item}/documents", files={
        "file": (pdfs.FOUR_PAGES, pdfs.sample(pdfs.FOUR_PAGES), "application/pdf")})
    assert r.status_code == 201, r.text
    return secretary, meeting, r.json()["id"], [tokens[f"tv{i}"] for i in range(MEMBERS)]


async def test_instance_killed_mid_meeting_its_tablets_resume_on_the_other_with_nothing_missed(
        cluster: Cluster) -> None:
    base = cluster.proxy.url
    secretary, meeting, document, tokens = await prepare(base)
    ws_base = base.replace("http://", "ws://")
    tablets = [Tablet(f"t{i}", ws_base, meeting, tokens[i % MEMBERS]) for i in range(TABLETS)]
    tasks = [asyncio.create_task(t.run()) for t in tablets]
    writer = Writer(secretary, meeting, document)
    try:
        async with asyncio.timeout(WAIT):
            await asyncio.gather(*(t.ready.wait() for t in tablets))
        on_a = [t for t in tablets if t.served_by[0] == "a"]
        on_b = [t for t in tablets if t.served_by[0] == "b"]
        assert on_a and on_b, [t.served_by for t in tablets]

        for i in range(10):
            await writer.write(i)
        async with asyncio.timeout(WAIT):
            await until(lambda: all(t.presenter is not None and t.presenter["page"]
                                    == writer.last_page for t in tablets))

        # kill -9 A while the writes go on through the balancer.
        writing = asyncio.create_task(write_many(writer, 10, 40))
        await until(lambda: len(writer.acknowledged) >= 15)
        killed_at = time.monotonic()
        cluster.a.kill()
        await writing
        last = await last_seq(secretary, meeting)

        async with asyncio.timeout(WAIT):
            await until(lambda: all(t.seq == last for t in tablets))
    finally:
        for t in tablets:
            t.stop = True
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # No duplicate or missing seq, on every tablet, across its reconnections.
    for t in tablets:
        assert t.snapshots == 1, (t.name, t.snapshots)
        first = t.seqs[0]
        assert t.seqs == list(range(first, last + 1)), (t.name, t.served_by, t.seqs)
    # Every acknowledged write is there, once.
    state = (await secretary.get(f"/api/meetings/{meeting}")).json()
    titles = [item["title"] for item in state["agenda_items"]]
    assert sorted(titles.count(title) for title in writer.acknowledged) == [1] * 40
    assert len(writer.acknowledged) == 40
    # Every tablet follows the same presenter, the last one set.
    expected = {"document_id": document, "version": 1, "page": writer.last_page}
    assert state["presenter"] == expected
    assert all(t.presenter == expected for t in tablets)
    # A's tablets moved to B and were back within RESUME_LIMIT; B's were never cut.
    for t in on_a:
        assert t.served_by[-1] == "b", (t.name, t.served_by)
        assert t.resumed_at and t.resumed_at[-1] - killed_at < RESUME_LIMIT, (
            t.name, [r - killed_at for r in t.resumed_at])
    assert all(t.served_by == ["b"] for t in on_b), [t.served_by for t in on_b]
    resumed = max(t.resumed_at[-1] - killed_at for t in on_a)
    print(f"{len(on_a)} tablets of A resumed on B within {resumed:.2f} s; "
          f"{writer.retried} write(s) sent again")
    await secretary.aclose()


async def write_many(writer: Writer, start: int, stop: int) -> None:
    for i in range(start, stop):
        await writer.write(i)


async def last_seq(client: httpx.AsyncClient, meeting: int) -> int:
    r = await client.get(f"/api/meetings/{meeting}/events")
    return int(r.json()["last_seq"])


async def until(condition: Any) -> None:
    while not condition():
        await asyncio.sleep(0.02)
