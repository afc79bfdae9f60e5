"""What every step of reading a deadline phrase needs: the meeting date, the folded phrase,
dates and periods checked and completed (the year inferred), counts and times of day."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from meeting_server.deadlines.lexicon import MONTH_WORDS, ROMAN, Folded
from meeting_server.deadlines.model import DeadlineError, short_date
from meeting_server.deadlines.scan import Part
from meeting_server.deadlines.workdays import MAX_YEAR, MIN_YEAR, is_working_day

DATE_TEXT = re.compile(r"(\d{1,2}) ?(?:[/.-]|thang) ?(\d{1,2})(?: ?(?:[/.-]|nam) ?(\d{4}|\d{2}))?")
WEEKDAY = {"hai": 0, "2": 0, "ba": 1, "3": 1, "tu": 2, "4": 2, "nam": 3, "5": 3, "sau": 4,
           "6": 4, "bay": 5, "7": 5}


@dataclass
class Candidate:
    due: date
    lo: date
    hi: date
    rank: int  # 1 a day, 2 a week, 3 a month, 4 a quarter, 5 half a year, 6 a year
    wording: str | None  # "trong tháng 7/2019" for a named period, else the date's wording
    part: Part
    parts: list[Part] = field(default_factory=list)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


class Reading:
    """The phrase being read and the meeting it is read against."""

    def __init__(self, folded: Folded, meeting: date, clean: str) -> None:
        self.folded = folded
        self.meeting = meeting
        self.clean = clean

    # ------------------------------------------------------------------ helpers

    def said(self, part: Part) -> str:
        shown = "".join(c for c in self.folded.original(part.start, part.end) if c.isprintable())
        return shown if len(shown) <= 60 else shown[:59] + "…"

    def whole(self) -> str:
        shown = "".join(c for c in self.clean if c.isprintable())
        return shown if len(shown) <= 60 else shown[:59] + "…"

    def year(self, value: str | None, rel: str | None = None) -> int | None:
        if rel:
            return self.meeting.year + (0 if rel == "nay" else 1)
        if not value:
            return None
        year = int(value) + (2000 if len(value) == 2 else 0)
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise DeadlineError("year_range", part=str(year))
        return year

    def month(self, value: str, part: Part) -> int:
        if value.isdigit():
            month = int(value)
            if not 1 <= month <= 12:
                raise DeadlineError("no_such_month", part=value)
            return month
        if value == "sau":
            self.six(part)
        return MONTH_WORDS[value]

    def next_month(self, part: Part) -> bool:
        """Whether "tháng sau" is the next month (not June, "tháng sáu")."""
        if part.data.get("m") != "sau":
            return False
        original = self.folded.original(part.start, part.end).lower()
        if "sáu" in original:
            return False
        if not self.folded.marked:
            raise DeadlineError("ambiguous_sau", part=self.said(part))
        return True

    def friday(self, part: Part) -> None:
        """"thứ sau" without marks can only be "thứ Sáu"; with marks it is not a day."""
        if self.folded.marked and "sáu" not in self.folded.original(
                part.start, part.end).lower():
            raise DeadlineError("not_understood", x=self.whole())

    def six(self, part: Part) -> None:
        """"sáu" (six) is "sau" (next, after) once folded: the marks decide, or refuse."""
        original = self.folded.original(part.start, part.end).lower()
        if "sáu" in original:
            return
        if self.folded.marked:
            raise DeadlineError("not_understood", x=self.whole())
        raise DeadlineError("ambiguous_sau", part=self.said(part))

    def day(self, year: int, month: int, day: int) -> date:
        try:
            return date(year, month, day)
        except ValueError:
            raise DeadlineError("no_such_date", part=f"{day}/{month}/{year}") from None

    def not_past(self, due: date, part: Part) -> date:
        if due < self.meeting:
            raise DeadlineError("past", part=short_date(due), meeting=short_date(self.meeting))
        return due

    def on(self, d: int, m: int, year: int | None, start: bool = False) -> date:
        """The date d/m of ``year``, or of the meeting's year (the next one if it would fall
        before the meeting, unless it is a start)."""
        if not 1 <= m <= 12:
            raise DeadlineError("no_such_month", part=str(m))
        if year is not None:
            return self.day(year, m, d)
        if not 1 <= d <= calendar.monthrange(2000, m)[1]:
            raise DeadlineError("no_such_date", part=f"{d}/{m}")
        later = not start and (m, d) < (self.meeting.month, self.meeting.day)
        return self.day(self.meeting.year + int(later), m, d)

    def period(self, make: Callable[[int], tuple[date, date]], year: int | None,
               before: bool, part: Part) -> tuple[date, date, date]:
        """(due, lo, hi) of a period whose first and last days in a year are ``make(year)``:
        its last day, or the day before it with "trước"; in ``year``, or the meeting's year
        (the next if it is already over)."""

        def due(y: int) -> tuple[date, date, date]:
            lo, hi = make(y)
            return (lo - timedelta(days=1) if before else hi), lo, hi

        if year is not None:
            found = due(year)
            self.not_past(found[0], part)
            return found
        found = due(self.meeting.year)
        return found if found[0] >= self.meeting else due(self.meeting.year + 1)

    def clock(self, part: Part) -> time | None:
        data = part.data
        hour = int(data.get("h") or data["h2"])
        minute = int(data.get("mi") or data.get("mi2") or 0)
        when = data.get("ap") or data.get("ap2")
        shown = f"{hour}:{minute:02d}"
        if when in ("chieu", "toi", "dem") and 1 <= hour < 12:
            hour += 12
        elif when == "trua" and hour <= 2:
            hour += 12
        elif when == "sang" and hour > 12:
            raise DeadlineError("no_such_time", part=self.said(part))
        if hour == 24 and minute == 0:
            return None  # "24 giờ ngày 15/8": the end of that day, as a date alone
        if hour > 23 or minute > 59:
            raise DeadlineError("no_such_time", part=shown)
        return time(hour, minute)

    def quarter(self, value: str) -> int:
        quarter = ROMAN.get(value) or int(value)
        if not 1 <= quarter <= 4:
            raise DeadlineError("no_such_quarter", part=value.upper())
        return quarter

    def week_end(self, ahead: int) -> date:
        monday = self.meeting - timedelta(days=self.meeting.weekday()) + timedelta(weeks=ahead)
        for _ in range(4):
            for offset in (4, 3, 2, 1, 0):
                day = monday + timedelta(days=offset)
                if day >= self.meeting and is_working_day(day):
                    return day
            monday += timedelta(weeks=1)
        raise DeadlineError("not_understood", x=self.whole())  # pragma: no cover

    def start_of(self, text: str) -> date:
        if "hop" in text:
            return self.meeting
        m = DATE_TEXT.search(text)
        assert m is not None, text
        return self.on(int(m.group(1)), int(m.group(2)), self.year(m.group(3)), start=True)

    def candidate(self, part: Part) -> Candidate:
        raise NotImplementedError
