"""Fuzzing every API route: malformed JSON bodies to every route that changes something, and
malformed query strings to every route that reads, never get a 500. The routes come from the
app's route table: a route added without a line in ROUTE_PATHS fails
``test_every_api_route_is_fuzzed``.

Bodies are made by Hypothesis as text, so that they can be what ``json.dumps`` never writes:
lone surrogates (``"\\ud800"``) in values and keys, NUL, numbers of 5,000 digits or ``1e400``,
deep nesting, truncated or non-UTF-8 bytes, and the API's own field names with values of every
wrong type. Each route gets a bounded number of examples on a copy of one prepared meeting.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote_from_bytes

import httpx
import pdfs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Route

from meeting_server.app import routes

from conftest import Server, Template, World, derive_template, served

#: For each API route (name): its path with the prepared meeting's ids (from the facts), and
#: who calls it: "admin", "secretary", "member" (snv) or None (nobody signed in).
ROUTE_PATHS: dict[str, tuple[str, str | None]] = {
    "openapi": ("/api/openapi.json", None),
    "sign_in": ("/api/session", None),
    "sign_out": ("/api/session", "secretary"),
    "me": ("/api/me", "secretary"),
    "pairing_codes": ("/api/pairing-codes", "secretary"),
    "pair": ("/api/session/pair", None),
    "totp": ("/api/me/totp", "secretary"),
    "totp_start": ("/api/me/totp", "secretary"),
    "totp_disable": ("/api/me/totp", "secretary"),
    "totp_confirm": ("/api/me/totp/confirm", "secretary"),
    "security_policy": ("/api/security-policy", "admin"),
    "set_security_policy": ("/api/security-policy", "admin"),
    "reset_user_totp": ("/api/users/{snv}/totp", "admin"),
    "audit": ("/api/audit", "admin"),
    "units": ("/api/units", "admin"),
    "create_unit": ("/api/units", "admin"),
    "update_unit": ("/api/units/{unit}", "admin"),
    "users": ("/api/users", "admin"),
    "create_user": ("/api/users", "admin"),
    "update_user": ("/api/users/{snv}", "admin"),
    "meetings": ("/api/meetings", "secretary"),
    "create_meeting": ("/api/meetings", "secretary"),
    "meeting": ("/api/meetings/{meeting}", "secretary"),
    "update_meeting": ("/api/meetings/{meeting}", "secretary"),
    "add_participant": ("/api/meetings/{meeting}/participants", "secretary"),
    "remove_participant": ("/api/meetings/{meeting}/participants/{snv}", "secretary"),
    "attendance": ("/api/meetings/{meeting}/attendance", "secretary"),
    "add_agenda_item": ("/api/meetings/{meeting}/agenda-items", "secretary"),
    "update_agenda_item": ("/api/agenda-items/{item}", "secretary"),
    "delete_agenda_item": ("/api/agenda-items/{item}", "secretary"),
    "current_item": ("/api/meetings/{meeting}/current-item", "secretary"),
    "presenter": ("/api/meetings/{meeting}/presenter", "secretary"),
    "clear_presenter": ("/api/meetings/{meeting}/presenter", "secretary"),
    "events": ("/api/meetings/{meeting}/events", "secretary"),
    "upload_document": ("/api/agenda-items/{item}/documents", "secretary"),
    "upload_version": ("/api/documents/{document}/versions", "secretary"),
    "document": ("/api/documents/{document}", "secretary"),
    "page_image": ("/api/documents/{document}/pages/1", "secretary"),
    "page_sizes": ("/api/documents/{document}/page-sizes", "secretary"),
    "document_file": ("/api/documents/{document}/file", "secretary"),
    "meeting_book": ("/api/meetings/{meeting}/book", "secretary"),
    "add_conclusion": ("/api/meetings/{meeting}/conclusions", "secretary"),
    "update_conclusion": ("/api/conclusions/{conclusion}", "secretary"),
    "delete_conclusion": ("/api/conclusions/{conclusion}", "secretary"),
    "add_task": ("/api/conclusions/{conclusion}/tasks", "secretary"),
    "tasks": ("/api/tasks", "secretary"),
    "task": ("/api/tasks/{task}", "secretary"),
    "update_task": ("/api/tasks/{task}", "secretary"),
    "task_updates": ("/api/tasks/{task}/updates", "secretary"),
    "deadline": ("/api/deadline", "secretary"),
    "create_publication": ("/api/meetings/{meeting}/publications", "secretary"),
    "publication": ("/api/publications/{publication}", "secretary"),
    "update_publication": ("/api/publications/{publication}", "secretary"),
    "refresh_publication": ("/api/publications/{publication}/refresh", "secretary"),
    "publish": ("/api/publications/{publication}/publish", "secretary"),
    "publication_pdf": ("/api/publications/{publication}/pdf", "secretary"),
    "publication_html": ("/api/publications/{publication}/html", "secretary"),
    "verify_publication": ("/api/publications/{publication}/verify", "secretary"),
    "search": ("/api/search", "secretary"),
    "notes": ("/api/documents/{document}/notes", "secretary"),
    "notes_pdf": ("/api/documents/{document}/notes/pdf", "secretary"),
    "save_note": ("/api/documents/{document}/notes/1", "secretary"),
    "delete_note": ("/api/documents/{document}/notes/1", "secretary"),
    "create_followup": ("/api/meetings/{meeting}/follow-up", "secretary"),
    "followup_items": ("/api/meetings/{meeting}/follow-up", "secretary"),
    "followup_candidates": ("/api/meetings/{meeting}/follow-up-candidates", "secretary"),
    "followup": ("/api/agenda-items/{item}/follow-up", "secretary"),
    "followup_decide": ("/api/agenda-items/{item}/follow-up/decisions", "secretary"),
    "dashboard": ("/api/dashboard", "secretary"),
    "set_leader_scope": ("/api/users/{snv}/leader-scope", "admin"),
    "request_floor": ("/api/meetings/{meeting}/floor", "secretary"),
    "floor_order": ("/api/meetings/{meeting}/floor/order", "secretary"),
    "floor_limit": ("/api/meetings/{meeting}/floor/limit", "secretary"),
    "withdraw_floor": ("/api/floor/{floor}", "secretary"),
    "give_floor": ("/api/floor/{floor}/give", "secretary"),
    "end_floor": ("/api/floor/{floor}/end", "secretary"),
    "open_vote": ("/api/meetings/{meeting}/votes", "secretary"),
    "vote": ("/api/votes/{vote}", "secretary"),
    "cast_ballot": ("/api/votes/{vote}/ballots", "secretary"),
    "close_vote": ("/api/votes/{vote}/close", "secretary"),
    "grant_proxy": ("/api/meetings/{meeting}/proxies", "secretary"),
    "revoke_proxy": ("/api/meetings/{meeting}/proxies/{snv}", "secretary"),
    "consultations": ("/api/consultations", "secretary"),
    "create_consultation": ("/api/consultations", "secretary"),
    "consultation": ("/api/consultations/{consultation}", "secretary"),
    "answer_consultation": ("/api/consultations/{consultation}/answer", "member"),
    "remind_consultation": ("/api/consultations/{consultation}/reminders", "secretary"),
    "consultation_pdf": ("/api/consultations/{consultation}/pdf", "secretary"),
    "report_reading": ("/api/reading", "member"),
    "reading": ("/api/meetings/{meeting}/reading", "secretary"),
    "notifications": ("/api/notifications", "member"),
    "read_all_notifications": ("/api/notifications/read", "member"),
    "read_notification": ("/api/notifications/1/read", "member"),
    "user_email": ("/api/users/{snv}/email", "member"),
}
WRITES = ("POST", "PUT", "PATCH", "DELETE")


def api_routes() -> list[tuple[str, str]]:
    """(method, name) of every route of the app's table under /api."""
    return sorted((method, route.name) for route in routes()
                  if isinstance(route, Route) and route.path.startswith("/api/")
                  for method in (route.methods or set()) - {"HEAD"})


