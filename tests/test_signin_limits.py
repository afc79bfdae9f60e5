"""Sign-in and pairing cannot be guessed: failures back off, the real user still gets in.

Every test calls the app in-process, from client addresses it chooses (203.0.113.0/24 is the
attacker, 198.51.100.0/24 the real users), so a thousand guesses take a second or two.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from meeting_server import auth
from meeting_server.db import Database, Transaction
from meeting_server.ratelimit import Bucket, MemoryLimiter, client_address

from conftest import PASSWORD, Server

ATTACKER = "203.0.113.66"
REAL_USER = "198.51.100.7"


def client_from(server: Server, address: str) -> httpx.AsyncClient:
    return server.client(transport=httpx.ASGITransport(app=server.app, client=(address, 4711)))


def limiter(server: Server) -> MemoryLimiter:
    found = server.app.context.limiter
    assert isinstance(found, MemoryLimiter)
    return found


async def guess(client: httpx.AsyncClient, password: str = "wrong password",
                username: str = "admin") -> httpx.Response:
    return await client.post("/api/session", json={"username": username, "password": password})


def frozen(server: Server) -> list[float]:
    """The limiter's clock, moved only by the test: ``now[0] += seconds``."""
    now = [1000.0]
    limiter(server).now = lambda: now[0]
    return now


async def test_a_thousand_wrong_guesses_in_a_minute_are_refused_and_the_real_user_still_signs_in(
        server: Server) -> None:
    now = frozen(server)
    attacker = client_from(server, ATTACKER)

    statuses = []
    for _ in range(1000):
        statuses.append((await guess(attacker)).status_code)
        now[0] += 0.06
    real = await guess(client_from(server, REAL_USER), PASSWORD)

    free = server.settings.signin_account_failures
    assert statuses[:free] == [401] * free
    assert statuses.count(429) >= 1000 - 2 * free  # a check at 1, 3, 7, 15, 31 s: doubling
    assert real.status_code == 200


async def test_a_refused_guess_says_when_to_try_again(server: Server) -> None:
    frozen(server)
    attacker = client_from(server, ATTACKER)
    for _ in range(server.settings.signin_account_failures):
        await guess(attacker)

    refused = await guess(attacker)

    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert int(refused.headers["retry-after"]) >= 1


async def test_refused_guesses_hash_no_password(server: Server,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    checked: list[str] = []
    verify = auth.verify_password

    async def counting(password: str, stored: str | None) -> bool:
        checked.append(password)
        return await verify(password, stored)

    monkeypatch.setattr(auth, "verify_password", counting)
    frozen(server)
    attacker = client_from(server, ATTACKER)

    for _ in range(200):
        await guess(attacker)

    assert len(checked) == server.settings.signin_account_failures


@asynccontextmanager
async def counting_transactions(db: Database, monkeypatch: pytest.MonkeyPatch
                                ) -> AsyncIterator[list[int]]:
    opened: list[int] = []
    transaction = db.transaction

    @asynccontextmanager
    async def counted() -> AsyncIterator[Transaction]:
        opened.append(1)
        async with transaction() as tx:
            yield tx

    monkeypatch.setattr(db, "transaction", counted)
    yield opened


async def test_wrong_guesses_never_take_the_single_writer(
        server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    attacker = client_from(server, ATTACKER)
    async with counting_transactions(server.app.context.db, monkeypatch) as opened:
        for n in range(100):
            await attacker.post("/api/session/pair", json={"code": f"ABCD-{n:04d}"})
            await guess(attacker, username=f"user{n}")

    assert opened == []


async def test_wrong_pairing_codes_back_off_per_address(server: Server) -> None:
    frozen(server)
    attacker = client_from(server, ATTACKER)

    statuses = [(await attacker.post("/api/session/pair", json={"code": f"WXYZ-{n:04d}"}))
                .status_code for n in range(300)]

    free = server.settings.signin_address_failures
    assert statuses == [401] * free + [429] * (300 - free)


async def test_guessing_from_many_addresses_does_not_keep_the_real_user_out(
        server: Server) -> None:
    for n in range(1, 13):
        attacker = client_from(server, f"203.0.113.{n}")
        for _ in range(3):
            await guess(attacker)

    real = await guess(client_from(server, REAL_USER), PASSWORD)

    assert real.status_code == 200


async def test_guessing_from_many_addresses_backs_off_on_the_account(server: Server) -> None:
    frozen(server)
    statuses = []
    for n in range(1, 13):
        attacker = client_from(server, f"203.0.113.{n}")
        statuses += [(await guess(attacker)).status_code for _ in range(3)]

    # Each new address is checked once (the real user's must be); then the account's bucket.
    free = server.settings.signin_account_failures
    assert statuses.count(401) <= 12 + free
    assert statuses.count(429) >= 36 - 12 - free


async def test_the_back_off_ends_and_doubles(server: Server) -> None:
    now = frozen(server)
    attacker = client_from(server, ATTACKER)
    for _ in range(server.settings.signin_account_failures):
        await guess(attacker)
    first_wait = int((await guess(attacker)).headers["retry-after"])

    now[0] += first_wait
    again = await guess(attacker)
    second_wait = int((await guess(attacker)).headers["retry-after"])

    assert again.status_code == 401
    assert second_wait == 2 * first_wait


async def test_a_wrong_guess_after_a_success_still_counts_for_the_address(
        server: Server) -> None:
    """Signing in with an account one owns does not wipe one's failures against others."""
    frozen(server)
    attacker = client_from(server, ATTACKER)
    for n in range(server.settings.signin_address_failures):
        await guess(attacker, username=f"victim{n}")
    assert (await guess(attacker, PASSWORD)).status_code == 429


async def test_the_real_user_with_the_right_password_is_not_counted(server: Server) -> None:
    client = client_from(server, REAL_USER)

    statuses = [(await guess(client, PASSWORD)).status_code for _ in range(10)]

    assert statuses == [200] * 10


def test_backoff_is_free_then_doubles_up_to_the_cap() -> None:
    found = MemoryLimiter(delay=1, max_delay=60)

    assert [found.backoff(n, 3) for n in range(2, 11)] == [0, 1, 2, 4, 8, 16, 32, 60, 60]


async def test_buckets_are_forgotten_after_twice_the_longest_wait() -> None:
    now = [0.0]
    found = MemoryLimiter(delay=1, max_delay=60, now=lambda: now[0])
    bucket = Bucket("address:x", 1)
    await found.failed([bucket, bucket, bucket])

    now[0] += 120

    assert await found.wait([bucket]) == 0 and await found.failures(bucket) == 0


@pytest.mark.parametrize("host,counted", [
    ("203.0.113.9", "203.0.113.9"),
    ("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"),
    ("::ffff:203.0.113.9", "203.0.113.9"),
    (None, "unknown"),
])
def test_addresses_are_counted_ipv6_by_their_64(host: Any, counted: str) -> None:
    assert client_address(host) == counted
