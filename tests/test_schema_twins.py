"""The SQLite and PostgreSQL schemas stay twins: every SQLite migration has its PostgreSQL
twin (migrations/postgresql/), and both make the same tables with the same columns."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import asyncpg
import pytest

from meeting_server import db, db_postgres

# Only on SQLite: the FTS5 index and its bookkeeping (PostgreSQL indexes search_docs itself).
SQLITE_ONLY = {"search_fts", "search_fts_config", "search_fts_data", "search_fts_docsize",
               "search_fts_idx", "search_fts_content", "search_rebuilding"}
# Only on PostgreSQL: which migrations ran (SQLite keeps PRAGMA user_version), and the
# search index's tsvector (SQLite's is the FTS5 table).
POSTGRESQL_ONLY = {"schema_migrations"}
POSTGRESQL_ONLY_COLUMNS = {("search_docs", "folded")}


def sqlite_columns(path: Path) -> dict[str, set[str]]:
    db.apply_migrations(path)
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: {r[1] for r in conn.execute(f"PRAGMA table_info({t})")}
                for t in tables if t not in SQLITE_ONLY}
    finally:
        conn.close()


async def postgresql_columns(url: str) -> dict[str, set[str]]:
    await db_postgres.apply_migrations(url)
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT c.table_name, c.column_name FROM information_schema.columns c"
            " JOIN information_schema.tables t ON t.table_schema = c.table_schema"
            " AND t.table_name = c.table_name"
            " WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'")
    finally:
        await conn.close()
    found: dict[str, set[str]] = {}
    for row in rows:
        if (row["table_name"] not in POSTGRESQL_ONLY
                and (row["table_name"], row["column_name"]) not in POSTGRESQL_ONLY_COLUMNS):
            found.setdefault(row["table_name"], set()).add(row["column_name"])
    return found


def test_every_sqlite_migration_has_a_postgresql_twin() -> None:
    sqlite_numbers = [number for number, _, _ in db.migration_files()]
    postgresql = [number for number, _, _ in db_postgres.migration_files()]
    # 0009_initial.sql holds 0001-0009; each later SQLite migration has its own twin.
    assert postgresql[0] == 9
    missing = [n for n in sqlite_numbers if n > 9 and n not in postgresql]
    assert not missing, (f"SQLite migrations {missing} have no twin in "
                         "meeting_server/migrations/postgresql/")
    assert max(postgresql) <= max(sqlite_numbers)


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_both_schemas_have_the_same_tables_and_columns(backend: str,
                                                             tmp_path: Path) -> None:
    import pg_support

    assert pg_support.current is not None
    tmp_path.mkdir(exist_ok=True)
    url = pg_support.new_database(pg_support.current, tmp_path)
    on_sqlite = sqlite_columns(tmp_path / "meeting.db")
    on_postgresql = await postgresql_columns(url)
    assert set(on_sqlite) == set(on_postgresql), "tables differ"
    differ = {t: (sorted(on_sqlite[t] - on_postgresql[t]), sorted(on_postgresql[t] - on_sqlite[t]))
              for t in on_sqlite if on_sqlite[t] != on_postgresql[t]}
    assert not differ, f"columns only on SQLite / only on PostgreSQL: {differ}"


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_migrating_twice_and_together_migrates_once(backend: str, tmp_path: Path) -> None:
    """Two instances starting together on an empty database: one migrates, the other waits
    for it (advisory lock) and finds nothing left to do."""
    import asyncio

    import pg_support

    assert pg_support.current is not None
    url = pg_support.new_database(pg_support.current, tmp_path)
    versions = await asyncio.gather(db_postgres.apply_migrations(url),
                                    db_postgres.apply_migrations(url))
    assert versions[0] == versions[1] == max(n for n, _, _ in db_postgres.migration_files())
    conn = await asyncpg.connect(url)
    try:
        applied = await conn.fetchval("SELECT count(*) FROM schema_migrations")
    finally:
        await conn.close()
    assert applied == len(db_postgres.migration_files())
