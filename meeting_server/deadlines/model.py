"""What a deadline phrase means (:class:`Deadline`) and why one is refused (:class:`DeadlineError`).

A deadline is one of three kinds: a ``date`` (optionally with a time of day), a ``schedule``
(a recurring deadline: its next due date is ``due_date``) or ``ongoing`` (no date, never
overdue). ``wording`` is how the conclusion notice prints it, once: "trước ngày 15/08/2019",
"trước 16 giờ 30 ngày 12/07/2019", "trong tháng 7/2019", "hằng tháng, trước ngày 25",
"thường xuyên". The console's preview shows it before the task is saved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Literal

from meeting_server.deadlines.schedule import Schedule, day_month

DeadlineKind = Literal["date", "schedule", "ongoing"]
ONGOING_WORDING = "thường xuyên"
EXAMPLES = ('“trước ngày 15/8/2019”', '“trong tháng 7”', '“trong 10 ngày làm việc”',
            '“hằng tháng, trước ngày 25”', '“thường xuyên”')


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due_date: date | None  # the date; a schedule's first occurrence; None when ongoing
    text: str  # the phrase as given, stripped and NFC-normalised
    wording: str  # as the notice prints it
    due_time: time | None = None
    schedule: Schedule | None = None

    @property
    def ongoing(self) -> bool:
        return self.kind == "ongoing"


def short_date(day: date) -> str:
    """"15/08/2019", "05/08/2019", "15/02/2020": a date written in figures in running text.

    The rule, the same in every document, error message and page: **dd/mm/yyyy, the day and
    the month always of two digits**. Nghị định 30/2020 prescribes only the date line of a
    document's header, in words ("ngày 05 tháng 7 năm 2019": a zero before a day under 10 and
    the months 1 and 2; see :func:`meeting_server.publishing.forms.vietnamese_date`). Applied
    to figures that rule gave "19/7/2019" beside "15/01/2020" in one notice and "05/7/2019"
    in an error beside the pages' "05/07/2019"; two digits everywhere reads as one form.
    """
    return f"{day_month(day.day, day.month)}/{day.year}"


#: A day and month in figures ("5/8", "15/8/2019"), not a month and year ("7/2019").
_DAY_MONTH = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})(?=/\d{4}(?![\d/])|(?![\d/]))")


def two_digit_dates(text: str) -> str:
    """A wording stored before the rule of :func:`short_date`, its dates in that rule:
    "trước ngày 19/7/2019" is "trước ngày 19/07/2019"; "trong tháng 7/2019" is unchanged."""
    return _DAY_MONTH.sub(lambda m: f"{int(m[1]):02d}/{int(m[2]):02d}", text)


def clock_words(at: time) -> str:
    """"16 giờ 30", "8 giờ 00"."""
    return f"{at.hour} giờ {at.minute:02d}"


def date_wording(day: date, at: time | None = None) -> str:
    """"trước ngày 15/08/2019", "trước 16 giờ 30 ngày 12/07/2019"."""
    return f"trước {clock_words(at)} ngày {short_date(day)}" if at else \
        f"trước ngày {short_date(day)}"


def wording_of(due_date: date | None, due_time: time | None, schedule: Schedule | None,
               ongoing: bool) -> str:
    """The wording of a deadline stored without one (a date picked in the console)."""
    if ongoing or due_date is None:
        return ONGOING_WORDING
    if schedule is not None:
        return schedule.wording(due_time)
    return date_wording(due_date, due_time)


def task_wording(task: Mapping[str, Any]) -> str:
    """A task as the API shows it (``Task.as_dict``), its deadline in the notice's words: its
    ``deadline``, or for a task recorded without one, the words of its date."""
    if task.get("deadline"):
        return two_digit_dates(str(task["deadline"]))
    due = task.get("due_date")
    at = task.get("due_time")
    return wording_of(date.fromisoformat(due) if due else None,
                      time.fromisoformat(at) if at else None, None, bool(task.get("ongoing")))


# Why a phrase is refused: (Vietnamese, English), with {placeholders}. docs/tasks.md lists
# every one with a phrase that gets it; tests/test_deadline_docs.py checks that list.
REASONS: dict[str, tuple[str, str]] = {
    "empty": ("Chưa ghi hạn.", "No deadline given."),
    "too_long": ("Hạn dài quá {n} ký tự.", "The deadline is over {n} characters."),
    "meeting_range": ("Ngày họp nằm ngoài khoảng được hỗ trợ.", "Meeting date out of range."),
    "not_understood": ('Không hiểu hạn “{x}”.', 'Deadline “{x}” not understood.'),
    "leftover": ('Không hiểu “{part}” trong hạn “{x}”.',
                 'Did not understand “{part}” in the deadline “{x}”.'),
    "no_such_date": ("Ngày {part} không tồn tại.", "There is no date {part}."),
    "no_such_month": ("Không có tháng {part}.", "There is no month {part}."),
    "no_such_quarter": ("Không có quý {part}.", "There is no quarter {part}."),
    "no_such_time": ("Không có giờ {part}.", "There is no time {part}."),
    "year_range": ("Năm {part} nằm ngoài khoảng 2000–2100.",
                   "The year {part} is outside 2000–2100."),
    "count": ("Số ngày, tuần, tháng hoặc năm phải từ 1 đến 999.",
              "The count of days, weeks, months or years must be 1 to 999."),
    "past": ("Hạn {part} đã qua trước ngày họp {meeting}.",
             "The deadline {part} is before the meeting date {meeting}."),
    "vague": ('“{part}” không chỉ ra một ngày cụ thể.', '“{part}” names no particular day.'),
    "event": ('“{part}” là một sự kiện, chưa phải một ngày; hãy ghi ngày cụ thể.{note}',
              '“{part}” is an event, not a date; give the date.{note_en}'),
    "period": ('“{part}” là một thời kỳ, không phải một hạn; hãy ghi ngày kết thúc.',
               '“{part}” is a period, not a deadline; give the date it ends.'),
    "report_name": ('“{part}” là tên kỳ báo cáo, không cho biết hạn nộp; hãy ghi ngày, hoặc'
                    ' “định kỳ 6 tháng” nếu báo cáo lặp lại.',
                    '“{part}” names a report, not when it is due; give the date, or'
                    ' “định kỳ 6 tháng” for a recurring report.'),
    "lunar": ('“{part}” là ngày, tháng âm lịch; hãy ghi ngày dương lịch.',
              '“{part}” is a lunar date or month; give the solar date.'),
    "ambiguous_month": ('“{part}” có thể hiểu nhiều cách; hãy ghi tháng bằng số (“tháng 5”).',
                        '“{part}” can be read several ways; write the month as a number'
                        ' (“tháng 5”).'),
    "ambiguous_sau": ('“{part}” viết không dấu có thể là “sáu” hoặc “sau”; hãy viết có dấu'
                      ' hoặc ghi bằng số.',
                      '“{part}” without diacritics can be “sáu” (six) or “sau” (next, after);'
                      ' add the marks or write the number.'),
    "citation": ('Ngày trong “{part}” là ngày của văn bản được dẫn, không phải hạn; hãy ghi hạn.',
                 'The date in “{part}” is the date of the cited document, not a deadline;'
                 ' give the deadline.'),
    "start_only": ('“{part}” chỉ cho biết lúc bắt đầu; hãy ghi hạn hoàn thành.',
                   '“{part}” only says when it starts; give the deadline.'),
    "unknown_start": ('“{part}”: chưa biết ngày bắt đầu tính hạn; hãy ghi ngày cụ thể.',
                      '“{part}”: the day the period counts from is not known; give the date.'),
    "day_without_month": ('“{part}” thiếu tháng; hãy ghi cả ngày và tháng (“ngày 25/7”).',
                          '“{part}” has no month; give the day and the month (“ngày 25/7”).'),
    "weekday_without_week": ('“{part}” chưa nói tuần nào; hãy ghi ngày cụ thể.',
                             '“{part}” does not say which week; give the date.'),
    "time_without_date": ('“{part}” có giờ nhưng thiếu ngày.', '“{part}” has a time but no date.'),
    "conflict": ('Có hai hạn khác nhau, “{part}” và “{other}”; hãy ghi một hạn, hoặc tách thành'
                 ' hai nhiệm vụ.',
                 'Two different deadlines, “{part}” and “{other}”; give one, or make two tasks.'),
    "schedule_mix": ('Vừa có lịch định kỳ vừa có hạn “{part}”; hãy ghi một trong hai, hoặc'
                     ' tách thành hai nhiệm vụ.',
                     'Both a schedule and the deadline “{part}”; give one, or make two tasks.'),
    "schedule_unclear": ('“{part}” chưa nói bao lâu một lần; hãy ghi “hằng tháng”, “hằng quý”,'
                         ' “định kỳ 6 tháng” hoặc “hằng năm”.',
                         '“{part}” does not say how often; write “hằng tháng”, “hằng quý”,'
                         ' “định kỳ 6 tháng” or “hằng năm”.'),
    "schedule_unsupported": ('Chưa hỗ trợ lịch định kỳ “{part}”; hãy ghi “hằng tháng, trước'
                             ' ngày 25”, “hằng quý”, “trước ngày 15/6 và 15/12 hằng năm”…',
                             'The schedule “{part}” is not supported; write “hằng tháng, trước'
                             ' ngày 25”, “hằng quý”, “trước ngày 15/6 và 15/12 hằng năm”…'),
}


class DeadlineError(ValueError):
    """A phrase that names no deadline the parser fully understands. ``message`` is
    Vietnamese, then English after " / "; ``reason`` is a key of :data:`REASONS`."""

    code = "bad_deadline"

    def __init__(self, reason: str, **values: str) -> None:
        vi, en = REASONS[reason]
        values = {"note": "", "note_en": "", **values}
        self.reason = reason
        self.vietnamese = vi.format(**values)
        self.english = en.format(**values)
        self.message = (f"{self.vietnamese} Ví dụ: {', '.join(EXAMPLES)}."
                        f" / {self.english} For example: {', '.join(EXAMPLES)}.")
        super().__init__(self.message)
