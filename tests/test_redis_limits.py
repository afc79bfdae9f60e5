"""Sign-in limits shared in Redis: failures on one instance hold back guesses on another.

Two apps on one data dir with ``MEETING_REDIS_URL`` pointing at a redis-server started for the
test; the clients choose their address (203.0.113.0/24 attacks, 198.51.100.0/24 is the user).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from cluster_support import RedisServer, redis_server

from meeting_server.live.bus import connect
from meeting_server.ratelimit import Bucket
from meeting_server.ratelimit_redis import RedisLimiter

from conftest import PASSWORD, Server, Template, running

ATTACKER = "203.0.113.66"
REAL_USER = "198.51.100.7"


@pytest.fixture
async def redis_url(tmp_path: Path) -> AsyncIterator[RedisServer]:
    with redis_server(tmp_path / "redis") as server:
        yield server


def client_from(server: Server, address: str) -> httpx.AsyncClient:
    return server.client(transport=httpx.ASGITransport(app=server.app, client=(address, 4711)))


async def guess(client: httpx.AsyncClient, password: str = "wrong password") -> httpx.Response:
    return await client.post("/api/session", json={"username": "admin", "password": password})


async def test_failures_on_one_instance_hold_back_guesses_on_the_other(
        tmp_path: Path, admin_template: Template, redis_url: RedisServer) -> None:
    data_dir = tmp_path / "data"
    admin_template.copy(data_dir)
    async with (running(data_dir, signin_delay="60", redis_url=redis_url.url) as a,
                running(data_dir, signin_delay="60", redis_url=redis_url.url) as b):
        assert isinstance(a.app.context.limiter, RedisLimiter)
        free = a.settings.signin_account_failures

        on_a = [(await guess(client_from(a, ATTACKER))).status_code for _ in range(free)]
        on_b = await guess(client_from(b, ATTACKER))
        real = await guess(client_from(b, REAL_USER), PASSWORD)

    assert on_a == [401] * free
    assert on_b.status_code == 429
    assert on_b.json()["error"]["code"] == "too_many_attempts"
    assert 55 <= int(on_b.headers["Retry-After"]) <= 60
    assert real.status_code == 200


async def test_failures_counted_at_once_by_two_instances_are_all_counted(
        redis_url: RedisServer) -> None:
    async with connect(redis_url.url) as client:
        a, b = RedisLimiter(client, 1, 900), RedisLimiter(client, 1, 900)
        bucket = Bucket("address:203.0.113.9", 3)

        await asyncio.gather(*(limiter.failed([bucket]) for _ in range(100)
                               for limiter in (a, b)))

        assert await a.failures(bucket) == await b.failures(bucket) == 200
        assert 899 <= await b.wait([bucket]) <= 900
        await a.succeeded([bucket])
        assert await b.failures(bucket) == 0
        assert await b.wait([bucket]) == 0


async def test_the_back_off_follows_the_same_rule_as_in_memory(redis_url: RedisServer) -> None:
    async with connect(redis_url.url) as client:
        limiter = RedisLimiter(client, 2, 900)
        bucket = Bucket("account:thuky", 2)

        waits = []
        for _ in range(4):
            await limiter.failed([bucket])
            waits.append(await limiter.wait([bucket]))

        assert waits[0] == 0 and waits[1] == pytest.approx(2, abs=0.5)
        assert waits[2] == pytest.approx(4, abs=0.5) and waits[3] == pytest.approx(8, abs=0.5)
        ttl = await client.pttl("meeting-server:limit:account:thuky")
        assert 1_799_000 < ttl <= 1_800_000


async def test_a_bucket_is_forgotten_twice_max_delay_after_its_last_failure(
        redis_url: RedisServer) -> None:
    async with connect(redis_url.url) as client:
        limiter = RedisLimiter(client, 0.05, 0.1)
        bucket = Bucket("address:203.0.113.10", 0)
        await limiter.failed([bucket])
        assert await limiter.failures(bucket) == 1

        while await limiter.failures(bucket):
            await asyncio.sleep(0.02)  # expires after 0.2 s (Redis's clock)

        assert await limiter.wait([bucket]) == 0


async def test_with_redis_down_sign_in_still_answers_and_counts_here(
        tmp_path: Path, admin_template: Template, redis_url: RedisServer) -> None:
    data_dir = tmp_path / "data"
    admin_template.copy(data_dir)
    async with running(data_dir, signin_delay="60", redis_url=redis_url.url) as a:
        redis_url.kill()
        free = a.settings.signin_account_failures

        statuses = [(await guess(client_from(a, ATTACKER))).status_code for _ in range(free + 1)]
        real = await guess(client_from(a, REAL_USER), PASSWORD)
        redis_url.start()

    assert statuses == [401] * free + [429]
    assert real.status_code == 200
