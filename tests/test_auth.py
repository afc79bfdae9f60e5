"""Sign-in, tokens, cookies, sign-out and deactivation."""

from __future__ import annotations

import sqlite3

import httpx
import pytest

from conftest import PASSWORD, Server, World


async def cookie_client(server: Server) -> httpx.AsyncClient:
    """A browser-like client signed in as the admin, with the session cookie."""
    client = server.client()
    r = await client.post("/api/session", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return client


async def test_sign_in_sets_an_http_only_cookie(server: Server) -> None:
    r = await server.client().post("/api/session",
                                   json={"username": "admin", "password": PASSWORD})

    assert r.status_code == 200
    assert "httponly" in r.headers["set-cookie"].lower()


async def test_me_answers_with_the_cookie(server: Server) -> None:
    client = await cookie_client(server)

    me = await client.get("/api/me")

    assert me.status_code == 200 and me.json()["username"] == "admin"
    assert set(me.json()) >= {"id", "username", "name", "title", "role", "unit"}


@pytest.mark.parametrize("username", ["admin", "nobody"])
async def test_wrong_password_is_401_invalid_credentials(server: Server, username: str) -> None:
    r = await server.client().post("/api/session",
                                   json={"username": username, "password": "wrong password"})

    assert r.status_code == 401
    assert r.json()["error"]["code"] == "invalid_credentials"


async def test_no_credentials_is_401_not_signed_in(server: Server) -> None:
    r = await server.client().get("/api/me")

    assert r.status_code == 401 and r.json()["error"]["code"] == "not_signed_in"


async def test_forged_token_is_401(server: Server) -> None:
    r = await server.client().get("/api/me", headers={"Authorization": "Bearer forged"})

    assert r.status_code == 401


async def test_sign_out_ends_the_token(server: Server) -> None:
    client = await server.login("admin")
    assert (await client.delete("/api/session")).status_code == 204
    assert (await client.get("/api/me")).status_code == 401


async def test_passwords_and_tokens_are_not_stored_in_clear(server: Server) -> None:
    client = await server.login("admin")
    token = client.headers["authorization"].split()[1]
    conn = sqlite3.connect(server.settings.db_path)
    try:
        dump = "\n".join(conn.iterdump())
    finally:
        conn.close()
    assert token not in dump and PASSWORD not in dump
    assert "scrypt$" in dump


async def test_deactivating_a_user_is_answered_with_the_change(world: World) -> None:
    r = await world.admin.patch(f"/api/users/{world.users['snv']}", json={"active": False})

    assert r.status_code == 200 and r.json()["active"] is False


async def test_deactivated_user_loses_their_session_at_once(world: World) -> None:
    await world.admin.patch(f"/api/users/{world.users['snv']}", json={"active": False})

    assert (await world.member.get("/api/me")).status_code == 401


async def test_deactivated_user_cannot_sign_in(world: World) -> None:
    await world.admin.patch(f"/api/users/{world.users['snv']}", json={"active": False})

    r = await world.server.client().post("/api/session",
                                         json={"username": "snv", "password": PASSWORD})

    assert r.status_code == 401


async def test_cookie_write_from_a_foreign_origin_is_refused(server: Server) -> None:
    client = await cookie_client(server)

    r = await client.post("/api/units", json={"code": "X", "name": "X"},
                          headers={"Origin": "https://evil.example"})

    assert r.status_code == 403 and r.json()["error"]["code"] == "bad_origin"


async def test_cookie_write_from_our_origin_is_accepted(server: Server) -> None:
    client = await cookie_client(server)

    r = await client.post("/api/units", json={"code": "X", "name": "X"},
                          headers={"Origin": server.base_url})

    assert r.status_code == 201
