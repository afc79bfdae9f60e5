"""Notifications: an approaching deadline is emailed through a real SMTP server (once, whatever
restarts or instances), in Vietnamese first, in UTF-8, with a link; in-app on the home page."""

from __future__ import annotations

import asyncio
import unicodedata
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from notify_support import Sink, mailing, set_now, smtp_sink

from meeting_server.db import Database
from meeting_server.services.notifications import Notifier, due_now
from meeting_server.store import notifications as store

from conftest import Server, Template, World, eventually


async def add_task(world: World, due_date: str, title: str = "Rà soát thủ tục hành chính"
                   ) -> dict[str, Any]:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/conclusions",
                                   json={"text": "Giao Sở Nội vụ rà soát."})
    assert r.status_code == 201, r.text
    r = await world.secretary.post(f"/api/conclusions/{r.json()['id']}/tasks", json={
        "title": title, "lead_unit": "SNV", "due_date": due_date})
    assert r.status_code == 201, r.text
    task: dict[str, Any] = r.json()
    return task


async def set_email(client: httpx.AsyncClient, user_id: int, address: str) -> None:
    r = await client.put(f"/api/users/{user_id}/email", json={"email": address})
    assert r.status_code == 200, r.text


@pytest.fixture
async def sink() -> Any:
    async with smtp_sink() as found:
        yield found


@pytest.fixture
async def mailed(world_template: Template, data_dir: Path, sink: Sink) -> Any:
    async with mailing(world_template, data_dir, sink) as server:
        yield server


def due_soon(sink: Sink) -> list[Any]:
    return [m for m in sink.messages if "sắp đến hạn" in str(m["Subject"])]


async def test_an_approaching_deadline_is_emailed_through_the_smtp_server(
        mailed: Server, sink: Sink) -> None:
    world = await World.of(mailed)
    await set_email(world.member, world.users["snv"], "an.nv@snv.example.vn")
    await add_task(world, "2030-01-10", "Báo cáo tiến độ cải cách hành chính")
    notifier = mailed.app.context.notifier
    set_now(mailed, datetime(2030, 1, 1, 9))  # nine days before: not yet
    await notifier.run_once()
    assert due_soon(sink) == []
    set_now(mailed, datetime(2030, 1, 8, 9))  # two days before, within MEETING_NOTIFY_DUE_DAYS
    notifier.wake()
    await eventually(lambda: len(due_soon(sink)) == 1)
    mail = due_soon(sink)[0]
    assert mail["To"] == "an.nv@snv.example.vn"
    assert str(mail["Subject"]) == ("Nhiệm vụ sắp đến hạn ngày 10/01/2030: "
                                    "Báo cáo tiến độ cải cách hành chính")
    assert mail.get_content_type() == "text/plain"
    assert mail.get_content_charset() == "utf-8"
    body = mail.get_content()
    assert unicodedata.is_normalized("NFC", body)
    assert body.index("đến hạn ngày 10/01/2030 (còn 2 ngày)") < body.index("is due on 10/01/2030")
    assert "https://hop.example.vn/tasks" in body


async def test_each_notification_is_emailed_once_across_runs_restarts_and_instances(
        mailed: Server, sink: Sink) -> None:
    world = await World.of(mailed)
    await set_email(world.member, world.users["snv"], "an.nv@snv.example.vn")
    await add_task(world, "2030-01-10")
    set_now(mailed, datetime(2030, 1, 8, 9))
    context = mailed.app.context
    other_db = Database(context.settings.db_path, context.db.clock)
    await other_db.open()
    try:
        # A second instance on the same database, running at the same moment, and each again.
        other = Notifier(other_db, context.settings)
        await asyncio.gather(context.notifier.run_once(), other.run_once(),
                             context.notifier.run_once(), other.run_once())
        await context.notifier.run_once()
    finally:
        await other_db.close()
    async with context.db.read() as conn:
        mine = await store.for_user(conn, world.users["snv"])
    emailed = [n for n in mine if n.email_status == "sent"]
    assert emailed and len(sink.messages) == len(emailed)
    assert len(due_soon(sink)) == 1
    assert len(set(sink.subjects())) == len(sink.messages)


