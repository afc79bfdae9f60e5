"""Every permission rule of the foundation, each tried by someone who must not pass."""

from __future__ import annotations

import pytest

from conftest import World


async def _item(world: World, meeting_id: int) -> int:
    r = await world.secretary.post(f"/api/meetings/{meeting_id}/agenda-items",
                                   json={"title": "Nội dung"})
    assert r.status_code == 201
    return int(r.json()["id"])


async def test_member_gets_404_for_another_meeting_its_items_and_events(world: World) -> None:
    other = world.other_meeting_id
    item = await _item(world, other)
    member = world.member
    for method, url, body in [
        ("GET", f"/api/meetings/{other}", None),
        ("GET", f"/api/meetings/{other}/events", None),
        ("PATCH", f"/api/meetings/{other}", {"title": "x"}),
        ("POST", f"/api/meetings/{other}/agenda-items", {"title": "x"}),
        ("PATCH", f"/api/agenda-items/{item}", {"title": "x"}),
        ("DELETE", f"/api/agenda-items/{item}", None),
        ("PUT", f"/api/meetings/{other}/current-item", {"agenda_item_id": item}),
        ("POST", f"/api/meetings/{other}/attendance", {"status": "present"}),
        ("POST", f"/api/meetings/{other}/participants", {"user_id": 1, "role": "member"}),
        ("DELETE", f"/api/meetings/{other}/participants/1", None),
    ]:
        r = await member.request(method, url, json=body)
        assert r.status_code == 404, (method, url, r.text)
        assert r.json()["error"]["code"] == "not_found"
    # and the answer is the same as for a meeting that does not exist
    r = await member.get("/api/meetings/999999")
    assert r.status_code == 404


async def test_member_gets_403_creating_a_meeting(world: World) -> None:
    r = await world.member.post("/api/meetings", json={"title": "x",
                                                       "starts_at": "2019-07-05T08:00:00+07:00"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("method,path,body", [
    ("PATCH", "", {"title": "Đổi tên"}),
    ("POST", "/agenda-items", {"title": "Thêm"}),
    ("POST", "/participants", {"user_id": 1, "role": "member"}),
    ("PUT", "/current-item", {"agenda_item_id": None}),
])
async def test_member_cannot_do_secretary_or_chair_work_in_own_meeting(
        world: World, method: str, path: str, body: dict[str, object]) -> None:
    r = await world.member.request(method, f"/api/meetings/{world.meeting_id}{path}", json=body)
    assert r.status_code == 403


async def test_member_cannot_edit_agenda_items_of_own_meeting(world: World) -> None:
    item = await _item(world, world.meeting_id)
    assert (await world.member.patch(f"/api/agenda-items/{item}",
                                     json={"title": "x"})).status_code == 403
    assert (await world.member.delete(f"/api/agenda-items/{item}")).status_code == 403


async def test_chair_cannot_delete_agenda_items(world: World) -> None:
    item = await _item(world, world.meeting_id)
    assert (await world.chair.delete(f"/api/agenda-items/{item}")).status_code == 403


async def test_member_cannot_record_attendance_of_others(world: World) -> None:
    r = await world.member.post(f"/api/meetings/{world.meeting_id}/attendance",
                                json={"status": "present", "user_id": world.users["pct"]})
    assert r.status_code == 403


async def test_member_may_not_set_the_current_item(world: World) -> None:
    item = await _item(world, world.meeting_id)
    url = f"/api/meetings/{world.meeting_id}/current-item"
    assert (await world.member.put(url, json={"agenda_item_id": item})).status_code == 403


async def test_chair_may_set_the_current_item(world: World) -> None:
    item = await _item(world, world.meeting_id)
    url = f"/api/meetings/{world.meeting_id}/current-item"
    assert (await world.chair.put(url, json={"agenda_item_id": item})).status_code == 200


async def test_current_item_from_another_meeting_is_refused(world: World) -> None:
    foreign = await _item(world, world.other_meeting_id)
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/current-item",
                              json={"agenda_item_id": foreign})
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_agenda_item"


@pytest.mark.parametrize("who", ["secretary", "member"])
@pytest.mark.parametrize("method,path,body", [
    ("POST", "/api/units", {"code": "SXD", "name": "Sở Xây dựng"}),
    ("POST", "/api/users", {"username": "x1", "name": "X", "role": "admin",
                            "password": "longenough"}),
    ("PATCH", "/api/users/{snv}", {"role": "admin"}),
])
async def test_only_admin_manages_units_and_users(world: World, who: str, method: str,
                                                  path: str, body: dict[str, object]) -> None:
    client = world.secretary if who == "secretary" else world.member
    r = await client.request(method, path.format(snv=world.users["snv"]), json=body)
    assert r.status_code == 403


async def test_members_may_not_list_users(world: World) -> None:
    assert (await world.member.get("/api/users")).status_code == 403


async def test_secretaries_list_users(world: World) -> None:
    assert (await world.secretary.get("/api/users")).status_code == 200


async def test_members_list_units(world: World) -> None:
    assert (await world.member.get("/api/units")).status_code == 200


async def test_admin_cannot_lock_themselves_out(world: World) -> None:
    me = (await world.admin.get("/api/me")).json()["id"]
    r = await world.admin.patch(f"/api/users/{me}", json={"active": False})
    assert r.status_code == 422 and r.json()["error"]["code"] == "self_lockout"