CHANGING = [(method, name) for method, name in api_routes() if method in WRITES]
#: Routes whose every answer costs seconds (a draft's PDF is rendered by WeasyPrint each time)
#: get a few examples only.
COSTLY = {"publication_pdf", "consultation_pdf", "notes_pdf"}
READING = [(method, name) for method, name in api_routes()
           if method == "GET" and name not in COSTLY]
READING_COSTLY = [(method, name) for method, name in api_routes()
                  if method == "GET" and name in COSTLY]


def test_every_api_route_is_fuzzed() -> None:
    assert sorted({name for _, name in api_routes()}) == sorted(ROUTE_PATHS)


# ----------------------------------------------------------------------------- the meeting


async def prepare(server: Server, facts: dict[str, Any]) -> dict[str, Any]:
    """An agenda item with a document, a conclusion with a task and a draft of the minutes."""
    server.facts = facts
    world = await World.of(server)
    mid = world.meeting_id

    async def created(r: httpx.Response) -> int:
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    item = await created(await world.secretary.post(f"/api/meetings/{mid}/agenda-items",
                                                    json={"title": "Mục"}))
    document = await created(await world.secretary.post(
        f"/api/agenda-items/{item}/documents",
        files={"file": ("a.pdf", pdfs.sample(pdfs.ONE_PAGE), "application/pdf")}))
    conclusion = await created(await world.chair.post(f"/api/meetings/{mid}/conclusions",
                                                      json={"text": "Kết luận"}))
    task = await created(await world.secretary.post(f"/api/conclusions/{conclusion}/tasks", json={
        "title": "Việc", "lead_unit": "SNV", "due_text": "thường xuyên"}))
    publication = await created(await world.secretary.post(f"/api/meetings/{mid}/publications",
                                                           json={"kind": "minutes"}))
    floor = await created(await world.member.post(f"/api/meetings/{mid}/floor", json={}))
    vote = await created(await world.chair.post(f"/api/meetings/{mid}/votes",
                                                json={"question": "Biểu quyết"}))
    consultation = await created(await world.secretary.post("/api/consultations", json={
        "title": "Xin ý kiến", "question": "Đồng ý?", "deadline": "2099-01-01T08:00:00+07:00",
        "recipients": [facts["users"]["snv"]]}))
    units = (await world.admin.get("/api/units")).json()["units"]
    return {**facts, "ids": {
        "meeting": mid, "snv": facts["users"]["snv"], "item": item, "document": document,
        "conclusion": conclusion, "task": task, "publication": publication,
        "unit": next(u["id"] for u in units if u["code"] == "SNV"),
        "floor": floor, "vote": vote, "consultation": consultation}}


