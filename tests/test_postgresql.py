"""What the PostgreSQL backend adds: statements translated once, several instances writing one
meeting's log without gaps, background jobs claimed by one instance, ``meeting-server
migrate``. (The API and live suites run on it too: see POSTGRESQL_MODULES in conftest.)"""

from __future__ import annotations

import asyncio
import functools
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import asyncpg
import pg_support
import pytest

from meeting_server.access import Scope
from meeting_server.db import fetchone
from meeting_server.db_postgres import PostgresDatabase, translate
from meeting_server.errors import Conflict
from meeting_server.models import Event
from meeting_server.services import accounts
from meeting_server.services.publications import issue
from meeting_server.store import agenda, conclusions, events, idempotency, meetings, publications

from conftest import World, running

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def url_for(tmp_path: Path) -> str:
    assert pg_support.current is not None
    return pg_support.new_database(pg_support.current, tmp_path)


def test_placeholders_are_numbered_outside_quoted_text(backend: str) -> None:
    assert translate("SELECT '?', ? WHERE a = ? AND b = 'it''s ?'") == (
        "SELECT '?', $1 WHERE a = $2 AND b = 'it''s ?'")
    assert translate("SELECT 1 FROM t WHERE id IN (SELECT value FROM json_each(?))") == (
        "SELECT 1 FROM t WHERE id IN"
        " (SELECT value::bigint FROM json_array_elements_text($1::json))")
    assert translate("SELECT 1 FROM t WHERE k IN (SELECT CAST(value AS TEXT) FROM json_each(?))"
                     ) == ("SELECT 1 FROM t WHERE k IN"
                           " (SELECT value FROM json_array_elements_text($1::json))")
    sql = "SELECT x FROM t WHERE y = ?"
    assert translate(sql) is translate(sql)  # cached: translated once


async def test_two_instances_append_to_one_log_without_gaps(backend: str,
                                                            tmp_path: Path) -> None:
    """Two instances (two databases objects, each its own writer) write the same meeting at
    once: every seq is taken once, none is skipped, and each instance's listeners get its
    own events in seq order."""
    url = url_for(tmp_path)
    first, second = PostgresDatabase(url), PostgresDatabase(url)
    await first.open()
    await second.open()
    seen: dict[int, list[int]] = {1: [], 2: []}

    def listener(number: int) -> object:
        def got(committed: Sequence[Event]) -> None:
            seen[number].extend(e.seq for e in committed)
        return got

    first.on_commit(listener(1))  # type: ignore[arg-type]
    second.on_commit(listener(2))  # type: ignore[arg-type]
    try:
        async with first.transaction() as tx:
            meeting = await meetings.create(tx, "Họp", "2019-07-05T08:00:00+07:00", "", None,
                                            None)

        async def write(db: PostgresDatabase, times: int) -> None:
            for n in range(times):
                async with db.transaction() as tx:
                    await events.append(tx, meeting.id, "meeting.updated", {"n": n}, None)

        await asyncio.gather(write(first, 40), write(second, 40))
        async with first.read() as conn:
            logged = await events.page(conn, meeting.id, 0, 1000, 10**7)
            last = await events.last_seq(conn, meeting.id)
    finally:
        await first.close()
        await second.close()
    assert [e.seq for e in logged] == list(range(1, 81))
    assert last == 80
    assert sorted(seen[1] + seen[2]) == list(range(1, 81))
    assert seen[1] == sorted(seen[1]) and seen[2] == sorted(seen[2])
    assert len(seen[1]) == len(seen[2]) == 40


async def test_two_instances_number_one_meetings_things_without_doubles(
        backend: str, tmp_path: Path) -> None:
    """Agenda positions and conclusion numbers are max() + 1 of what is there: two instances
    adding to one meeting at once take turns on the meeting's row, so no number is given
    twice."""
    url = url_for(tmp_path)
    first, second = PostgresDatabase(url), PostgresDatabase(url)
    await first.open()
    await second.open()
    try:
        secretary = await accounts.add_user(first, "thuky", "Lê Thị Hoa", "secretary", None, "",
                                            "correct horse battery")
        async with first.transaction() as tx:
            meeting = await meetings.create(tx, "Họp", "2019-07-05T08:00:00+07:00", "", None,
                                            None)

        async def add(db: PostgresDatabase, times: int) -> None:
            for n in range(times):
                async with db.transaction() as tx:
                    await agenda.append(tx, meeting.id, f"Mục {n}", "", None)
                    await conclusions.append(tx, meeting.id, f"Kết luận {n}", None,
                                             secretary.id)

        await asyncio.gather(add(first, 25), add(second, 25))
        async with first.read() as conn:
            items = await agenda.list_for(conn, meeting.id)
            found = await conclusions.list_for(conn, meeting.id)
    finally:
        await first.close()
        await second.close()
    assert sorted(i.position for i in items) == list(range(1, 51))
    assert sorted(c.number for c in found) == list(range(1, 51))


