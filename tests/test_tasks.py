"""Conclusions and follow-up tasks: deadlines in words, who sees and reports, the tracker."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from example import enter_example
from icalendar import Calendar
from liveclient import Tablet, normalised

from conftest import Server, World


async def test_the_example_tasks_get_their_deadlines(demo: Server) -> None:
    _, _, created = await enter_example(demo)
    assert [t["due_date"] for t in created] == ["2019-08-15", "2019-07-31", None]
    assert [t["ongoing"] for t in created] == [False, False, True]
    assert created[1]["support_units"] == ["STP"]
    assert created[1]["lead_unit_name"] == "Văn phòng UBND thành phố"
    # the meeting was in 2019: the dated ones are overdue today, the ongoing one never is
    assert [t["overdue"] for t in created] == [True, True, False]


@dataclass
class Units:
    """The example's second task (led by Văn phòng UBND, supported by Sở Tư pháp) and the
    departments' clients: justice (support) and planning (neither) no longer attend."""

    task: dict[str, Any]
    office: httpx.AsyncClient
    justice: httpx.AsyncClient
    planning: httpx.AsyncClient


@pytest.fixture
async def units(demo: Server) -> Units:
    secretary, mid, created = await enter_example(demo)
    justice, planning = await demo.login("pgd.stp"), await demo.login("gd.skhdt")
    for outside in (justice, planning):
        me = (await outside.get("/api/me")).json()["id"]
        r = await secretary.delete(f"/api/meetings/{mid}/participants/{me}")
        assert r.status_code == 204, r.text
    return Units(created[1], await demo.login("cvp.le"), justice, planning)


async def test_a_supporting_unit_sees_the_task(units: Units) -> None:
    r = await units.justice.get(f"/api/tasks/{units.task['id']}")
    assert r.status_code == 200 and r.json()["can_report"] is False
    found = (await units.justice.get("/api/tasks")).json()["tasks"]
    assert [t["id"] for t in found] == [units.task["id"]]


