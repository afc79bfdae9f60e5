"""The live protocol over real WebSockets: snapshot, exact resume, fan-out, revocation."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import time
from pathlib import Path
from typing import Any

import httpx
import pdfs
import pytest
from liveclient import WAIT, Tablet, normalised
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from meeting_server.live.protocol import MAX_MESSAGE_BYTES
from meeting_server.queries import meetings as meeting_queries
from meeting_server.store import events, users

from conftest import PASSWORD, World, add_admin, make_settings, start_server


def token(client: httpx.AsyncClient) -> str:
    return client.headers["authorization"].split()[1]


async def upload(world: World, name: str = pdfs.FOUR_PAGES) -> dict[str, Any]:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Báo cáo"})
    item = r.json()["id"]
    r = await world.secretary.post(f"/api/agenda-items/{item}/documents",
                                   files={"file": (name, pdfs.sample(name), "application/pdf")})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def state_of(world: World) -> dict[str, Any]:
    return (await world.secretary.get(f"/api/meetings/{world.meeting_id}")).json()  # type: ignore[no-any-return]


async def test_fresh_client_gets_snapshot_equal_to_http_state(world: World) -> None:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    first = await tablet.receive()
    assert first["type"] == "snapshot"
    assert first["state"] == await state_of(world)
    last = (await world.member.get(f"/api/meetings/{world.meeting_id}/events")).json()["last_seq"]
    assert first["seq"] == last
    await tablet.close()


async def test_reconnect_with_last_seq_gets_exactly_the_missed_events(world: World) -> None:
    url, mid = world.server.ws_url, world.meeting_id
    a = await Tablet.open(url, mid, token(world.member))
    b = await Tablet.open(url, mid, token(world.chair))
    await a.receive()
    await b.receive()
    r = await world.secretary.post(f"/api/meetings/{mid}/agenda-items", json={"title": "Mục 1"})
    item = r.json()["id"]
    seq = (await world.member.get(f"/api/meetings/{mid}/events")).json()["last_seq"]
    await a.until_seq(seq)
    await b.until_seq(seq)
    assert [e["seq"] for e in a.events] == [e["seq"] for e in b.events]
    await a.close()
    resume_from = a.seq
    assert resume_from is not None
    for n in range(20):
        if n % 3 == 0:
            await world.secretary.post(f"/api/meetings/{mid}/agenda-items", json={"title": f"M{n}"})
        elif n % 3 == 1:
            await world.chair.put(f"/api/meetings/{mid}/current-item",
                                  json={"agenda_item_id": item})
        else:
            await world.member.post(f"/api/meetings/{mid}/attendance",
                                    json={"status": "present" if n % 2 else "online"})
    last = (await world.member.get(f"/api/meetings/{mid}/events")).json()["last_seq"]
    assert last == resume_from + 20
    again = await Tablet.open(url, mid, token(world.member), last_seq=resume_from)
    again.state, again.seq = a.state, a.seq
    await again.until_seq(last)
    assert [e["seq"] for e in again.events] == list(range(resume_from + 1, last + 1))
    assert normalised(again.state or {}) == normalised(await state_of(world))
    await b.until_seq(last)
    assert normalised(b.state or {}) == normalised(await state_of(world))
    await again.close()
    await b.close()


@pytest.mark.parametrize("last_seq", [10**9, -1])
async def test_future_or_unknown_last_seq_gets_a_snapshot(world: World, last_seq: int) -> None:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member),
                               last_seq=None)
    await tablet.ws.send(json.dumps({"type": "ping"}))
    await tablet.close()
    ws = await connect(f"{world.server.ws_url}/ws/meetings/{world.meeting_id}", compression=None,
                       additional_headers={"Authorization": f"Bearer {token(world.member)}"})
    await ws.send(json.dumps({"type": "hello", "last_seq": last_seq}))
    replies = [json.loads(await asyncio.wait_for(ws.recv(), WAIT))]
    if replies[0]["type"] == "error":  # -1 is not a valid seq: an error, then a proper hello
        await ws.send(json.dumps({"type": "hello", "last_seq": None}))
        replies.append(json.loads(await asyncio.wait_for(ws.recv(), WAIT)))
    assert replies[-1]["type"] == "snapshot"
    await ws.close()


async def test_bad_messages_get_errors_and_the_socket_stays_open(world: World) -> None:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await tablet.receive()
    for bad in ["not json", "[]", '{"type": "dance"}', '{"type": "presenter.page"}',
                '{"type": "presenter.page", "document_id": 1, "page": 1}']:
        await tablet.ws.send(bad)
        reply = await tablet.receive()
        assert reply["type"] == "error" and reply["code"], bad
    await tablet.ws.send(json.dumps({"type": "ping"}))
    assert (await tablet.receive())["type"] == "pong"
    await tablet.close()


async def room(world: World) -> tuple[dict[str, Any], Tablet, Tablet]:
    """A four-page document, and the chair's and a member's tablets past their snapshots."""
    doc = await upload(world)
    chair = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.chair))
    member = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await chair.receive()
    await member.receive()
    return doc, chair, member


async def test_presenter_page_set_over_http_reaches_the_tablets(world: World) -> None:
    doc, chair, member = await room(world)

    r = await world.secretary.put(f"/api/meetings/{world.meeting_id}/presenter",
                                  json={"document_id": doc["id"], "page": 2})

    assert r.status_code == 200
    event = await member.receive()
    assert event["event"] == "presenter.page"
    assert event["data"] == {"document_id": doc["id"], "version": 1, "page": 2}


async def test_chair_turns_the_page_over_the_socket(world: World) -> None:
    doc, chair, member = await room(world)

    await chair.ws.send(json.dumps({"type": "presenter.page", "document_id": doc["id"],
                                    "page": 3}))

    event = await member.receive()
    assert event["event"] == "presenter.page" and event["data"]["page"] == 3


async def test_member_may_not_turn_the_presenters_page(world: World) -> None:
    doc, chair, member = await room(world)

    await member.ws.send(json.dumps({"type": "presenter.page", "document_id": doc["id"],
                                     "page": 1}))

    reply = await member.receive()
    assert reply["type"] == "error" and reply["code"] == "forbidden"


async def test_snapshot_carries_the_presenters_page(world: World) -> None:
    doc, chair, member = await room(world)
    await chair.ws.send(json.dumps({"type": "presenter.page", "document_id": doc["id"],
                                    "page": 3}))
    await member.receive()

    late = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))

    snapshot = await late.receive()
    assert snapshot["state"]["presenter"] == {"document_id": doc["id"], "version": 1, "page": 3}


async def test_presenter_page_past_the_end_is_422(world: World) -> None:
    doc = await upload(world)

    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/presenter",
                              json={"document_id": doc["id"], "page": 5})

    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_page"


@pytest.mark.parametrize("authorization", [None, "outsider", "Bearer nope"])
async def test_no_events_without_credentials_or_for_outsiders(
        world: World, authorization: str | None) -> None:
    headers = {}
    if authorization == "outsider":
        headers["Authorization"] = f"Bearer {token(world.outsider)}"
    elif authorization:
        headers["Authorization"] = authorization

    with pytest.raises(InvalidStatus) as refused:
        await connect(f"{world.server.ws_url}/ws/meetings/{world.meeting_id}",
                      compression=None, additional_headers=headers)

    assert refused.value.response.status_code == 403


async def signed_in_cookie(world: World) -> str:
    async with httpx.AsyncClient(base_url=world.server.url) as browser:
        r = await browser.post("/api/session", json={"username": "snv", "password": PASSWORD})
    return f"meeting_session={r.cookies['meeting_session']}"


async def test_cookie_from_a_foreign_origin_is_refused(world: World) -> None:
    cookie = await signed_in_cookie(world)

    with pytest.raises(InvalidStatus):
        await connect(f"{world.server.ws_url}/ws/meetings/{world.meeting_id}",
                      compression=None, origin="https://evil.example",  # type: ignore[arg-type]
                      additional_headers={"Cookie": cookie})


async def test_cookie_from_our_origin_gets_the_snapshot(world: World) -> None:
    cookie = await signed_in_cookie(world)

    ws = await connect(f"{world.server.ws_url}/ws/meetings/{world.meeting_id}",
                       compression=None, origin=world.server.url,  # type: ignore[arg-type]
                       additional_headers={"Cookie": cookie})

    await ws.send(json.dumps({"type": "hello"}))
    assert json.loads(await asyncio.wait_for(ws.recv(), WAIT))["type"] == "snapshot"
    await ws.close()


async def _closed_code(tablet: Tablet) -> int | None:
    try:
        while True:
            await tablet.receive()
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None


async def test_removed_participant_is_closed_with_1008_and_gets_nothing_more(world: World) -> None:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await tablet.receive()
    before = time.monotonic()
    r = await world.secretary.delete(
        f"/api/meetings/{world.meeting_id}/participants/{world.users['snv']}")
    assert r.status_code == 204
    assert await _closed_code(tablet) == 1008
    print(f"revocation closed the socket after {time.monotonic() - before:.3f} s")
    seen = len(tablet.events)
    await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                               json={"title": "Sau khi rời"})
    assert len(tablet.events) == seen
    assert all(e["event"] != "agenda.changed" for e in tablet.events)


async def test_deactivated_user_is_closed_with_1008(world: World) -> None:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await tablet.receive()
    await world.admin.patch(f"/api/users/{world.users['snv']}", json={"active": False})
    assert await _closed_code(tablet) == 1008


async def test_signing_out_closes_that_sessions_sockets(world: World) -> None:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await tablet.receive()
    other = await world.server.login("snv")
    laptop = await Tablet.open(world.server.ws_url, world.meeting_id, token(other))
    await laptop.receive()
    await world.member.delete("/api/session")
    assert await _closed_code(tablet) == 1008
    await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                               json={"title": "Vẫn nhận"})
    assert (await laptop.receive())["event"] == "agenda.changed"
    await laptop.close()


def _raw_websocket(sock: socket.socket, host: str, port: int, path: str, bearer: str) -> None:
    """The opening handshake of a WebSocket, by hand, on ``sock``."""
    sock.connect((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                  f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {bearer}\r\n\r\n").encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += sock.recv(1)
    assert response.startswith(b"HTTP/1.1 101"), response


def _raw_stalled_socket(host: str, port: int, path: str, bearer: str) -> socket.socket:
    """A WebSocket client that says hello and then never reads again, with a tiny buffer."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    _raw_websocket(sock, host, port, path, bearer)
    payload = json.dumps({"type": "hello"}).encode()
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    sock.sendall(struct.pack("!BB", 0x81, 0x80 | len(payload)) + mask + masked)
    return sock


