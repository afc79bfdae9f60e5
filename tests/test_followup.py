"""Follow-through: meeting 2's generated item "Kiểm điểm việc thực hiện kết luận" lists the
open and overdue tasks of meeting 1 with their last report; the chair's decisions change the
tasks and are recorded there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from liveclient import Tablet, normalised

from conftest import World


@dataclass
class Follow:
    world: World
    first: int  # meeting 1
    second: int  # meeting 2, chaired by pct, with snv as a member
    overdue: dict[str, Any]  # led by SNV, due in 2019, two progress reports
    upcoming: dict[str, Any]  # led by VPUBND, due in the future
    finished: dict[str, Any]  # done: not listed


async def created(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 201, r.text
    result: dict[str, Any] = r.json()
    return result


@pytest.fixture
async def follow(world: World) -> Follow:
    first = world.meeting_id
    conclusion = await created(await world.chair.post(
        f"/api/meetings/{first}/conclusions", json={"text": "Đẩy nhanh cải cách"}))
    cid = conclusion["id"]

    async def task(title: str, unit: str, due: str) -> dict[str, Any]:
        return await created(await world.secretary.post(f"/api/conclusions/{cid}/tasks", json={
            "title": title, "lead_unit": unit, "due_date": due}))

    overdue = await task("Rà soát thủ tục", "SNV", "2019-08-01")
    upcoming = await task("Khảo sát hài lòng", "VPUBND",
                          (date.today() + timedelta(days=30)).isoformat())
    finished = await task("Công bố 40 bộ thủ tục", "STP", "2019-07-31")
    r = await world.secretary.patch(f"/api/tasks/{finished['id']}", json={"status": "done"})
    assert r.status_code == 200, r.text
    for note in ("Đã rà soát 10/40", "Đã rà soát 25/40"):
        r = await world.member.post(f"/api/tasks/{overdue['id']}/updates",
                                    json={"note": note, "status": "in_progress"})
        assert r.status_code == 201, r.text
    second = (await created(await world.secretary.post("/api/meetings", json={
        "title": "Phiên họp tháng 9", "starts_at": "2019-09-06T08:00:00+07:00",
        "chair_id": world.users["pct"]})))["id"]
    r = await world.secretary.post(f"/api/meetings/{second}/participants",
                                   json={"user_id": world.users["snv"], "role": "member"})
    assert r.status_code == 201, r.text
    return Follow(world, first, second, overdue, upcoming, finished)


async def add_item(follow: Follow, body: dict[str, Any] | None = None) -> int:
    made = await created(await follow.world.secretary.post(
        f"/api/meetings/{follow.second}/follow-up", json=body or {}))
    return int(made["agenda_item"]["id"])


async def listed(client: httpx.AsyncClient, item: int) -> dict[str, Any]:
    r = await client.get(f"/api/agenda-items/{item}/follow-up")
    assert r.status_code == 200, r.text
    result: dict[str, Any] = r.json()
    return result


async def test_an_overdue_task_comes_back_with_its_last_report(follow: Follow) -> None:
    item = await add_item(follow)
    shown = await listed(follow.world.member, item)
    by_id = {e["task"]["id"]: e for e in shown["tasks"]}
    assert set(by_id) == {follow.overdue["id"], follow.upcoming["id"]}
    entry = by_id[follow.overdue["id"]]
    assert entry["task"]["overdue"] is True
    assert entry["last_report"]["note"] == "Đã rà soát 25/40"
    assert entry["meeting_id"] == follow.first
    assert shown["tasks"][0]["task"]["id"] == follow.overdue["id"]  # overdue first
    assert by_id[follow.upcoming["id"]]["last_report"] is None


async def test_the_item_is_on_the_agenda_and_in_the_log(follow: Follow) -> None:
    item = await add_item(follow)
    state = (await follow.world.member.get(f"/api/meetings/{follow.second}")).json()
    assert [(i["id"], i["title"]) for i in state["agenda_items"]] == [
        (item, "Kiểm điểm việc thực hiện kết luận")]
    log = (await follow.world.member.get(f"/api/meetings/{follow.second}/events")).json()
    created_events = [e for e in log["events"] if e["event"] == "followup.created"]
    assert created_events[0]["data"] == {"agenda_item_id": item,
                                         "source_meeting_ids": [follow.first]}


async def test_the_secretary_may_pick_the_earlier_meetings(follow: Follow) -> None:
    other = follow.world.other_meeting_id  # no tasks: nothing listed
    item = await add_item(follow, {"meeting_ids": [other]})
    assert (await listed(follow.world.secretary, item))["tasks"] == []


async def test_an_unknown_earlier_meeting_is_refused(follow: Follow) -> None:
    r = await follow.world.secretary.post(f"/api/meetings/{follow.second}/follow-up",
                                          json={"meeting_ids": [999_999]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_meeting"


async def test_nothing_to_follow_up_is_said(follow: Follow) -> None:
    r = await follow.world.secretary.post(f"/api/meetings/{follow.first}/follow-up", json={})
    assert r.status_code == 422 and r.json()["error"]["code"] == "nothing_to_follow_up"


async def test_candidates_are_the_earlier_meetings_with_open_tasks(follow: Follow) -> None:
    r = await follow.world.secretary.get(
        f"/api/meetings/{follow.second}/follow-up-candidates")
    assert r.status_code == 200
    assert [(m["id"], m["open_tasks"]) for m in r.json()["meetings"]] == [(follow.first, 2)]


async def decide(follow: Follow, item: int, client: httpx.AsyncClient | None = None,
                 **body: Any) -> httpx.Response:
    return await (client or follow.world.chair).post(
        f"/api/agenda-items/{item}/follow-up/decisions", json=body)


async def test_extending_changes_the_deadline_and_is_recorded(follow: Follow) -> None:
    item = await add_item(follow)
    new_due = (date.today() + timedelta(days=60)).isoformat()
    r = await decide(follow, item, task_id=follow.overdue["id"], decision="extend",
                     due_date=new_due, note="Gia hạn thêm 2 tháng")
    assert r.status_code == 201, r.text
    assert r.json()["previous_due_date"] == "2019-08-01" and r.json()["due_date"] == new_due
    task = (await follow.world.secretary.get(f"/api/tasks/{follow.overdue['id']}")).json()
    assert task["due_date"] == new_due and task["overdue"] is False
    entry = next(e for e in (await listed(follow.world.member, item))["tasks"]
                 if e["task"]["id"] == follow.overdue["id"])
    assert [(d["decision"], d["note"], d["decided_by_name"]) for d in entry["decisions"]] == [
        ("extend", "Gia hạn thêm 2 tháng", "Trần Văn Minh")]
    first_log = (await follow.world.secretary.get(
        f"/api/meetings/{follow.first}/events")).json()["events"]
    assert first_log[-1]["event"] == "task.updated"
    assert first_log[-1]["data"]["task"]["due_date"] == new_due
    second_log = (await follow.world.secretary.get(
        f"/api/meetings/{follow.second}/events")).json()["events"]
    assert second_log[-1]["event"] == "followup.decided"
    assert second_log[-1]["data"]["decision"]["task_id"] == follow.overdue["id"]


async def test_closing_keeps_the_task_listed_as_decided(follow: Follow) -> None:
    item = await add_item(follow)
    r = await decide(follow, item, task_id=follow.overdue["id"], decision="close",
                     status="cancelled", note="Không còn phù hợp")
    assert r.status_code == 201, r.text
    task = (await follow.world.secretary.get(f"/api/tasks/{follow.overdue['id']}")).json()
    assert task["status"] == "cancelled"
    entry = next(e for e in (await listed(follow.world.chair, item))["tasks"]
                 if e["task"]["id"] == follow.overdue["id"])
    assert entry["decisions"][0]["previous_status"] == "in_progress"


async def test_reassigning_moves_the_task_to_another_unit(follow: Follow) -> None:
    item = await add_item(follow)
    r = await decide(follow, item, task_id=follow.overdue["id"], decision="reassign",
                     lead_unit="STP")
    assert r.status_code == 201, r.text
    assert (r.json()["previous_lead_unit"], r.json()["lead_unit"]) == ("SNV", "STP")
    task = (await follow.world.secretary.get(f"/api/tasks/{follow.overdue['id']}")).json()
    assert task["lead_unit"] == "STP"


async def test_decisions_are_in_the_audit_log_and_outlive_the_item(follow: Follow) -> None:
    """Each decision is an audit row (action 'decide') with what it changed, written with the
    decision (not through the recorder's buffer, which a crash may lose), which stays when the
    follow-up item, and the decisions stored with it, are removed."""
    world = follow.world
    item = await add_item(follow)
    new_due = (date.today() + timedelta(days=60)).isoformat()
    r = await decide(follow, item, task_id=follow.overdue["id"], decision="extend",
                     due_date=new_due)
    assert r.status_code == 201, r.text
    r = await decide(follow, item, task_id=follow.upcoming["id"], decision="close")
    assert r.status_code == 201, r.text
    r = await decide(follow, item, task_id=follow.overdue["id"], decision="reassign",
                     lead_unit="STP")
    assert r.status_code == 201, r.text
    r = await world.secretary.delete(f"/api/agenda-items/{item}")
    assert r.status_code in (200, 204), r.text
    # nothing flushed: the rows were committed with the decisions
    r = await world.admin.get("/api/audit", params={"action": "decide", "kind": "task"})
    assert r.status_code == 200, r.text
    assert [(e["user_id"], e["object_id"], e["meeting_id"], e["detail"])
            for e in reversed(r.json()["entries"])] == [
        (world.users["pct"], follow.overdue["id"], follow.second,
         f"extend; due_date 2019-08-01 → {new_due}"),
        (world.users["pct"], follow.upcoming["id"], follow.second,
         "close; status assigned → done"),
        (world.users["pct"], follow.overdue["id"], follow.second,
         "reassign; lead_unit SNV → STP"),
    ]


async def test_extending_needs_a_date_not_in_the_past(follow: Follow) -> None:
    item = await add_item(follow)
    r = await decide(follow, item, task_id=follow.overdue["id"], decision="extend")
    assert r.status_code == 422
    r = await decide(follow, item, task_id=follow.overdue["id"], decision="extend",
                     due_date="2019-01-01")
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_deadline"


async def test_a_task_of_another_meeting_is_refused(follow: Follow) -> None:
    item = await add_item(follow, {"meeting_ids": [follow.world.other_meeting_id]})
    r = await decide(follow, item, task_id=follow.overdue["id"], decision="close")
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_followed_up"
    task = (await follow.world.secretary.get(f"/api/tasks/{follow.overdue['id']}")).json()
    assert task["status"] == "in_progress"


async def test_a_member_may_read_but_not_decide(follow: Follow) -> None:
    item = await add_item(follow)
    r = await decide(follow, item, follow.world.member, task_id=follow.overdue["id"],
                     decision="close")
    assert r.status_code == 403
    task = (await follow.world.secretary.get(f"/api/tasks/{follow.overdue['id']}")).json()
    assert task["status"] == "in_progress"


async def test_an_outsider_sees_nothing(follow: Follow) -> None:
    item = await add_item(follow)
    outsider = follow.world.outsider  # not in meeting 2
    assert (await outsider.get(f"/api/agenda-items/{item}/follow-up")).status_code == 404
    r = await decide(follow, item, outsider, task_id=follow.overdue["id"], decision="close")
    assert r.status_code == 404


async def test_a_member_may_not_add_the_item(follow: Follow) -> None:
    r = await follow.world.chair.post(f"/api/meetings/{follow.second}/follow-up", json={})
    assert r.status_code == 403
    r = await follow.world.member.get(f"/api/meetings/{follow.second}/follow-up-candidates")
    assert r.status_code == 403


async def test_a_meeting_secretary_may_not_follow_up_a_meeting_they_cannot_see(
        follow: Follow) -> None:
    world = follow.world
    r = await world.secretary.post(f"/api/meetings/{follow.second}/participants",
                                   json={"user_id": world.users["stp"], "role": "secretary"})
    assert r.status_code == 201, r.text
    r = await world.outsider.post(f"/api/meetings/{follow.second}/follow-up",
                                  json={"meeting_ids": [follow.first]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_meeting"
    r = await world.outsider.get(f"/api/meetings/{follow.second}/follow-up-candidates")
    assert r.json()["meetings"] == []
    # nor by default: the default is the meetings they could pick (none here)
    r = await world.outsider.post(f"/api/meetings/{follow.second}/follow-up", json={})
    assert r.status_code == 422 and r.json()["error"]["code"] == "nothing_to_follow_up"


async def test_a_plain_agenda_item_is_not_a_follow_up_item(follow: Follow) -> None:
    item = await created(await follow.world.secretary.post(
        f"/api/meetings/{follow.second}/agenda-items", json={"title": "Khác"}))
    r = await follow.world.secretary.get(f"/api/agenda-items/{item['id']}/follow-up")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_followup_item"


async def test_a_tablet_resumes_across_the_follow_up_events(follow: Follow) -> None:
    world = follow.world
    before = (await world.member.get(f"/api/meetings/{follow.second}/events")).json()["last_seq"]
    item = await add_item(follow)
    r = await decide(follow, item, task_id=follow.overdue["id"], decision="close")
    assert r.status_code == 201
    token = world.member.headers["Authorization"].removeprefix("Bearer ")
    snapshot = await Tablet.open(world.server.ws_url, follow.second, token, None)
    await snapshot.receive()
    assert snapshot.state is not None and snapshot.seq is not None
    await snapshot.close()
    resumed = await Tablet.open(world.server.ws_url, follow.second, token, before)
    resumed.state = dict(snapshot.state)
    resumed.state["agenda_items"] = [i for i in snapshot.state["agenda_items"] if i["id"] != item]
    resumed.seq = before
    await resumed.until_seq(snapshot.seq)
    await resumed.close()
    assert [e["event"] for e in resumed.events] == [
        "agenda.changed", "followup.created", "followup.decided"]
    assert normalised(resumed.state) == normalised(snapshot.state)
