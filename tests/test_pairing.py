"""Pairing a tablet with a one-time code instead of a password."""

from __future__ import annotations

import sqlite3

import httpx

from conftest import World


async def _code(world: World, user: str) -> dict[str, str]:
    r = await world.secretary.post("/api/pairing-codes", json={"user_id": world.users[user]})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_code_signs_the_tablet_in_once(world: World) -> None:
    code = await _code(world, "snv")
    assert code["url"].endswith(f"/pair?code={code['code']}")
    assert code["qr_svg"].startswith("data:image/svg+xml")
    async with httpx.AsyncClient(base_url=world.server.url) as tablet:
        r = await tablet.post("/api/session/pair", json={"code": code["code"].lower()})
        assert r.status_code == 200 and r.json()["user"]["username"] == "snv"
        assert (await tablet.get("/api/me")).json()["username"] == "snv"
    async with httpx.AsyncClient(base_url=world.server.url) as again:
        r = await again.post("/api/session/pair", json={"code": code["code"]})
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_code"


async def test_expired_and_unknown_codes_are_refused(world: World) -> None:
    code = await _code(world, "snv")
    conn = sqlite3.connect(world.server.settings.db_path)
    try:
        conn.execute("UPDATE pairing_codes SET expires_at = '2001-01-01T00:00:00+07:00'")
        conn.commit()
        assert code["code"] not in "\n".join(conn.iterdump())  # stored hashed
    finally:
        conn.close()
    async with httpx.AsyncClient(base_url=world.server.url) as tablet:
        for attempt in (code["code"], "AAAA-BBBB", "", "x" * 25):
            r = await tablet.post("/api/session/pair", json={"code": attempt})
            assert r.status_code in (401, 422), attempt


async def test_only_staff_mint_codes_and_never_for_an_admin(world: World) -> None:
    r = await world.member.post("/api/pairing-codes", json={"user_id": world.users["snv"]})
    assert r.status_code == 403
    admin_id = (await world.admin.get("/api/me")).json()["id"]
    r = await world.secretary.post("/api/pairing-codes", json={"user_id": admin_id})
    assert r.status_code == 403
    r = await world.secretary.post("/api/pairing-codes", json={"user_id": world.users["thuky"]})
    assert r.status_code == 403
    r = await world.admin.post("/api/pairing-codes", json={"user_id": world.users["thuky"]})
    assert r.status_code == 201


async def test_pair_page_renders_with_the_code(world: World) -> None:
    code = await _code(world, "snv")
    r = await world.server.client().get("/pair", params={"code": code["code"]})
    assert r.status_code == 200 and code["code"] in r.text and "Ghép nối" in r.text
