"""Garbage to every endpoint: always a clear 4xx in the error shape, never 500, nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from meeting_server.db import fetchall

from conftest import World

BIG = 2**63
GARBAGE_BODIES: list[Any] = [
    b"{\"title\": ",
    b"\xff\xfe not utf-8",
    b"[1, 2, 3]",
    b"null",
    b"",
    {"title": 12345, "name": [], "code": {}, "starts_at": 7, "status": 1, "role": None,
     "user_id": "7", "agenda_item_id": True, "document_id": 1.5, "page": "2",
     "username": 1, "password": 2, "unit": 3, "active": "yes", "reason": 4},
    {"title": "x" * 1_000_000, "name": "x" * 1_000_000},
    {"title": "x" * 200_000},
    {"user_id": BIG, "agenda_item_id": BIG, "document_id": BIG, "page": BIG, "position": BIG,
     "duration_minutes": BIG, "chair_id": BIG, "role": "member", "status": "present",
     "title": "t", "starts_at": "2019-07-05T08:00:00+07:00"},
    {"user_id": -1, "agenda_item_id": 0, "page": 0, "position": -5, "duration_minutes": -1,
     "role": "member", "status": "present", "title": "t"},
    {"title": "Họp", "starts_at": "2019-02-30T08:00:00+07:00"},
    {"title": "Họp", "starts_at": "not a date"},
    {"title": "Họp", "starts_at": "2019-07-05T08:00:00+07:00", "surprise": 1},
    {"title": "a\x00b", "name": "a\x00b", "code": "A\x00", "username": "a\x00"},
    {"status": "absent", "reason": "x" * 10_000},
]


async def _snapshot(world: World) -> tuple[Any, ...]:
    """Every row of the tables a bad request could touch, read through the app's database
    (SQLite or PostgreSQL)."""
    tables = []
    async with world.server.app.context.db.read() as conn:
        for table in ("units", "users", "meetings", "participants", "agenda_items",
                      "documents", "events"):
            rows = await fetchall(conn, f"SELECT * FROM {table} ORDER BY 1, 2")
            tables.append([tuple(row) for row in rows])
    return tuple(tables)


def _check(response: Any, where: str) -> None:
    assert response.status_code in (400, 401, 403, 404, 405, 409, 413, 415, 422), (
        where, response.status_code, response.text[:300])
    body = response.json()
    assert isinstance(body["error"]["code"], str) and body["error"]["message"], where


ENDPOINTS = [
    ("POST", "/api/session"), ("POST", "/api/units"), ("POST", "/api/users"),
    ("PATCH", "/api/users/{snv}"), ("POST", "/api/meetings"),
    ("PATCH", "/api/meetings/{m}"), ("POST", "/api/meetings/{m}/participants"),
    ("POST", "/api/meetings/{m}/attendance"), ("POST", "/api/meetings/{m}/agenda-items"),
    ("PATCH", "/api/agenda-items/{item}"), ("PUT", "/api/meetings/{m}/current-item"),
    ("PUT", "/api/meetings/{m}/presenter"),
]


@pytest.mark.parametrize("method,path", ENDPOINTS, ids=[f"{m} {p}" for m, p in ENDPOINTS])
async def test_garbage_to_every_endpoint(world: World, method: str, path: str) -> None:
    item = (await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                       json={"title": "Mục"})).json()["id"]
    url = path.format(snv=world.users["snv"], m=world.meeting_id, item=item)
    client = world.admin if "/users" in url or "/units" in url else world.secretary
    before = await _snapshot(world)
    for body in GARBAGE_BODIES:
        if isinstance(body, bytes):
            r = await client.request(method, url, content=body,
                                     headers={"Content-Type": "application/json"})
        else:
            r = await client.request(method, url, json=body)
        _check(r, f"{method} {url} {str(body)[:60]}")
    assert await _snapshot(world) == before


async def test_bad_ids_in_paths(world: World) -> None:
    client = world.secretary
    for url in [f"/api/meetings/{BIG}", f"/api/meetings/{BIG * 10}", "/api/meetings/0",
                "/api/meetings/-1", "/api/meetings/abc", f"/api/agenda-items/{BIG}",
                f"/api/meetings/{world.meeting_id}/participants/{BIG}",
                f"/api/users/{BIG}", f"/api/documents/{BIG}", f"/api/documents/1/pages/{BIG}"]:
        for method in ("GET", "PATCH", "DELETE", "POST", "PUT"):
            r = await client.request(method, url, json={"title": "x"})
            _check(r, f"{method} {url}")


async def test_bad_query_parameters(world: World) -> None:
    for after in ("-1", "abc", str(BIG * 4), "1e9", "²", "١٢"):
        r = await world.secretary.get(f"/api/meetings/{world.meeting_id}/events",
                                      params={"after": after})
        _check(r, f"after={after}")


async def test_megabyte_body_is_413_before_parsing(world: World) -> None:
    r = await world.secretary.post("/api/meetings", content=b"{" + b" " * 2_000_000 + b"}",
                                   headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"


async def test_unknown_routes_use_the_error_shape(world: World) -> None:
    r = await world.secretary.get("/api/nothing-here")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


async def test_unknown_methods_use_the_error_shape(world: World) -> None:
    r = await world.secretary.put("/api/units", json={})
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"


async def test_non_ascii_digits_in_queries_are_not_numbers(world: World) -> None:
    for url, params in [("/api/tasks", {"meeting_id": "²"}),
                        ("/api/deadline", {"text": "trong tháng 7", "meeting_id": "²"}),
                        ("/api/documents/1/pages/1", {"version": "²"}),
                        ("/api/search", {"q": "tiến độ", "meeting_id": "²"})]:
        _check(await world.secretary.get(url, params=params), url)
    r = await world.secretary.get(f"/meetings/{world.meeting_id}/documents/1",
                                  params={"page": "²", "version": "²"})
    assert r.status_code in (200, 404)


async def post_raw(client: Any, url: str, body: bytes) -> Any:
    return await client.post(url, content=body, headers={"Content-Type": "application/json"})


MEETING_WITH = b'{"title": %s, "starts_at": "2019-07-05T08:00:00+07:00"}'


async def test_a_lone_surrogate_in_a_string_is_invalid_field(world: World) -> None:
    r = await post_raw(world.secretary, "/api/meetings", MEETING_WITH % b'"H\\ud800p"')

    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_field" and r.json()["error"]["field"] == "title"


async def test_a_lone_surrogate_deep_in_a_value_is_invalid_field(world: World) -> None:
    r = await post_raw(world.secretary, f"/api/meetings/{world.meeting_id}/conclusions",
                       b'{"text": "x", "agenda_item_id": null, "deep": [{"a": ["\\udfff"]}]}')

    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_field"


async def test_a_lone_surrogate_in_a_key_is_invalid_field(world: World) -> None:
    r = await post_raw(world.secretary, "/api/meetings",
                       b'{"title": "H", "starts_at": "2019-07-05", "\\ud800": 1}')

    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_field"
    assert r.json()["error"]["field"] == "\\ud800"


async def test_a_lone_surrogate_signing_in_anonymously_is_invalid_field(world: World) -> None:
    async with world.server.client() as anonymous:
        r = await post_raw(anonymous, "/api/session",
                           b'{"username": "thuky\\ud800", "password": "x"}')

    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_field"


async def test_a_surrogate_pair_is_a_character(world: World) -> None:
    r = await post_raw(world.secretary, "/api/meetings", MEETING_WITH % b'"H\\ud83d\\ude00p"')

    assert r.status_code == 201 and r.json()["title"] == "H\U0001f600p"


async def test_an_integer_over_the_digit_limit_is_malformed_json(world: World) -> None:
    r = await post_raw(world.secretary, f"/api/meetings/{world.meeting_id}/participants",
                       b'{"user_id": ' + b"9" * 5000 + b', "role": "member"}')

    assert r.status_code == 400 and r.json()["error"]["code"] == "malformed_json"


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE", "POST", "PUT"])
async def test_a_4300_digit_id_in_a_path_is_404(world: World, method: str) -> None:
    huge = "9" * 4300
    for url in [f"/api/meetings/{huge}", f"/api/agenda-items/{huge}",
                f"/api/meetings/{world.meeting_id}/participants/{huge}",
                f"/api/documents/1/pages/{huge}", f"/api/conclusions/{huge}/tasks"]:
        r = await world.secretary.request(method, url, json={"title": "x"})
        assert r.status_code == 404, (method, url, r.status_code)
        assert r.json()["error"]["code"] == "not_found"


async def test_a_4300_digit_id_in_a_page_path_is_404(world: World) -> None:
    r = await world.secretary.get(f"/meetings/{world.meeting_id}/documents/{'9' * 4300}")

    assert r.status_code == 404


QUERY_NUMBERS = [("/api/meetings/{m}/events", "after"), ("/api/tasks", "meeting_id"),
                 ("/api/deadline", "meeting_id"), ("/api/search", "meeting_id")]


@pytest.mark.parametrize("url,name", QUERY_NUMBERS, ids=[n for _, n in QUERY_NUMBERS])
async def test_a_4300_digit_number_in_a_query_is_bad_query(world: World, url: str,
                                                           name: str) -> None:
    r = await world.secretary.get(url.format(m=world.meeting_id), params={name: "9" * 4300})

    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_query"


async def test_a_4300_digit_content_length_is_too_large(world: World) -> None:
    r = await world.secretary.post("/api/meetings", content=b"{}", headers={
        "Content-Type": "application/json", "Content-Length": "9" * 4300})

    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
