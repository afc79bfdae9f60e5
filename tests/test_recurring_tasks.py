"""Recurring deadlines: a monthly report is due each month, overdue when a month is missed,
reported on occurrence by occurrence, and shown as a schedule in the CSV and the calendar."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

import httpx
import pytest
from icalendar import Calendar

from meeting_server.timeutil import Clock

from conftest import Server


@dataclass(frozen=True)
class FixedClock(Clock):
    """The wall clock stopped at nine in the morning of ``day``."""

    day: date = date(2019, 7, 5)

    def now(self) -> datetime:
        return datetime.combine(self.day, time(9), self.zone)


def set_today(server: Server, day: date) -> None:
    """Make ``day`` today for the running app: its context's clock and its database's."""
    app = server.app
    clock = FixedClock(app.context.clock.zone, day)
    app._context = replace(app.context, clock=clock)
    app.context.db.clock = clock


@dataclass
class Monthly:
    server: Server
    secretary: httpx.AsyncClient
    department: httpx.AsyncClient  # of the lead unit, STTTT
    task: dict[str, Any]

    async def get(self) -> dict[str, Any]:
        r = await self.secretary.get(f"/api/tasks/{self.task['id']}")
        assert r.status_code == 200, r.text
        found: dict[str, Any] = r.json()
        return found

    async def report(self, **body: Any) -> httpx.Response:
        return await self.department.post(f"/api/tasks/{self.task['id']}/updates",
                                          json={"note": "Báo cáo tháng", **body})


@pytest.fixture
async def monthly(demo: Server) -> Monthly:
    """The monthly report the demo meeting of 5 July 2019 asks of the Department of
    Information and Communications, on the day of the meeting."""
    set_today(demo, date(2019, 7, 5))
    secretary = await demo.login("thuky.nguyen")
    mid = (await secretary.get("/api/meetings")).json()["meetings"][0]["id"]
    r = await secretary.post(f"/api/meetings/{mid}/conclusions", json={
        "text": "Giao Sở Thông tin và Truyền thông báo cáo tiến độ dịch vụ công trực tuyến."})
    r = await secretary.post(f"/api/conclusions/{r.json()['id']}/tasks", json={
        "title": "Báo cáo tiến độ dịch vụ công trực tuyến", "lead_unit": "STTTT",
        "due_text": "trước ngày 25 hằng tháng"})
    assert r.status_code == 201, r.text
    return Monthly(demo, secretary, await demo.login("gd.stttt"), r.json())


async def test_a_monthly_report_is_first_due_on_the_25th(monthly: Monthly) -> None:
    task = monthly.task
    assert (task["deadline_kind"], task["due_date"], task["overdue"]) == (
        "schedule", "2019-07-25", False)
    assert task["schedule"] == {"rrule": "FREQ=MONTHLY;BYMONTHDAY=25", "start": "2019-07-25"}


async def test_it_is_printed_as_a_schedule(monthly: Monthly) -> None:
    assert monthly.task["deadline"] == "hằng tháng, trước ngày 25"


async def test_it_is_not_overdue_on_the_day_it_is_due(monthly: Monthly) -> None:
    set_today(monthly.server, date(2019, 7, 25))
    assert (await monthly.get())["overdue"] is False


async def test_a_missed_report_makes_it_overdue(monthly: Monthly) -> None:
    set_today(monthly.server, date(2019, 7, 26))
    assert (await monthly.get())["overdue"] is True


async def test_the_overdue_filter_finds_a_missed_report(monthly: Monthly) -> None:
    set_today(monthly.server, date(2019, 7, 26))
    r = await monthly.secretary.get("/api/tasks", params={"overdue": "true"})
    assert [t["id"] for t in r.json()["tasks"]] == [monthly.task["id"]]


async def test_the_july_report_makes_it_due_in_august(monthly: Monthly) -> None:
    set_today(monthly.server, date(2019, 7, 26))
    r = await monthly.report()
    assert r.status_code == 201, r.text
    assert r.json()["occurrence"] == "2019-07-25"
    assert (r.json()["task"]["due_date"], r.json()["task"]["overdue"]) == ("2019-08-25", False)


async def test_a_report_before_the_day_counts_for_that_month(monthly: Monthly) -> None:
    set_today(monthly.server, date(2019, 7, 20))
    r = await monthly.report()
    assert (r.json()["occurrence"], r.json()["task"]["due_date"]) == ("2019-07-25",
                                                                       "2019-08-25")


async def test_the_history_says_which_month_each_report_is_for(monthly: Monthly) -> None:
    await monthly.report()
    await monthly.report(note="Bổ sung số liệu tháng 7", occurrence="2019-07-25")
    history = (await monthly.get())["updates"]
    assert [(u["note"], u["occurrence"]) for u in history] == [
        ("Báo cáo tháng", "2019-07-25"), ("Bổ sung số liệu tháng 7", "2019-07-25")]


async def test_a_report_for_a_month_not_yet_due_is_refused(monthly: Monthly) -> None:
    r = await monthly.report(occurrence="2019-08-25")
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_occurrence"


async def test_a_report_for_a_day_that_is_not_an_occurrence_is_refused(monthly: Monthly) -> None:
    r = await monthly.report(occurrence="2019-07-24")
    assert r.status_code == 422 and r.json()["error"]["code"] == "bad_occurrence"


async def test_a_dated_task_is_not_reported_on_by_occurrence(monthly: Monthly) -> None:
    r = await monthly.secretary.patch(f"/api/tasks/{monthly.task['id']}",
                                      json={"due_text": "trước ngày 15/8/2019"})
    assert r.status_code == 200 and r.json()["deadline_kind"] == "date"
    r = await monthly.report(occurrence="2019-08-15")
    assert r.status_code == 422 and r.json()["error"]["code"] == "not_recurring"


async def test_a_new_schedule_keeps_the_reports_already_made(monthly: Monthly) -> None:
    await monthly.report()
    r = await monthly.secretary.patch(f"/api/tasks/{monthly.task['id']}",
                                      json={"due_text": "hằng tháng, trước ngày 25"})
    assert r.json()["due_date"] == "2019-08-25"


async def test_its_calendar_event_repeats_with_an_rrule(monthly: Monthly) -> None:
    r = await monthly.secretary.get("/api/tasks", params={"format": "ics", "unit": "STTTT"})
    events = Calendar.from_ical(r.content).walk("VEVENT")
    assert len(events) == 1
    assert events[0].decoded("dtstart") == date(2019, 7, 25)
    assert events[0]["rrule"].to_ical() == b"FREQ=MONTHLY;BYMONTHDAY=25"


async def test_the_spreadsheet_shows_the_next_due_date_and_the_schedule(
        monthly: Monthly) -> None:
    r = await monthly.secretary.get("/api/tasks", params={"format": "csv", "unit": "STTTT"})
    header, row = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    shown = dict(zip(header, row, strict=True))
    assert shown["Hạn hoàn thành"] == "25/07/2019"
    assert shown["Thời hạn (theo thông báo)"] == "hằng tháng, trước ngày 25"


async def test_a_deadline_with_a_time_is_due_at_that_time_in_the_calendar(
        monthly: Monthly) -> None:
    r = await monthly.secretary.patch(f"/api/tasks/{monthly.task['id']}",
                                      json={"due_text": "trước 16 giờ 30 ngày 12/7/2019"})
    assert (r.json()["due_date"], r.json()["due_time"]) == ("2019-07-12", "16:30")
    r = await monthly.secretary.get("/api/tasks", params={"format": "ics", "unit": "STTTT"})
    (todo,) = Calendar.from_ical(r.content).walk("VTODO")
    due = todo.decoded("due")
    assert (due.date(), due.time(), due.utcoffset().total_seconds()) == (
        date(2019, 7, 12), time(16, 30), 7 * 3600)


async def test_the_notice_prints_the_schedule_once_in_its_words(monthly: Monthly) -> None:
    mid = monthly.task["meeting_id"]
    r = await monthly.secretary.post(f"/api/meetings/{mid}/publications", json={"kind": "notice"})
    assert r.status_code == 201, r.text
    html = (await monthly.secretary.get(f"/api/publications/{r.json()['id']}/html")).text
    assert html.count("hằng tháng, trước ngày 25") == 1 and "(hạn" not in html


async def test_the_tracker_shows_the_schedule_and_the_report_it_takes(monthly: Monthly) -> None:
    r = await monthly.department.get("/tasks", params={"lang": "vi"})
    assert r.status_code == 200, r.text
    page = " ".join(r.text.split())
    assert "định kỳ: hằng tháng, trước ngày 25" in page
    assert "Đây là báo cáo cho kỳ hạn 25/07/2019." in page
