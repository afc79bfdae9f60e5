"""Recurring deadlines: an RFC 5545 recurrence rule and its first occurrence.

A schedule is stored as the value of an iCalendar ``RRULE`` (``FREQ=MONTHLY;BYMONTHDAY=25``)
and its first occurrence (the ``DTSTART``); ``python-dateutil`` computes the occurrences, so
the calendar export and the tracker agree with each other. Only the rules :func:`rule` makes
are used, and :meth:`Schedule.wording` writes each of them in the words of a conclusion notice.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from itertools import islice

from dateutil.rrule import rrule, rrulestr

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_VI = {"MO": "thứ Hai", "TU": "thứ Ba", "WE": "thứ Tư", "TH": "thứ Năm", "FR": "thứ Sáu",
              "SA": "thứ Bảy", "SU": "Chủ nhật"}
QUARTER_ENDS = (3, 6, 9, 12)
MAX_OCCURRENCES = 10_000


def day_month(day: int, month: int) -> str:
    """"15/06", "05/08", "31/12", "15/02": the day and the month of two digits, as every date
    in figures is written (:func:`meeting_server.deadlines.model.short_date`)."""
    return f"{day:02d}/{month:02d}"


def month_day_part(day: int) -> str:
    """``BYMONTHDAY`` (and ``BYSETPOS``) for "day ``day`` of every month": the 29th, 30th
    or 31st is the last day of a month that has no such day."""
    if day <= 28:
        return f"BYMONTHDAY={day}"
    if day == 31:
        return "BYMONTHDAY=-1"
    return f"BYMONTHDAY={','.join(str(d) for d in range(28, day + 1))};BYSETPOS=-1"


def rule(freq: str, **parts: str) -> str:
    return ";".join([f"FREQ={freq}", *(f"{k.upper()}={v}" for k, v in parts.items())])


def _parts(value: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in value.split(";") if "=" in part)


@lru_cache(maxsize=512)
def _rrule(value: str, start: date) -> rrule:
    made = rrulestr(value, dtstart=datetime.combine(start, time()))
    assert isinstance(made, rrule)
    return made


@dataclass(frozen=True)
class Schedule:
    """``rule`` is an RRULE value without DTSTART; ``start`` is the first occurrence."""

    rule: str
    start: date

    def _iter(self) -> Iterator[date]:
        return (moment.date() for moment in islice(_rrule(self.rule, self.start),
                                                   MAX_OCCURRENCES))

    def occurrences(self, until: date) -> list[date]:
        """The occurrences from the first through ``until``."""
        found = []
        for day in self._iter():
            if day > until:
                break
            found.append(day)
        return found

    def is_occurrence(self, day: date) -> bool:
        return day in self.occurrences(day)

    def first_on_or_after(self, day: date) -> date | None:
        return next((d for d in self._iter() if d >= day), None)

    def next_due(self, reported: Iterable[date]) -> date:
        """The first occurrence no report was made for."""
        done = set(reported)
        for day in self._iter():
            if day not in done:
                return day
        return self.start  # more than MAX_OCCURRENCES reports: not a real case

    def wording(self, at: time | None = None) -> str:
        """The schedule as a conclusion notice writes it: "hằng tháng, trước ngày 25"."""
        parts = _parts(self.rule)
        clock = f"{at.hour} giờ {at.minute:02d} " if at else ""
        freq = parts["FREQ"]
        if freq == "DAILY":
            return f"hằng ngày làm việc, trước {clock.strip()}" if at else "hằng ngày làm việc"
        if freq == "WEEKLY":
            return f"hằng tuần, trước {clock}{WEEKDAY_VI[parts['BYDAY']]}"
        days = [int(d) for d in parts["BYMONTHDAY"].split(",")]
        day = max(days) if "BYSETPOS" in parts else days[0]
        if freq == "MONTHLY":
            if day == -1:
                return f"hằng tháng, trước {clock}ngày cuối cùng của tháng"
            listed = " và ".join(str(d) for d in ([day] if "BYSETPOS" in parts else days))
            return f"hằng tháng, trước {clock}ngày {listed}"
        months = [int(m) for m in parts["BYMONTH"].split(",")]
        if tuple(months) == QUARTER_ENDS:
            if day == -1:
                return f"hằng quý, trước {clock}ngày cuối cùng của quý"
            return f"hằng quý, trước {clock}ngày {day} của tháng cuối quý"
        dates = [f"cuối tháng {m}" if day == -1 and m == 2
                 else day_month(calendar.monthrange(2001, m)[1] if day == -1 else day, m)
                 for m in months]
        listed = ", ".join(dates[:-1]) + (" và " if len(dates) > 1 else "") + dates[-1]
        return f"trước {clock}ngày {listed} hằng năm"