@pytest.fixture(scope="session")
def fuzz_template(tmp_path_factory: pytest.TempPathFactory,
                  world_template: Template) -> Template:
    return derive_template(tmp_path_factory, "fuzz", world_template,
                           lambda server: prepare(server, world_template.facts))


@pytest.fixture
async def fuzz_world(fuzz_template: Template, tmp_path: Any) -> AsyncIterator[World]:
    async with served(fuzz_template, tmp_path / "data") as server:
        yield await World.of(server)


async def caller(world: World, name: str) -> tuple[str, httpx.AsyncClient]:
    path, who = ROUTE_PATHS[name]
    client = {"admin": world.admin, "secretary": world.secretary,
              "member": world.member}.get(who or "")
    return path.format(**world.server.facts["ids"]), client or world.server.client()


def check(response: httpx.Response, where: str) -> None:
    assert response.status_code < 500, (where, response.status_code, response.text[:300])
    if response.status_code >= 400 and response.headers.get("content-type", "").startswith(
            "application/json"):
        error = response.json()["error"]
        assert isinstance(error["code"], str) and error["message"], where


# ----------------------------------------------------------------------------- bodies

#: The API's field names, so that bodies reach the checks behind "unknown field".
FIELDS = ["username", "password", "code", "user_id", "name", "role", "unit", "title", "active",
          "starts_at", "location", "chair_id", "status", "reason", "presenter",
          "duration_minutes", "position", "agenda_item_id", "document_id", "page", "text",
          "number", "lead_unit", "support_units", "responsible", "due_date", "due_text", "note",
          "kind", "introduction", "opinions", "signer", "recipients", "date",
          "second_factor_roles", "idle_minutes", "question", "options", "secret",
          "allow_change", "quorum", "majority", "threshold", "choice", "for_user_id", "order",
          "limit_seconds", "from_user_id", "to_user_id", "deadline", "answer", "comment",
          "pages", "email", "version", "strokes", "meeting_ids", "task_id", "decision",
          "scope"]
