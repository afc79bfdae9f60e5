"""The PostgreSQL backend (``MEETING_DATABASE_URL=postgresql://…``), through asyncpg.

The store's SQL is written once, for both backends, with ``?`` placeholders. :func:`translate`
turns a statement into PostgreSQL's once per statement string (cached): ``?`` → ``$1, $2…``
and the few SQLite idioms the store uses → their PostgreSQL equivalents (the list is
``_REWRITES``). What cannot be rewritten is a function of the same name and meaning in the
schema (``json_extract``, ``json_group_array``: ``migrations/postgresql/0009_initial.sql``).

Writes: as on SQLite, one writer connection per process runs one transaction at a time, so
the commit listeners see this process's events in commit order. Several processes (instances)
write concurrently: ``events.append`` bumps ``meetings.last_seq`` with ``UPDATE … RETURNING``,
which holds the meeting's row lock until commit, so a meeting's ``seq`` is allocated without
gaps and in commit order across instances; unique constraints (idempotency keys, numbers)
refuse duplicates. Background jobs (a file's text extraction) are claimed with an advisory
lock (:meth:`PostgresDatabase.claim`), so one instance does each. Reads: a pool of
connections, each read in one ``REPEATABLE READ READ ONLY`` transaction (a consistent
snapshot, as a SQLite read transaction is).

Migrations: ``migrations/postgresql/NNNN_*.sql``; the number is that of the SQLite migration it
mirrors (0009 holds 0001–0009). Applied under an advisory lock, so instances starting together
migrate once.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import asyncpg

from meeting_server.db import Conn, Database, Executed, Reader, Row, Transaction
from meeting_server.timeutil import Clock, utc_now

logger = logging.getLogger(__name__)

READERS = 8
#: pg_advisory_xact_lock key held while migrating ("meeting" in ASCII).
MIGRATION_LOCK = 0x6D656574696E67

# SQLite idiom → PostgreSQL, applied before the placeholders are numbered.
_REWRITES: list[tuple[re.Pattern[str], str]] = [
    # A list of ids sent as one JSON array: IN (SELECT value FROM json_each(?)).
    (re.compile(r"SELECT value FROM json_each\(\?\)"),
     "SELECT value::bigint FROM json_array_elements_text(?::json)"),
    # The same with text values (SQLite's CAST says so; PostgreSQL's elements are text).
    (re.compile(r"SELECT CAST\(value AS TEXT\) FROM json_each\(\?\)"),
     "SELECT value FROM json_array_elements_text(?::json)"),
    # A JSON object's keys and values as a table.
    (re.compile(r"json_each\(\?\) AS (\w+)"), r"json_each_text(?::json) AS \1"),
    (re.compile(r"length\(CAST\((\w+) AS BLOB\)\)"), r"octet_length(\1)"),
    (re.compile(r"\bjson_array\("), "json_build_array("),
    (re.compile(r"CAST\((json_extract\([^()]*\)) AS INTEGER\)"), r"sqlite_integer(\1)"),
]
_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?")


@functools.lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """The PostgreSQL text of a statement written for SQLite with ``?`` placeholders."""
    for pattern, replacement in _REWRITES:
        sql = pattern.sub(replacement, sql)
    counter = 0

    def number(match: re.Match[str]) -> str:
        nonlocal counter
        if match.group(0) != "?":
            return match.group(0)  # a quoted string: left as it is
        counter += 1
        return f"${counter}"

    return _PLACEHOLDER.sub(number, sql)


@dataclass(frozen=True)
class _Done:
    rowcount: int


def _rowcount(status: str) -> int:
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


async def _setup(conn: asyncpg.Connection) -> None:
    # A number sent where PostgreSQL infers text (``'$[' || ? || ']'``) is sent as its text,
    # as SQLite takes it.
    await conn.set_type_codec("text", schema="pg_catalog", encoder=str, decoder=str,
                              format="text")


async def _fetch(conn: Any, sql: str, params: Sequence[Any]) -> list[Row]:
    rows: list[Row] = await conn.fetch(translate(sql), *params)
    return rows


class PgReader(Reader):
    def __init__(self, conn: Any) -> None:  # a pooled asyncpg connection
        self.conn = conn

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await _fetch(self.conn, sql, params)


class PgTransaction(Transaction):
    dialect = "postgresql"

    async def lock_meeting(self, meeting_id: int) -> None:
        await self.conn.execute("SELECT 1 FROM meetings WHERE id = $1 FOR UPDATE", meeting_id)

    async def lock(self, name: str) -> None:
        await self.conn.execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", name)

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Executed:
        status = await self.conn.execute(translate(sql), *params)
        return _Done(_rowcount(status))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            await self.conn.executemany(translate(sql), rows)

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        return await _fetch(self.conn, sql, params)


def migration_files() -> list[tuple[int, str, str]]:
    """The PostgreSQL migrations shipped with the package, in order: (number, name, sql)."""
    folder = resources.files("meeting_server.migrations").joinpath("postgresql")
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _, _ in found]
    if len(set(numbers)) != len(numbers):
        raise RuntimeError(f"two PostgreSQL migrations share a number: {numbers}")
    return found


async def apply_migrations_on(conn: asyncpg.Connection) -> int:
    """Apply pending migrations on ``conn``; returns the schema version (the number of the last
    migration applied). Instances starting together wait for each other on an advisory lock."""
    async with conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                           " version BIGINT PRIMARY KEY, name TEXT NOT NULL,"
                           " applied_at TEXT NOT NULL)")
        version = int(await conn.fetchval(
            "SELECT coalesce(max(version), 0) FROM schema_migrations"))
        for number, name, sql in migration_files():
            if number <= version:
                continue
            logger.info("applying PostgreSQL migration %s", name)
            await conn.execute(sql)
            await conn.execute("INSERT INTO schema_migrations (version, name, applied_at)"
                               " VALUES ($1, $2, $3)", number, name, utc_now().isoformat())
            version = number
    return version


async def apply_migrations(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return await apply_migrations_on(conn)
    finally:
        await conn.close()


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, url: str, clock: Clock | None = None) -> None:
        super().__init__(Path("postgresql"), clock)
        self.url = url
        self._pool: asyncpg.Pool | None = None

    async def open(self) -> None:
        self._writer = await asyncpg.connect(self.url)
        try:
            await apply_migrations_on(self._writer)
            await _setup(self._writer)
            self._pool = await asyncpg.create_pool(self.url, min_size=1, max_size=READERS,
                                                   init=_setup)
        except BaseException:
            await self._writer.close()
            self._writer = None
            raise

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None
        if self._writer is not None:
            await self._writer.close()
            self._writer = None

    def _new_transaction(self) -> Transaction:
        return PgTransaction(self._writer, self.clock)

    async def _run_begin(self) -> None:
        """BEGIN; if the server restarted or ended this connection, a new connection first
        (no transaction was open on the old one)."""
        assert self._writer is not None
        try:
            if self._writer.is_closed():
                raise ConnectionError("closed")
            await self._writer.execute("BEGIN")
        except (asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
                asyncpg.InternalClientError, asyncpg.AdminShutdownError, ConnectionError):
            logger.warning("PostgreSQL writer connection lost; connecting again")
            self._writer.terminate()
            self._writer = await asyncpg.connect(self.url)
            await _setup(self._writer)
            await self._writer.execute("BEGIN")

    async def _rollback(self) -> None:
        assert self._writer is not None
        try:
            await asyncio.shield(self._run("ROLLBACK"))
        except asyncpg.InterfaceError:
            logger.exception("ROLLBACK failed")

    @asynccontextmanager
    async def claim(self, job: str) -> AsyncIterator[bool]:
        """One instance does each background job: a session advisory lock named after the
        job, held on a pooled connection while the job runs (released if the instance dies,
        so that the next start-up, which queues every file without text again, redoes it)."""
        if self._pool is None:
            raise RuntimeError("database is not open")
        async with self._pool.acquire() as conn:
            key = await conn.fetchval("SELECT hashtextextended($1, 0)", job)
            mine = bool(await conn.fetchval("SELECT pg_try_advisory_lock($1)", key))
            try:
                yield mine
            finally:
                if mine:
                    await conn.execute("SELECT pg_advisory_unlock($1)", key)

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Conn]:
        held = self._held_writes()
        if held is not None:
            yield held
            return
        if self._pool is None:
            raise RuntimeError("database is not open")
        async with self._pool.acquire() as conn, \
                conn.transaction(isolation="repeatable_read", readonly=True):
            yield PgReader(conn)
