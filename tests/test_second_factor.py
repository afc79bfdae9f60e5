"""Two-factor sign-in: enrolment, codes at sign-in (each once), recovery codes, the policy an
administrator sets, and staff sessions that end when idle."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import httpx
import pyotp
import pytest
from totp_support import enrol, fresh_code

from meeting_server import auth
from meeting_server.timeutil import utc_now

from conftest import PASSWORD, Server, World, db_execute


async def sign_in(server: Server, username: str = "admin", otp: str | None = None,
                  password: str = PASSWORD) -> httpx.Response:
    body = {"username": username, "password": password}
    if otp is not None:
        body["otp"] = otp
    return await server.client().post("/api/session", json=body)


async def test_enrolment_answers_a_secret_and_its_qr_code(server: Server) -> None:
    admin = await server.login("admin")

    r = await admin.post("/api/me/totp")

    assert r.status_code == 201
    assert r.json()["uri"].startswith("otpauth://totp/")
    assert r.json()["qr_svg"].startswith("data:image/svg+xml")


async def test_a_wrong_code_does_not_turn_it_on(server: Server) -> None:
    admin = await server.login("admin")
    await admin.post("/api/me/totp")

    r = await admin.post("/api/me/totp/confirm", json={"code": "000000"})

    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_otp"
    assert (await admin.get("/api/me/totp")).json()["enabled"] is False


async def test_confirming_answers_ten_recovery_codes(server: Server) -> None:
    _, codes = await enrol(await server.login("admin"))

    assert len(codes) == 10 and len(set(codes)) == 10


async def test_after_enrolling_the_password_alone_asks_for_a_code(server: Server) -> None:
    await enrol(await server.login("admin"))

    r = await sign_in(server)

    assert r.status_code == 401 and r.json()["error"]["code"] == "otp_required"
    assert "set-cookie" not in r.headers


async def test_password_and_code_sign_in(server: Server) -> None:
    secret, _ = await enrol(await server.login("admin"))

    r = await sign_in(server, otp=fresh_code(secret, 1))

    assert r.status_code == 200


async def test_a_code_signs_in_once(server: Server) -> None:
    secret, _ = await enrol(await server.login("admin"))
    code = fresh_code(secret, 1)
    await sign_in(server, otp=code)

    again = await sign_in(server, otp=code)

    assert again.status_code == 401 and again.json()["error"]["code"] == "invalid_otp"


async def test_the_code_used_to_enrol_cannot_sign_in(server: Server) -> None:
    admin = await server.login("admin")
    secret = (await admin.post("/api/me/totp")).json()["secret"]
    code = fresh_code(secret)
    await admin.post("/api/me/totp/confirm", json={"code": code})

    r = await sign_in(server, otp=code)

    assert r.status_code == 401


async def test_a_recovery_code_signs_in_once(server: Server) -> None:
    _, codes = await enrol(await server.login("admin"))

    first = await sign_in(server, otp=codes[0].lower().replace("-", " "))
    again = await sign_in(server, otp=codes[0])

    assert first.status_code == 200 and again.status_code == 401


async def test_a_wrong_password_with_a_right_code_is_refused(server: Server) -> None:
    secret, _ = await enrol(await server.login("admin"))

    r = await sign_in(server, otp=fresh_code(secret, 1), password="wrong password")

    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_credentials"


async def test_wrong_codes_back_off_like_wrong_passwords(server: Server) -> None:
    await enrol(await server.login("admin"))

    statuses = [(await sign_in(server, otp="123456")).status_code for _ in range(10)]

    assert statuses.count(429) >= 10 - server.settings.signin_account_failures


async def test_the_secret_and_recovery_codes_are_not_stored_in_clear(server: Server) -> None:
    secret, codes = await enrol(await server.login("admin"))
    conn = sqlite3.connect(server.settings.db_path)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()

    assert secret not in dump and not any(c.replace("-", "") in dump or c in dump for c in codes)


def test_a_sealed_secret_opens_only_with_the_same_key(server: Server) -> None:
    sealed = auth.seal(server.settings, "JBSWY3DPEHPK3PXP")
    other = type(server.settings).load(environ={"MEETING_SECRET_KEY": "another key"})

    assert auth.unseal(server.settings, sealed) == "JBSWY3DPEHPK3PXP"
    assert auth.unseal(other, sealed) is None


async def test_turning_it_off_needs_a_code(server: Server) -> None:
    admin = await server.login("admin")
    secret, _ = await enrol(admin)

    refused = await admin.request("DELETE", "/api/me/totp", json={"code": "000000"})
    done = await admin.request("DELETE", "/api/me/totp", json={"code": fresh_code(secret, 1)})

    assert refused.status_code == 422 and done.status_code == 204
    assert (await sign_in(server)).status_code == 200


# ── The policy ───────────────────────────────────────────────────────────────────────────────

async def test_only_an_administrator_sets_the_policy(world: World) -> None:
    r = await world.secretary.put("/api/security-policy",
                                  json={"second_factor_roles": []})

    assert r.status_code == 403


async def test_members_cannot_be_required_a_second_factor(world: World) -> None:
    r = await world.admin.put("/api/security-policy", json={"second_factor_roles": ["member"]})

    assert r.status_code == 422


async def test_a_required_role_without_a_second_factor_may_only_set_one_up(world: World) -> None:
    await world.admin.put("/api/security-policy", json={"second_factor_roles": ["secretary"]})

    meetings = await world.secretary.get("/api/meetings")
    me = await world.secretary.get("/api/me")
    started = await world.secretary.post("/api/me/totp")

    assert meetings.status_code == 403
    assert meetings.json()["error"]["code"] == "second_factor_setup_required"
    assert me.status_code == 200 and started.status_code == 201


async def test_enrolling_lets_the_same_session_go_on(world: World) -> None:
    await world.admin.put("/api/security-policy", json={"second_factor_roles": ["secretary"]})

    await enrol(world.secretary)

    assert (await world.secretary.get("/api/meetings")).status_code == 200


async def test_a_required_role_does_not_bind_members(world: World) -> None:
    await world.admin.put("/api/security-policy",
                          json={"second_factor_roles": ["admin", "secretary"]})

    assert (await world.member.get("/api/meetings")).status_code == 200


async def test_a_page_sends_a_session_without_its_second_factor_to_set_one_up(
        world: World) -> None:
    await world.admin.put("/api/security-policy", json={"second_factor_roles": ["secretary"]})

    r = await world.secretary.get("/", follow_redirects=False)

    assert r.status_code == 303 and r.headers["location"] == "/security"


async def test_the_live_socket_refuses_a_session_without_its_second_factor(
        world: World) -> None:
    await world.admin.put("/api/security-policy", json={"second_factor_roles": ["secretary"]})
    token = world.secretary.headers["authorization"]

    r = await world.server.client().get(f"/ws/meetings/{world.meeting_id}", headers={
        "Authorization": token, "Connection": "Upgrade", "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})

    assert r.status_code in (403, 404)


async def test_turning_it_off_is_refused_while_required(world: World) -> None:
    secret, _ = await enrol(world.secretary)
    await world.admin.put("/api/security-policy", json={"second_factor_roles": ["secretary"]})

    r = await world.secretary.request("DELETE", "/api/me/totp",
                                      json={"code": fresh_code(secret, 1)})

    assert r.status_code == 403 and r.json()["error"]["code"] == "second_factor_required"


async def test_only_an_administrator_removes_a_users_second_factor(world: World) -> None:
    await enrol(world.secretary)

    refused = await world.secretary.delete(f"/api/users/{world.users['thuky']}/totp")
    done = await world.admin.delete(f"/api/users/{world.users['thuky']}/totp")

    assert refused.status_code == 403 and done.status_code == 204
    assert (await sign_in(world.server, "thuky")).status_code == 200


# ── Idle staff sessions ──────────────────────────────────────────────────────────────────────

async def age_sessions(server: Server, minutes: int, flush: bool = True) -> None:
    """Make every session look, in the database, as if it was last used ``minutes`` ago
    (what the server remembers in memory is written first, unless ``flush`` is False)."""
    if flush:
        await server.app.context.recorder.flush()
    then = (utc_now() - timedelta(minutes=minutes)).isoformat()

    await db_execute(server, "UPDATE sessions SET created_at = ?, last_seen_at = ?",
                     (then, then))


async def test_an_idle_secretary_session_ends(world: World) -> None:
    await age_sessions(world.server, world.server.settings.staff_idle_minutes + 1)

    r = await world.secretary.get("/api/me")

    assert r.status_code == 401 and r.json()["error"]["code"] == "session_expired"


async def test_a_tablet_session_does_not_end_when_idle(world: World) -> None:
    await age_sessions(world.server, world.server.settings.staff_idle_minutes + 1)

    assert (await world.member.get("/api/me")).status_code == 200


async def test_a_request_before_the_idle_time_keeps_a_secretary_session(world: World) -> None:
    idle = world.server.settings.staff_idle_minutes
    await age_sessions(world.server, idle - 1)
    assert (await world.secretary.get("/api/me")).status_code == 200
    await age_sessions(world.server, idle + 1, flush=False)  # not written yet: in memory

    assert (await world.secretary.get("/api/me")).status_code == 200


async def test_activity_is_written_in_batches(world: World) -> None:
    await world.secretary.get("/api/me")

    await world.server.app.context.recorder.flush()

    conn = sqlite3.connect(world.server.settings.db_path)
    try:
        seen = conn.execute("SELECT count(*) FROM sessions WHERE last_seen_at IS NOT NULL")
        assert seen.fetchone()[0] >= 1
    finally:
        conn.close()


@pytest.mark.parametrize("code", ["12345", "1234567", "abcdef", ""])
def test_only_six_digits_are_a_totp_code(code: str) -> None:
    from meeting_server.totp import matching_step

    assert matching_step(pyotp.random_base32(), code, utc_now(), None) is None