async def test_a_restart_sends_nothing_again(world_template: Template, data_dir: Path,
                                             sink: Sink) -> None:
    async with mailing(world_template, data_dir, sink) as server:
        world = await World.of(server)
        await set_email(world.member, world.users["snv"], "an.nv@snv.example.vn")
        await add_task(world, "2030-01-10")
        set_now(server, datetime(2030, 1, 8, 9))
        await server.app.context.notifier.run_once()
        sent = len(sink.messages)
        assert len(due_soon(sink)) == 1
    async with mailing_again(world_template, data_dir, sink) as server:
        set_now(server, datetime(2030, 1, 8, 10))
        await server.app.context.notifier.run_once()
        assert len(sink.messages) == sent


def mailing_again(template: Template, data_dir: Path, sink: Sink) -> Any:
    """The same data dir started again (not copied from the template)."""
    from conftest import running

    return running(data_dir, template.sessions, smtp_host="127.0.0.1",
                   smtp_port=str(sink.port), smtp_security="none")


async def test_new_tasks_and_overdue_ones_reach_the_units_people_in_app(world: World) -> None:
    server = world.server
    await add_task(world, "2030-01-10", "Nhiệm vụ mới của Sở Nội vụ")
    set_now(server, datetime(2030, 1, 12, 9))
    await server.app.context.notifier.run_once()
    r = await world.member.get("/api/notifications", headers={"Accept-Language": "vi"})
    assert r.status_code == 200
    kinds = {n["kind"]: n for n in r.json()["notifications"]}
    assert kinds["task_assigned"]["subject"] == "Nhiệm vụ mới: Nhiệm vụ mới của Sở Nội vụ"
    assert kinds["task_overdue"]["subject"] == "Nhiệm vụ quá hạn: Nhiệm vụ mới của Sở Nội vụ"
    assert r.json()["unread"] >= 2
    # Another unit's member hears nothing of it.
    r = await world.outsider.get("/api/notifications")
    assert [n for n in r.json()["notifications"] if "Sở Nội vụ" in n["subject"]] == []


async def test_the_home_page_lists_them_unread_then_read(world: World) -> None:
    server = world.server
    await add_task(world, "2030-01-10", "Nhiệm vụ trên trang chủ")
    await server.app.context.notifier.run_once()
    page = await world.member.get("/", headers={"Accept-Language": "vi"})
    assert "Nhiệm vụ mới: Nhiệm vụ trên trang chủ" in page.text
    assert 'id="unread-count"' in page.text
    found = (await world.member.get("/api/notifications")).json()["notifications"]
    target = next(n for n in found if n["kind"] == "task_assigned")
    # Someone else cannot mark it read, nor learn that it exists.
    r = await world.outsider.post(f"/api/notifications/{target['id']}/read")
    assert r.status_code == 404
    r = await world.member.post(f"/api/notifications/{target['id']}/read")
    assert r.status_code == 204
    again = (await world.member.get("/api/notifications")).json()["notifications"]
    assert next(n for n in again if n["id"] == target["id"])["read"] is True
    r = await world.member.post("/api/notifications/read")
    assert r.status_code == 204
    assert (await world.member.get("/api/notifications")).json()["unread"] == 0


async def test_a_published_notice_is_announced(world: World) -> None:
    server = world.server
    await add_task(world, "2030-01-10")
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "notice"})
    assert r.status_code == 201, r.text
    publication = r.json()
    r = await world.secretary.patch(f"/api/publications/{publication['id']}",
                                    json={"number": "15", "signer": {
                                        "name": "Lê Văn Tám", "title": "Chánh Văn phòng"}})
    assert r.status_code == 200, r.text
    r = await world.secretary.post(f"/api/publications/{publication['id']}/publish")
    assert r.status_code == 200, r.text
    await server.app.context.notifier.run_once()
    found = (await world.member.get("/api/notifications")).json()["notifications"]
    notice = [n for n in found if n["kind"] == "notice_published"]
    assert len(notice) == 1 and notice[0]["link"] == f"/publications/{publication['id']}"


