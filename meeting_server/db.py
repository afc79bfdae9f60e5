"""The database: one writer connection, a few readers, PRAGMAs and migrations.

Writes go through ``async with db.transaction() as tx:``, which holds the single writer, runs
``BEGIN IMMEDIATE`` and commits on exit. Events appended during the transaction are handed to the
``on_commit`` listeners only after the commit succeeded, still in commit order.

This is the SQLite backend, the default; :func:`open_database` picks it or PostgreSQL
(``meeting_server.db_postgres``) from ``MEETING_DATABASE_URL``. The store's SQL is written once,
with ``?`` placeholders; the PostgreSQL backend translates what differs (see its module).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from meeting_server.models import Event
from meeting_server.timeutil import Clock

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
READERS = 3
#: Most rows per statement of ``Transaction.insert_rows``: 256 rows of up to 120 values stay
#: under both backends' limit of 32,766 parameters.
INSERT_ROWS = 256

#: A row read by the store: by column name or by position. ``sqlite3.Row`` on SQLite; on
#: PostgreSQL an ``asyncpg.Record``, which reads the same way.
Row = sqlite3.Row


class Executed(Protocol):
    """What ``Transaction.execute`` answers: how many rows the statement changed."""

    @property
    def rowcount(self) -> int: ...


class Reader:
    """A read connection of a backend other than SQLite (see ``db_postgres``)."""

    dialect = "postgresql"

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        raise NotImplementedError


def migration_files() -> list[tuple[int, str, str]]:
    """The numbered migrations shipped with the package, in order: (number, name, sql)."""
    found = []
    for entry in resources.files("meeting_server.migrations").iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, entry.read_text(encoding="utf-8")))
    found.sort()
    for expected, (number, name, _) in enumerate(found, start=1):
        if number != expected:
            raise RuntimeError(f"migration {name} is out of sequence (expected {expected:04d})")
    return found


def apply_migrations(path: Path) -> int:
    """Apply pending migrations with the standard library; returns the new schema version."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        _configure(conn)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for number, name, sql in migration_files():
            if number <= version:
                continue
            logger.info("applying migration %s", name)
            conn.execute("PRAGMA foreign_keys=OFF")
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _statements(sql):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={number}")
                problems = conn.execute("PRAGMA foreign_key_check").fetchall()
                if problems:
                    raise RuntimeError(f"migration {name} broke foreign keys: {problems[:3]}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            finally:
                conn.execute("PRAGMA foreign_keys=ON")
            version = number
        return int(version)
    finally:
        conn.close()


def _statements(sql: str) -> list[str]:
    statements, buffer = [], ""
    for line in sql.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer)
            buffer = ""
    if buffer.strip() and not all(
        not ln.strip() or ln.strip().startswith("--") for ln in buffer.splitlines()
    ):
        raise RuntimeError("incomplete SQL statement at the end of a migration")
    return statements


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


@dataclass
class Transaction:
    """The writer connection inside ``BEGIN IMMEDIATE``, and the events it appended."""

    conn: Any  # aiosqlite.Connection here; the PostgreSQL backend's subclass holds its own
    clock: Clock
    events: list[Event] = field(default_factory=list)

    def now_iso(self) -> str:
        """The time written on what this transaction changes."""
        return self.clock.now_iso()

    async def lock_meeting(self, meeting_id: int) -> None:
        """Hold the meeting's row until commit, before numbering its things (agenda positions,
        conclusion numbers, versions: ``max() + 1``) from what is read: writers of one meeting
        take turns, in whichever instance. SQLite's single writer already does."""

    async def lock(self, name: str) -> None:
        """Hold the lock called `name` until commit, for what is checked and then written
        across meetings (a document's number, given once per symbol and year): writers taking
        the same name take turns, in whichever instance. SQLite's single writer already does."""

    async def execute(self, sql: str, params: Sequence[Any] = ()) -> Executed:
        cursor: aiosqlite.Cursor = await self.conn.execute(sql, params)
        return cursor

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self.conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def insert_rows(self, head: str, rows: Sequence[Sequence[Any]],
                          tail: str = "") -> list[Row]:
        """``{head} VALUES (?, …), (?, …) {tail}`` for ``rows``; what the statements return (a
        ``RETURNING`` in ``tail``), together. Unlike ``executemany``, it tells which rows an
        ``ON CONFLICT DO NOTHING`` kept, on both backends. The rows go in statements of a
        power of two rows each, at most :data:`INSERT_ROWS` (300 rows: 256 + 32 + 8 + 4), so
        that a statement has one of nine texts whatever the count, and the statement caches
        (sqlite3's, asyncpg's, the PostgreSQL translation's) keep a handful of entries."""
        returned: list[Row] = []
        start = 0
        while start < len(rows):
            size = min(INSERT_ROWS, 1 << ((len(rows) - start).bit_length() - 1))
            chunk = rows[start:start + size]
            row = "(" + ", ".join("?" * len(chunk[0])) + ")"
            returned += await self.fetchall(f"{head} VALUES {', '.join([row] * size)}"
                                            f" {tail}", [v for r in chunk for v in r])
            start += size
        return returned

    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """One trip to the connection's thread (execute + fetch), not three."""
        return list(await self.conn.execute_fetchall(sql, params))


