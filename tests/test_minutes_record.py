"""What the minutes take from the meeting as it happened: who was absent, when it started and
ended, who spoke; through the real API, read from the draft's HTML."""

from __future__ import annotations

import re

import httpx

from conftest import World


async def minutes_html(world: World) -> str:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "minutes"})
    assert r.status_code == 201, r.text
    html = (await world.secretary.get(f"/api/publications/{r.json()['id']}/html")).text
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def absent_part(text: str) -> str:
    return text.split("Vắng mặt:")[1].split("Nội dung cuộc họp")[0]


async def check_in(world: World, *clients: httpx.AsyncClient) -> None:
    for client in (world.chair, *clients):
        r = await client.post(f"/api/meetings/{world.meeting_id}/attendance",
                              json={"status": "present"})
        assert r.status_code == 200, r.text


async def test_a_member_who_never_checked_in_is_listed_absent(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/participants",
                                   json={"user_id": world.users["stp"], "role": "member"})
    assert r.status_code == 201, r.text
    await check_in(world, world.member)
    absent = absent_part(await minutes_html(world))
    assert "Phạm Thu Hà (chưa điểm danh)." in absent
    assert "không." not in absent and "Nguyễn Văn An" not in absent


async def test_with_everyone_checked_in_no_one_is_absent(world: World) -> None:
    await check_in(world, world.member)
    assert absent_part(await minutes_html(world)).strip() == "không."


async def test_minutes_of_a_meeting_without_attendance_say_it_was_not_recorded(
        world: World) -> None:
    assert absent_part(await minutes_html(world)).strip() == "chưa ghi nhận điểm danh."


async def speakers_line(world: World, title: str) -> str:
    r = await world.admin.patch(f"/api/users/{world.users['snv']}", json={"title": title})
    assert r.status_code == 200, r.text
    await check_in(world, world.member)
    mid = world.meeting_id
    asked = await world.member.post(f"/api/meetings/{mid}/floor", json={})
    assert asked.status_code in (200, 201), asked.text
    for step in ("give", "end"):
        r = await world.chair.post(f"/api/floor/{asked.json()['id']}/{step}")
        assert r.status_code == 200, r.text
    text = await minutes_html(world)
    return text.split("Đại biểu phát biểu theo đăng ký:")[1].split(".")[0]


async def test_a_speakers_unit_is_not_repeated_when_the_title_names_it(world: World) -> None:
    assert await speakers_line(world, "Giám đốc Sở Nội vụ") == " Nguyễn Văn An, Giám đốc Sở " \
        "Nội vụ"


async def test_a_speakers_unit_follows_a_title_that_does_not_name_it(world: World) -> None:
    assert await speakers_line(world, "Phó Giám đốc") == " Nguyễn Văn An, Phó Giám đốc (Sở " \
        "Nội vụ)"