ODD_TEXT = st.text(st.characters(exclude_categories=[]), max_size=40)  # surrogates and NUL too
SCALARS = st.one_of(
    st.sampled_from(["null", "true", "false", "0", "-1", "1.5", "1e400", "-0", "9" * 5000,
                     str(2**63), str(-(2**63) - 1), '"\\u0000"', '"\\ud800"', '"x\\udfff"',
                     '"\\ud83d\\ude00"', json.dumps("ộ" * 600), '"2019-07-05"', '"SNV"']),
    st.integers().map(str),
    st.floats(allow_nan=False, allow_infinity=False).map(json.dumps),
    ODD_TEXT.map(json.dumps),
)
KEYS = st.one_of(st.sampled_from(FIELDS), ODD_TEXT).map(json.dumps)


def _object(members: dict[str, str]) -> str:
    return "{" + ",".join(f"{key}:{value}" for key, value in members.items()) + "}"


VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4).map(lambda values: "[" + ",".join(values) + "]"),
    st.dictionaries(KEYS, inner, max_size=4).map(_object)), max_leaves=12)
BODIES = st.one_of(
    st.dictionaries(KEYS, VALUES, max_size=6).map(lambda m: _object(m).encode()),
    VALUES.map(str.encode),
    st.dictionaries(KEYS, VALUES, min_size=1, max_size=6)
    .map(lambda m: _object(m).encode()[:-1]),  # cut short
    st.sampled_from([b"", b"{", b"\xff\xfe{}", b"[" * 100_000, b'{"a":' * 20_000,
                     b'{"title": "' + b"x" * 300_000 + b'"}']),
    st.binary(max_size=64),
)
FUZZ = settings(max_examples=15, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@pytest.mark.parametrize("method,name", CHANGING, ids=[f"{m} {n}" for m, n in CHANGING])
@FUZZ
@given(body=BODIES)
async def test_malformed_bodies_get_a_4xx_never_a_500(fuzz_world: World, method: str, name: str,
                                                      body: bytes) -> None:
    path, client = await caller(fuzz_world, name)

    r = await client.request(method, path, content=body,
                             headers={"Content-Type": "application/json"})

    check(r, f"{method} {path} {body[:80]!r}")


# ----------------------------------------------------------------------------- query strings

QUERY_NAMES = ["after", "meeting_id", "version", "status", "unit", "overdue", "format", "q",
               "text", "date", "due_before", "due_after", "kind", "page", "lang", "user",
               "action", "before", "limit"]
QUERY_VALUES = st.one_of(
    st.sampled_from([b"", b"9" * 5000, b"-1", b"0", b"1", b"\xed\xa0\x80", b"\x00", b"\xff",
                     "²".encode(), "١٢".encode(), b"1e400", b"true", b"csv", b"ics",
                     "tiến độ".encode(), b"x" * 5000]),
    st.binary(max_size=20),
    ODD_TEXT.map(lambda text: text.encode("utf-8", "surrogatepass")),
)
QUERIES = st.lists(st.tuples(st.sampled_from(QUERY_NAMES), QUERY_VALUES), max_size=4).map(
    lambda pairs: "&".join(f"{name}={quote_from_bytes(value)}" for name, value in pairs))


async def get_with(world: World, name: str, query: str) -> None:
    path, client = await caller(world, name)

    r = await client.get(f"{path}?{query}")

    check(r, f"GET {path}?{query[:120]}")


@pytest.mark.parametrize("method,name", READING, ids=[f"{m} {n}" for m, n in READING])
@FUZZ
@given(query=QUERIES)
async def test_malformed_queries_get_a_4xx_never_a_500(fuzz_world: World, method: str,
                                                       name: str, query: str) -> None:
    await get_with(fuzz_world, name, query)


@pytest.mark.parametrize("method,name", READING_COSTLY,
                         ids=[f"{m} {n}" for m, n in READING_COSTLY])
@settings(FUZZ, max_examples=3)
@given(query=QUERIES)
async def test_malformed_queries_to_costly_routes_get_a_4xx_never_a_500(
        fuzz_world: World, method: str, name: str, query: str) -> None:
    await get_with(fuzz_world, name, query)