def _close_code(data: bytes) -> int | None:
    """The code of the close frame among the server's (unmasked) frames in ``data``, if it has
    arrived: frames are walked by their lengths, so no byte of a payload is taken for one."""
    at = 0
    while at + 2 <= len(data):
        opcode, length, at = data[at] & 0x0F, data[at + 1] & 0x7F, at + 2
        if length >= 126:
            size = 2 if length == 126 else 8
            if at + size > len(data):
                return None
            length, at = int.from_bytes(data[at:at + size], "big"), at + size
        if at + length > len(data):
            return None
        if opcode == 0x8:
            return int(struct.unpack("!H", data[at:at + 2])[0])
        at += length
    return None


async def test_stalled_tablet_does_not_delay_others_and_is_closed_with_1013(
        tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data", ws_queue_size="8")
    await add_admin(settings)
    server, uv, task = await start_server(settings, send_buffer=32 * 1024)
    try:
        admin = await server.login("admin")
        r = await admin.post("/api/meetings", json={"title": "Tải", "starts_at": "2019-07-05"})
        mid = r.json()["id"]
        host, port = server.url.removeprefix("http://").split(":")
        stalled = await asyncio.to_thread(_raw_stalled_socket, host, int(port),
                                          f"/ws/meetings/{mid}", token(admin))
        fast = [await Tablet.open(server.ws_url, mid, token(admin)) for _ in range(3)]
        for t in fast:
            await t.receive()
        hub = server.app.context.hub
        while hub.room_size(mid) < len(fast) + 1:  # the stalled tablet's hello is handled
            await asyncio.sleep(0.01)
        latencies: list[float] = []
        # Events carry one item: the longest there can be (about 2 KiB), and the kernel's send
        # buffer is small, so that the buffers fill within seconds, long before the stalled
        # tablet misses its keepalive pings (uvicorn would close it with 1011).
        title, presenter = ("Nội dung dài " * 50)[:490], ("Sở Nội vụ " * 30)[:200]
        # Write until the server has dropped the stalled tablet (its queue of 8 overflowed
        # behind a full socket buffer), checking that the others got each event meanwhile.
        while hub.room_size(mid) > len(fast):
            assert len(latencies) < 2000, "the stalled tablet was never dropped"
            sent = time.monotonic()
            await admin.post(f"/api/meetings/{mid}/agenda-items",
                             json={"title": f"{len(latencies)} {title}",
                                   "presenter": presenter})
            seq = (await admin.get(f"/api/meetings/{mid}/events")).json()["last_seq"]
            for t in fast:
                await t.until_seq(seq)
            latencies.append(time.monotonic() - sent)
        latencies.sort()
        print(f"delivery to 3 tablets while one is stalled, {len(latencies)} events: median "
              f"{latencies[len(latencies) // 2] * 1000:.1f} ms, "
              f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms")
        assert [len(t.events) for t in fast] == [len(latencies)] * 3
        stalled.setblocking(False)
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        data = b""
        while (code := _close_code(data)) is None:  # until the close frame, or the end
            try:
                chunk = stalled.recv(1 << 20)
                if not chunk:
                    break
                data += chunk
            except BlockingIOError:
                await asyncio.sleep(0.05)
        stalled.close()
        assert code == 1013
        for t in fast:
            await t.close()
    finally:
        for client in server.clients:
            await client.aclose()
        uv.should_exit = True
        await task


async def test_a_message_over_64_kib_closes_the_socket_with_1009(world: World) -> None:
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await tablet.receive()

    await tablet.ws.send("x" * (MAX_MESSAGE_BYTES + 1))

    assert await _closed_code(tablet) == 1009


def _close_code_after_huge_header(host: str, port: int, path: str, bearer: str) -> int:
    """Send only the header of a masked 1 GiB text frame; the close code the server answers."""
    with socket.socket() as sock:
        _raw_websocket(sock, host, port, path, bearer)
        sock.sendall(struct.pack("!BBQ", 0x81, 0x80 | 127, 2**30) + os.urandom(4))
        data = b""
        while b"\x88" not in data:
            chunk = sock.recv(4096)
            assert chunk, "the server closed the connection without a close frame"
            data += chunk
        start = data.index(b"\x88")
        while len(data) < start + 4:
            data += sock.recv(4096)
        return int(struct.unpack("!H", data[start + 2:start + 4])[0])


async def test_a_huge_frame_is_refused_from_its_header_alone(world: World) -> None:
    host, port = world.server.url.removeprefix("http://").split(":")

    code = await asyncio.to_thread(_close_code_after_huge_header, host, int(port),
                                   f"/ws/meetings/{world.meeting_id}", token(world.member))

    assert code == 1009


# ── A city on one box: pings spread, snapshots shared (issue 16) ─────────────────────────────

def test_first_keepalive_pings_are_spread_over_the_interval() -> None:
    import uvicorn
    from uvicorn.server import ServerState

    from meeting_server.live.transport import FIRST_PING_MIN, MeetingWebSocketProtocol

    async def app(scope: Any, receive: Any, send: Any) -> None:
        pass

    config = uvicorn.Config(app, ws_ping_interval=20.0, ws_ping_timeout=20.0)
    config.load()
    loop = asyncio.new_event_loop()
    try:
        delays = []
        for _ in range(200):
            ws = MeetingWebSocketProtocol(config, ServerState(), {}, _loop=loop)
            ws.start_keepalive()
            assert ws.ping_timer is not None
            delays.append(ws.ping_timer.when() - loop.time())
            ws.ping_timer.cancel()
            # After a pong, the next ping follows by the interval, as uvicorn does.
            ws.schedule_ping()
            assert ws.ping_timer is not None
            assert 19.0 < ws.ping_timer.when() - loop.time() <= 20.0
            ws.ping_timer.cancel()
    finally:
        loop.close()
    assert all(20.0 * FIRST_PING_MIN - 0.5 <= d <= 20.0 for d in delays)
    # 10,000 tablets that reconnect together are not all pinged in the same second.
    buckets = {int(d) for d in delays}
    assert len(buckets) >= 10
    assert max(delays) - min(delays) > 10.0


async def test_a_tablet_waiting_for_a_snapshot_gets_it_when_its_builder_goes_away(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    context = world.server.app.context
    live, mid, today = context.live, world.meeting_id, context.clock.today()
    build = meeting_queries.meeting_state
    started, release = asyncio.Event(), asyncio.Event()

    async def slow_first(*args: Any) -> Any:
        if not started.is_set():
            started.set()
            await release.wait()
        return await build(*args)

    monkeypatch.setattr(meeting_queries, "meeting_state", slow_first)
    async with context.db.read() as conn:
        user = await users.get_user(conn, world.users["snv"])
        seq = (await events.last_seqs(conn, [mid])).get(mid, 0)
    assert user is not None

    async def ask() -> str:
        async with context.db.read() as conn:
            return await live.snapshot(conn, user, mid, False, seq, today)

    shield, waiting = asyncio.shield, asyncio.Event()

    def shield_seen(awaitable: Any) -> Any:
        waiting.set()
        return shield(awaitable)

    monkeypatch.setattr(asyncio, "shield", shield_seen)
    builder = asyncio.create_task(ask())
    await started.wait()
    waiter = asyncio.create_task(ask())
    await waiting.wait()  # the waiter waits on the builder's snapshot
    builder.cancel()  # its tablet went away
    release.set()
    text = await asyncio.wait_for(waiter, WAIT)
    assert json.loads(text)["type"] == "snapshot"


async def test_snapshot_is_built_once_for_many_hellos_and_again_after_a_change(
        world: World) -> None:
    live = world.server.app.context.live
    url, mid = world.server.ws_url, world.meeting_id
    built = live.snapshots_built
    tablets = await asyncio.gather(*(Tablet.open(url, mid, token(world.member))
                                     for _ in range(5)))
    firsts = [await t.receive() for t in tablets]
    assert all(f["type"] == "snapshot" for f in firsts)
    assert all(f == firsts[0] for f in firsts)
    assert live.snapshots_built == built + 1

    # The chair sees drafts, the member does not: a snapshot of its own.
    chair = await Tablet.open(url, mid, token(world.chair))
    assert (await chair.receive())["type"] == "snapshot"
    assert live.snapshots_built == built + 2

    r = await world.secretary.post(f"/api/meetings/{mid}/agenda-items",
                                   json={"title": "Báo cáo mới"})
    assert r.status_code == 201, r.text
    for t in tablets:
        await t.receive()
    late = await Tablet.open(url, mid, token(world.member))
    snapshot = await late.receive()
    assert live.snapshots_built == built + 3
    assert snapshot["seq"] == firsts[0]["seq"] + 1
    assert snapshot["state"] == await state_of(world)
    for t in [*tablets, chair, late]:
        await t.close()
