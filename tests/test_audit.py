"""The audit log: who viewed, downloaded or published what, written in batches, read by
administrators (API, page, CSV), kept for MEETING_AUDIT_DAYS."""

from __future__ import annotations

import ast
import asyncio
import csv
import io
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pdfs
import pytest

from meeting_server.audit import AUDIT_ACTIONS, AuditEntry
from meeting_server.db import Database, Transaction
from meeting_server.housekeeping import sweep
from meeting_server.views.api_audit import KINDS

from conftest import PASSWORD, Server, Template, World, db_rows, running


async def audit_rows(server: Server) -> list[tuple[Any, ...]]:
    return await db_rows(server, "SELECT user_id, action, object_kind, object_id, meeting_id,"
                                 " detail FROM audit_log ORDER BY id")


async def upload(world: World) -> dict[str, Any]:
    item = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                      json={"title": "Báo cáo"})
    r = await world.secretary.post(f"/api/agenda-items/{item.json()['id']}/documents",
                                   files={"file": ("bao-cao.pdf", pdfs.sample(pdfs.ONE_PAGE),
                                                   "application/pdf")})
    assert r.status_code == 201, r.text
    document: dict[str, Any] = r.json()
    return document


async def entries(world: World, **params: Any) -> list[dict[str, Any]]:
    await world.server.app.context.recorder.flush()
    r = await world.admin.get("/api/audit", params=params)
    assert r.status_code == 200, r.text
    found: list[dict[str, Any]] = r.json()["entries"]
    return found


async def test_a_download_is_recorded_with_who_and_what(world: World) -> None:
    document = await upload(world)

    await world.member.get(f"/api/documents/{document['id']}/file")

    [row] = await entries(world, action="download")
    assert (row["user_id"], row["object_kind"], row["object_id"], row["meeting_id"]) == (
        world.users["snv"], "document", document["id"], world.meeting_id)
    assert row["detail"] == "version 1" and row["username"] == "snv"


async def test_a_range_request_of_the_same_download_is_not_recorded_again(
        world: World) -> None:
    document = await upload(world)

    await world.member.get(f"/api/documents/{document['id']}/file")
    await world.member.get(f"/api/documents/{document['id']}/file",
                           headers={"Range": "bytes=100-200"})

    assert len(await entries(world, action="download")) == 1


async def test_viewing_the_meeting_page_is_recorded(world: World) -> None:
    await world.member.get(f"/meetings/{world.meeting_id}")

    [row] = await entries(world, action="view")
    assert (row["object_kind"], row["object_id"]) == ("meeting", world.meeting_id)


async def test_uploading_a_document_is_recorded_as_publishing_it(world: World) -> None:
    document = await upload(world)

    [row] = await entries(world, action="publish")
    assert (row["user_id"], row["object_kind"], row["object_id"]) == (
        world.users["thuky"], "document", document["id"])


async def test_signing_in_is_recorded(server: Server) -> None:
    before = len(await audit_rows(server))  # the template's own sign-ins

    await server.sign_in("admin")
    await server.app.context.recorder.flush()

    assert [r[1:3] for r in (await audit_rows(server))[before:]] == [("sign_in", "user")]


@pytest.mark.parametrize("who", ["secretary", "chair", "member"])
async def test_only_an_administrator_reads_the_audit_log(world: World, who: str) -> None:
    client = getattr(world, who)

    api = await client.get("/api/audit")
    page = await client.get("/audit")

    assert api.status_code == 403 and page.status_code == 403


async def test_reading_the_audit_log_needs_signing_in(server: Server) -> None:
    assert (await server.client().get("/api/audit")).status_code == 401


async def test_the_audit_log_filters_by_user_and_pages_back(world: World) -> None:
    for _ in range(3):
        await world.member.get(f"/meetings/{world.meeting_id}")
    await world.chair.get(f"/meetings/{world.meeting_id}")

    mine: dict[str, Any] = {"user_id": world.users["snv"], "action": "view"}
    first = await entries(world, **mine, limit=2)
    r = await world.admin.get("/api/audit", params={**mine, "limit": 2})
    rest = await entries(world, **mine, before=r.json()["next_before"])

    assert len(first) == 2 and len(rest) == 1
    assert {e["user_id"] for e in first + rest} == {world.users["snv"]}
    assert first[0]["id"] > first[1]["id"] > rest[0]["id"]


@pytest.mark.parametrize("params", [{"user_id": "x"}, {"action": "delete"},
                                    {"since": "yesterday"}, {"limit": "0"}])