async def test_two_instances_publishing_one_number_at_once_give_it_once(
        backend: str, tmp_path: Path) -> None:
    """Two notices of two meetings with the same number, symbol and year, published on two
    instances at once: the second waits for the first's commit (a lock per symbol and year),
    then finds the number taken (409), where reading before the first's commit would have
    found it free and issued it twice."""
    url = url_for(tmp_path)
    first, second = PostgresDatabase(url), PostgresDatabase(url)
    await first.open()
    await second.open()
    fields = {"symbol": "TB-VP", "number": "152", "date": "2019-07-05"}
    try:
        secretary = await accounts.add_user(first, "thuky", "Lê Thị Hoa", "secretary", None, "",
                                            "correct horse battery")
        drafts = []
        async with first.transaction() as tx:
            for title in ("Họp A", "Họp B"):
                meeting = await meetings.create(tx, title, "2019-07-05T08:00:00+07:00", "",
                                                None, None)
                drafts.append(await publications.create(tx, meeting.id, "notice", {}, fields,
                                                        None, secretary.id))

        async def give(db: PostgresDatabase, draft: int) -> None:
            async with db.transaction() as tx:
                await issue(tx, draft, "<p>", "0" * 64, 1, secretary.id, fields)

        async def waiting_for_a_lock() -> bool:
            async with first.read() as conn:
                row = await fetchone(conn, "SELECT count(*) FROM pg_locks"
                                           " WHERE locktype = 'advisory' AND NOT granted")
                return bool(row and row[0])

        async with first.transaction() as tx:
            await issue(tx, drafts[0], "<p>", "0" * 64, 1, secretary.id, fields)
            later = asyncio.ensure_future(give(second, drafts[1]))
            while not await waiting_for_a_lock():  # or it went ahead: the number given twice
                assert not later.done(), "the second instance did not wait for the first"
                await asyncio.sleep(0.01)
        with pytest.raises(Conflict) as refused:
            await later
        assert refused.value.code == "number_taken"
        async with first.read() as conn:
            found = [await publications.get(conn, d) for d in drafts]
    finally:
        await first.close()
        await second.close()
    assert [p.status if p else None for p in found] == ["published", "draft"]


