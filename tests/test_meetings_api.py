"""Meetings, participants, attendance, agenda and the event log, through the real API."""

from __future__ import annotations

from typing import Any

from conftest import World


async def test_secretary_creates_meeting_and_sees_full_state(world: World) -> None:
    r = await world.secretary.get(f"/api/meetings/{world.meeting_id}")
    assert r.status_code == 200
    state = r.json()
    assert set(state) == {"meeting", "agenda_items", "current_item_id", "presenter",
                          "participants", "documents", "conclusions", "tasks", "publications",
                          "notice_due", "notice_late", "floor", "votes", "proxies"}
    assert state["meeting"]["starts_at"] == "2019-07-05T08:00:00+07:00"
    assert state["notice_due"] == "2019-07-12"
    roles = {p["username"]: p["role"] for p in state["participants"]}
    assert roles == {"pct": "chair", "snv": "member"}


async def test_members_see_only_their_meetings(world: World) -> None:
    r = await world.member.get("/api/meetings")
    assert [m["id"] for m in r.json()["meetings"]] == [world.meeting_id]


async def test_secretaries_see_every_meeting(world: World) -> None:
    r = await world.secretary.get("/api/meetings")
    assert {m["id"] for m in r.json()["meetings"]} == {world.meeting_id, world.other_meeting_id}


async def test_agenda_append_reorder_delete_keeps_positions(world: World) -> None:
    ids = []
    for title in ["Báo cáo cải cách hành chính", "Dịch vụ công trực tuyến", "Tiếp công dân"]:
        r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                       json={"title": title, "duration_minutes": 20})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    r = await world.secretary.patch(f"/api/agenda-items/{ids[2]}", json={"position": 1})
    assert r.status_code == 200 and r.json()["position"] == 1
    r = await world.secretary.delete(f"/api/agenda-items/{ids[0]}")
    assert r.status_code == 204
    items = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()["agenda_items"]
    assert [(i["id"], i["position"]) for i in items] == [(ids[2], 1), (ids[1], 2)]


async def chair_sets_an_item(world: World) -> int:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Khảo sát sự hài lòng"})
    item_id: int = r.json()["id"]
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/current-item",
                              json={"agenda_item_id": item_id})
    assert r.status_code == 200
    return item_id


async def events(world: World, **params: Any) -> dict[str, Any]:
    r = await world.member.get(f"/api/meetings/{world.meeting_id}/events", params=params)
    log: dict[str, Any] = r.json()
    return log


async def test_chair_sets_the_current_item(world: World) -> None:
    item_id = await chair_sets_an_item(world)

    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()

    assert state["current_item_id"] == item_id


async def test_event_log_is_gap_free(world: World) -> None:
    await chair_sets_an_item(world)

    log = await events(world)

    seqs = [e["seq"] for e in log["events"]]
    assert seqs == list(range(1, len(seqs) + 1)) and log["last_seq"] == seqs[-1]


async def test_event_says_what_changed_and_who_changed_it(world: World) -> None:
    item_id = await chair_sets_an_item(world)

    last = (await events(world))["events"][-1]

    assert last["event"] == "agenda.current"
    assert last["data"] == {"current_item_id": item_id}
    assert last["actor"] == world.users["pct"]


async def test_events_after_a_seq(world: World) -> None:
    await chair_sets_an_item(world)
    seqs = [e["seq"] for e in (await events(world))["events"]]

    later = await events(world, after=seqs[-2])

    assert [e["seq"] for e in later["events"]] == [seqs[-1]]


async def test_member_checks_in(world: World) -> None:
    r = await world.member.post(f"/api/meetings/{world.meeting_id}/attendance",
                                json={"status": "present"})
    assert r.status_code == 200 and r.json()["attendance"] == "present"