async def test_a_bad_filter_is_400(world: World, params: dict[str, str]) -> None:
    r = await world.admin.get("/api/audit", params=params)

    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_query"


async def test_the_audit_spreadsheet_escapes_formulas(world: World) -> None:
    await world.admin.post("/api/users", json={
        "username": "formula", "name": "=HYPERLINK(\"http://evil.example\")",
        "role": "member", "password": PASSWORD})
    await world.server.sign_in("formula")
    await world.server.app.context.recorder.flush()

    r = await world.admin.get("/api/audit", params={"format": "csv", "action": "sign_in"})

    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[1][3] == "'=HYPERLINK(\"http://evil.example\")"
    assert "attachment" in r.headers["content-disposition"]


async def test_the_audit_page_lists_what_was_recorded(world: World) -> None:
    await world.member.get(f"/meetings/{world.meeting_id}")
    await world.server.app.context.recorder.flush()

    page = await world.admin.get("/audit")

    assert page.status_code == 200 and "Nguyễn Văn An" in page.text


async def test_the_database_takes_every_action_recorded_and_no_other(world: World) -> None:
    """The audit table's CHECK (both backends' migrations) lists every action the code
    records, 'decide' of migration 0013 too; the page names each one."""
    recorder = world.server.app.context.recorder
    for action in AUDIT_ACTIONS:
        recorder.record(AuditEntry("2019-07-05T08:00:00+07:00", world.users["stp"], action,
                                   "user", None, None, "every action"))
    found = await entries(world, user_id=world.users["stp"])
    assert sorted(e["action"] for e in found if e["detail"] == "every action") == sorted(
        AUDIT_ACTIONS)
    page = await world.admin.get("/audit", params={"action": "decide"},
                                 headers={"Accept-Language": "vi"})
    assert page.status_code == 200 and "đã quyết định" in page.text
    with pytest.raises(Exception, match="(?i)check"):
        async with world.server.app.context.db.transaction() as tx:
            await tx.execute("INSERT INTO audit_log (at, action, object_kind) VALUES (?, ?, ?)",
                             ("2019-07-05T08:00:00+07:00", "edit", "user"))


def test_every_kind_recorded_can_be_filtered_by() -> None:
    """Each object kind a view records (``audit(request, user, action, kind, ...)``) is one
    ``?kind=`` accepts."""
    recorded = set()
    for path in (Path(__file__).parent.parent / "meeting_server").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "audit"
                    and len(node.args) >= 4 and isinstance(node.args[3], ast.Constant)):
                recorded.add(node.args[3].value)
    assert len(recorded) >= 8 and recorded <= set(KINDS), recorded - set(KINDS)


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


async def test_page_views_and_downloads_take_no_write_transaction(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    document = await upload(world)
    async with counting_transactions(world.server.app.context.db, monkeypatch) as opened:
        for _ in range(20):
            await world.member.get(f"/meetings/{world.meeting_id}")
            await world.member.get(f"/api/documents/{document['id']}/file")
        written_before_flush = list(opened)
        await world.server.app.context.recorder.flush()

    # At most the periodic flushes (one per MEETING_AUDIT_FLUSH_SECONDS), not one per request.
    assert len(written_before_flush) <= 40 // 10
    assert len([r for r in await audit_rows(world.server) if r[1] in ("view", "download")]) == 40


async def test_what_is_buffered_is_written_at_shutdown(world_template: Template,
                                                       data_dir: Path) -> None:
    world_template.copy(data_dir)
    async with running(data_dir, world_template.sessions) as server:
        server.facts = world_template.facts
        member = await server.login("snv")
        await member.get(f"/meetings/{server.facts['meeting_id']}")

    conn = sqlite3.connect(data_dir / "meeting.db")
    try:
        views = conn.execute("SELECT count(*) FROM audit_log WHERE action = 'view'").fetchone()
    finally:
        conn.close()
    assert views[0] == 1


def insert_rows(path: Path, times: list[str]) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.executemany(
            "INSERT INTO audit_log (at, action, object_kind) VALUES (?, 'view', 'meeting')",
            [(at,) for at in times])
    conn.close()


async def test_rows_older_than_the_retention_are_swept(server: Server) -> None:
    before = len(await audit_rows(server))
    # In a thread: the server's own writes (its housekeeping) go on meanwhile.
    await asyncio.to_thread(insert_rows, server.settings.db_path,
                            ["2020-01-01T08:00:00+07:00", server.app.context.clock.now_iso()])

    await sweep(server.app.context.db, server.settings)

    assert len(await audit_rows(server)) == before + 1
