"""Numbered migrations apply to an empty database and are tracked in user_version."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from meeting_server import db
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


def test_the_audit_log_keeps_its_rows_when_0013_rebuilds_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """0013 makes the audit table again (SQLite cannot change its CHECK in place): the rows
    written before keep their ids and contents, and ids go on from them."""
    path = tmp_path / "m.db"
    every = migration_files()
    monkeypatch.setattr(db, "migration_files", lambda: [m for m in every if m[0] < 13])
    assert apply_migrations(path) == 12
    row = (41, "2019-07-05T08:00:00+07:00", None, "download", "book", 3, 3, "", "10.0.0.7")
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("INSERT INTO audit_log (id, at, user_id, action, object_kind, object_id,"
                     " meeting_id, detail, address) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
    monkeypatch.setattr(db, "migration_files", lambda: every)
    assert apply_migrations(path) == len(every)
    with contextlib.closing(sqlite3.connect(path)) as conn, conn:
        assert conn.execute("SELECT * FROM audit_log").fetchall() == [row]
        conn.execute("INSERT INTO audit_log (at, action, object_kind) VALUES (?, 'decide',"
                     " 'task')", (row[1],))
        assert conn.execute("SELECT max(id) FROM audit_log").fetchone()[0] == 42
        indexes = {r[1] for r in conn.execute("PRAGMA index_list(audit_log)")}
    assert indexes == {"audit_log_at", "audit_log_user", "audit_log_meeting"}
