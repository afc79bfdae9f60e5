"""What must be there before a notice or minutes is issued, its number, corrections, the signer's
authority, and the five-working-day clock of the notice; through the real API."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from conftest import PASSWORD, Template, World, running


async def draft(world: World, kind: str, meeting_id: int | None = None,
                **fields: Any) -> str:
    r = await world.secretary.post(
        f"/api/meetings/{meeting_id or world.meeting_id}/publications", json={"kind": kind})
    assert r.status_code == 201, r.text
    url = f"/api/publications/{r.json()['id']}"
    if fields:
        r = await world.secretary.patch(url, json=fields)
        assert r.status_code == 200, r.text
    return url


SIGNER = {"name": "Lê Văn Tám", "title": "Chánh Văn phòng"}


async def refused(world: World, url: str) -> tuple[int, dict[str, Any]]:
    r = await world.secretary.post(f"{url}/publish")
    error: dict[str, Any] = r.json()["error"]
    return r.status_code, error


@pytest.mark.backend_free
async def test_a_notice_without_a_number_is_refused_naming_the_field(world: World) -> None:
    url = await draft(world, "notice", signer=SIGNER)
    status, error = await refused(world, url)
    assert (status, error["code"], error["field"]) == (422, "missing_field", "number")


@pytest.mark.backend_free
async def test_a_notice_without_a_signer_is_refused_naming_the_field(world: World) -> None:
    url = await draft(world, "notice", number="7")
    status, error = await refused(world, url)
    assert (status, error["code"], error["field"]) == (422, "missing_field", "signer.name")


@pytest.mark.backend_free
async def test_minutes_without_an_end_time_are_refused_naming_the_field(world: World) -> None:
    url = await draft(world, "minutes")
    status, error = await refused(world, url)
    assert (status, error["code"], error["field"]) == (422, "missing_field", "end_time")


@pytest.mark.backend_free
async def test_minutes_cannot_end_before_the_meeting_starts(world: World) -> None:
    url = await draft(world, "minutes", end_time="07:30")
    status, error = await refused(world, url)
    assert (status, error["field"]) == (422, "end_time")


@pytest.mark.backend_free
async def test_the_refusal_is_in_the_callers_language(world: World) -> None:
    url = await draft(world, "notice", signer=SIGNER)
    r = await world.secretary.post(f"{url}/publish", headers={"Accept-Language": "vi"})
    assert r.json()["error"]["message"].startswith("Thông báo chưa có số")


async def test_as_above_is_refused_without_an_addressee(world: World) -> None:
    url = await draft(world, "notice", number="7", signer=SIGNER,
                      recipients=["Như trên", "Lưu: VT, TH"])
    status, error = await refused(world, url)
    assert (status, error["field"]) == (422, "recipients")


async def test_as_above_goes_with_an_addressee(world: World) -> None:
    url = await draft(world, "notice", number="7", signer=SIGNER, addressees="Sở Nội vụ",
                      recipients=["Như trên", "Lưu: VT, TH"])
    assert (await world.secretary.post(f"{url}/publish")).status_code == 200
    html = (await world.member.get(f"{url}/html")).text
    assert "Kính gửi: Sở Nội vụ." in html and "- Như trên;" in html


async def test_the_number_may_carry_its_own_symbol(world: World) -> None:
    url = await draft(world, "notice", number="152/TB-VP")
    assert (await world.secretary.get(url)).json()["fields"]["number"] == "152"


async def test_a_number_with_another_symbol_is_refused(world: World) -> None:
    url = await draft(world, "notice")
    r = await world.secretary.patch(url, json={"number": "152/TB-UBND"})
    assert r.status_code == 422 and r.json()["error"]["field"] == "number"


async def test_numbers_under_ten_have_a_leading_zero(world: World) -> None:
    url = await draft(world, "notice", number="7", signer=SIGNER)
    assert "Số: 07/TB-VP" in (await world.secretary.get(f"{url}/html")).text


async def test_a_number_is_given_once_a_year(world: World) -> None:
    first = await draft(world, "notice", number="7", signer=SIGNER, date="2019-07-09")
    assert (await world.secretary.post(f"{first}/publish")).status_code == 200
    other = await draft(world, "notice", world.other_meeting_id, number="7", signer=SIGNER,
                        date="2019-07-10")
    r = await world.secretary.post(f"{other}/publish")
    assert r.status_code == 409 and r.json()["error"]["code"] == "number_taken"


async def page(world: World, username: str, path: str) -> str:
    client = world.server.client()
    r = await client.post("/api/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return (await client.get(path)).text


async def test_the_next_number_is_suggested(world: World) -> None:
    first = await draft(world, "notice", number="41", signer=SIGNER, date="2019-07-09")
    await world.secretary.post(f"{first}/publish")
    second = await draft(world, "notice", world.other_meeting_id, date="2019-07-12")
    shown = await page(world, "thuky", second.replace("/api", ""))
    assert "Số tiếp theo chưa dùng: 42" in shown and 'name="number" inputmode="numeric" ' \
        'value="42"' in shown


async def test_a_correction_is_a_new_document_saying_which_it_replaces(world: World) -> None:
    first = await draft(world, "notice", number="7", signer=SIGNER, date="2019-07-09")
    await world.secretary.post(f"{first}/publish")
    correction = await draft(world, "notice")
    fields = (await world.secretary.get(correction)).json()["fields"]
    assert fields["number"] == "" and fields["replaces"] == {"number": "07/TB-VP",
                                                           "date": "2019-07-09"}
    html = (await world.secretary.get(f"{correction}/html")).text
    assert "Thông báo này thay thế Thông báo số 07/TB-VP ngày 09 tháng 7 năm 2019." in html


async def test_a_correction_cannot_take_the_number_it_replaces(world: World) -> None:
    first = await draft(world, "notice", number="7", signer=SIGNER, date="2019-07-09")
    await world.secretary.post(f"{first}/publish")
    correction = await draft(world, "notice", number="7", date="2019-07-10")
    r = await world.secretary.post(f"{correction}/publish")
    assert r.status_code == 409 and r.json()["error"]["field"] == "number"


@pytest.mark.backend_free
@pytest.mark.parametrize("position,authority,lines", [
    ("Chánh Văn phòng", "", ["CHÁNH VĂN PHÒNG"]),
    ("Phó Chánh Văn phòng", "", ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]),
    ("Trưởng phòng Tổng hợp", "TUQ", ["TUQ. CHÁNH VĂN PHÒNG", "TRƯỞNG PHÒNG TỔNG HỢP"]),
])
async def test_the_signer_block_follows_the_signers_position(
        world: World, position: str, authority: str, lines: list[str]) -> None:
    url = await draft(world, "notice", signer={"name": "Lê Văn Tám", "title": position,
                                               "authority": authority})
    html = (await world.secretary.get(f"{url}/html")).text
    shown = html.split('<div class="signature">')[1].split('<div class="signature-space"')[0]
    assert [line.split(">")[1].split("<")[0] for line in shown.split("signer-title")[1:]] \
        == lines


@pytest.mark.backend_free
async def test_an_unknown_authority_is_refused(world: World) -> None:
    url = await draft(world, "notice")
    r = await world.secretary.patch(url, json={"signer": {"authority": "XX"}})
    assert r.status_code == 422 and r.json()["error"]["field"] == "signer.authority"


@pytest.fixture
async def committee(tmp_path: Path, world_template: Template) -> AsyncIterator[World]:
    """The world's server issuing as the People's Committee itself (a collective body)."""
    world_template.copy(tmp_path / "data")
    async with running(tmp_path / "data", world_template.sessions,
                       issuer_parent="", issuer="ỦY BAN NHÂN DÂN\\nTHÀNH PHỐ SÔNG LAM",
                       issuer_symbol="UBND", issuer_head="Chủ tịch",
                       issuer_collective="Ủy ban nhân dân") as server:
        server.facts = world_template.facts
        yield await World.of(server)


async def test_the_committees_notice_is_signed_by_order_of_the_chairman(
        committee: World) -> None:
    url = await draft(committee, "notice", number="5",
                      signer={"name": "Lê Văn Tám", "title": "Chánh Văn phòng"})
    html = (await committee.secretary.get(f"{url}/html")).text
    assert "Số: 05/TB-UBND" in html
    assert '<div class="signer-title">TL. CHỦ TỊCH</div>' in html
    assert '<div class="issuer">ỦY BAN NHÂN DÂN</div><div class="issuer">THÀNH PHỐ SÔNG ' \
        'LAM</div>' in html


async def test_a_vice_chairman_signs_on_behalf_of_the_committee(committee: World) -> None:
    url = await draft(committee, "notice",
                      signer={"name": "Trần Văn Minh", "title": "Phó Chủ tịch"})
    html = (await committee.secretary.get(f"{url}/html")).text
    assert ('<div class="signer-title">TM. ỦY BAN NHÂN DÂN</div><div class="signer-title">'
            'KT. CHỦ TỊCH</div><div class="signer-title">PHÓ CHỦ TỊCH</div>') in html


# ------------------------------------------------------------------- the notice's clock


async def hold(world: World, meeting_id: int, status: str = "ended") -> None:
    r = await world.secretary.patch(f"/api/meetings/{meeting_id}", json={"status": status})
    assert r.status_code == 200, r.text


async def test_a_late_notice_is_marked_in_the_state(world: World) -> None:
    await hold(world, world.meeting_id)
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert (state["notice_due"], state["notice_late"]) == ("2019-07-12", True)


async def test_the_notice_of_a_meeting_not_yet_held_is_not_late(world: World) -> None:
    """Its date long past, but still scheduled: it has not taken place, nothing is late."""
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert (state["meeting"]["status"], state["notice_late"]) == ("scheduled", False)
    home = await page(world, "thuky", "/")
    assert f"/meetings/{world.meeting_id}/console" not in home.split(
        "Thông báo kết luận đến hạn")[1]
    assert "chậm" not in home


async def meeting_today(world: World) -> int:
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).replace(microsecond=0) - timedelta(
        minutes=1)
    r = await world.secretary.post("/api/meetings", json={
        "title": "Giao ban tuần", "starts_at": today.isoformat()})
    assert r.status_code == 201, r.text
    meeting_id: int = r.json()["id"]
    await hold(world, meeting_id, "in_progress")
    return meeting_id


async def test_a_notice_of_a_meeting_held_today_is_not_late(world: World) -> None:
    mid = await meeting_today(world)
    state = (await world.secretary.get(f"/api/meetings/{mid}")).json()
    assert state["notice_late"] is False


async def test_the_secretarys_home_lists_the_notices_due_and_late(world: World) -> None:
    mid = await meeting_today(world)
    await hold(world, world.meeting_id)
    home = await page(world, "thuky", "/")
    listed = home.split('id="notices-due"')[1].split("</ul>")[0]
    assert f"/meetings/{mid}/console" in listed and re.search(r"còn \d+ ngày", listed)
    assert f"/meetings/{world.meeting_id}/console" in listed and "chậm" in listed


async def test_a_published_notice_leaves_the_home_list(world: World) -> None:
    await hold(world, world.meeting_id)
    url = await draft(world, "notice", number="7", signer=SIGNER)
    await world.secretary.post(f"{url}/publish")
    home = await page(world, "thuky", "/")
    assert f"/meetings/{world.meeting_id}/console" not in home.split("Thông báo kết luận đến "
                                                                     "hạn")[1]


async def test_members_have_no_notice_list(world: World) -> None:
    assert "Thông báo kết luận đến hạn" not in await page(world, "snv", "/")


async def test_the_console_counts_down_and_says_late(world: World) -> None:
    await hold(world, world.meeting_id)
    console = await page(world, "thuky", f"/meetings/{world.meeting_id}/console")
    assert 'class="due late"' in console and "12/07/2019" in console
