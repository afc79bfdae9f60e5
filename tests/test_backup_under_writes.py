"""``meeting-server backup`` finishes while the server keeps writing, and the copy is the
database as of one commit."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from meeting_server.backup import backup
from meeting_server.datadir import DataDir
from meeting_server.db import apply_migrations, check

NOW = "2026-01-01T08:00:00+07:00"


def fill(path: Path, megabytes: int) -> None:
    """Enough data that a page-by-page copy takes many steps."""
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany("INSERT INTO units (code, name, created_at) VALUES (?, ?, ?)",
                         [(f"F{n}", "Đơn vị " * 300, NOW) for n in range(megabytes * 500)])
    conn.close()


class Writer(threading.Thread):
    """Commits about 100 times a second: each commit adds a unit and a user of that unit."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.commits = 0
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            while not self.stop.is_set():
                conn.execute("BEGIN IMMEDIATE")
                unit = conn.execute("INSERT INTO units (code, name, created_at) VALUES (?, ?, ?)",
                                    (f"W{self.commits}", "Sở", NOW)).lastrowid
                conn.execute("INSERT INTO users (username, name, role, unit_id, created_at)"
                             " VALUES (?, 'x', 'member', ?, ?)", (f"w{self.commits}", unit, NOW))
                conn.execute("COMMIT")
                self.commits += 1
                self.stop.wait(0.01)
        except BaseException as exc:
            self.error = exc
        finally:
            conn.close()

    def wait_for(self, commits: int) -> None:
        while self.commits < commits and self.is_alive():
            time.sleep(0.01)


def test_backup_finishes_while_a_writer_commits_100_times_a_second(tmp_path: Path) -> None:
    data = DataDir(tmp_path / "data")
    data.root.mkdir()
    apply_migrations(data.database)
    fill(data.database, 20)
    writer = Writer(data.database)
    writer.start()
    try:
        writer.wait_for(20)
        backup(data, tmp_path / "backup")
        after_backup = writer.commits
        writer.wait_for(after_backup + 5)  # still writing: the backup held nothing up
    finally:
        writer.stop.set()
        writer.join()
    assert writer.error is None and writer.commits > after_backup

    copy = DataDir(tmp_path / "backup").database
    assert check(copy)[0] == "ok"
    conn = sqlite3.connect(copy)
    try:
        units = [r[0] for r in conn.execute(
            "SELECT code FROM units WHERE code LIKE 'W%' ORDER BY id")]
        users = conn.execute("SELECT count(*) FROM users WHERE username LIKE 'w%'").fetchone()[0]
    finally:
        conn.close()
    assert units == [f"W{n}" for n in range(len(units))]  # a prefix of the commits
    assert users == len(units) >= 20  # and every commit whole
