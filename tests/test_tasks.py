"""Conclusions and follow-up tasks: deadlines in words, who sees and reports, the tracker."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

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


async def test_who_sees_and_who_reports_progress(demo: Server) -> None:
    _, _, created = await enter_example(demo)
    task = created[1]
    justice = await demo.login("pgd.stp")
    office = await demo.login("cvp.le")
    planning = await demo.login("gd.skhdt")
    await (await demo.login("thuky.nguyen")).delete(
        f"/api/meetings/{task['meeting_id']}/participants/"
        f"{(await planning.get('/api/me')).json()['id']}")
    await (await demo.login("thuky.nguyen")).delete(
        f"/api/meetings/{task['meeting_id']}/participants/"
        f"{(await justice.get('/api/me')).json()['id']}")
    r = await justice.get(f"/api/tasks/{task['id']}")
    assert r.status_code == 200 and r.json()["can_report"] is False
    assert [t["id"] for t in (await justice.get("/api/tasks")).json()["tasks"]] == [task["id"]]
    r = await justice.post(f"/api/tasks/{task['id']}/updates", json={"note": "Đã phối hợp"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_lead_unit"
    r = await office.post(f"/api/tasks/{task['id']}/updates",
                          json={"note": "Đã trình 25/40 bộ", "status": "in_progress"})
    assert r.status_code == 201 and r.json()["task"]["status"] == "in_progress"
    assert (await planning.get(f"/api/tasks/{task['id']}")).status_code == 404
    assert (await planning.get("/api/tasks")).json()["tasks"] == []
    r = await planning.post(f"/api/tasks/{task['id']}/updates", json={"note": "x"})
    assert r.status_code == 404
    history = (await office.get(f"/api/tasks/{task['id']}")).json()["updates"]
    assert [(u["note"], u["status"], u["author_name"]) for u in history] == [
        ("Đã trình 25/40 bộ", "in_progress", "Lê Quang Huy")]


async def test_overdue_filter_and_done_is_never_overdue(demo: Server) -> None:
    secretary, mid, created = await enter_example(demo)
    overdue = (await secretary.get("/api/tasks", params={"overdue": "true"})).json()["tasks"]
    assert {t["id"] for t in overdue} == {created[0]["id"], created[1]["id"]}
    r = await secretary.patch(f"/api/tasks/{created[0]['id']}", json={"status": "done"})
    assert r.status_code == 200 and r.json()["overdue"] is False
    assert r.json()["completed_at"]
    overdue = (await secretary.get("/api/tasks", params={"overdue": "true"})).json()["tasks"]
    assert [t["id"] for t in overdue] == [created[1]["id"]]
    not_overdue = (await secretary.get("/api/tasks", params={"overdue": "false"})).json()
    assert {t["id"] for t in not_overdue["tasks"]} == {created[0]["id"], created[2]["id"]}
    by_unit = (await secretary.get("/api/tasks", params={"unit": "STP"})).json()["tasks"]
    assert [t["id"] for t in by_unit] == [created[1]["id"]]
    sorted_ids = [t["id"] for t in (await secretary.get("/api/tasks")).json()["tasks"]]
    assert sorted_ids == [created[1]["id"], created[0]["id"], created[2]["id"]]


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


async def test_unparseable_deadline_is_422_bad_deadline(demo: Server) -> None:
    secretary = await demo.login("thuky.nguyen")
    mid = (await secretary.get("/api/meetings")).json()["meetings"][0]["id"]
    conclusion = (await secretary.post(f"/api/meetings/{mid}/conclusions",
                                       json={"text": "Kết luận"})).json()["id"]
    for body in [{"title": "x", "lead_unit": "SNV", "due_text": "khi nào rảnh"},
                 {"title": "x", "lead_unit": "SNV"}]:
        r = await secretary.post(f"/api/conclusions/{conclusion}/tasks", json=body)
        assert r.status_code == 422 and r.json()["error"]["code"] == "bad_deadline"
    r = await secretary.post(f"/api/conclusions/{conclusion}/tasks",
                             json={"title": "x", "lead_unit": "NOPE", "due_date": "2019-08-01"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_unit"
    r = await secretary.post(f"/api/conclusions/{conclusion}/tasks",
                             json={"title": "x", "lead_unit": "SNV", "due_date": "2019-02-30"})
    assert r.status_code == 422
    r = await secretary.post(f"/api/conclusions/{conclusion}/tasks",
                             json={"title": "x", "lead_unit": "SNV", "due_date": "2019-08-01",
                                   "due_text": "đầu tháng 8"})
    assert r.status_code == 201 and r.json()["due_date"] == "2019-08-01"
    preview = await secretary.get("/api/deadline", params={"text": "trong tháng 7",
                                                           "meeting_id": mid})
    assert preview.json() == {"text": "trong tháng 7", "due_date": "2019-07-31",
                              "ongoing": False}
    bad = await secretary.get("/api/deadline", params={"text": "khi nào rảnh"})
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


async def test_members_cannot_record_conclusions_or_change_tasks(world: World) -> None:
    url = f"/api/meetings/{world.meeting_id}/conclusions"
    assert (await world.member.post(url, json={"text": "x"})).status_code == 403
    assert (await world.outsider.post(url, json={"text": "x"})).status_code == 404
    conclusion = (await world.chair.post(url, json={"text": "Kết luận"})).json()
    assert (await world.member.patch(f"/api/conclusions/{conclusion['id']}",
                                     json={"text": "y"})).status_code == 403
    assert (await world.member.delete(f"/api/conclusions/{conclusion['id']}")).status_code == 403
    r = await world.member.post(f"/api/conclusions/{conclusion['id']}/tasks",
                                json={"title": "x", "lead_unit": "SNV", "due_text": "thường xuyên"})
    assert r.status_code == 403
    task = (await world.chair.post(f"/api/conclusions/{conclusion['id']}/tasks",
                                   json={"title": "x", "lead_unit": "SNV",
                                         "due_text": "thường xuyên"})).json()
    r = await world.member.patch(f"/api/tasks/{task['id']}", json={"status": "done"})
    assert r.status_code == 403
    r = await world.member.post(f"/api/tasks/{task['id']}/updates",
                                json={"note": "Hủy", "status": "cancelled"})
    assert r.status_code == 403
    assert (await world.outsider.get(f"/api/tasks/{task['id']}")).status_code == 404
