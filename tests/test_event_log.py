"""The meeting's event log: each event carries what changed (the object, or a removal's id), so
the log grows with the meeting and not with its square; a tablet that resumes gets the missed
events read in pages, or a snapshot when they are more than the bounds; GET /events comes in
pages; and 2,000 conclusions neither swell the database nor the server on a fresh hello."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pdfs
import pytest
from liveclient import WAIT, Tablet, normalised
from websockets.asyncio.client import connect

from meeting_server.services import conclusions as conclusion_service
from meeting_server.services import meetings as meeting_service
from meeting_server.store import events, users
from meeting_server.views import api_meetings

from conftest import (
    PASSWORD,
    Template,
    World,
    add_admin,
    command_server,
    make_settings,
    running,
)


def token(client: httpx.AsyncClient) -> str:
    return client.headers["authorization"].split()[1]


async def last_event(world: World) -> dict[str, Any]:
    log = (await world.member.get(f"/api/meetings/{world.meeting_id}/events")).json()
    return log["events"][-1]  # type: ignore[no-any-return]


async def last_seq(world: World) -> int:
    log = (await world.member.get(f"/api/meetings/{world.meeting_id}/events",
                                  params={"after": 10**9})).json()
    return int(log["last_seq"])


async def add_item(world: World, title: str = "Mục", **fields: Any) -> int:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": title, **fields})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def add_conclusion(world: World, text: str, item: int | None = None) -> int:
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                               json={"text": text, "agenda_item_id": item})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


# ----------------------------------------------------------------------------- what events carry


async def test_a_saved_conclusion_event_carries_that_conclusion_only(world: World) -> None:
    for n in range(3):
        last = await add_conclusion(world, f"Kết luận {n}")

    event = await last_event(world)

    assert event["event"] == "conclusion.saved"
    assert list(event["data"]) == ["conclusion"]
    assert event["data"]["conclusion"]["id"] == last
    assert event["data"]["conclusion"]["number"] == 3


async def test_a_deleted_conclusion_event_carries_its_id_and_its_tasks(world: World) -> None:
    kept, gone = await add_conclusion(world, "Giữ"), await add_conclusion(world, "Xoá")
    r = await world.secretary.post(f"/api/conclusions/{gone}/tasks", json={
        "title": "Việc", "lead_unit": "SNV", "due_text": "thường xuyên"})
    task = r.json()["id"]

    await world.secretary.delete(f"/api/conclusions/{gone}")

    event = await last_event(world)
    assert kept != gone
    assert (event["event"], event["data"]) == (
        "conclusion.deleted", {"conclusion_id": gone, "task_ids": [task]})


async def test_an_agenda_event_carries_that_item_only(world: World) -> None:
    await add_item(world, "Một")
    second = await add_item(world, "Hai")

    await world.secretary.patch(f"/api/agenda-items/{second}", json={"position": 1})

    event = await last_event(world)
    assert event["event"] == "agenda.changed"
    assert list(event["data"]) == ["agenda_item"]
    assert (event["data"]["agenda_item"]["id"], event["data"]["agenda_item"]["position"]) == (
        second, 1)


async def test_a_deleted_agenda_item_event_carries_its_id_and_its_documents(
        world: World) -> None:
    item = await add_item(world)
    r = await world.secretary.post(f"/api/agenda-items/{item}/documents", files={
        "file": ("a.pdf", pdfs.sample(pdfs.ONE_PAGE), "application/pdf")})
    document = r.json()["id"]

    await world.secretary.delete(f"/api/agenda-items/{item}")

    event = await last_event(world)
    assert (event["event"], event["data"]) == (
        "agenda.item_deleted", {"agenda_item_id": item, "document_ids": [document]})


# ----------------------------------------------------------------------------- resuming


async def test_resuming_over_moves_and_deletions_gives_the_servers_state(world: World) -> None:
    url, mid = world.server.ws_url, world.meeting_id
    tablet = await Tablet.open(url, mid, token(world.member))
    await tablet.receive()
    await tablet.close()
    items = [await add_item(world, f"Mục {n}") for n in range(1, 5)]
    r = await world.secretary.post(f"/api/agenda-items/{items[1]}/documents", files={
        "file": ("a.pdf", pdfs.sample(pdfs.ONE_PAGE), "application/pdf")})
    assert r.status_code == 201
    found = [await add_conclusion(world, f"Kết luận {n}", items[n % 2 + 1])
             for n in range(1, 5)]
    await world.chair.put(f"/api/meetings/{mid}/current-item", json={"agenda_item_id": items[2]})
    await world.secretary.patch(f"/api/agenda-items/{items[3]}", json={"position": 1})
    await world.secretary.patch(f"/api/conclusions/{found[3]}", json={"number": 1})
    await world.secretary.patch(f"/api/conclusions/{found[2]}", json={"text": "Sửa"})
    await world.secretary.delete(f"/api/conclusions/{found[0]}")
    await world.secretary.delete(f"/api/agenda-items/{items[2]}")  # current, with conclusions
    await world.secretary.delete(f"/api/agenda-items/{items[1]}")  # with its document
    await add_item(world, "Cuối")

    again = await Tablet.open(url, mid, token(world.member), last_seq=tablet.seq)
    again.state, again.seq = tablet.state, tablet.seq
    await again.until_seq(await last_seq(world))

    assert all(e["type"] == "event" for e in again.events)
    served = (await world.member.get(f"/api/meetings/{mid}")).json()
    assert normalised(again.state or {}) == normalised(served)
    await again.close()


@asynccontextmanager
async def started(template: Template, data_dir: Path, **overrides: str
                  ) -> AsyncIterator[World]:
    """The world template on its own server with settings ``overrides``."""
    template.copy(data_dir)
    async with running(data_dir, template.sessions, **overrides) as server:
        server.facts = template.facts
        yield await World.of(server)


async def first_message_after(world: World, changes: int, title: str = "Mục",
                              **item: Any) -> dict[str, Any]:
    """What a tablet that missed ``changes`` agenda items is sent first when it resumes."""
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await tablet.receive()
    await tablet.close()
    for n in range(changes):
        await add_item(world, f"{n} {title}", **item)
    again = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member),
                              last_seq=tablet.seq)
    first = await again.receive()
    await again.close()
    return first


async def test_as_many_missed_events_as_the_bound_are_replayed(
        world_template: Template, tmp_path: Path) -> None:
    async with started(world_template, tmp_path / "data", ws_replay_events="5") as world:
        first = await first_message_after(world, 5)

    assert first["type"] == "event"


async def test_more_missed_events_than_the_bound_get_a_snapshot(
        world_template: Template, tmp_path: Path) -> None:
    async with started(world_template, tmp_path / "data", ws_replay_events="5") as world:
        first = await first_message_after(world, 6)

    assert first["type"] == "snapshot"


async def test_more_missed_kilobytes_than_the_bound_get_a_snapshot(
        world_template: Template, tmp_path: Path) -> None:
    async with started(world_template, tmp_path / "data", ws_replay_kb="16") as world:
        # about 1.1 KiB each, 22 KiB in all
        first = await first_message_after(world, 20, ("Nội dung dài " * 40)[:480],
                                          presenter="Sở Nội vụ " * 20)

    assert first["type"] == "snapshot"


async def test_an_event_logged_with_the_whole_list_is_not_replayed(world: World) -> None:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await tablet.receive()
    await tablet.close()
    conclusion = await add_conclusion(world, "Kết luận")
    saved = (await last_event(world))["data"]["conclusion"]
    db = world.server.app.context.db
    async with db.transaction() as tx:  # as servers before this format logged it
        await events.append(tx, world.meeting_id, "conclusion.saved",
                            {"conclusion": saved, "conclusions": [saved]}, None)

    again = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member),
                              last_seq=tablet.seq)
    first = await again.receive()
    await again.close()

    assert first["type"] == "snapshot"
    assert [c["id"] for c in first["state"]["conclusions"]] == [conclusion]


# ----------------------------------------------------------------------------- GET /events


async def test_the_log_comes_in_pages_that_end_at_the_byte_bound(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    start = await last_seq(world)
    for n in range(6):
        await add_item(world, f"Mục {n} " + "nội dung " * 40)
    monkeypatch.setattr(api_meetings, "EVENTS_PAGE_BYTES", 1500)

    pages, after = [], start
    while after < await last_seq(world):
        page = (await world.member.get(f"/api/meetings/{world.meeting_id}/events",
                                       params={"after": after})).json()["events"]
        pages.append([e["seq"] for e in page])
        after = page[-1]["seq"]

    assert [seq for page in pages for seq in page] == list(range(start + 1, start + 7))
    assert max(len(page) for page in pages) < 6


# ----------------------------------------------------------------------------- 2,000 conclusions

CONCLUSIONS = 2000
TEXT = ("Giao Sở Nội vụ chủ trì, phối hợp với Văn phòng UBND thành phố và các sở, ngành liên "
        "quan rà soát bộ thủ tục hành chính liên thông, báo cáo kết quả trong tháng {n}.")


async def a_meeting_of_2000_conclusions(data_dir: Path) -> None:
    """The admin, a meeting, and CONCLUSIONS conclusions recorded by the service as the API
    records them (in one transaction: the log is the same, and the test minutes faster)."""
    settings = make_settings(data_dir)
    await add_admin(settings)
    async with running(data_dir) as server:
        db = server.app.context.db
        async with db.read() as conn:
            admin = await users.user_by_username(conn, "admin")
        assert admin is not None
        meeting = await meeting_service.create_meeting(
            db, admin, "Họp", datetime.fromisoformat("2019-07-05T08:00:00+07:00"), "", None)
        async with db.transaction() as tx:
            for n in range(CONCLUSIONS):
                await conclusion_service.add_conclusion_in(tx, meeting.id, TEXT.format(n=n),
                                                           None, admin.id)


def database_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in data_dir.glob("meeting.db*"))


def memory_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak since the last reset) of a process, in KiB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


@pytest.mark.slow
async def test_2000_conclusions_keep_the_database_under_20_mb(tmp_path: Path) -> None:
    await a_meeting_of_2000_conclusions(tmp_path / "data")

    assert database_bytes(tmp_path / "data") < 20 * 1024 * 1024


@pytest.mark.slow
async def test_a_fresh_hello_to_2000_conclusions_takes_under_50_mb(tmp_path: Path) -> None:
    data = tmp_path / "data"
    await a_meeting_of_2000_conclusions(data)
    async with command_server(["serve", "--data-dir", str(data)], tmp_path / "logs") as served:
        proc, url, _, _ = served
        async with httpx.AsyncClient(base_url=url) as client:
            r = await client.post("/api/session",
                                  json={"username": "admin", "password": PASSWORD})
            bearer = r.json()["token"]
            meeting = (await client.get("/api/meetings", headers={
                "Authorization": f"Bearer {bearer}"})).json()["meetings"][0]["id"]
        before = memory_kib(proc.pid)["VmRSS"]
        Path(f"/proc/{proc.pid}/clear_refs").write_text("5")  # VmHWM starts again from here

        async with connect(f"{url.replace('http', 'ws')}/ws/meetings/{meeting}",
                           compression=None, max_size=None,
                           additional_headers={"Authorization": f"Bearer {bearer}"}) as ws:
            await ws.send(json.dumps({"type": "hello", "last_seq": 0}))
            first = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
            after = memory_kib(proc.pid)

    assert first["type"] == "snapshot" and len(first["state"]["conclusions"]) == CONCLUSIONS
    print(f"fresh hello to {CONCLUSIONS} conclusions: RSS {before // 1024} MiB before, peak "
          f"{after['VmHWM'] // 1024} MiB, {after['VmRSS'] // 1024} MiB after")
    assert after["VmHWM"] - before < 50 * 1024
    assert after["VmRSS"] - before < 50 * 1024