async def test_a_supporting_unit_may_not_report_progress(units: Units) -> None:
    r = await units.justice.post(f"/api/tasks/{units.task['id']}/updates",
                                 json={"note": "Đã phối hợp"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_lead_unit"


async def test_the_lead_unit_reports_progress(units: Units) -> None:
    r = await units.office.post(f"/api/tasks/{units.task['id']}/updates",
                                json={"note": "Đã trình 25/40 bộ", "status": "in_progress"})
    assert r.status_code == 201 and r.json()["task"]["status"] == "in_progress"


async def test_progress_history_names_the_author(units: Units) -> None:
    await units.office.post(f"/api/tasks/{units.task['id']}/updates",
                            json={"note": "Đã trình 25/40 bộ", "status": "in_progress"})
    history = (await units.office.get(f"/api/tasks/{units.task['id']}")).json()["updates"]
    assert [(u["note"], u["status"], u["author_name"]) for u in history] == [
        ("Đã trình 25/40 bộ", "in_progress", "Lê Quang Huy")]


async def test_an_unrelated_unit_neither_sees_nor_reports(units: Units) -> None:
    assert (await units.planning.get(f"/api/tasks/{units.task['id']}")).status_code == 404
    assert (await units.planning.get("/api/tasks")).json()["tasks"] == []
    r = await units.planning.post(f"/api/tasks/{units.task['id']}/updates", json={"note": "x"})
    assert r.status_code == 404


async def task_ids(client: httpx.AsyncClient, **params: str) -> list[int]:
    return [t["id"] for t in (await client.get("/api/tasks", params=params)).json()["tasks"]]


async def test_overdue_filter(demo: Server) -> None:
    secretary, _, created = await enter_example(demo)
    assert set(await task_ids(secretary, overdue="true")) == {created[0]["id"], created[1]["id"]}


async def test_done_is_never_overdue(demo: Server) -> None:
    secretary, _, created = await enter_example(demo)
    r = await secretary.patch(f"/api/tasks/{created[0]['id']}", json={"status": "done"})
    assert r.status_code == 200 and r.json()["overdue"] is False
    assert r.json()["completed_at"]
    assert await task_ids(secretary, overdue="true") == [created[1]["id"]]


async def test_not_overdue_filter(demo: Server) -> None:
    secretary, _, created = await enter_example(demo)
    await secretary.patch(f"/api/tasks/{created[0]['id']}", json={"status": "done"})
    assert set(await task_ids(secretary, overdue="false")) == {created[0]["id"],
                                                                 created[2]["id"]}


async def test_unit_filter_finds_the_supported_tasks_too(demo: Server) -> None:
    secretary, _, created = await enter_example(demo)
    assert await task_ids(secretary, unit="STP") == [created[1]["id"]]


async def test_tasks_come_by_deadline_the_ongoing_last(demo: Server) -> None:
    secretary, _, created = await enter_example(demo)
    assert await task_ids(secretary) == [created[1]["id"], created[0]["id"], created[2]["id"]]


async def test_csv_opens_in_excel_with_vietnamese(demo: Server) -> None:
    secretary, _, _ = await enter_example(demo)
    r = await secretary.get("/api/tasks", params={"format": "csv"})
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "STT" and rows[0][3] == "Đơn vị chủ trì"
    assert rows[1][3] == "Văn phòng UBND thành phố" and rows[1][5] == "31/07/2019"
    assert rows[3][5] == "Thường xuyên"


async def test_ics_feed_has_the_dated_deadlines(demo: Server) -> None:
    secretary, _, _ = await enter_example(demo)
    r = await secretary.get("/api/tasks", params={"format": "ics", "unit": "VPUBND"})
    calendar = Calendar.from_ical(r.content)
    todos = [c for c in calendar.walk("VTODO")]
    assert len(todos) == 1 and todos[0].decoded("due") == date(2019, 7, 31)
    assert "40 bộ thủ tục" in str(todos[0]["summary"])


@dataclass
class Conclusion:
    secretary: httpx.AsyncClient
    meeting_id: int
    tasks_url: str


@pytest.fixture
async def conclusion(demo: Server) -> Conclusion:
    secretary = await demo.login("thuky.nguyen")
    mid = (await secretary.get("/api/meetings")).json()["meetings"][0]["id"]
    r = await secretary.post(f"/api/meetings/{mid}/conclusions", json={"text": "Kết luận"})
    return Conclusion(secretary, mid, f"/api/conclusions/{r.json()['id']}/tasks")


@pytest.mark.parametrize("body", [{"due_text": "khi nào rảnh"}, {}], ids=["words", "none"])
async def test_a_task_without_a_deadline_it_understands_is_422(
        conclusion: Conclusion, body: dict[str, str]) -> None:
    r = await conclusion.secretary.post(conclusion.tasks_url,
                                        json={"title": "x", "lead_unit": "SNV", **body})
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_deadline"


async def test_a_task_for_an_unknown_unit_is_422(conclusion: Conclusion) -> None:
    r = await conclusion.secretary.post(conclusion.tasks_url, json={
        "title": "x", "lead_unit": "NOPE", "due_date": "2019-08-01"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_unit"


async def test_a_task_due_on_a_day_that_does_not_exist_is_422(conclusion: Conclusion) -> None:
    r = await conclusion.secretary.post(conclusion.tasks_url, json={
        "title": "x", "lead_unit": "SNV", "due_date": "2019-02-30"})
    assert r.status_code == 422


async def test_a_due_date_wins_over_the_words(conclusion: Conclusion) -> None:
    r = await conclusion.secretary.post(conclusion.tasks_url, json={
        "title": "x", "lead_unit": "SNV", "due_date": "2019-08-01", "due_text": "đầu tháng 8"})
    assert r.status_code == 201 and r.json()["due_date"] == "2019-08-01"


async def test_deadline_preview(conclusion: Conclusion) -> None:
    preview = await conclusion.secretary.get("/api/deadline", params={
        "text": "trong tháng 7", "meeting_id": conclusion.meeting_id})
    assert preview.json() == {"text": "trong tháng 7", "kind": "date", "due_date": "2019-07-31",
                              "due_time": None, "ongoing": False, "schedule": None,
                              "deadline": "trong tháng 7/2019"}


async def test_deadline_preview_of_words_it_does_not_understand_is_422(
        conclusion: Conclusion) -> None:
    bad = await conclusion.secretary.get("/api/deadline", params={"text": "khi nào rảnh"})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_deadline"


async def test_tablets_receive_conclusion_and_task_events(world: World) -> None:
    token = world.member.headers["authorization"].split()[1]
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token)
    await tablet.receive()
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                               json={"text": "Giao Sở Nội vụ tổng hợp báo cáo."})
    conclusion = r.json()
    event = await tablet.receive()
    assert event["event"] == "conclusion.saved"
    assert event["data"]["conclusion"]["number"] == 1
    due = (date.today() + timedelta(days=30)).isoformat()
    r = await world.secretary.post(f"/api/conclusions/{conclusion['id']}/tasks",
                                   json={"title": "Tổng hợp báo cáo", "lead_unit": "SNV",
                                         "due_date": due})
    event = await tablet.receive()
    assert event["event"] == "task.assigned" and event["data"]["task"]["lead_unit"] == "SNV"
    assert tablet.state is not None
    served = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert normalised(tablet.state) == normalised(served)
    await tablet.close()


async def test_conclusions_renumber_on_move_and_delete(world: World) -> None:
    url = f"/api/meetings/{world.meeting_id}/conclusions"
    ids = [(await world.secretary.post(url, json={"text": f"Kết luận {n}"})).json()["id"]
           for n in range(1, 4)]
    r = await world.secretary.patch(f"/api/conclusions/{ids[2]}", json={"number": 1})
    assert r.json()["number"] == 1
    assert (await world.secretary.delete(f"/api/conclusions/{ids[0]}")).status_code == 204
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert [(c["id"], c["number"]) for c in state["conclusions"]] == [(ids[2], 1), (ids[1], 2)]


async def test_members_may_not_record_conclusions(world: World) -> None:
    url = f"/api/meetings/{world.meeting_id}/conclusions"
    assert (await world.member.post(url, json={"text": "x"})).status_code == 403


async def test_outsiders_do_not_see_the_conclusions(world: World) -> None:
    url = f"/api/meetings/{world.meeting_id}/conclusions"
    assert (await world.outsider.post(url, json={"text": "x"})).status_code == 404


async def chairs_conclusion(world: World) -> int:
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                               json={"text": "Kết luận"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_members_may_not_change_a_conclusion(world: World) -> None:
    conclusion = await chairs_conclusion(world)
    assert (await world.member.patch(f"/api/conclusions/{conclusion}",
                                     json={"text": "y"})).status_code == 403
    assert (await world.member.delete(f"/api/conclusions/{conclusion}")).status_code == 403


async def test_members_may_not_assign_tasks(world: World) -> None:
    conclusion = await chairs_conclusion(world)
    r = await world.member.post(f"/api/conclusions/{conclusion}/tasks",
                                json={"title": "x", "lead_unit": "SNV", "due_text": "thường xuyên"})
    assert r.status_code == 403


async def chairs_task(world: World) -> int:
    conclusion = await chairs_conclusion(world)
    r = await world.chair.post(f"/api/conclusions/{conclusion}/tasks",
                               json={"title": "x", "lead_unit": "SNV", "due_text": "thường xuyên"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_members_may_not_change_a_task(world: World) -> None:
    task = await chairs_task(world)
    r = await world.member.patch(f"/api/tasks/{task}", json={"status": "done"})
    assert r.status_code == 403


async def test_members_may_not_cancel_a_task_through_a_report(world: World) -> None:
    task = await chairs_task(world)
    r = await world.member.post(f"/api/tasks/{task}/updates",
                                json={"note": "Hủy", "status": "cancelled"})
    assert r.status_code == 403


async def test_outsiders_do_not_see_the_tasks(world: World) -> None:
    task = await chairs_task(world)
    assert (await world.outsider.get(f"/api/tasks/{task}")).status_code == 404
