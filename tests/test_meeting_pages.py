"""Issue 12 on the server side: stopping a presentation, when a meeting started and ended and
since when an item is discussed, renaming a unit, where a paired tablet lands, and what the
pages say (overdue days, times, the language link, who a page is for)."""

from __future__ import annotations

import re
from datetime import date

import pdfs

from conftest import World


async def conclusion(world: World) -> int:
    r = await world.chair.post(f"/api/meetings/{world.meeting_id}/conclusions",
                               json={"text": "Kết luận"})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


async def test_the_chair_stops_the_presentation(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Báo cáo"})
    r = await world.secretary.post(f"/api/agenda-items/{r.json()['id']}/documents",
                                   files={"file": ("a.pdf", pdfs.sample(pdfs.ONE_PAGE),
                                                   "application/pdf")})
    doc = r.json()["id"]
    path = f"/api/meetings/{world.meeting_id}/presenter"
    assert (await world.chair.put(path, json={"document_id": doc, "page": 1})).status_code == 200
    assert (await world.member.delete(path)).status_code == 403
    assert (await world.chair.delete(path)).status_code == 204
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert state["presenter"] is None
    last = (await world.member.get(f"/api/meetings/{world.meeting_id}/events")).json()
    assert last["events"][-1]["event"] == "presenter.page"
    assert last["events"][-1]["data"] == {"document_id": None, "version": None, "page": None}


async def test_a_meeting_knows_when_it_started_and_ended(world: World) -> None:
    path = f"/api/meetings/{world.meeting_id}"
    assert (await world.member.get(path)).json()["meeting"]["started_at"] is None
    started = (await world.secretary.patch(path, json={"status": "in_progress"})).json()
    assert started["started_at"] and started["ended_at"] is None
    ended = (await world.secretary.patch(path, json={"status": "ended"})).json()
    assert ended["started_at"] == started["started_at"] and ended["ended_at"]
    resumed = (await world.secretary.patch(path, json={"status": "in_progress"})).json()
    assert resumed["started_at"] == started["started_at"] and resumed["ended_at"] is None


async def test_the_item_under_discussion_knows_since_when(world: World) -> None:
    r = await world.secretary.post(f"/api/meetings/{world.meeting_id}/agenda-items",
                                   json={"title": "Báo cáo", "duration_minutes": 15})
    item = r.json()["id"]
    r = await world.chair.put(f"/api/meetings/{world.meeting_id}/current-item",
                              json={"agenda_item_id": item})
    assert r.status_code == 200, r.text
    log = (await world.member.get(f"/api/meetings/{world.meeting_id}/events")).json()["events"]
    state = (await world.member.get(f"/api/meetings/{world.meeting_id}")).json()
    assert state["meeting"]["current_item_at"] == log[-1]["at"]


async def test_an_administrator_renames_a_unit(world: World) -> None:
    units = (await world.admin.get("/api/units")).json()["units"]
    snv = next(u for u in units if u["code"] == "SNV")
    r = await world.admin.patch(f"/api/units/{snv['id']}", json={"name": "Sở Nội vụ thành phố"})
    assert r.status_code == 200 and r.json()["name"] == "Sở Nội vụ thành phố"
    assert (await world.secretary.patch(f"/api/units/{snv['id']}",
                                        json={"name": "x"})).status_code == 403
    assert (await world.admin.patch("/api/units/9999", json={"name": "x"})).status_code == 404


async def test_a_deactivated_unit_keeps_its_tasks_but_gets_no_new_ones(world: World) -> None:
    units = (await world.admin.get("/api/units")).json()["units"]
    stp = next(u for u in units if u["code"] == "STP")
    r = await world.secretary.post(f"/api/conclusions/{await conclusion(world)}/tasks", json={
        "title": "Việc cũ", "lead_unit": "STP", "due_text": "thường xuyên"})
    old = r.json()["id"]
    r = await world.admin.patch(f"/api/units/{stp['id']}", json={"active": False})
    assert r.status_code == 200 and r.json()["active"] is False
    r = await world.secretary.post(f"/api/conclusions/{await conclusion(world)}/tasks", json={
        "title": "Việc mới", "lead_unit": "STP", "due_text": "thường xuyên"},
        headers={"Accept-Language": "vi"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "inactive_unit"
    assert r.json()["error"]["message"].startswith("Đơn vị 'STP' đã ngừng hoạt động")
    r = await world.secretary.patch(f"/api/tasks/{old}", json={"title": "Việc cũ, sửa tên"})
    assert r.status_code == 200 and r.json()["lead_unit"] == "STP"
    r = await world.admin.post("/api/users", json={
        "username": "moi", "name": "Người mới", "role": "member", "unit": "STP",
        "password": "correct horse battery"})
    assert r.status_code == 422 and r.json()["error"]["code"] == "inactive_unit"


async def test_a_paired_tablet_lands_on_its_meeting(world: World) -> None:
    r = await world.member.get("/meetings/next")
    assert r.status_code == 303 and r.headers["location"] == f"/meetings/{world.meeting_id}"


async def test_someone_without_a_meeting_to_come_lands_on_the_list(world: World) -> None:
    path = f"/api/meetings/{world.meeting_id}"
    assert (await world.secretary.patch(path, json={"status": "ended"})).status_code == 200
    r = await world.member.get("/meetings/next")
    assert r.status_code == 303 and r.headers["location"] == "/"


async def test_the_tracker_says_how_many_days_a_task_is_overdue(world: World) -> None:
    r = await world.secretary.post(f"/api/conclusions/{await conclusion(world)}/tasks", json={
        "title": "Báo cáo quá hạn", "lead_unit": "SNV", "due_date": "2019-08-01"})
    assert r.status_code == 201, r.text
    days = (world.server.app.context.clock.today() - date(2019, 8, 1)).days
    html = (await world.member.get("/tasks")).text
    assert f"quá hạn {days} ngày" in html
    english = (await world.member.get("/tasks", params={"lang": "en"})).text
    assert f"overdue by {days} days" in english


async def test_progress_reports_are_timed_in_the_pages_date_format(world: World) -> None:
    r = await world.secretary.post(f"/api/conclusions/{await conclusion(world)}/tasks", json={
        "title": "Báo cáo", "lead_unit": "SNV", "due_text": "thường xuyên"})
    r = await world.member.post(f"/api/tasks/{r.json()['id']}/updates", json={"note": "Xong."})
    assert r.status_code == 201, r.text
    vi = (await world.member.get("/tasks")).text
    assert re.search(r'<span class="meta">\d\d:\d\d \d\d/\d\d/\d{4} · Nguyễn Văn An', vi)
    en = (await world.member.get("/tasks", params={"lang": "en"})).text
    assert re.search(r'<span class="meta">\d\d:\d\d \d{1,2} [A-Z][a-z]{2} \d{4} · ', en)


async def test_the_language_link_keeps_the_rest_of_the_address(world: World) -> None:
    html = (await world.member.get("/search", params={"q": "tiến độ", "meeting_id": ""})).text
    assert 'href="/search?q=ti%E1%BA%BFn+%C4%91%E1%BB%99&amp;meeting_id=&amp;lang=en"' in html


async def test_a_page_is_not_kept_by_the_browser_and_says_whose_it_is(world: World) -> None:
    r = await world.member.get(f"/meetings/{world.meeting_id}")
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-meeting-user"] == str(world.users["snv"])


async def test_the_new_meeting_form_asks_for_the_meeting_date_not_a_date_of_issue(
        world: World) -> None:
    html = (await world.secretary.get("/meetings/new")).text
    assert "Ngày họp<input name=\"date\"" in html
    assert "Ngày ban hành" not in html
    en = (await world.secretary.get("/meetings/new", params={"lang": "en"})).text
    assert "Meeting date<input name=\"date\"" in en


async def test_the_opinions_summary_column_is_not_worded_as_the_readers_own_opinion(
        world: World) -> None:
    r = await world.secretary.post("/api/consultations", json={
        "title": "Dự thảo Quy chế", "question": "Đề nghị cho ý kiến.",
        "deadline": "2030-01-05T17:00:00+07:00", "recipients": [world.users["snv"]]})
    assert r.status_code == 201, r.text
    page = (await world.secretary.get(f"/consultations/{r.json()['id']}")).text
    assert "<th>Ý kiến</th>" in page and "của đồng chí" not in page


async def test_a_task_without_reports_says_so_in_a_sentence_not_a_numbered_item(
        world: World) -> None:
    r = await world.secretary.post(f"/api/conclusions/{await conclusion(world)}/tasks", json={
        "title": "Việc chưa báo cáo", "lead_unit": "SNV", "due_text": "thường xuyên"})
    assert r.status_code == 201, r.text
    html = (await world.member.get("/tasks")).text
    assert '<p class="meta no-history">Chưa có báo cáo tiến độ.</p>' in html
    assert not re.search(r"<li[^>]*>\s*Chưa có báo cáo tiến độ", html)


async def test_a_notice_is_not_said_late_before_its_meeting_took_place(world: World) -> None:
    # the world's meeting is dated in 2019 and still scheduled: nothing is late yet
    console = f"/meetings/{world.meeting_id}/console"
    page = await world.secretary.get(console, headers={"Accept-Language": "vi"})
    due = re.search(r'<p class="due[^"]*" id="notice-due">(.*?)</p>', page.text, re.S)
    assert due and " ".join(due.group(1).split()) == (
        "Thông báo kết luận phải ban hành trong 5 ngày làm việc sau cuộc họp.")
    r = await world.secretary.patch(f"/api/meetings/{world.meeting_id}",
                                    json={"status": "in_progress"})
    assert r.status_code == 200, r.text
    page = await world.secretary.get(console, headers={"Accept-Language": "vi"})
    due = re.search(r'<p class="due late" id="notice-due">(.*?)</p>', page.text, re.S)
    assert due and "đã chậm" in due.group(1)  # held, and its due date long past
