"""The read side answers a view with a constant number of SQL statements, whatever the number
of rows; and the SQL filters of lists are exactly the rules of ``access``."""

from __future__ import annotations

from collections.abc import Awaitable, Iterator
from typing import Any

import aiosqlite
import httpx
import pytest

from meeting_server import access
from meeting_server.models import User
from meeting_server.store import meetings, tasks, users

from conftest import World


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every SQL statement the server runs, in order: every statement reaches SQLite through
    aiosqlite's ``execute`` or ``execute_fetchall`` (the server runs in the test's loop)."""
    seen: list[str] = []
    execute = aiosqlite.Connection.execute
    fetchall = aiosqlite.Connection.execute_fetchall

    def counted_execute(self: aiosqlite.Connection, sql: str, *args: Any) -> Any:
        seen.append(sql)
        return execute(self, sql, *args)

    def counted_fetchall(self: aiosqlite.Connection, sql: str, *args: Any) -> Any:
        seen.append(sql)
        return fetchall(self, sql, *args)

    monkeypatch.setattr(aiosqlite.Connection, "execute", counted_execute)
    monkeypatch.setattr(aiosqlite.Connection, "execute_fetchall", counted_fetchall)
    yield seen


async def count(statements: list[str], request: Awaitable[httpx.Response]) -> int:
    before = len(statements)
    response = await request
    assert response.status_code == 200, response.text
    return len(statements) - before


async def add_tasks(world: World, n: int) -> list[int]:
    """``n`` tasks, each in a meeting of its own with a progress report; the member takes part
    in every other meeting and their unit leads every third task."""
    secretary, ids = world.secretary, []
    for i in range(n):
        r = await secretary.post("/api/meetings", json={
            "title": f"Giao ban {i}", "starts_at": "2019-07-05T08:00:00+07:00"})
        meeting = r.json()["id"]
        if i % 2:
            r = await secretary.post(f"/api/meetings/{meeting}/participants",
                                     json={"user_id": world.users["snv"], "role": "member"})
            assert r.status_code == 201, r.text
        r = await secretary.post(f"/api/meetings/{meeting}/conclusions",
                                 json={"text": f"Kết luận {i}"})
        r = await secretary.post(f"/api/conclusions/{r.json()['id']}/tasks", json={
            "title": f"Nhiệm vụ {i}", "lead_unit": "SNV" if i % 3 == 0 else "STP",
            "support_units": ["VPUBND"], "due_text": "trong tháng 8"})
        assert r.status_code == 201, r.text
        task = r.json()["id"]
        r = await secretary.post(f"/api/tasks/{task}/updates", json={"note": f"Báo cáo {i}"})
        assert r.status_code == 201, r.text
        ids.append(task)
    return ids


async def counts(world: World, statements: list[str], task_id: int) -> dict[str, int]:
    found = {}
    for who, client in (("secretary", world.secretary), ("member", world.member)):
        for name, path in (("task", f"/api/tasks/{task_id}"), ("tasks", "/api/tasks"),
                           ("csv", "/api/tasks?format=csv"), ("tracker", "/tasks?unit="),
                           ("home", "/"), ("meetings", "/api/meetings")):
            found[f"{who} {name}"] = await count(statements, client.get(path))
    return found


async def test_task_views_run_as_many_statements_for_20_tasks_as_for_2(
        world: World, statements: list[str]) -> None:
    first = await add_tasks(world, 2)
    few = await counts(world, statements, first[0])
    await add_tasks(world, 18)
    many = await counts(world, statements, first[0])
    assert many == few
    # and the member saw some of them, so the rows were really there
    tracker = (await world.member.get("/tasks?unit=")).text
    assert tracker.count('class="task-row') >= 10


async def test_a_task_is_one_read_transaction(world: World, statements: list[str]) -> None:
    (task,) = await add_tasks(world, 1)
    before = len(statements)
    assert (await world.member.get(f"/api/tasks/{task}")).status_code == 200
    ran = statements[before:]
    # the caller's session and the task, in one read transaction (views.common.ask)
    transactions = [s for s in ran if s.startswith("BEGIN")]
    assert len(transactions) == 1, ran
    assert len(ran) - 2 * len(transactions) <= 5, ran


async def _everyone(world: World) -> list[User]:
    async with world.server.app.context.db.read() as conn:
        return await users.list_users(conn)


async def test_the_task_list_filter_is_the_task_rule(world: World) -> None:
    await add_tasks(world, 6)
    db, today = world.server.app.context.db, world.server.app.context.clock.today()
    everyone = await _everyone(world)
    async with db.read() as conn:
        every_task = await tasks.visible(conn, access.Scope(True, 0, None), tasks.TaskFilter(),
                                         today)
        for user in everyone:
            listed = {t.id for t in await tasks.visible(conn, access.scope(user),
                                                        tasks.TaskFilter(), today)}
            ruled = set()
            for task in every_task:
                _, role = await meetings.with_role(conn, task.meeting_id, user.id)
                if access.can_see_task(user, task, role):
                    ruled.add(task.id)
            assert listed == ruled, user.username
    assert len(every_task) == 6


async def test_the_meeting_list_filter_is_the_meeting_rule(world: World) -> None:
    db = world.server.app.context.db
    everyone = await _everyone(world)
    async with db.read() as conn:
        every_meeting = await meetings.list_visible(conn, access.Scope(True, 0, None))
        for user in everyone:
            listed = [m.id for m in await meetings.list_visible(conn, access.scope(user))]
            ruled = [m.id for m in every_meeting if access.can_see_meeting(
                user, (await meetings.with_role(conn, m.id, user.id))[1])]
            assert listed == ruled, user.username
