"""The single writer: a failed COMMIT, and writes held open by a request scope."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from meeting_server.db import Database, Transaction, fetchall
from meeting_server.models import Event
from meeting_server.store import users


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(tmp_path / "meeting.db")
    await database.open()
    try:
        yield database
    finally:
        await database.close()


async def unit_codes(db: Database) -> list[str]:
    async with db.read() as conn:
        return [r["code"] for r in await fetchall(conn, "SELECT code FROM units ORDER BY id")]


async def broken_at_commit(tx: Transaction) -> None:
    """A change that SQLite accepts statement by statement and refuses at COMMIT."""
    await tx.execute("PRAGMA defer_foreign_keys = ON")
    await tx.execute("INSERT INTO users (username, name, role, unit_id, created_at)"
                     " VALUES ('ghost', 'Ghost', 'member', 999, '2019-07-05T08:00:00+07:00')")


async def test_failed_commit_rolls_back_and_leaves_the_writer_usable(db: Database) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            await users.add_unit(tx, "SNV", "Sở Nội vụ")
            await broken_at_commit(tx)
    async with db.transaction() as tx:
        await users.add_unit(tx, "STP", "Sở Tư pháp")
    assert await unit_codes(db) == ["STP"]


async def test_failed_commit_publishes_no_event(db: Database) -> None:
    published: list[Sequence[Event]] = []
    db.on_commit(published.append)
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction() as tx:
            tx.events.append(Event(1, 1, "meeting.updated", {}, tx.now_iso(), None))
            await broken_at_commit(tx)
    assert published == []


async def test_request_scope_holds_writes_until_commit(db: Database) -> None:
    async with db.request_scope() as held:
        async with db.transaction() as tx:
            await users.add_unit(tx, "SNV", "Sở Nội vụ")
        assert await unit_codes(db) == ["SNV"]  # this task reads its own writes
        others = await asyncio.create_task(unit_codes(db))
        assert others == []  # nobody else sees them yet
        await held.commit(lambda tx: users.add_unit(tx, "STP", "Sở Tư pháp"))
    assert await unit_codes(db) == ["SNV", "STP"]


async def test_request_scope_left_without_commit_rolls_back(db: Database) -> None:
    async with db.request_scope():
        async with db.transaction() as tx:
            await users.add_unit(tx, "SNV", "Sở Nội vụ")
    assert await unit_codes(db) == []
    async with db.transaction() as tx:  # and the writer is free again
        await users.add_unit(tx, "STP", "Sở Tư pháp")
    assert await unit_codes(db) == ["STP"]


async def test_a_failed_second_transaction_in_a_scope_undoes_only_itself(db: Database) -> None:
    async with db.request_scope() as held:
        async with db.transaction() as tx:
            await users.add_unit(tx, "SNV", "Sở Nội vụ")
        with pytest.raises(RuntimeError):
            async with db.transaction() as tx:
                await users.add_unit(tx, "STP", "Sở Tư pháp")
                raise RuntimeError("refused half-way")
        await held.commit(lambda tx: asyncio.sleep(0))
    assert await unit_codes(db) == ["SNV"]


async def test_events_of_a_scope_are_published_once_committed(db: Database) -> None:
    published: list[Sequence[Event]] = []
    db.on_commit(published.append)
    async with db.request_scope() as held:
        async with db.transaction() as tx:
            tx.events.append(Event(1, 1, "meeting.updated", {}, tx.now_iso(), None))
        assert published == []
        await held.commit(lambda tx: asyncio.sleep(0))
    assert [[e.event for e in batch] for batch in published] == [["meeting.updated"]]


async def test_scope_without_writes_still_commits_its_last_step(db: Database) -> None:
    async with db.request_scope() as held:
        await held.commit(lambda tx: users.add_unit(tx, "SNV", "Sở Nội vụ"))
    assert await unit_codes(db) == ["SNV"]