CommitListener = Callable[[Sequence[Event]], None]
Conn = aiosqlite.Connection | Transaction | Reader


@dataclass
class HeldWrites:
    """A request's writes, held open until the request's answer is known (see
    :meth:`Database.request_scope`)."""

    db: Database
    owner: asyncio.Task[Any] | None
    tx: Transaction | None = None

    async def commit(self, last: Callable[[Transaction], Awaitable[object]]) -> None:
        """Run ``last`` in the held transaction (or a new one if nothing was written), then
        commit everything at once and publish the events."""
        if self.tx is None:
            async with self.db._own_transaction() as tx:
                await last(tx)
            return
        tx, self.tx = self.tx, None
        try:
            try:
                await last(tx)
            except BaseException:
                await self.db._rollback()
                raise
            await self.db._commit()
            self.db._notify(tx.events)
        finally:
            self.db._lock.release()


class Database:
    #: "sqlite" or "postgresql": for the few callers that must know (backup, search).
    dialect = "sqlite"

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        self.path = path
        self.clock = clock or Clock()
        self._writer: Any = None  # aiosqlite.Connection; the PostgreSQL one's own
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []
        self._lock = asyncio.Lock()
        self._listeners: list[CommitListener] = []
        self._held: ContextVar[HeldWrites | None] = ContextVar(f"held_writes_{id(self)}",
                                                               default=None)

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(apply_migrations, self.path)
        self._writer = await self._connect()
        for _ in range(READERS):
            reader = await self._connect()
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)

    async def _connect(self) -> aiosqlite.Connection:
        conn = await aiosqlite.connect(self.path, isolation_level=None)
        conn.row_factory = sqlite3.Row
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                       f"busy_timeout={BUSY_TIMEOUT_MS}"):
            await conn.execute(f"PRAGMA {pragma}")
        return conn

    async def close(self) -> None:
        for conn in [*self._all_readers, self._writer]:
            if conn is not None:
                await conn.close()
        self._writer = None
        self._all_readers.clear()

    def on_commit(self, listener: CommitListener) -> None:
        self._listeners.append(listener)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """Hold the single writer inside ``BEGIN IMMEDIATE``; commit on success.

        Inside :meth:`request_scope`, the task's first transaction stays open after its block and
        commits with the scope (a later one in the same task is a savepoint of it).
        """
        if self._writer is None:
            raise RuntimeError("database is not open")
        held = self._held_here()
        if held is not None:
            async with self._held_transaction(held) as tx:
                yield tx
            return
        async with self._own_transaction() as tx:
            yield tx

    @asynccontextmanager
    async def _own_transaction(self) -> AsyncIterator[Transaction]:
        assert self._writer is not None
        async with self._lock:
            await self._begin()
            tx = self._new_transaction()
            try:
                yield tx
            except BaseException:
                await self._rollback()
                raise
            await self._commit()
            self._notify(tx.events)  # in commit order: still holding the writer

    def _new_transaction(self) -> Transaction:
        return Transaction(self._writer, self.clock)

    async def _run(self, statement: str) -> None:
        """A statement without parameters on the writer (BEGIN, COMMIT, ROLLBACK)."""
        assert self._writer is not None
        await self._writer.execute(statement)

    async def _run_begin(self) -> None:
        """The statement that opens a write transaction (PostgreSQL's also reconnects)."""
        await self._run("BEGIN IMMEDIATE")

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE; if the caller is cancelled meanwhile, the BEGIN still runs in the
        connection's thread: wait for it and roll back, so the writer is never left inside a
        transaction that nobody owns."""
        assert self._writer is not None
        begin = asyncio.ensure_future(self._run_begin())
        try:
            await asyncio.shield(begin)
        except asyncio.CancelledError:
            await asyncio.wait([begin])
            if not begin.cancelled() and begin.exception() is None:
                await self._rollback()
            raise

    async def _commit(self) -> None:
        """COMMIT; if it fails, roll back so that the writer is usable again, and re-raise."""
        assert self._writer is not None
        commit = asyncio.ensure_future(self._run("COMMIT"))
        try:
            await asyncio.shield(commit)
        except asyncio.CancelledError:
            # The COMMIT goes on in the connection's thread; keep the writer until it ends.
            await asyncio.wait([commit])
            if commit.exception() is not None:
                await self._rollback()
            raise
        except BaseException:
            await self._rollback()
            raise

    async def _rollback(self) -> None:
        assert self._writer is not None
        try:
            await asyncio.shield(self._run("ROLLBACK"))
        except sqlite3.OperationalError:
            pass  # no transaction is active: SQLite already rolled it back

    def _notify(self, committed: Sequence[Event]) -> None:
        if not committed:
            return
        for listener in self._listeners:
            try:
                listener(committed)
            except Exception:
                logger.exception("commit listener failed")

    def _held_here(self) -> HeldWrites | None:
        """The current task's request scope (see :meth:`request_scope`), if it is in one."""
        held = self._held.get()
        return held if held is not None and held.owner is asyncio.current_task() else None

    def _held_writes(self) -> Transaction | None:
        """The current task's writes not committed yet, which its reads must see."""
        held = self._held_here()
        return held.tx if held is not None else None

    @asynccontextmanager
    async def request_scope(self) -> AsyncIterator[HeldWrites]:
        """Let the current task's writes commit only when :meth:`HeldWrites.commit` is called.

        The ``Idempotency-Key`` middleware runs a request in this scope, so that the stored
        answer is written in the same transaction as the change it answers. Leaving the scope
        without committing rolls everything back.
        """
        held = HeldWrites(self, asyncio.current_task())
        token = self._held.set(held)
        try:
            yield held
        finally:
            self._held.reset(token)
            if held.tx is not None:
                await self._rollback()
                held.tx = None
                self._lock.release()

    @asynccontextmanager
    async def _held_transaction(self, held: HeldWrites) -> AsyncIterator[Transaction]:
        assert self._writer is not None
        if held.tx is None:
            await self._lock.acquire()
            try:
                await self._begin()
            except BaseException:
                self._lock.release()
                raise
            held.tx = self._new_transaction()
            try:
                yield held.tx
            except BaseException:
                held.tx = None
                try:
                    await self._rollback()
                finally:
                    self._lock.release()
                raise
            return
        tx = held.tx
        name = f"request_{len(tx.events)}_{id(tx)}"
        kept = len(tx.events)
        await tx.execute(f"SAVEPOINT {name}")
        try:
            yield tx
        except BaseException:
            await asyncio.shield(tx.execute(f"ROLLBACK TO {name}"))
            await asyncio.shield(tx.execute(f"RELEASE {name}"))
            del tx.events[kept:]
            raise
        await tx.execute(f"RELEASE {name}")

    @asynccontextmanager
    async def claim(self, job: str) -> AsyncIterator[bool]:
        """Whether this process may do ``job`` (a background job such as extracting a file's
        text) now: True unless another instance is doing it. One process owns a SQLite
        database, so here always True; PostgreSQL instances take an advisory lock."""
        yield True

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Conn]:
        """A reader connection inside one read transaction (a consistent snapshot); inside a
        request scope whose writes are not committed yet, the writer, so that they are seen."""
        held = self._held_writes()
        if held is not None:
            yield held
            return
        conn = await self._readers.get()
        try:
            await conn.execute("BEGIN")
            try:
                yield conn
            finally:
                await conn.execute("COMMIT")
        finally:
            self._readers.put_nowait(conn)


