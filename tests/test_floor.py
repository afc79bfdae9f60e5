"""The speakers' list: asking for the floor, the order, the floor given and ended, the limit,
who may do what, and the events a tablet resumes from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx
from liveclient import Tablet, normalised

from conftest import World


def token(client: httpx.AsyncClient) -> str:
    return client.headers["authorization"].split()[1]


async def item(world: World, title: str = "Báo cáo tình hình kinh tế - xã hội") -> int:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": title})
    assert r.status_code == 201, r.text
    item_id: int = r.json()["id"]
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/current-item",
                              json={"agenda_item_id": item_id})
    assert r.status_code == 200, r.text
    return item_id


async def add_member(world: World, username: str = "stp") -> httpx.AsyncClient:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/participants",
                                   json={"user_id": world.users[username], "role": "member"})
    assert r.status_code == 201, r.text
    return world.outsider


async def floor_of(world: World) -> dict[str, Any]:
    r = await world.member.get(f"/api/meetings/{world.meeting_id}")
    return r.json()["floor"]  # type: ignore[no-any-return]


async def ask(client: httpx.AsyncClient, world: World, **body: Any) -> httpx.Response:
    return await client.post(f"/api/meetings/{world.meeting_id}/floor", json=body)


async def test_requests_are_listed_in_order_with_the_item_under_discussion(world: World
                                                                           ) -> None:
    item_id = await item(world)
    stp = await add_member(world)
    first = await ask(world.member, world)
    second = await ask(stp, world, note="Về số liệu quý II")
    assert first.status_code == 201 and second.status_code == 201, (first.text, second.text)
    assert first.json()["agenda_item_id"] == item_id
    assert first.json()["name"] == "Nguyễn Văn An"
    floor = await floor_of(world)
    assert [(r["user_id"], r["position"], r["status"]) for r in floor["requests"]] == [
        (world.users["snv"], 1, "waiting"), (world.users["stp"], 2, "waiting")]
    assert floor["limit_seconds"] is None


async def test_a_second_request_while_waiting_is_refused(world: World) -> None:
    await item(world)
    assert (await ask(world.member, world)).status_code == 201
    again = await ask(world.member, world)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_requested"


async def test_the_chair_gives_the_floor_in_order_with_the_default_limit(world: World
                                                                         ) -> None:
    await item(world)
    stp = await add_member(world)
    a = (await ask(world.member, world)).json()
    b = (await ask(stp, world)).json()

    given = await world.chair.post(f"/api/floor/{a['id']}/give")
    assert given.status_code == 200, given.text
    assert given.json()["status"] == "speaking"
    assert given.json()["limit_seconds"] == world.server.settings.speaking_seconds == 180
    started = datetime.fromisoformat(given.json()["started_at"])
    assert started.tzinfo is not None

    # the next one given: the first is done, with when they ended
    r = await world.chair.post(f"/api/floor/{b['id']}/give")
    assert r.status_code == 200, r.text
    floor = await floor_of(world)
    assert [(x["id"], x["status"]) for x in floor["requests"]] == [(a["id"], "done"),
                                                                    (b["id"], "speaking")]
    assert floor["requests"][0]["ended_at"] is not None
    r = await world.secretary.post(f"/api/floor/{b['id']}/end")
    assert r.status_code == 200 and r.json()["status"] == "done"
    again = await world.secretary.post(f"/api/floor/{b['id']}/end")
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_speaking"


async def test_the_meeting_limit_applies_to_the_next_speaker(world: World) -> None:
    await item(world)
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/floor/limit",
                              json={"limit_seconds": 120})
    assert r.status_code == 200, r.text
    a = (await ask(world.member, world)).json()
    given = (await world.chair.post(f"/api/floor/{a['id']}/give")).json()
    assert given["limit_seconds"] == 120
    assert (await floor_of(world))["limit_seconds"] == 120
    bad = await world.chair.put(f"/api/meetings/{world.meeting_id}/floor/limit",
                                json={"limit_seconds": 5})
    assert bad.status_code == 422


async def test_reordering_and_withdrawing(world: World) -> None:
    await item(world)
    stp = await add_member(world)
    a = (await ask(world.member, world)).json()
    b = (await ask(stp, world)).json()
    c = (await ask(world.chair, world)).json()
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/floor/order",
                              json={"order": [c["id"], a["id"], b["id"]]})
    assert r.status_code == 200, r.text
    assert [x["id"] for x in (await floor_of(world))["requests"]] == [c["id"], a["id"], b["id"]]
    partial = await world.chair.put(f"/api/meetings/{world.meeting_id}/floor/order",
                                    json={"order": [c["id"], a["id"]]})
    assert partial.status_code == 422 and partial.json()["error"]["code"] == "bad_order"

    assert (await world.member.delete(f"/api/floor/{a['id']}")).status_code == 204
    floor = await floor_of(world)
    assert [(x["id"], x["position"]) for x in floor["requests"]] == [(c["id"], 1), (b["id"], 2)]
    # withdrawn, they may ask again
    assert (await ask(world.member, world)).status_code == 201


async def test_permissions_of_the_speakers_list(world: World) -> None:
    await item(world)
    mine = (await ask(world.member, world)).json()
    # a member may not ask for someone else, order, give, end or set the limit
    other = await ask(world.member, world, user_id=world.users["pct"])
    assert other.status_code == 403
    assert (await world.member.post(f"/api/floor/{mine['id']}/give")).status_code == 403
    given = await world.chair.post(f"/api/floor/{mine['id']}/give")
    assert given.status_code == 200
    assert (await world.member.post(f"/api/floor/{mine['id']}/end")).status_code == 403
    assert (await world.member.delete(f"/api/floor/{mine['id']}")).status_code == 409
    assert (await world.chair.post(f"/api/floor/{mine['id']}/end")).status_code == 200
    mine = (await ask(world.member, world)).json()
    r = await world.member.put(f"/api/meetings/{world.meeting_id}/floor/order",
                               json={"order": [mine["id"]]})
    assert r.status_code == 403
    r = await world.member.put(f"/api/meetings/{world.meeting_id}/floor/limit",
                               json={"limit_seconds": 60})
    assert r.status_code == 403
    # the chair asks for a member and may withdraw a member's request; a member may not
    # withdraw the chair's
    chairs = (await ask(world.chair, world)).json()
    assert (await world.member.delete(f"/api/floor/{chairs['id']}")).status_code == 403
    # someone of another meeting does not see the request at all
    assert (await world.outsider.delete(f"/api/floor/{mine['id']}")).status_code == 404
    assert (await world.outsider.post(f"/api/floor/{mine['id']}/give")).status_code == 404
    assert (await ask(world.outsider, world)).status_code == 404
    # the chair can put a participant on the list, not an outsider
    r = await ask(world.chair, world, user_id=world.users["stp"])
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_participant"
    assert (await world.chair.delete(f"/api/floor/{mine['id']}")).status_code == 204


async def test_an_item_of_another_meeting_is_refused(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.other_meeting_id}/agenda-items",
                                   json={"title": "Khác"})
    other_item = r.json()["id"]
    r = await ask(world.member, world, agenda_item_id=other_item)
    assert r.status_code == 422 and r.json()["error"]["code"] == "unknown_agenda_item"


async def test_floor_events_resume_to_the_state(world: World) -> None:
    """A tablet that drops off and resumes by last_seq ends with the server's state."""
    await item(world)
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await tablet.receive()
    await tablet.close()
    resume_from = tablet.seq
    stp = await add_member(world)
    a = (await ask(world.member, world)).json()
    b = (await ask(stp, world)).json()
    c = (await ask(world.chair, world)).json()
    await world.chair.put(f"/api/meetings/{world.meeting_id}/floor/order",
                          json={"order": [b["id"], a["id"], c["id"]]})
    await world.chair.put(f"/api/meetings/{world.meeting_id}/floor/limit",
                          json={"limit_seconds": 90})
    await world.chair.post(f"/api/floor/{b['id']}/give")
    await world.member.delete(f"/api/floor/{a['id']}")
    await world.chair.post(f"/api/floor/{c['id']}/give")
    await world.chair.post(f"/api/floor/{c['id']}/end")
    last = (await world.member.get(f"/api/meetings/{world.meeting_id}/events")).json()["last_seq"]

    again = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member),
                              last_seq=resume_from)
    again.state, again.seq = tablet.state, tablet.seq
    await again.until_seq(last)
    names = [e["event"] for e in again.events]
    assert {"floor.requested", "floor.reordered", "floor.limit_set", "floor.given",
            "floor.withdrawn", "floor.ended"} <= set(names)
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert normalised(again.state or {}) == normalised(state)
    await again.close()


async def test_deleting_an_item_keeps_its_requests_and_votes_and_resumes(world: World
                                                                        ) -> None:
    item_id = await item(world)
    tablet = await Tablet.open(world.server.ws_url, world.meeting_id, token(world.member))
    await tablet.receive()
    asked = (await ask(world.member, world)).json()
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/votes",
                               json={"question": "Q", "agenda_item_id": item_id})
    assert r.status_code == 201, r.text
    assert (await world.secretary.delete(f"/api/agenda-items/{item_id}")).status_code == 204
    last = (await world.member.get(f"/api/meetings/{world.meeting_id}/events")).json()["last_seq"]
    await tablet.until_seq(last)
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    [request] = state["floor"]["requests"]
    assert request["id"] == asked["id"] and request["agenda_item_id"] is None
    assert state["votes"][0]["agenda_item_id"] is None
    assert normalised(tablet.state or {}) == normalised(state)
    await tablet.close()
