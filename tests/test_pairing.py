"""Pairing a tablet with a one-time code instead of a password."""

from __future__ import annotations

import sqlite3

import pytest

from conftest import World, db_execute


async def _code(world: World, user: str) -> dict[str, str]:
    r = await world.secretary.post("/api/pairing-codes", json={"user_id": world.users[user]})
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


async def test_code_comes_with_its_address_and_qr(world: World) -> None:
    code = await _code(world, "snv")

    assert code["url"].endswith(f"/pair?code={code['code']}")
    assert code["qr_svg"].startswith("data:image/svg+xml")


async def test_code_signs_the_tablet_in_whatever_its_case(world: World) -> None:
    code = await _code(world, "snv")
    tablet = world.server.client()

    r = await tablet.post("/api/session/pair", json={"code": code["code"].lower()})

    assert r.status_code == 200 and r.json()["user"]["username"] == "snv"
    assert (await tablet.get("/api/me")).json()["username"] == "snv"


async def test_code_signs_in_once(world: World) -> None:
    code = await _code(world, "snv")
    await world.server.client().post("/api/session/pair", json={"code": code["code"]})

    r = await world.server.client().post("/api/session/pair", json={"code": code["code"]})

    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_code"


async def test_codes_are_stored_hashed(world: World) -> None:
    code = await _code(world, "snv")
    conn = sqlite3.connect(world.server.settings.db_path)
    try:
        assert code["code"] not in "\n".join(conn.iterdump())
    finally:
        conn.close()


async def test_expired_code_is_refused(world: World) -> None:
    code = await _code(world, "snv")
    await db_execute(world.server,
                     "UPDATE pairing_codes SET expires_at = '2001-01-01T00:00:00+07:00'")

    r = await world.server.client().post("/api/session/pair", json={"code": code["code"]})

    assert r.status_code == 401


@pytest.mark.parametrize("attempt", ["AAAA-BBBB", "", "x" * 25])
async def test_unknown_codes_are_refused(world: World, attempt: str) -> None:
    await _code(world, "snv")

    r = await world.server.client().post("/api/session/pair", json={"code": attempt})

    assert r.status_code in (401, 422)


async def test_members_may_not_mint_codes(world: World) -> None:
    r = await world.member.post("/api/pairing-codes", json={"user_id": world.users["snv"]})
    assert r.status_code == 403


async def test_no_code_for_an_admin(world: World) -> None:
    admin_id = (await world.admin.get("/api/me")).json()["id"]
    r = await world.secretary.post("/api/pairing-codes", json={"user_id": admin_id})
    assert r.status_code == 403


async def test_a_secretary_may_not_mint_a_code_for_a_secretary(world: World) -> None:
    r = await world.secretary.post("/api/pairing-codes", json={"user_id": world.users["thuky"]})
    assert r.status_code == 403


async def test_an_admin_may_mint_a_code_for_a_secretary(world: World) -> None:
    r = await world.admin.post("/api/pairing-codes", json={"user_id": world.users["thuky"]})
    assert r.status_code == 201


async def test_pair_page_renders_with_the_code(world: World) -> None:
    code = await _code(world, "snv")
    r = await world.server.client().get("/pair", params={"code": code["code"]})
    assert r.status_code == 200 and code["code"] in r.text and "Ghép nối" in r.text
