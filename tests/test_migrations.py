"""Numbered migrations apply to an empty database and are tracked in user_version."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from meeting_server.db import apply_migrations, migration_files


def test_all_migrations_apply_to_an_empty_database(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    version = apply_migrations(path)
    assert version == len(migration_files()) >= 1
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == version
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    assert {"users", "units", "meetings", "agenda_items", "events", "documents"} <= tables


def test_applying_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    first = apply_migrations(path)
    assert apply_migrations(path) == first


def test_migration_files_are_numbered_without_gaps() -> None:
    numbers = [n for n, _, _ in migration_files()]
    assert numbers == list(range(1, len(numbers) + 1))
