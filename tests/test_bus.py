"""Two instances on one database and one real Redis: events and revocations cross over.

Both instances run in this process on the same data dir (one SQLite file, as two processes
would share it, or one PostgreSQL) with ``MEETING_REDIS_URL`` pointing at a redis-server
started for the test. A third context on the same data dir without Redis plays an instance
that died between its commit and its publish: its events reach Redis never.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as redis
from cluster_support import RedisServer, redis_server
from liveclient import Tablet
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from meeting_server.live.bus import CHANNEL, ClusterLive

from conftest import Server, Template, World, eventually, running


@dataclass
class Pair:
    a: World
    b: World
    redis: RedisServer
    data_dir: Path
    template: Template

    def live(self, world: World) -> ClusterLive:
        live = world.server.app.context.live
        assert isinstance(live, ClusterLive)
        return live


async def world_on(data_dir: Path, template: Template, **overrides: Any
                   ) -> AsyncGenerator[World]:
    async with running(data_dir, template.sessions, **overrides) as server:
        server.facts = template.facts
        yield await World.of(server)


@pytest.fixture
async def pair(tmp_path: Path, world_template: Template) -> AsyncIterator[Pair]:
    data_dir = tmp_path / "data"
    world_template.copy(data_dir)
    with redis_server(tmp_path / "redis") as server:
        a_worlds = world_on(data_dir, world_template, redis_url=server.url)
        b_worlds = world_on(data_dir, world_template, redis_url=server.url)
        a = await anext(a_worlds)
        b = await anext(b_worlds)
        try:
            yield Pair(a, b, server, data_dir, world_template)
        finally:
            for worlds in (b_worlds, a_worlds):
                await worlds.aclose()


def token(client: httpx.AsyncClient) -> str:
    return client.headers["authorization"].split()[1]


async def tablet_on(world: World, client: httpx.AsyncClient) -> Tablet:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(client))
    snapshot = await tablet.receive()
    assert snapshot["type"] == "snapshot"
    return tablet


async def add_item(world: World, title: str) -> int:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": title})
    assert r.status_code == 201, r.text
    return await last_seq(world)


async def last_seq(world: World) -> int:
    r = await world.secretary.get(f"/api/meetings/{world.meeting_id}/events")
    return int(r.json()["last_seq"])


def seqs(tablet: Tablet) -> list[int]:
    return [e["seq"] for e in tablet.events]


async def closed_code(tablet: Tablet) -> int | None:
    try:
        while True:
            await tablet.receive()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def test_an_event_written_on_one_instance_reaches_the_tablets_of_the_other(
        pair: Pair) -> None:
    tablet = await tablet_on(pair.b, pair.b.member)
    start = tablet.seq
    assert start is not None

    seq = await add_item(pair.a, "Báo cáo của Sở Nội vụ")

    await tablet.until_seq(seq)
    assert seqs(tablet) == [seq] == [start + 1]
    assert tablet.events[0]["event"] == "agenda.changed"
    assert tablet.events[0]["data"]["agenda_item"]["title"] == "Báo cáo của Sở Nội vụ"
    await tablet.close()


async def test_writes_on_both_instances_reach_every_tablet_once_each_in_seq_order(
        pair: Pair) -> None:
    tablets = [await tablet_on(pair.a, pair.a.member), await tablet_on(pair.b, pair.b.member),
               await tablet_on(pair.a, pair.a.chair), await tablet_on(pair.b, pair.b.chair)]
    start = tablets[0].seq
    assert start is not None and all(t.seq == start for t in tablets)

    async def writes(world: World, name: str) -> None:
        for i in range(15):
            await add_item(world, f"{name} {i}")

    await asyncio.gather(writes(pair.a, "A"), writes(pair.b, "B"))
    last = await last_seq(pair.a)

    assert last == start + 30
    for tablet in tablets:
        await tablet.until_seq(last)
        assert seqs(tablet) == list(range(start + 1, last + 1))
        await tablet.close()


async def test_an_event_never_published_is_read_from_the_log_before_the_next_one(
        pair: Pair) -> None:
    tablet = await tablet_on(pair.b, pair.b.member)
    async with running(pair.data_dir, pair.template.sessions) as silent:
        silent.facts = pair.template.facts
        lost = await add_item(await World.of(silent), "Không qua Redis")
    seq = await add_item(pair.a, "Qua Redis")

    await tablet.until_seq(seq)

    assert seqs(tablet) == [lost, seq]
    assert [e["data"]["agenda_item"]["title"] for e in tablet.events] == [
        "Không qua Redis", "Qua Redis"]
    assert pair.live(pair.b).gaps >= 1
    await tablet.close()


async def test_the_last_event_never_published_still_reaches_the_other_instance(
        pair: Pair) -> None:
    tablet = await tablet_on(pair.b, pair.b.member)
    async with running(pair.data_dir, pair.template.sessions) as silent:
        silent.facts = pair.template.facts
        lost = await add_item(await World.of(silent), "Cuối cùng")

    await tablet.until_seq(lost)  # by the periodic comparison with the log

    assert seqs(tablet) == [lost]
    await tablet.close()


async def test_a_copy_of_a_delivered_event_is_dropped(pair: Pair) -> None:
    tablet = await tablet_on(pair.b, pair.b.member)
    seq = await add_item(pair.a, "Một lần")
    await tablet.until_seq(seq)
    received = pair.live(pair.b).received
    copy = {"from": "another", "events": [[pair.a.meeting_id, seq, "agenda.changed",
                                           tablet.events[0]["data"], tablet.events[0]["at"],
                                           None]]}
    async with redis.Redis.from_url(pair.redis.url) as client:
        await client.publish(CHANNEL, json.dumps(copy))
    await eventually(lambda: pair.live(pair.b).received > received)

    following = await add_item(pair.a, "Tiếp theo")

    await tablet.until_seq(following)
    assert seqs(tablet) == [seq, following]
    await tablet.close()


async def test_events_written_while_redis_restarts_reach_the_other_instance_once(
        pair: Pair) -> None:
    tablet = await tablet_on(pair.b, pair.b.member)
    there = await tablet_on(pair.a, pair.a.chair)
    pair.redis.kill()
    during = [await add_item(pair.a, f"Khi Redis dừng {i}") for i in range(3)]
    pair.redis.start()

    await tablet.until_seq(during[-1])
    after = await add_item(pair.b, "Sau khi Redis chạy lại")
    await tablet.until_seq(after)
    await there.until_seq(after)

    assert seqs(tablet) == [*during, after]
    assert seqs(there) == [*during, after]
    await tablet.close()
    await there.close()


async def test_events_the_log_no_longer_holds_restart_the_meetings_sockets(pair: Pair) -> None:
    tablet = await tablet_on(pair.b, pair.b.member)
    async with pair.a.server.app.context.db.transaction() as tx:  # a seq with no event
        await tx.execute("UPDATE meetings SET last_seq = last_seq + 1 WHERE id = ?",
                         (pair.a.meeting_id,))

    await add_item(pair.a, "Sau khoảng trống")

    assert await closed_code(tablet) == 1013  # it reconnects and resumes from the log


async def test_a_participant_removed_on_one_instance_is_closed_on_the_other(
        pair: Pair) -> None:
    tablet = await tablet_on(pair.b, pair.b.member)

    r = await pair.a.secretary.delete(
        f"/api/meetings/{pair.a.meeting_id}/participants/{pair.a.users['snv']}")

    assert r.status_code == 204
    assert await closed_code(tablet) == 1008


async def test_a_user_deactivated_on_one_instance_is_closed_on_the_other(pair: Pair) -> None:
    tablet = await tablet_on(pair.b, pair.b.member)
    chair = await tablet_on(pair.b, pair.b.chair)

    r = await pair.a.admin.patch(f"/api/users/{pair.a.users['snv']}", json={"active": False})

    assert r.status_code == 200, r.text
    assert await closed_code(tablet) == 1008
    seq = await add_item(pair.a, "Vẫn họp")
    await chair.until_seq(seq)
    await chair.close()


async def test_a_password_changed_on_one_instance_closes_the_users_sockets_on_the_other(
        pair: Pair) -> None:
    tablet = await tablet_on(pair.b, pair.b.member)

    r = await pair.a.admin.patch(f"/api/users/{pair.a.users['snv']}",
                                 json={"password": "một mật khẩu mới rất dài 2026"})

    assert r.status_code == 200, r.text
    assert await closed_code(tablet) == 1008


async def test_signing_out_on_one_instance_closes_that_sessions_sockets_on_the_other(
        pair: Pair) -> None:
    tablet = await tablet_on(pair.b, pair.b.member)
    other = await pair.b.server.login("snv")
    laptop = await tablet_on(pair.b, other)

    r = await pair.a.member.delete("/api/session")

    assert r.status_code == 204
    assert await closed_code(tablet) == 1008
    seq = await add_item(pair.a, "Phiên khác vẫn nhận")
    await laptop.until_seq(seq)
    assert seqs(laptop) == [seq]
    await laptop.close()


async def test_ready_reports_the_database_and_redis(pair: Pair) -> None:
    anon: Server = pair.a.server
    async with anon.client() as client:
        r = await client.get("/health/ready")
        assert r.status_code == 200
        assert r.json() == {"status": "ok", "database": "ok", "redis": "ok"}
        pair.redis.kill()
        r = await client.get("/health/ready")
        assert r.status_code == 200
        assert r.json()["redis"] == "unreachable"
        pair.redis.start()


# ── The handshakes' cache (live/admission.py) with several instances ──────────────────────────

async def refused_on(world: World, bearer: str) -> bool:
    try:
        ws = await connect(f"{world.server.ws_url}/ws/meetings/{world.meeting_id}",
                           compression=None,
                           additional_headers={"Authorization": f"Bearer {bearer}"})
    except InvalidStatus as exc:
        assert exc.response.status_code == 403
        return True
    await ws.close()
    return False


async def test_signed_out_on_one_instance_refused_on_the_other(pair: Pair) -> None:
    bearer = token(pair.b.member)
    await (await tablet_on(pair.b, pair.b.member)).close()  # cached on b
    cache = pair.live(pair.b).admissions
    assert cache.trusted and cache._sessions
    tablet = await tablet_on(pair.b, pair.b.member)

    r = await pair.a.member.delete("/api/session")
    assert r.status_code == 204

    # The bus brought it when b closed the open socket: from then on b refuses the token.
    try:
        while True:
            await tablet.receive()
    except Exception:
        pass
    assert await refused_on(pair.b, bearer)


async def test_deactivated_on_one_instance_refused_on_the_other(pair: Pair) -> None:
    bearer = token(pair.b.member)
    await (await tablet_on(pair.b, pair.b.member)).close()
    cache = pair.live(pair.b).admissions
    before = cache.generation
    r = await pair.a.admin.patch(f"/api/users/{pair.a.users['snv']}", json={"active": False})
    assert r.status_code == 200, r.text
    await eventually(lambda: cache.generation > before)
    assert await refused_on(pair.b, bearer)


async def test_without_redis_every_handshake_reads_the_database(pair: Pair) -> None:
    bearer = token(pair.b.member)
    await (await tablet_on(pair.b, pair.b.member)).close()
    cache = pair.live(pair.b).admissions
    assert cache._sessions
    pair.redis.stop()
    try:
        await eventually(lambda: not cache.trusted)
        assert not cache._sessions
        # Revoked on a while the bus is down: b still refuses, reading the database.
        r = await pair.a.member.delete("/api/session")
        assert r.status_code == 204
        misses = cache.misses
        assert await refused_on(pair.b, bearer)
        assert cache.misses == misses + 1
    finally:
        pair.redis.start()
    await eventually(lambda: cache.trusted)
