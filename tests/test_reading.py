"""Reading readiness: the viewer reports pages seen; who opened which document and how far
they read is the secretary's alone (every route a member can call is tried); those who have
not opened the documents are reminded a day before the meeting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
import pdfs
from notify_support import set_now
from starlette.routing import Route

from meeting_server.app import routes
from meeting_server.db import INSERT_ROWS, fetchall
from meeting_server.store import reading

from conftest import World

#: When the member's pages are reported in the privacy test: a time written nowhere else.
MARK = datetime(2031, 3, 3, 3, 3)


async def a_document(world: World, name: str = pdfs.FOUR_PAGES) -> int:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Báo cáo"})
    assert r.status_code == 201, r.text
    r = await world.secretary.post(f"/api/agenda-items/{r.json()['id']}/documents", files={
        "file": (name, pdfs.sample(name), "application/pdf")})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def report(client: httpx.AsyncClient, *pages: tuple[int, int, int]) -> dict[str, Any]:
    r = await client.post("/api/reading", json={"pages": [
        {"document_id": d, "version": v, "page": p} for d, v, p in pages]})
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    return found


async def readiness(world: World) -> dict[str, Any]:
    r = await world.secretary.get(f"/api/meetings/{world.meeting_id}/reading")
    assert r.status_code == 200, r.text
    found: dict[str, Any] = r.json()
    return found


def reader(found: dict[str, Any], document: int, user_id: int) -> dict[str, Any]:
    doc = next(d for d in found["documents"] if d["id"] == document)
    row: dict[str, Any] = next(r for r in doc["readers"] if r["user_id"] == user_id)
    return row


async def test_the_secretary_sees_who_opened_a_document_and_how_far(world: World) -> None:
    doc = await a_document(world)
    assert await report(world.member, (doc, 1, 1), (doc, 1, 2), (doc, 1, 2)) == {
        "recorded": 2, "ignored": 0}
    assert (await report(world.member, (doc, 1, 2)))["recorded"] == 0  # seen before
    found = await readiness(world)
    member = reader(found, doc, world.users["snv"])
    assert member["opened"] is True and member["pages_seen"] == 2
    chair = reader(found, doc, world.users["pct"])
    assert chair["opened"] is False and chair["pages_seen"] == 0
    page = await world.secretary.get(f"/meetings/{world.meeting_id}/reading",
                                     headers={"Accept-Language": "vi"})
    assert page.status_code == 200 and "2/4" in page.text and "chưa mở" in page.text
    console = await world.secretary.get(f"/meetings/{world.meeting_id}/console")
    assert f'/meetings/{world.meeting_id}/reading" id="reading-link"' in console.text


async def test_pages_recorded_in_several_statements_count_only_the_new(world: World) -> None:
    """More pages than one INSERT takes (db.INSERT_ROWS), some seen before: each is recorded
    once and only the new ones are counted, on both backends."""
    doc = await a_document(world)
    db = world.server.app.context.db
    user = world.users["snv"]
    seen = [(doc, 1, page) for page in range(1, INSERT_ROWS + 2)]
    async with db.transaction() as tx:
        assert await reading.record(tx, user, seen[::3]) == len(seen[::3])
    async with db.transaction() as tx:
        again = [seen[1], *seen, *seen[:5]]  # seen[1] twice in one statement, new
        assert await reading.record(tx, user, again) == len(seen) - len(seen[::3])
    async with db.read() as conn:
        rows = await fetchall(conn, "SELECT version, page FROM reading_pages WHERE user_id = ?"
                              " AND document_id = ? ORDER BY page", (user, doc))
    assert [(r[0], r[1]) for r in rows] == [(1, page) for _, _, page in seen]


async def test_pages_not_readable_are_ignored_not_refused(world: World) -> None:
    doc = await a_document(world)
    # The outsider takes no part in the meeting; page 9 and version 2 do not exist.
    assert await report(world.outsider, (doc, 1, 1)) == {"recorded": 0, "ignored": 1}
    assert await report(world.member, (doc, 1, 9), (doc, 2, 1), (999_999, 1, 1), (doc, 1, 4)) == {
        "recorded": 1, "ignored": 3}



async def test_malformed_reports_are_refused(world: World) -> None:
    bodies: list[dict[str, Any]] = [
        {"pages": "x"}, {"pages": [{"document_id": 1}]},
        {"pages": [{"document_id": 1, "version": 1, "page": 0}]},
        {"pages": [{"document_id": 1, "version": 1, "page": 1, "who": 3}]}, {"other": []}]
    for body in bodies:
        r = await world.member.post("/api/reading", json=body)
        assert r.status_code == 422, body
    r = await world.server.client().post("/api/reading", json={"pages": []})
    assert r.status_code == 401


async def test_only_the_secretary_reads_it(world: World) -> None:
    await a_document(world)
    url = f"/api/meetings/{world.meeting_id}/reading"
    assert (await world.member.get(url)).status_code == 403
    assert (await world.chair.get(url)).status_code == 403
    assert (await world.outsider.get(url)).status_code == 404
    page = f"/meetings/{world.meeting_id}/reading"
    assert (await world.member.get(page)).status_code == 403
    assert (await world.admin.get(url)).status_code == 200


async def test_no_route_shows_a_member_anyones_reading(world: World) -> None:
    """Pages are reported at a time written nowhere else; then every GET route of the app is
    asked by the member, the chair and the other member, with each id the paths take, and no
    answer may hold that time or a reading field."""
    doc = await a_document(world)
    set_now(world.server, MARK)
    await report(world.member, (doc, 1, 1), (doc, 1, 2))
    await report(world.chair, (doc, 1, 1))
    set_now(world.server, datetime(2031, 3, 4, 9))
    marks = ["2031-03-03T03:03", "03:03 03/03/2031", "03/03/2031", "pages_seen", "seen_at"]
    ids = {"id": [world.meeting_id, doc], "doc_id": [doc], "page": [1], "user_id":
           [world.users["snv"]]}
    asked = 0
    for route in routes():
        if not isinstance(route, Route) or "GET" not in (route.methods or set()):
            continue
        if route.name in {"reading", "reading_page", "service_worker", "static"}:
            continue
        for value in ids["id"]:
            path = route.path.replace("{id:int}", str(value)).replace(
                "{doc_id:int}", str(doc)).replace("{page:int}", "1").replace(
                "{user_id:int}", str(world.users["snv"]))
            if "{" in path:
                continue
            for client in (world.member, world.chair, world.outsider):
                r = await client.get(path)
                asked += 1
                if r.headers.get("content-type", "").startswith(("image/", "application/pdf")):
                    continue
                for mark in marks:
                    assert mark not in r.text, (path, mark)
    assert asked > 100


async def test_those_who_have_not_opened_the_documents_are_reminded_the_day_before(
        world: World) -> None:
    doc = await a_document(world)
    await report(world.member, (doc, 1, 1))
    notifier = world.server.app.context.notifier

    async def reminded(client: httpx.AsyncClient) -> list[dict[str, Any]]:
        found = (await client.get("/api/notifications",
                                  headers={"Accept-Language": "vi"})).json()
        return [n for n in found["notifications"] if n["kind"] == "reading_reminder"]

    set_now(world.server, datetime(2019, 7, 3, 9))  # two days before 08:00 on 5 July 2019
    await notifier.run_once()
    assert await reminded(world.chair) == []
    set_now(world.server, datetime(2019, 7, 4, 9))  # within MEETING_READING_REMIND_HOURS=24
    await notifier.run_once()
    await notifier.run_once()
    chair = await reminded(world.chair)
    assert len(chair) == 1
    assert chair[0]["subject"] == ("Nhắc đọc tài liệu cuộc họp: "
                                   "Phiên họp Ban Chỉ đạo cải cách hành chính")
    assert "bắt đầu lúc 08:00 05/07/2019" in chair[0]["text"]
    assert await reminded(world.member) == []  # opened it
    assert await reminded(world.secretary) == []
