"""Server-rendered pages: sign-in, my meetings, the meeting with its current item."""

from __future__ import annotations

import re

import httpx
import pytest

from conftest import PASSWORD, Server, World


async def _browser(server: Server, username: str) -> httpx.AsyncClient:
    client = server.client()
    r = await client.post("/api/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200
    return client


@pytest.mark.backend_free
async def test_login_page_is_vietnamese_first(server: Server) -> None:
    r = await server.client().get("/login")
    assert r.status_code == 200 and 'lang="vi"' in r.text
    assert "Đăng nhập" in r.text and "Mật khẩu" in r.text


@pytest.mark.backend_free
async def test_login_page_in_english_on_request(server: Server) -> None:
    r = await server.client().get("/login", params={"lang": "en"})
    assert 'lang="en"' in r.text and "Sign in" in r.text and "Mật khẩu" not in r.text


@pytest.mark.backend_free
async def test_login_page_in_the_browsers_language(server: Server) -> None:
    r = await server.client().get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Password" in r.text


async def test_pages_redirect_to_login_when_signed_out(server: Server) -> None:
    r = await server.client().get("/meetings/1")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


async def test_meeting_page_marks_current_item(world: World) -> None:
    ids = []
    for title in ["Báo cáo của Sở Nội vụ", "Dịch vụ công trực tuyến mức độ 4"]:
        r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                       json={"title": title, "presenter": "Giám đốc Sở"})
        ids.append(r.json()["id"])
    await world.chair.put(f"/api/meetings/{world.meeting_id}/current-item",
                          json={"agenda_item_id": ids[1]})
    browser = await _browser(world.server, "snv")
    html = (await browser.get(f"/meetings/{world.meeting_id}")).text
    current = re.findall(r'data-item-id="(\d+)"\s+aria-current="true"', html)
    assert current == [str(ids[1])]
    assert "Dịch vụ công trực tuyến mức độ 4" in html and "Chương trình họp" in html


async def test_other_meeting_page_is_404_for_member(world: World) -> None:
    browser = await _browser(world.server, "snv")
    r = await browser.get(f"/meetings/{world.other_meeting_id}")
    assert r.status_code == 404 and "Không tìm thấy" in r.text


async def test_user_text_is_escaped(world: World) -> None:
    await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                               json={"title": "<script>alert(1)</script> {{ 7*7 }}"})
    browser = await _browser(world.server, "snv")
    html = (await browser.get(f"/meetings/{world.meeting_id}")).text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html


async def test_home_lists_my_meetings(world: World) -> None:
    browser = await _browser(world.server, "snv")
    html = (await browser.get("/")).text
    assert "Phiên họp Ban Chỉ đạo cải cách hành chính" in html
    assert "Họp giao ban Sở Tư pháp" not in html


async def test_console_is_not_for_members(world: World) -> None:
    member = await _browser(world.server, "snv")
    r = await member.get(f"/meetings/{world.meeting_id}/console")
    assert r.status_code == 403


async def test_console_is_for_the_chair_with_the_units_to_pick_from(world: World) -> None:
    chair = await _browser(world.server, "pct")
    r = await chair.get(f"/meetings/{world.meeting_id}/console")
    assert r.status_code == 200 and "Bàn làm việc của thư ký" in r.text
    assert "Sở Nội vụ" in r.text


async def test_tracker_marks_overdue_tasks(world: World) -> None:
    conclusion = (await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                                         json={"text": "Kết luận"})).json()
    late = (await world.secretary.post(f"/api/conclusions/{conclusion['id']}/tasks", json={
        "title": "Báo cáo quá hạn", "lead_unit": "SNV", "due_date": "2019-08-01"})).json()
    ongoing = (await world.secretary.post(f"/api/conclusions/{conclusion['id']}/tasks", json={
        "title": "Việc thường xuyên", "lead_unit": "SNV", "due_text": "thường xuyên"})).json()
    browser = await _browser(world.server, "snv")
    html = (await browser.get("/tasks")).text
    assert re.search(rf'class="task-row overdue" data-task-id="{late["id"]}"', html)
    assert re.search(rf'class="task-row" data-task-id="{ongoing["id"]}"', html)
    assert "01/08/2019" in html and "quá hạn" in html


async def test_home_lists_my_units_open_tasks(world: World) -> None:
    conclusion = (await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                                         json={"text": "Kết luận"})).json()
    for title, status in [("Việc đang làm", None), ("Việc đã xong", "done")]:
        task = (await world.secretary.post(f"/api/conclusions/{conclusion['id']}/tasks", json={
            "title": title, "lead_unit": "SNV", "due_text": "thường xuyên"})).json()
        if status:
            await world.secretary.patch(f"/api/tasks/{task['id']}", json={"status": status})
    html = (await (await _browser(world.server, "snv")).get("/")).text
    assert "Nhiệm vụ chưa hoàn thành của Sở Nội vụ" in html
    assert "Việc đang làm" in html and "Việc đã xong" not in html


VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.IGNORECASE)


@pytest.mark.backend_free
@pytest.mark.parametrize("path", ["/login", "/pair"])
async def test_english_pages_have_no_vietnamese_interface_text(server: Server, path: str) -> None:
    html = (await server.client().get(path, params={"lang": "en"})).text
    assert VIETNAMESE_LETTERS.search(html.replace("Tiếng Việt", "")) is None


async def test_dates_in_vietnamese_are_day_first_with_numbers(world: World) -> None:
    browser = await _browser(world.server, "snv")
    vi = (await browser.get(f"/meetings/{world.meeting_id}")).text
    assert "08:00 05/07/2019" in vi and "12/07/2019" in vi


async def test_dates_in_english_name_the_month(world: World) -> None:
    browser = await _browser(world.server, "snv")
    en = (await browser.get(f"/meetings/{world.meeting_id}", params={"lang": "en"})).text
    assert "08:00 5 Jul 2019" in en and "12 Jul 2019" in en