async def fetchone(conn: Conn, sql: str,
                   params: Sequence[Any] = ()) -> Row | None:
    rows = await fetchall(conn, sql, params)
    return rows[0] if rows else None


async def fetchall(conn: Conn, sql: str,
                   params: Sequence[Any] = ()) -> list[Row]:
    """One trip to the connection's thread (execute + fetch), not three."""
    if isinstance(conn, Transaction | Reader):
        return await conn.fetchall(sql, params)
    return list(await conn.execute_fetchall(sql, params))


def dialect_of(conn: Conn) -> str:
    """"sqlite" or "postgresql": the backend a connection (or transaction) belongs to."""
    return str(getattr(conn, "dialect", "sqlite"))


def open_database(settings_url: str, path: Path, clock: Clock | None = None) -> Database:
    """The database ``MEETING_DATABASE_URL`` names: SQLite at ``path`` (in the data dir) when
    it is empty, or at the path of a ``sqlite:///…`` URL; PostgreSQL for ``postgresql://…``.
    Not open yet: call ``open()``."""
    url = settings_url.strip()
    if url.startswith(("postgresql://", "postgres://")):
        from meeting_server.db_postgres import PostgresDatabase

        return PostgresDatabase(url, clock)
    if url.startswith("sqlite:///"):
        return Database(Path(url[len("sqlite:///"):]), clock)
    if url:
        raise ValueError(f"unknown database URL {url!r} (sqlite:///PATH or postgresql://...)")
    return Database(path, clock)


def backup(src: Path, dest: Path) -> None:
    """Copy the database into the new file ``dest`` with ``VACUUM INTO``, and check the copy.

    ``VACUUM INTO`` reads the whole database in **one** read transaction: the copy is the
    database as of one commit, and writers go on meanwhile (WAL). The online backup API copied
    page by page and started again whenever another connection committed, so under steady
    writes it never finished.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists():
        raise FileExistsError(f"{dest} exists")
    source = sqlite3.connect(src)
    try:
        source.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        source.execute("VACUUM INTO ?", (str(dest),))
    finally:
        source.close()
    result, _ = check(dest)
    if result != "ok":
        raise RuntimeError(f"backup copy failed integrity_check: {result}")


def check(path: Path) -> tuple[str, int]:
    """A database file's ``integrity_check`` result and schema version (``user_version``)."""
    conn = sqlite3.connect(path)
    try:
        result = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()
    return result, version