async def test_only_oneself_or_an_administrator_sets_an_email_address(world: World) -> None:
    r = await world.outsider.put(f"/api/users/{world.users['snv']}/email",
                                 json={"email": "x@example.vn"})
    assert r.status_code == 403
    r = await world.member.put(f"/api/users/{world.users['snv']}/email",
                               json={"email": "not an address"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_email"
    r = await world.admin.put(f"/api/users/{world.users['snv']}/email",
                              json={"email": "an.nv@snv.example.vn"})
    assert r.status_code == 200
    r = await world.admin.put("/api/users/999999/email", json={"email": "a@b.vn"})
    assert r.status_code == 404


async def test_without_an_smtp_server_nothing_is_queued_for_email(world: World) -> None:
    server = world.server
    await set_email(world.member, world.users["snv"], "an.nv@snv.example.vn")
    await add_task(world, "2030-01-10")
    await server.app.context.notifier.run_once()
    async with server.app.context.db.read() as conn:
        mine = await store.for_user(conn, world.users["snv"])
    assert mine and {n.email_status for n in mine} == {"none"}


async def test_a_failing_smtp_server_is_tried_again_later(world_template: Template,
                                                          data_dir: Path) -> None:
    async with smtp_sink() as sink:
        port = sink.port
    # Nothing listens on that port any more: the email stays pending.
    down = Sink(port=port)
    async with mailing(world_template, data_dir, down) as server:
        world = await World.of(server)
        await set_email(world.member, world.users["snv"], "an.nv@snv.example.vn")
        await add_task(world, "2030-01-10")
        result = await server.app.context.notifier.run_once()
        assert result.sent == 0 and result.failed >= 1
        async with server.app.context.db.read() as conn:
            mine = await store.for_user(conn, world.users["snv"])
        assert "pending" in {n.email_status for n in mine}


async def test_an_email_claimed_by_an_instance_that_died_is_sent_by_another(
        mailed: Server, sink: Sink) -> None:
    world = await World.of(mailed)
    await set_email(world.member, world.users["snv"], "an.nv@snv.example.vn")
    await add_task(world, "2030-01-10")
    set_now(mailed, datetime(2030, 1, 8, 9))
    context = mailed.app.context
    await due_now(context.db, context.settings)
    # An instance claims every pending email at 08:00 and dies before sending any.
    async with context.db.transaction() as tx:
        taken = await store.claim(tx, datetime(2030, 1, 8, 8, tzinfo=context.clock.zone), 100)
    assert taken and sink.messages == []
    # Five minutes on, the claim still stands: nothing is sent twice meanwhile.
    set_now(mailed, datetime(2030, 1, 8, 8, 5))
    assert (await context.notifier.run_once()).sent == 0
    # At nine it is stale: claimed again and sent, each once.
    set_now(mailed, datetime(2030, 1, 8, 9))
    assert (await context.notifier.run_once()).sent == len(taken)
    assert len(sink.messages) == len(taken) and len(due_soon(sink)) == 1


async def test_the_home_page_sets_ones_own_address(world: World) -> None:
    page = await world.member.get("/", headers={"Accept-Language": "vi"})
    assert 'id="email-form"' in page.text and "Email nhận thông báo" in page.text
    await set_email(world.member, world.users["snv"], "an.nv@snv.example.vn")
    page = await world.member.get("/", headers={"Accept-Language": "vi"})
    assert 'value="an.nv@snv.example.vn"' in page.text
    r = await world.member.put(f"/api/users/{world.users['snv']}/email", json={"email": None})
    assert r.status_code == 200 and r.json()["email"] is None


async def test_a_refused_address_does_not_hold_back_the_others(mailed: Server,
                                                               sink: Sink) -> None:
    world = await World.of(mailed)
    r = await world.admin.post("/api/users", json={
        "username": "snv2", "name": "Đỗ Thị Lan", "role": "member", "unit": "SNV",
        "password": "correct horse battery"})
    assert r.status_code == 201, r.text
    await set_email(world.admin, r.json()["id"], "lan.dt@snv.example.vn")
    await set_email(world.member, world.users["snv"], "an.nv@snv.example.vn")
    sink.refuse.add("an.nv@snv.example.vn")
    await add_task(world, "2030-01-10")
    set_now(mailed, datetime(2030, 1, 8, 9))
    notifier = mailed.app.context.notifier
    first = await notifier.run_once()
    assert first.sent >= 2 and first.failed >= 2  # assigned and due soon, to each of the two
    assert {r for found in sink.recipients for r in found} == {"lan.dt@snv.example.vn"}
    for _ in range(5):
        await notifier.run_once()
    async with mailed.app.context.db.read() as conn:
        refused = await store.for_user(conn, world.users["snv"])
    assert {n.email_status for n in refused} == {"failed"}
    assert len(sink.messages) == first.sent
