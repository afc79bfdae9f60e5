"""What the minutes take from the meeting as it happened: who was absent, when it started and
ended, who spoke; through the real API, read from the draft's HTML."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

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


async def draft_minutes(world: World) -> str:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/publications",
                                   json={"kind": "minutes"})
    assert r.status_code == 201, r.text
    return f"/api/publications/{r.json()['id']}"


async def set_status(world: World, status: str) -> dict[str, Any]:
    r = await world.secretary.patch(f"/api/meetings/{world.meeting_id}",
                                    json={"status": status})
    assert r.status_code == 200, r.text
    meeting: dict[str, Any] = r.json()
    return meeting


def clock(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M")


async def test_the_minutes_take_the_times_the_meeting_started_and_ended(world: World) -> None:
    url = await draft_minutes(world)
    fields = (await world.secretary.get(url)).json()["fields"]
    assert (fields["start_time"], fields["end_time"]) == ("08:00", "")
    await set_status(world, "in_progress")
    meeting = await set_status(world, "ended")
    r = await world.secretary.post(f"{url}/refresh")
    assert r.status_code == 200, r.text
    start, end = clock(meeting["started_at"]), clock(meeting["ended_at"])
    assert (r.json()["fields"]["start_time"], r.json()["fields"]["end_time"]) == (start, end)
    html = " ".join(re.sub(r"<[^>]+>", " ", (await world.secretary.get(f"{url}/html")).text
                           ).split())
    said = start.replace(":", " giờ ")
    assert f"Thời gian bắt đầu: {said}, ngày" in html
    assert f"Cuộc họp kết thúc vào lúc {end.replace(':', ' giờ ')} " in html
    r = await world.secretary.post(f"{url}/publish")
    assert r.status_code == 200, r.text


async def test_times_the_secretary_corrected_are_kept_on_refresh(world: World) -> None:
    url = await draft_minutes(world)
    r = await world.secretary.patch(url, json={"start_time": "08:30", "end_time": "11:00"})
    assert r.status_code == 200, r.text
    await set_status(world, "in_progress")
    await set_status(world, "ended")
    fields = (await world.secretary.post(f"{url}/refresh")).json()["fields"]
    assert (fields["start_time"], fields["end_time"]) == ("08:30", "11:00")
    html = (await world.secretary.get(f"{url}/html")).text
    assert "08 giờ 30" in html and "11 giờ 00" in html


async def test_the_draft_page_shows_both_times_to_correct(world: World) -> None:
    url = await draft_minutes(world)
    r = await world.secretary.patch(url, json={"start_time": "08:30", "end_time": "11:00"})
    assert r.status_code == 200, r.text
    page = await world.secretary.get(url.replace("/api/publications/", "/publications/"),
                                     headers={"Accept-Language": "vi"})
    assert page.status_code == 200, page.text
    assert re.search(r'Giờ bắt đầu cuộc họp<input name="start_time" type="time" '
                     r'value="08:30"', page.text)
    assert re.search(r'Giờ kết thúc cuộc họp<input name="end_time" type="time" '
                     r'value="11:00"', page.text)


async def test_a_start_time_not_in_hours_and_minutes_is_refused(world: World) -> None:
    url = await draft_minutes(world)
    r = await world.secretary.patch(url, json={"start_time": "8h"})
    assert (r.status_code, r.json()["error"]["field"]) == (422, "start_time")
