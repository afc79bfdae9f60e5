"""The leader's dashboard: its figures equal those computed here directly from the tasks
(API and CSV), the period filter, and who sees which units."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import httpx
import pytest

from conftest import World

FIGURES = ("assigned", "done_on_time", "done_late", "overdue", "open", "cancelled")


async def created(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


@pytest.fixture
async def tasks(world: World) -> World:
    """Tasks of every kind in two meetings (July 2019 and the world's other meeting), led by
    the three units."""
    future = (date.today() + timedelta(days=20)).isoformat()
    later = (date.today() + timedelta(days=400)).isoformat()
    for meeting in (world.meeting_id, world.other_meeting_id):
        conclusion = await created(await world.secretary.post(
            f"/api/meetings/{meeting}/conclusions", json={"text": "Kết luận"}))
        plan = [  # (lead unit, deadline, final status)
            ("SNV", {"due_date": "2019-08-01"}, None),  # overdue
            ("SNV", {"due_date": future}, None),  # open
            ("SNV", {"due_date": "2019-08-01"}, "done"),  # done late
            ("VPUBND", {"due_date": later}, "done"),  # done on time
            ("VPUBND", {"due_text": "thường xuyên"}, "done"),  # ongoing: on time
            ("VPUBND", {"due_text": "thường xuyên"}, None),  # ongoing: open
            ("STP", {"due_date": "2019-07-20"}, "cancelled"),
            ("STP", {"due_date": "2019-07-20"}, "in_progress"),  # overdue
        ]
        for unit, due, status in plan:
            task = await created(await world.secretary.post(
                f"/api/conclusions/{conclusion['id']}/tasks",
                json={"title": f"Việc của {unit}", "lead_unit": unit, **due}))
            if status:
                r = await world.secretary.patch(f"/api/tasks/{task['id']}",
                                                json={"status": status})
                assert r.status_code == 200, r.text
    return world


async def expected(world: World, since: date | None = None,
                   until: date | None = None) -> dict[str, Counter[str]]:
    """The figures computed straight from the tasks as GET /api/tasks lists them."""
    meetings = {m["id"]: datetime.fromisoformat(m["starts_at"]).date() for m in
                (await world.secretary.get("/api/meetings")).json()["meetings"]}
    listed = (await world.secretary.get("/api/tasks")).json()["tasks"]
    figures: dict[str, Counter[str]] = {}
    for task in listed:
        day = meetings[task["meeting_id"]]
        if (since and day < since) or (until and day > until):
            continue
        count = figures.setdefault(task["lead_unit"], Counter())
        if task["status"] == "cancelled":
            count["cancelled"] += 1
            continue
        count["assigned"] += 1
        if task["status"] == "done":
            finished = datetime.fromisoformat(task["completed_at"]).date()
            late = task["due_date"] is not None and finished > date.fromisoformat(
                task["due_date"])
            count["done_late" if late else "done_on_time"] += 1
        elif task["overdue"]:
            count["overdue"] += 1
        else:
            count["open"] += 1
    return figures


def as_counters(units: list[dict[str, Any]]) -> dict[str, Counter[str]]:
    return {u["code"]: Counter({k: u[k] for k in FIGURES if u[k]}) for u in units
            if any(u[k] for k in FIGURES)}


async def test_the_figures_are_those_of_the_tasks(tasks: World) -> None:
    r = await tasks.secretary.get("/api/dashboard")
    assert r.status_code == 200, r.text
    want = await expected(tasks)
    assert as_counters(r.json()["units"]) == want
    assert want["SNV"] == Counter(assigned=6, overdue=2, open=2, done_late=2)
    totals = r.json()["totals"]
    assert totals["assigned"] == sum(c["assigned"] for c in want.values()) == 14
    assert totals["assigned"] == sum(totals[k] for k in
                                     ("done_on_time", "done_late", "overdue", "open"))


async def test_the_csv_has_the_same_figures(tasks: World) -> None:
    r = await tasks.secretary.get("/api/dashboard?format=csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["Mã đơn vị", "Đơn vị", "Được giao"]
    units = [dict(zip(("code", "name", *FIGURES), [row[0], row[1], *map(int, row[2:])],
                      strict=True)) for row in rows[1:-1]]
    assert as_counters(units) == await expected(tasks)
    assert rows[-1][1] == "Tổng cộng" and int(rows[-1][2]) == 14


async def test_the_period_filters_by_the_meeting_day(tasks: World) -> None:
    r = await tasks.secretary.get("/api/dashboard?from=2019-07-06&to=2019-07-06")
    day = date(2019, 7, 6)
    assert as_counters(r.json()["units"]) == await expected(tasks, day, day)
    assert r.json()["totals"]["assigned"] == 7


async def test_a_bad_period_is_refused(tasks: World) -> None:
    for query in ("from=2019-13-01", "from=2019-08-01&to=2019-07-01", "format=xml"):
        r = await tasks.secretary.get(f"/api/dashboard?{query}")
        assert r.status_code == 400 and r.json()["error"]["code"] == "bad_query"


async def set_scope(world: World, user: str, scope: str | None,
                    client: httpx.AsyncClient | None = None) -> httpx.Response:
    return await (client or world.admin).put(f"/api/users/{world.users[user]}/leader-scope",
                                             json={"scope": scope})


async def test_a_member_without_a_leader_scope_is_refused(tasks: World) -> None:
    r = await tasks.member.get("/api/dashboard")
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_leader"
    assert (await tasks.member.get("/api/dashboard?format=csv")).status_code == 403
    assert (await tasks.member.get("/dashboard")).status_code == 403


async def test_a_unit_head_sees_their_own_unit_only(tasks: World) -> None:
    assert (await set_scope(tasks, "snv", "unit")).status_code == 200
    r = await tasks.member.get("/api/dashboard")
    assert r.status_code == 200
    assert [u["code"] for u in r.json()["units"]] == ["SNV"]
    assert r.json()["totals"]["assigned"] == 6
    csv_rows = (await tasks.member.get("/api/dashboard?format=csv")).text.splitlines()
    assert [row.split(",")[0] for row in csv_rows[1:-1]] == ["SNV"]


async def test_the_city_chair_sees_every_unit(tasks: World) -> None:
    assert (await set_scope(tasks, "pct", "city")).status_code == 200
    r = await tasks.chair.get("/api/dashboard")
    assert sorted(u["code"] for u in r.json()["units"]) == ["SNV", "STP", "VPUBND"]
    assert as_counters(r.json()["units"]) == await expected(tasks)


async def test_a_revoked_scope_no_longer_sees(tasks: World) -> None:
    await set_scope(tasks, "pct", "city")
    assert (await set_scope(tasks, "pct", None)).status_code == 200
    assert (await tasks.chair.get("/api/dashboard")).status_code == 403


async def test_only_an_administrator_names_leaders(tasks: World) -> None:
    for client in (tasks.secretary, tasks.member, tasks.chair):
        r = await set_scope(tasks, "snv", "city", client)
        assert r.status_code == 403
    assert (await tasks.member.get("/api/dashboard")).status_code == 403


async def test_a_unit_head_needs_a_unit(tasks: World) -> None:
    admin_id = (await tasks.admin.get("/api/me")).json()["id"]
    r = await tasks.admin.put(f"/api/users/{admin_id}/leader-scope", json={"scope": "unit"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "no_unit"
    r = await tasks.admin.put("/api/users/999999/leader-scope", json={"scope": "city"})
    assert r.status_code == 404
    r = await set_scope(tasks, "snv", "mayor")
    assert r.status_code == 422


async def test_the_page_draws_the_bars_on_the_server(tasks: World) -> None:
    r = await tasks.secretary.get("/dashboard?from=2019-07-01")
    assert r.status_code == 200
    assert 'id="dashboard-chart"' in r.text and "<script" not in r.text.split(
        "<main")[1].split("</main>")[0]
    assert 'data-unit="SNV"' in r.text and 'class="seg overdue"' in r.text


async def test_home_offers_the_dashboard_to_leaders_only(tasks: World) -> None:
    assert 'id="dashboard-link"' not in (await tasks.member.get("/")).text
    assert 'id="dashboard-link"' in (await tasks.secretary.get("/")).text
    await set_scope(tasks, "snv", "unit")
    assert 'id="dashboard-link"' in (await tasks.member.get("/")).text


async def test_the_admin_page_names_the_leaders(tasks: World) -> None:
    await set_scope(tasks, "pct", "city")
    page = (await tasks.admin.get("/admin")).text
    assert 'id="leader-form"' in page
    assert f'<li data-user-id="{tasks.users["pct"]}">Trần Văn Minh · mọi đơn vị</li>' in page
