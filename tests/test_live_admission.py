"""The handshake's cache (live/admission.py): a tablet that reconnects reads nothing from the
database, and every revocation still refuses the very next socket."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import cast

import pytest
from liveclient import Tablet
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from meeting_server import auth
from meeting_server.live.admission import Admissions, Session
from meeting_server.live.ws import Live
from meeting_server.models import Meeting, User

from conftest import World, db_execute


def token(client: object) -> str:
    return str(client.headers["authorization"].split()[1])  # type: ignore[attr-defined]


def live_of(world: World) -> Live:
    live: Live = world.server.app.context.live
    return live


async def refused(world: World, bearer: str, meeting_id: int | None = None) -> bool:
    try:
        ws = await connect(f"{world.server.ws_url}/ws/meetings/{meeting_id or world.meeting_id}",
                           compression=None,
                           additional_headers={"Authorization": f"Bearer {bearer}"})
    except InvalidStatus as exc:
        assert exc.response.status_code == 403
        return True
    await ws.close()
    return False


async def cached(world: World, bearer: str) -> None:
    """Open and close one socket, so that the token, role and seq are in memory."""
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, bearer)
    await tablet.receive()
    await tablet.close()


async def test_reconnecting_up_to_date_reads_nothing(world: World) -> None:
    bearer = token(world.member)
    first = await Tablet.open(world.server.ws_url, world.meeting_id, bearer)
    snapshot = await first.receive()
    await first.close()
    cache = live_of(world).admissions
    hits, misses, built = cache.hits, cache.misses, live_of(world).snapshots_built
    again = await Tablet.open(world.server.ws_url, world.meeting_id, bearer,
                              last_seq=snapshot["seq"])
    await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                               json={"title": "Sau khi nối lại"})
    event = await again.receive()
    assert event["type"] == "event" and event["seq"] == snapshot["seq"] + 1
    assert (cache.hits, cache.misses) == (hits + 1, misses)
    assert live_of(world).snapshots_built == built
    await again.close()


async def test_signed_out_token_refused_at_once(world: World) -> None:
    bearer = token(world.member)
    await cached(world, bearer)
    assert live_of(world).admissions._sessions
    r = await world.member.delete("/api/session")
    assert r.status_code in (200, 204)
    assert await refused(world, bearer)


async def test_a_remembered_staff_session_that_idled_out_is_refused(world: World) -> None:
    """A session in memory counts by the rule a sign-in uses (auth.check_session): the
    secretary's, unused for longer than the staff idle time, is not admitted from memory."""
    bearer = token(world.secretary)
    await cached(world, bearer)
    settings = world.server.app.context.settings
    cache = live_of(world).admissions
    digest = auth.token_hash(settings, bearer)
    remembered = cache.session(digest)
    assert remembered is not None
    idle = timedelta(minutes=settings.staff_idle_minutes + 1)
    cache.keep_session(digest, dataclasses.replace(
        remembered, last_active=remembered.last_active - idle), cache.generation)
    await world.server.app.context.recorder.flush()
    then = (datetime.now(UTC) - idle).isoformat()
    await db_execute(world.server, "UPDATE sessions SET created_at = ?, last_seen_at = ?",
                     (then, then))
    assert await refused(world, bearer)


async def test_deactivated_user_refused_at_once(world: World) -> None:
    bearer = token(world.member)
    await cached(world, bearer)
    await world.admin.patch(f"/api/users/{world.users['snv']}", json={"active": False})
    assert await refused(world, bearer)


async def test_new_password_refuses_old_token_at_once(world: World) -> None:
    bearer = token(world.member)
    await cached(world, bearer)
    r = await world.admin.patch(f"/api/users/{world.users['snv']}",
                                json={"password": "Một mật khẩu mới 2026!"})
    assert r.status_code == 200, r.text
    assert await refused(world, bearer)


async def test_removed_participant_refused_at_once(world: World) -> None:
    bearer = token(world.member)
    await cached(world, bearer)
    r = await world.secretary.delete(
        f"/api/meetings/{world.meeting_id}/participants/{world.users['snv']}")
    assert r.status_code == 204
    assert await refused(world, bearer)


async def test_demoted_admin_refused_in_a_meeting_they_take_no_part_in(world: World) -> None:
    r = await world.admin.patch(f"/api/users/{world.users['stp']}", json={"role": "admin"})
    assert r.status_code == 200, r.text
    stp = token(await world.server.login("stp"))
    assert not await refused(world, stp)  # staff follow every meeting: now cached
    r = await world.admin.patch(f"/api/users/{world.users['stp']}", json={"role": "member"})
    assert r.status_code == 200, r.text
    assert await refused(world, stp)


@pytest.mark.parametrize("how", ["sign_out", "remove"])
async def test_revocation_during_hello_wait_closes_the_socket(world: World, how: str) -> None:
    """Revoked after the handshake was accepted but before hello (the socket was not yet
    tracked): hello is answered with 1008, not with the meeting."""
    bearer = token(world.member)
    await cached(world, bearer)
    ws = await connect(f"{world.server.ws_url}/ws/meetings/{world.meeting_id}",
                       compression=None, additional_headers={"Authorization": f"Bearer {bearer}"})
    if how == "sign_out":
        await world.member.delete("/api/session")
    else:
        await world.secretary.delete(
            f"/api/meetings/{world.meeting_id}/participants/{world.users['snv']}")
    await ws.send('{"type": "hello"}')
    got = []
    with contextlib.suppress(ConnectionClosed, TimeoutError):
        async with asyncio.timeout(10):
            async for message in ws:
                got.append(message)
    assert not any('"snapshot"' in str(m) for m in got)
    assert ws.close_code == 1008


def test_a_read_that_raced_a_revocation_is_not_kept() -> None:
    cache = Admissions()
    user = User(7, "snv", "Sở Nội vụ", "", "member", None, True)
    now = datetime.now(UTC)
    session = Session(user, now + timedelta(days=1), now, time.monotonic())
    before = cache.generation
    cache.session_ended("other token")  # committed while the read was in flight
    cache.keep_session("token", session, before)
    assert cache.session("token") is None
    cache.keep_session("token", session, cache.generation)
    assert cache.session("token") is session
    cache.user_changed(7)
    assert cache.session("token") is None


def test_a_role_read_before_the_meetings_last_event_is_not_kept() -> None:
    cache = Admissions()
    meeting = cast(Meeting, SimpleNamespace(id=3))
    cache.meeting_changed(3, 5)  # e.g. participant.removed, logged as seq 5
    cache.keep_role(meeting, 7, "member", 4, cache.generation)  # read as of seq 4
    assert cache.role(3, 7) is None
    cache.keep_role(meeting, 7, "member", 5, cache.generation)
    assert cache.role(3, 7) == (meeting, "member")
    cache.meeting_changed(3, 6)
    assert cache.role(3, 7) is None
    cache.trusted = False  # the bus does not listen: nothing from memory
    cache.keep_role(meeting, 7, "member", 6, cache.generation)
    assert cache.role(3, 7) is None
