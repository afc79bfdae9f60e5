"""Recurring deadlines: "hằng tháng, trước ngày 25", "định kỳ 6 tháng", "trước ngày 15/6 và
15/12 hằng năm" as an RRULE and the first occurrence after the meeting day."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from meeting_server.deadlines.lexicon import count_value
from meeting_server.deadlines.model import Deadline, DeadlineError
from meeting_server.deadlines.reading import WEEKDAY, Reading
from meeting_server.deadlines.scan import Part
from meeting_server.deadlines.schedule import (
    QUARTER_ENDS,
    WEEKDAYS,
    Schedule,
    month_day_part,
    rule,
)
from meeting_server.deadlines.workdays import MAX_YEAR

DATED = ("date", "daylist", "month", "monthlist", "quarter", "quarterlist", "year", "half",
         "week", "duration", "today")
ANCHORS = ("dayonly", "dayofquarter", "weekday")


class Recurring(Reading):
    def schedule(self, parts: list[Part]) -> Deadline:
        freqs = [p for p in parts if p.kind == "freq"]
        months = {self.every(p) for p in freqs}
        if len(months) > 1:
            raise DeadlineError("conflict", part=self.said(freqs[0]), other=self.said(freqs[1]))
        every = months.pop()
        anchors: list[Part] = []
        starts: list[date] = []
        for part in parts:
            if part.kind in ("freq", "ongoing", "citation", "report_name"):
                continue
            if part.role == "start" and part.kind in DATED:
                starts.append(self.candidate_start(part))
            elif part.kind in ANCHORS or (part.kind in ("date", "daylist")
                                          and not (part.data.get("y") or part.data.get("y4"))):
                anchors.append(part)
            else:
                raise DeadlineError("schedule_mix", part=self.said(part))
        value = self.rule(every, anchors, freqs[0])
        times = {p.data["time"] for p in [*anchors, *freqs] if p.data.get("time")}
        if len(times) > 1:
            raise DeadlineError("conflict", part=self.said(anchors[0]), other=self.said(freqs[0]))
        at = times.pop() if times else None
        bound = max([self.meeting + timedelta(days=1), *starts])
        first = Schedule(value, bound).first_on_or_after(bound)
        if first is None or first.year > MAX_YEAR:
            raise DeadlineError("year_range", part=str(bound.year))
        found = Schedule(value, first)
        return Deadline("schedule", first, self.clean, found.wording(at), due_time=at,
                        schedule=found)

    def candidate_start(self, part: Part) -> date:
        saved = part.lead
        part.lead = ""
        try:
            found = self.candidate(part) if part.kind != "date" else None
        finally:
            part.lead = saved
        if found is not None:
            return found.lo
        data = part.data
        return self.on(int(data["d"]), self.month(data["m"], part),
                       self.year(data.get("y") or data.get("y4")), start=True)

    def every(self, part: Part) -> int:
        """How many months apart the occurrences are; 0 daily, -1 weekly."""
        data = part.data
        if data.get("half") or "nua nam" in self.folded.text[part.start:part.end]:
            return 6
        unit = data.get("unit")
        if unit is not None:
            return {"ngay": 0, "tuan": -1, "thang": 1, "quy": 3, "qui": 3, "nam": 12}[unit]
        n_word = data.get("n") or data.get("n2") or "1"
        if n_word == "sau":
            self.six(part)
        n, unit = count_value(n_word), data.get("unit2") or data.get("unit3")
        months = {"thang": n, "nam": 12 * n, "tuan": -1 if n == 1 else -99}[str(unit)]
        if months not in (-1, 1, 3, 6, 12):
            raise DeadlineError("schedule_unsupported", part=self.said(part))
        return months

    def rule(self, every: int, anchors: list[Part], freq: Part) -> str:
        kinds = {p.kind for p in anchors}
        unsupported = DeadlineError("schedule_unsupported", part=self.said(
            anchors[0] if anchors else freq))
        if every == 0:
            if anchors:
                raise unsupported
            return rule("DAILY", byday="MO,TU,WE,TH,FR")
        if every == -1:
            if kinds - {"weekday"} or len(anchors) > 1:
                raise unsupported
            day = "FR"
            if anchors:
                data = anchors[0].data
                if data.get("rel"):
                    raise unsupported
                if data.get("wd") == "sau":
                    self.friday(anchors[0])
                day = "SU" if data.get("sun") else WEEKDAYS[WEEKDAY[data["wd"]]]
            return rule("WEEKLY", byday=day)
        if every == 1:
            if not anchors:
                return rule("MONTHLY", bymonthday="-1")
            if kinds != {"dayonly"} or len(anchors) > 1:
                raise unsupported
            days = [int(d) for d in re.findall(r"\d+", anchors[0].data["days"])]
            for d in days:
                if not 1 <= d <= 31:
                    raise DeadlineError("no_such_date", part=str(d))
            if len(days) == 1:
                return "FREQ=MONTHLY;" + month_day_part(days[0])
            if max(days) > 28 or len(set(days)) != len(days):
                raise unsupported
            return rule("MONTHLY", bymonthday=",".join(str(d) for d in sorted(days)))
        if not anchors:
            months = {3: QUARTER_ENDS, 6: (6, 12), 12: (12,)}[every]
            return rule("YEARLY", bymonth=",".join(map(str, months)), bymonthday="-1")
        if kinds == {"dayofquarter"} and every == 3 and len(anchors) == 1:
            d = int(anchors[0].data["d"])
            if not 1 <= d <= 31:
                raise DeadlineError("no_such_date", part=str(d))
            return f"FREQ=YEARLY;BYMONTH=3,6,9,12;{month_day_part(d)}"
        if kinds - {"date", "daylist"}:
            raise unsupported
        dates: list[tuple[int, int]] = []
        for part in anchors:
            month = self.month(part.data["m"], part)
            for d in re.findall(r"\d+", part.data.get("days") or part.data["d"]):
                self.on(int(d), month, 2000)
                dates.append((month, int(d)))
        expected = {3: 4, 6: 2, 12: None}[every]
        if expected is not None and len(dates) != expected:
            raise unsupported
        months_set = sorted({m for m, _ in dates})
        days_set = sorted({d for _, d in dates})
        if len(set(dates)) != len(dates):
            raise unsupported
        if len(months_set) * len(days_set) == len(dates):
            if days_set == [29] and months_set == [2]:
                days_part = "BYMONTHDAY=-1"
            else:
                days_part = f"BYMONTHDAY={','.join(map(str, days_set))}"
        elif all(d == calendar.monthrange(2001, m)[1] or (m == 2 and d == 29) for m, d in dates):
            days_part = "BYMONTHDAY=-1"
        else:
            raise unsupported
        return f"FREQ=YEARLY;BYMONTH={','.join(map(str, months_set))};{days_part}"