async def test_secretary_records_an_absence_with_its_reason(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/attendance",
                                   json={"status": "absent", "reason": "Đi công tác",
                                         "user_id": world.users["pct"]})
    assert r.status_code == 200
    assert r.json()["absence_reason"] == "Đi công tác"


async def test_an_absence_needs_a_reason(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/attendance",
                                   json={"status": "absent", "user_id": world.users["pct"]})
    assert r.status_code == 422 and r.json()["error"]["field"] == "reason"


async def test_removing_a_participant_hides_the_meeting_from_them(world: World) -> None:
    r = await world.secretary.delete(
        f"/api/meetings/{world.meeting_id}/participants/{world.users['snv']}")
    assert r.status_code == 204
    r = await world.member.get(f"/api/meetings/{world.meeting_id}")
    assert r.status_code == 404


async def test_removing_a_participant_is_logged(world: World) -> None:
    await world.secretary.delete(
        f"/api/meetings/{world.meeting_id}/participants/{world.users['snv']}")
    log = (await world.secretary.get(f"/api/meetings/{world.meeting_id}/events")).json()
    assert log["events"][-1]["event"] == "participant.removed"


async def test_meeting_status_changes(world: World) -> None:
    r = await world.secretary.patch(f"/api/meetings/{world.meeting_id}",
                                    json={"status": "in_progress"})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"


async def test_unknown_meeting_status_is_422(world: World) -> None:
    r = await world.secretary.patch(f"/api/meetings/{world.meeting_id}", json={"status": "done"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_field"


async def test_empty_meeting_change_is_422(world: World) -> None:
    r = await world.secretary.patch(f"/api/meetings/{world.meeting_id}", json={})
    assert r.status_code == 422 and r.json()["error"]["code"] == "empty_change"


async def test_idempotent_retry_returns_first_response_and_changes_nothing(world: World) -> None:
    url = f"/api/meetings/{world.meeting_id}/agenda-items"
    headers = {"Idempotency-Key": "add-item-7f3a"}
    first = await world.secretary.post(url, json={"title": "Đối thoại"}, headers=headers)
    again = await world.secretary.post(url, json={"title": "Đối thoại"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers.get("idempotent-replay") == "true"
    items = (await world.secretary.get(f"/api/meetings/{world.meeting_id}")).json()["agenda_items"]
    assert [i["title"] for i in items].count("Đối thoại") == 1


async def test_idempotency_key_reused_for_another_request_is_422(world: World) -> None:
    url = f"/api/meetings/{world.meeting_id}/agenda-items"
    headers = {"Idempotency-Key": "add-item-7f3a"}
    await world.secretary.post(url, json={"title": "Đối thoại"}, headers=headers)
    other = await world.secretary.post(url, json={"title": "Khác"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency_key_reused"


async def test_idempotency_keys_are_per_caller(world: World) -> None:
    url = f"/api/meetings/{world.meeting_id}/attendance"
    headers = {"Idempotency-Key": "same-key"}
    a = await world.member.post(url, json={"status": "present"}, headers=headers)
    b = await world.chair.post(url, json={"status": "online"}, headers=headers)
    assert a.json()["username"] == "snv" and b.json()["username"] == "pct"


async def test_changing_the_chair_moves_the_role(world: World) -> None:
    r = await world.secretary.patch(f"/api/meetings/{world.meeting_id}",
                                    json={"chair_id": world.users["snv"]})
    assert r.status_code == 200 and r.json()["chair_id"] == world.users["snv"]
    state = (await world.secretary.get(f"/api/meetings/{world.meeting_id}")).json()
    roles = {p["username"]: p["role"] for p in state["participants"]}
    assert roles == {"pct": "member", "snv": "chair"}


async def test_the_former_chair_loses_the_chairs_rights(world: World) -> None:
    await world.secretary.patch(f"/api/meetings/{world.meeting_id}",
                                json={"chair_id": world.users["snv"]})
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/current-item",
                              json={"agenda_item_id": None})
    assert r.status_code == 403
