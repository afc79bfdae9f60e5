"""The ``meeting-server`` command line, run as a real subprocess on its own data dir."""

from __future__ import annotations

import asyncio
import hashlib
import os
import re
import sqlite3
import subprocess
import sys
import tomllib
from contextlib import closing
from pathlib import Path
from typing import Any

import httpx
import pdfs
import pypdf
import pytest

import meeting_server
from meeting_server.auth import verify_password_sync
from meeting_server.settings import SETTINGS

from conftest import DEMO, PASSWORD, make_settings, start_server

MIGRATIONS = Path(meeting_server.__file__).resolve().parent / "migrations"


def cli(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m meeting_server ARGS`` with MEETING_DATA_DIR set to ``data_dir``."""
    return subprocess.run(
        [sys.executable, "-m", "meeting_server", *args],
        env={**os.environ, "MEETING_DATA_DIR": str(data_dir)},
        input=stdin if stdin is not None else "", capture_output=True, text=True, timeout=120,
    )


def query(db_path: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db_path)) as conn:
        return conn.execute(sql, params).fetchall()


def count(db_path: Path, table: str) -> int:
    if not db_path.exists():
        return 0
    return int(query(db_path, f"SELECT count(*) FROM {table}")[0][0])


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def demo_agenda() -> dict[str, Any]:
    return tomllib.loads((DEMO / "agenda.toml").read_text(encoding="utf-8"))


SMALL_AGENDA = """
[meeting]
title = "Họp chuẩn bị hội nghị đối thoại với người dân"
starts_at = "2019-07-05T08:00:00+07:00"
location = "Phòng họp số 2"
chair = "pct.tran"

[[units]]
code = "SNV"
name = "Sở Nội vụ"

[[users]]
username = "pct.tran"
name = "Trần Văn Minh"
role = "member"
unit = "SNV"

[[users]]
username = "gd.snv"
name = "Phạm Thị Lan"
role = "member"
unit = "SNV"

[[participants]]
username = "pct.tran"
role = "chair"

[[participants]]
username = "gd.snv"
role = "member"

[[items]]
title = "Kế hoạch tổ chức hội nghị đối thoại với người dân"
presenter = "Giám đốc Sở Nội vụ"
duration_minutes = 20

[[items.documents]]
file = "ke-hoach.pdf"
title = "Kế hoạch đối thoại"

[[items.documents]]
file = "phu-luc.pdf"
title = "Phụ lục"

[[items]]
title = "Báo cáo tiến độ cải cách hành chính"
presenter = "Chánh Văn phòng"
duration_minutes = 10

[[items.documents]]
file = "bao-cao.pdf"
title = "Báo cáo tiến độ"
"""
SMALL_FILES = {"ke-hoach.pdf": pdfs.FOUR_PAGES, "phu-luc.pdf": pdfs.ONE_PAGE,
               "bao-cao.pdf": pdfs.MULTICOLUMN}


def small_agenda(folder: Path) -> Path:
    """An agenda folder like the demo's, with two items and three small PDFs: for the tests
    of what the command does around an import, cheaper than the demo's eight documents."""
    folder.mkdir(parents=True)
    (folder / "agenda.toml").write_text(SMALL_AGENDA, encoding="utf-8")
    for name, sample in SMALL_FILES.items():
        (folder / name).write_bytes(pdfs.sample(sample))
    return folder


def assert_clean_failure(result: subprocess.CompletedProcess[str], *mentions: str) -> None:
    """Exit 1 with a one-line ``meeting-server: ...`` message naming ``mentions``, no traceback."""
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    message = [ln for ln in result.stderr.splitlines() if ln.startswith("meeting-server: ")]
    assert message, result.stderr
    for mention in mentions:
        assert mention in message[-1], (mention, message)


# ----------------------------------------------------------------------------- migrate


def test_migrate_creates_the_database_at_the_newest_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    newest = len(list(MIGRATIONS.glob("*.sql")))
    result = cli(data, "migrate")
    assert result.returncode == 0, result.stderr
    assert f"schema version {newest}" in result.stdout
    db = data / "meeting.db"
    assert query(db, "PRAGMA user_version") == [(newest,)]
    assert query(db, "PRAGMA integrity_check") == [("ok",)]


def test_migrate_again_is_a_no_op(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, "migrate").returncode == 0
    db = data / "meeting.db"
    schema = query(db, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    again = cli(data, "migrate")
    assert again.returncode == 0, again.stderr
    assert "applying migration" not in again.stderr
    assert query(db, "PRAGMA user_version") == [(len(list(MIGRATIONS.glob("*.sql"))),)]
    assert query(db, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema


# ----------------------------------------------------------------------------- units and users


def test_unit_add(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = cli(data, "unit", "add", "SNV", "--name", "Sở Nội vụ")
    assert result.returncode == 0, result.stderr
    assert query(data / "meeting.db", "SELECT code, name FROM units") == [("SNV", "Sở Nội vụ")]


def test_unit_add_twice_fails_with_a_clear_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, "unit", "add", "SNV", "--name", "Sở Nội vụ").returncode == 0
    again = cli(data, "unit", "add", "SNV", "--name", "Sở Nội vụ (bản sao)")
    assert_clean_failure(again, "SNV", "already exists")
    assert query(data / "meeting.db", "SELECT code, name FROM units") == [("SNV", "Sở Nội vụ")]


async def test_user_add_with_password_on_stdin_can_sign_in(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, "unit", "add", "SNV", "--name", "Sở Nội vụ").returncode == 0
    result = cli(data, "user", "add", "thuky", "--name", "Lê Thị Hoa", "--role", "secretary",
                 "--unit", "SNV", "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stdout and "password:" not in result.stdout

    running, uv, task = await start_server(make_settings(data))
    try:
        async with httpx.AsyncClient(base_url=running.url) as client:
            r = await client.post("/api/session",
                                  json={"username": "thuky", "password": PASSWORD})
            assert r.status_code == 200, r.text
            user = r.json()["user"]
            assert (user["name"], user["role"], user["unit"]) == ("Lê Thị Hoa", "secretary", "SNV")
            r = await client.post("/api/session",
                                  json={"username": "thuky", "password": PASSWORD + "x"})
            assert r.status_code == 401
    finally:
        uv.should_exit = True
        await task


def test_user_add_without_password_stdin_prints_a_generated_password(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = cli(data, "user", "add", "admin", "--name", "Quản trị viên", "--role", "admin")
    assert result.returncode == 0, result.stderr
    found = re.search(r"^password: (\S+)$", result.stdout, re.MULTILINE)
    assert found, result.stdout
    password = found.group(1)
    assert len(password) >= 8
    [(stored,)] = query(data / "meeting.db",
                        "SELECT password_hash FROM users WHERE username = 'admin'")
    assert verify_password_sync(password, stored)
    assert not verify_password_sync(password + "x", stored)


def test_user_add_with_unknown_unit_fails_with_a_clear_message(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = cli(data, "user", "add", "snv", "--name", "Nguyễn Văn An", "--role", "member",
                 "--unit", "NOPE", "--password-stdin", stdin=PASSWORD + "\n")
    assert_clean_failure(result, "NOPE")
    assert count(data / "meeting.db", "users") == 0


def test_user_add_refuses_a_short_password(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = cli(data, "user", "add", "snv", "--name", "Nguyễn Văn An", "--role", "member",
                 "--password-stdin", stdin="short\n")
    assert_clean_failure(result, "8 characters")
    assert count(data / "meeting.db", "users") == 0


# ----------------------------------------------------------------------------- import


def test_import_demo_creates_the_meeting_with_its_documents(tmp_path: Path) -> None:
    data = tmp_path / "data"
    result = cli(data, "import", str(DEMO))
    assert result.returncode == 0, result.stderr
    spec = demo_agenda()
    db = data / "meeting.db"

    [(meeting_id, title)] = query(db, "SELECT id, title FROM meetings")
    assert title == spec["meeting"]["title"]
    assert f"meeting {meeting_id} imported" in result.stdout
    items = query(db, "SELECT id, title, position FROM agenda_items WHERE meeting_id = ?"
                      " ORDER BY position", (meeting_id,))
    assert [t for _, t, _ in items] == [i["title"] for i in spec["items"]]
    assert [p for _, _, p in items] == list(range(1, len(items) + 1))

    expected_files = set()
    for (item_id, _, _), item_spec in zip(items, spec["items"], strict=True):
        docs = query(db, "SELECT d.title, v.filename, v.sha256, v.size, v.page_count"
                         " FROM documents d JOIN document_versions v ON v.document_id = d.id"
                         " WHERE d.agenda_item_id = ? ORDER BY d.id", (item_id,))
        assert [d[0] for d in docs] == [d["title"] for d in item_spec["documents"]]
        for (_, filename, sha256, size, pages), doc_spec in zip(docs, item_spec["documents"],
                                                                strict=True):
            source = DEMO / doc_spec["file"]
            content = source.read_bytes()
            assert filename == doc_spec["file"]
            assert sha256 == hashlib.sha256(content).hexdigest() and size == len(content)
            assert pages == len(pypdf.PdfReader(source).pages)
            stored = data / "documents" / sha256[:2] / f"{sha256}.pdf"
            assert stored.read_bytes() == content
            expected_files.add(stored)
    assert set(files_under(data / "documents")) == expected_files
    seqs = [s for (s,) in query(db, "SELECT seq FROM events WHERE meeting_id = ? ORDER BY seq",
                                (meeting_id,))]
    assert seqs == list(range(1, len(seqs) + 1))
    assert query(db, "SELECT last_seq FROM meetings") == [(len(seqs),)]


def _truncate(folder: Path) -> str:
    name = "bao-cao.pdf"  # the last one: every other file is checked first
    content = (folder / name).read_bytes()
    (folder / name).write_bytes(content[: len(content) // 3])
    return name


def _encrypt(folder: Path) -> str:
    name = "phu-luc.pdf"
    (folder / name).write_bytes(pdfs.sample(pdfs.ENCRYPTED))
    return name


@pytest.mark.parametrize("spoil", [_truncate, _encrypt], ids=["truncated", "encrypted"])
def test_import_with_a_bad_pdf_fails_naming_it(tmp_path: Path, spoil: Any) -> None:
    folder = small_agenda(tmp_path / "agenda")
    name = spoil(folder)
    result = cli(tmp_path / "data", "import", str(folder))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    assert name in result.stderr


@pytest.mark.parametrize("spoil", [_truncate, _encrypt], ids=["truncated", "encrypted"])
def test_import_with_a_bad_pdf_imports_nothing(tmp_path: Path, spoil: Any) -> None:
    folder = small_agenda(tmp_path / "agenda")
    spoil(folder)
    data = tmp_path / "data"
    cli(data, "import", str(folder))
    db = data / "meeting.db"
    for table in ("meetings", "agenda_items", "documents", "document_versions", "page_texts",
                  "events", "users", "units"):
        assert count(db, table) == 0, table
    assert files_under(data / "documents") == []
    assert files_under(data / "tmp") == []


def test_import_with_an_unknown_participant_leaves_no_files(tmp_path: Path) -> None:
    folder = small_agenda(tmp_path / "agenda")
    toml = folder / "agenda.toml"
    text = toml.read_text(encoding="utf-8")
    spoiled = text.replace('[[participants]]\nusername = "gd.snv"',
                           '[[participants]]\nusername = "khong.ton.tai"')
    assert spoiled != text
    toml.write_text(spoiled, encoding="utf-8")
    data = tmp_path / "data"
    result = cli(data, "import", str(folder))
    assert_clean_failure(result, "khong.ton.tai", "participants[2].username")
    db = data / "meeting.db"
    for table in ("meetings", "documents", "document_versions", "users", "units"):
        assert count(db, table) == 0, table
    assert files_under(data / "documents") == []


# ----------------------------------------------------------------------------- reindex

def test_reindex_rebuilds_the_search_index(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, "import", str(small_agenda(tmp_path / "agenda"))).returncode == 0
    db = data / "meeting.db"
    search = ("SELECT count(*) FROM search_fts WHERE search_fts MATCH"
              " '\"doi\" + \"thoai\"'")
    before = query(db, search)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("INSERT INTO search_fts (search_fts) VALUES ('delete-all')")
    assert query(db, search) == [(0,)]
    result = cli(data, "reindex")
    assert result.returncode == 0, result.stderr
    assert "search index rebuilt" in result.stdout
    assert query(db, search) == before != [(0,)]


# ----------------------------------------------------------------------------- backup


async def test_backup_is_a_consistent_online_copy(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, "import", str(small_agenda(tmp_path / "agenda"))).returncode == 0
    assert cli(data, "user", "add", "quantri", "--name", "Quản trị", "--role", "admin",
               "--password-stdin", stdin=PASSWORD + "\n").returncode == 0
    [(meeting_id, title)] = query(data / "meeting.db", "SELECT id, title FROM meetings")
    dest = tmp_path / "backup"

    # With the server running and a write it committed still in the WAL.
    running, uv, task = await start_server(make_settings(data))
    try:
        async with httpx.AsyncClient(base_url=running.url) as client:
            r = await client.post("/api/session",
                                  json={"username": "quantri", "password": PASSWORD})
            token = r.json()["token"]
            r = await client.post(f"/api/meetings/{meeting_id}/agenda-items",
                                  json={"title": "Các vấn đề phát sinh"},
                                  headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 201, r.text
            added = r.json()["id"]
        result = await asyncio.to_thread(cli, data, "backup", str(dest))
    finally:
        uv.should_exit = True
        await task
    assert result.returncode == 0, result.stderr

    copy = dest / "meeting.db"
    assert query(copy, "PRAGMA integrity_check") == [("ok",)]
    assert query(copy, "SELECT id, title FROM meetings") == [(meeting_id, title)]
    assert query(copy, "SELECT title FROM agenda_items WHERE id = ?", (added,)) == [
        ("Các vấn đề phát sinh",)]
    originals = files_under(data / "documents")
    assert originals
    copies = files_under(dest / "documents")
    assert [p.relative_to(dest) for p in copies] == [p.relative_to(data) for p in originals]
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(originals, copies, strict=True))


def test_backup_into_a_non_empty_folder_fails(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, "unit", "add", "SNV", "--name", "Sở Nội vụ").returncode == 0
    dest = tmp_path / "backup"
    dest.mkdir()
    (dest / "keep.txt").write_text("do not overwrite")
    result = cli(data, "backup", str(dest))
    assert_clean_failure(result, str(dest.resolve()), "not empty")
    assert sorted(p.name for p in dest.iterdir()) == ["keep.txt"]


def test_backup_twice_into_the_same_folder_fails(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert cli(data, "unit", "add", "SNV", "--name", "Sở Nội vụ").returncode == 0
    dest = tmp_path / "backup"
    assert cli(data, "backup", str(dest)).returncode == 0
    assert_clean_failure(cli(data, "backup", str(dest)), "not empty")


# ----------------------------------------------------------------------------- help


@pytest.mark.parametrize("command", ["serve", "demo"])
def test_help_lists_every_setting(tmp_path: Path, command: str) -> None:
    result = cli(tmp_path / "data", command, "--help")
    assert result.returncode == 0, result.stderr
    assert [s.env for s in SETTINGS if s.env not in result.stdout] == []
    assert [s.flag for s in SETTINGS if s.flag and s.flag not in result.stdout] == []
    assert not (tmp_path / "data").exists()