async def test_a_key_run_by_two_instances_at_once_changes_once(backend: str,
                                                                tmp_path: Path) -> None:
    """A client's retry of an Idempotency-Key sent to another instance while the first still
    runs it: the second waits for the first's commit, finds its answer and rolls its own
    change back (the client's next retry is answered with the first answer)."""
    url = url_for(tmp_path)
    first, second = PostgresDatabase(url), PostgresDatabase(url)
    await first.open()
    await second.open()

    async def run(db: PostgresDatabase, title: str) -> None:
        async with db.transaction() as tx:
            await meetings.create(tx, title, "2019-07-05T08:00:00+07:00", "", None, None)
            await idempotency.save(tx, "caller", "key-1", "hash", 201, [], b"{}")

    try:
        async with first.transaction() as tx:
            await meetings.create(tx, "A", "2019-07-05T08:00:00+07:00", "", None, None)
            await idempotency.save(tx, "caller", "key-1", "hash", 201, [], b"{}")
            later = asyncio.create_task(run(second, "B"))
            watcher = await asyncpg.connect(url)
            try:  # until the second instance waits on the key's row
                while not await watcher.fetchval(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND datname = current_database()"):
                    assert not later.done()
                    await asyncio.sleep(0.02)
            finally:
                await watcher.close()
        with pytest.raises(idempotency.AnsweredMeanwhile):
            await later
        async with first.read() as conn:
            titles = [m.title for m in await meetings.list_visible(conn, _everything())]
    finally:
        await first.close()
        await second.close()
    assert titles == ["A"]


def _everything() -> Scope:
    return Scope(everything=True, user_id=0, unit_id=None)


async def test_writes_go_on_after_the_server_ends_the_connection(backend: str,
                                                                  tmp_path: Path) -> None:
    """PostgreSQL restarted, or an administrator ended the session: the next write connects
    again instead of failing for ever."""
    url = url_for(tmp_path)
    db = PostgresDatabase(url)
    await db.open()
    try:
        async with db.transaction() as tx:
            await meetings.create(tx, "A", "2019-07-05T08:00:00+07:00", "", None, None)
        admin = await asyncpg.connect(url)
        try:
            ended = await admin.fetchval(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()")
        finally:
            await admin.close()
        assert ended >= 1
        async with db.transaction() as tx:
            await meetings.create(tx, "B", "2019-07-06T08:00:00+07:00", "", None, None)
        async with db.read() as conn:
            titles = sorted(m.title for m in await meetings.list_visible(conn, _everything()))
    finally:
        await db.close()
    assert titles == ["A", "B"]


async def test_one_instance_takes_each_background_job(backend: str, tmp_path: Path) -> None:
    url = url_for(tmp_path)
    first, second = PostgresDatabase(url), PostgresDatabase(url)
    await first.open()
    await second.open()
    try:
        async with first.claim("text abc") as mine:
            assert mine
            async with second.claim("text abc") as theirs:
                assert not theirs  # the other instance is on it
            async with second.claim("text def") as other:
                assert other  # another job is free
        async with second.claim("text abc") as later:
            assert later  # done and released: free again
    finally:
        await first.close()
        await second.close()


def test_migrate_command_makes_the_schema(backend: str, tmp_path: Path) -> None:
    url = url_for(tmp_path)
    env = {**os.environ, "MEETING_DATABASE_URL": url}
    for _ in range(2):  # the second time there is nothing left to do
        done = subprocess.run([sys.executable, "-m", "meeting_server", "migrate",
                               "--data-dir", str(tmp_path / "data")],
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "schema version" in done.stdout
    assert not (tmp_path / "data" / "meeting.db").exists()  # nothing went to SQLite


async def test_backup_and_restore_on_postgresql(world: World, tmp_path: Path) -> None:
    """``meeting-server backup`` next to the running server dumps the database (pg_dump) with
    the files; ``restore`` loads it into an empty database and a new data dir, where the
    server finds the meetings, and the sessions still work (the secret key came along)."""
    settings = world.server.settings
    run = functools.partial(subprocess.run, capture_output=True, text=True, timeout=300)
    env = {**os.environ, "MEETING_DATABASE_URL": settings.database_url}
    done = await asyncio.to_thread(run, [
        sys.executable, "-m", "meeting_server", "backup", str(tmp_path / "backup"),
        "--data-dir", str(settings.data_dir)], env=env)
    assert done.returncode == 0, done.stderr
    manifest = (tmp_path / "backup" / "backup-manifest.json").read_text()
    assert "database.pgdump" in manifest and "meeting.db" not in manifest

    (tmp_path / "empty").mkdir()
    url = url_for(tmp_path / "empty")
    restored = tmp_path / "restored"
    env = {**os.environ, "MEETING_DATABASE_URL": url}
    done = await asyncio.to_thread(run, [
        sys.executable, "-m", "meeting_server", "restore", str(tmp_path / "backup"),
        "--data-dir", str(restored)], env=env)
    assert done.returncode == 0, done.stderr
    again = await asyncio.to_thread(run, [
        sys.executable, "-m", "meeting_server", "restore", str(tmp_path / "backup"),
        "--data-dir", str(tmp_path / "other")], env=env)
    assert again.returncode == 1 and "not empty" in again.stderr  # never over a database

    token = world.secretary.headers["Authorization"]
    async with running(restored, database_url=url) as server:
        client = server.client()
        client.headers["Authorization"] = token
        r = await client.get(f"/api/meetings/{world.meeting_id}")
        assert r.status_code == 200, r.text
        assert r.json()["meeting"]["title"] == "Phiên họp Ban Chỉ đạo cải cách hành chính"
