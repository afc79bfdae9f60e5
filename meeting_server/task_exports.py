"""The task list as a spreadsheet (CSV for Excel) and as a calendar (iCalendar)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Todo, vRecur

from meeting_server.models import Task

STATUS_VI = {"assigned": "Đã giao", "in_progress": "Đang thực hiện", "done": "Hoàn thành",
             "cancelled": "Đã hủy"}
CSV_HEADER = ["STT", "Cuộc họp", "Nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp",
              "Hạn hoàn thành", "Thời hạn (nguyên văn)", "Trạng thái", "Quá hạn",
              "Thời hạn (theo thông báo)"]


#: What makes Excel or LibreOffice read a cell as a formula (and the full-width forms).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: str) -> str:
    """Text that a spreadsheet will not run as a formula: one that starts like one gets a
    leading apostrophe, which Excel shows as text (CSV injection)."""
    return f"'{value}" if value[:1] in FORMULA_STARTS else value


def tasks_csv(found: Sequence[Task], meeting_titles: Mapping[int, str], today: date) -> bytes:
    """UTF-8 with a byte-order mark and CRLF lines, so Excel shows Vietnamese correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for n, task in enumerate(found, start=1):
        due = task.due_date.strftime("%d/%m/%Y") if task.due_date else "Thường xuyên"
        if task.due_time is not None:
            due += f" {task.due_time:%H:%M}"
        writer.writerow([
            n, safe_cell(meeting_titles.get(task.meeting_id, "")), safe_cell(task.title),
            safe_cell(task.lead_unit.name),
            safe_cell("; ".join(u.name for u in task.support_units)), due,
            safe_cell(task.due_text), STATUS_VI.get(task.status, task.status),
            "Có" if task.overdue(today) else "", safe_cell(task.deadline),
        ])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def tasks_ics(found: Sequence[Task], meeting_titles: Mapping[int, str],
              zone: ZoneInfo) -> bytes:
    """Each task with a date as a to-do due that day (or at its time of day, in ``zone``); a
    recurring task as an all-day event on each occurrence, with its ``RRULE``; ongoing tasks
    have no date to show."""
    calendar = Calendar()
    calendar.add("prodid", "-//meeting-server//phong hop khong giay//VI")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Nhiệm vụ được giao")
    for task in found:
        if task.due_date is None:
            continue
        item = _occurrences(task) if task.schedule is not None else _todo(task, zone)
        item.add("uid", f"task-{task.id}@meeting-server")
        item.add("summary", task.title)
        item.add("description", f"{meeting_titles.get(task.meeting_id, '')}\n"
                                f"Chủ trì: {task.lead_unit.name}\nThời hạn: {task.deadline}")
        item.add("status", "COMPLETED" if task.status == "done" else
                 "CANCELLED" if task.status == "cancelled" else
                 "CONFIRMED" if task.schedule is not None else "NEEDS-ACTION")
        calendar.add_component(item)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _todo(task: Task, zone: ZoneInfo) -> Todo:
    assert task.due_date is not None
    todo = Todo()
    if task.due_time is None:
        todo.add("due", task.due_date)
        todo.add("dtstart", task.due_date - timedelta(days=1))
    else:
        todo.add("due", datetime.combine(task.due_date, task.due_time, zone))
    return todo


def _occurrences(task: Task) -> Event:
    """The schedule's occurrences as one all-day event that repeats, from the first."""
    assert task.schedule is not None
    event = Event()
    event.add("dtstart", task.schedule.start)
    event.add("rrule", vRecur.from_ical(task.schedule.rule))
    event.add("transp", "TRANSPARENT")
    return event
