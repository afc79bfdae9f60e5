"""Nothing secret at rest: the idempotency table never holds a code or a token, and old rows
are swept on a schedule."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from conftest import PASSWORD, Server, Template, World, eventually, running


def idempotency_rows(server: Server) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(server.settings.db_path)
    try:
        return conn.execute("SELECT * FROM idempotency_keys").fetchall()
    finally:
        conn.close()


def as_text(rows: list[tuple[object, ...]]) -> str:
    return "\n".join(
        value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        for row in rows for value in row)


async def test_after_pairing_and_sign_in_the_idempotency_table_holds_no_code_and_no_token(
        world: World) -> None:
    minted = await world.secretary.post("/api/pairing-codes", json={"user_id": world.users["snv"]},
                                        headers={"Idempotency-Key": "mint-1"})
    code = minted.json()["code"]
    anonymous = world.server.client()
    paired = await anonymous.post("/api/session/pair", json={"code": code},
                                  headers={"Idempotency-Key": "pair-1"})
    signed = await anonymous.post("/api/session", json={"username": "pct", "password": PASSWORD},
                                  headers={"Idempotency-Key": "sign-in-1"})
    recorded = await world.secretary.post("/api/units", json={"code": "SXD", "name": "Sở Xây dựng"},
                                          headers={"Idempotency-Key": "unit-1"})
    assert (minted.status_code, paired.status_code, signed.status_code) == (201, 200, 200)
    assert recorded.status_code in (201, 403)

    dump = as_text(idempotency_rows(world.server))

    secrets = [code, code.replace("-", ""), paired.json()["token"], signed.json()["token"],
               PASSWORD, world.secretary.headers["authorization"].split()[1]]
    assert [s for s in secrets if s in dump] == []


async def test_a_write_with_a_key_is_still_answered_again(world: World) -> None:
    first = await world.admin.post("/api/units", json={"code": "SXD", "name": "Sở Xây dựng"},
                                   headers={"Idempotency-Key": "unit-1"})
    again = await world.admin.post("/api/units", json={"code": "SXD", "name": "Sở Xây dựng"},
                                   headers={"Idempotency-Key": "unit-1"})

    assert first.status_code == again.status_code == 201
    assert again.headers["idempotent-replay"] == "true"


async def test_an_answer_is_stored_only_for_a_valid_session(server: Server) -> None:
    forged = server.client("forged-token")

    refused = await forged.post("/api/units", json={"code": "X", "name": "X"},
                                headers={"Idempotency-Key": "k1"})

    assert refused.status_code == 401
    assert idempotency_rows(server) == []


async def test_sign_in_with_a_key_is_not_recorded(server: Server) -> None:
    r = await server.client().post("/api/session",
                                   json={"username": "admin", "password": PASSWORD},
                                   headers={"Idempotency-Key": "sign-in"})

    assert r.status_code == 200
    assert idempotency_rows(server) == []


async def test_old_answers_are_swept_by_the_running_server(admin_template: Template,
                                                            data_dir: Path) -> None:
    admin_template.copy(data_dir)
    conn = sqlite3.connect(data_dir / "meeting.db")
    with conn:
        conn.execute("INSERT INTO idempotency_keys (scope, key, request_hash, status, headers,"
                     " body, created_at) VALUES ('s', 'old', 'h', 200, '[]', x'', "
                     "'2020-01-01T00:00:00+07:00')")
    conn.close()

    async with running(data_dir, admin_template.sessions) as server:
        await eventually(lambda: idempotency_rows(server) == [])
