"""From the parts of a phrase to one :class:`Deadline`, or a refusal that says why.

The rules are listed in docs/tasks.md, with an example of each; in short:

- anything refused wherever it stands (an event, a lunar date, "đầu tháng 8") refuses the phrase;
- a part after "từ", "kể từ", "sau" or "bắt đầu từ" is a start, not a deadline; a date in a cited
  document ("Công văn số 2345/UBND-VX ngày 20/8/2019") is neither;
- parts joined only by "và", ",", "-" or "đến" are a list or a range, which ends at its last part;
- of the remaining deadlines the most precise wins when each of the others contains it ("trong
  tháng 7/2019 (trước ngày 25/7/2019)" is 25/7); otherwise the phrase is refused;
- "hằng tháng", "định kỳ 6 tháng"… make a schedule of the days the phrase names;
- a count of calendar days, weeks, months or years that ends on a weekend or public holiday
  ends on the next working day (Bộ luật Dân sự 2015, art. 148).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from meeting_server.deadlines.lexicon import Folded, count_value
from meeting_server.deadlines.model import (
    ONGOING_WORDING,
    Deadline,
    DeadlineError,
    date_wording,
    short_date,
)
from meeting_server.deadlines.reading import WEEKDAY, Candidate, add_months, month_end
from meeting_server.deadlines.recurring import ANCHORS, DATED, Recurring
from meeting_server.deadlines.scan import Part, scan
from meeting_server.deadlines.workdays import (
    MAX_YEAR,
    MIN_YEAR,
    add_working_days,
    tet,
    working_day_on_or_after,
)

MAX_LENGTH = 500
REFUSED = ("event", "period", "lunar", "ambiguous_month", "vague", "unknown_start",
           "schedule_unclear")
_LEFTOVER = re.compile(r"\d|\b(?:thang|quy|qui|tuan|gio|phut|ngay)\b")
_START = re.compile(r"(?:^|\s)(?:tu|ke tu|tinh tu|bat dau tu|bat dau|sau)\s*$")
_BEFORE = re.compile(r"(?:^|\s)truoc\s*$")
_LINKED = re.compile(r"^(?:\s|,|;|-|\bva\b|\bden\b|\bhet\b|\btoi\b|\bhoac\b|\bcho\b)*$")
_TIME_BEFORE = re.compile(r"^\s*(?:,|hom|vao)?\s*$")
_TIME_AFTER = re.compile(r"^\s*,?\s*(?:luc|vao luc|vao|truoc|cham nhat)?\s*$")
_LINK_SPLIT = re.compile(r" ?(?:,|va|-|den|hoac|toi) ?(?:thang |quy |qui |ngay )?")


def parse_deadline(text: str, meeting_date: date) -> Deadline:
    """Turn a Vietnamese deadline phrase into a :class:`Deadline`, or raise
    :class:`DeadlineError`; nothing else, whatever the text."""
    clean = unicodedata.normalize("NFC", text).strip()
    if not clean:
        raise DeadlineError("empty")
    if len(clean) > MAX_LENGTH:
        raise DeadlineError("too_long", n=str(MAX_LENGTH))
    if not MIN_YEAR <= meeting_date.year <= MAX_YEAR:
        raise DeadlineError("meeting_range")
    folded = Folded.of(clean)
    parts, tail = scan(folded)
    return _Reading(folded, meeting_date, clean).read(parts, tail)



class _Reading(Recurring):
    # ------------------------------------------------------------------ reading

    def read(self, parts: list[Part], tail: str) -> Deadline:
        self.leftovers(parts, tail)
        for part in parts:
            if part.kind in REFUSED:
                self.refuse(part)
            if part.kind in DATED and _START.search(part.lead):
                part.role = "start"
        self.attach_times(parts)
        if any(p.kind == "freq" for p in parts):
            return self.schedule(parts)
        for part in parts:
            if part.kind in ANCHORS and not (part.kind == "weekday" and part.data.get("rel")):
                reason = {"dayonly": "day_without_month", "weekday": "weekday_without_week",
                          "dayofquarter": "day_without_month"}[part.kind]
                raise DeadlineError(reason, part=self.said(part))
        candidates = [self.candidate(p) for p in parts
                      if p.role == "deadline" and (p.kind in DATED or p.kind == "weekday")]
        if candidates:
            return self.dated(self.grouped(candidates))
        if any(p.kind == "ongoing" for p in parts):
            return Deadline("ongoing", None, self.clean, ONGOING_WORDING)
        for kind, reason in (("duration", "start_only"), ("date", "start_only"),
                             ("citation", "citation"), ("report_name", "report_name")):
            found = next((p for p in parts if p.kind == kind or (
                reason == "start_only" and p.role == "start")), None)
            if found is not None:
                raise DeadlineError(reason, part=self.said(found))
        raise DeadlineError("not_understood", x=self.whole())

    def leftovers(self, parts: list[Part], tail: str) -> None:
        text = self.folded.text
        spans = []
        at = 0
        for part in parts:
            spans.append((at, part.start))
            at = part.end
        spans.append((at, len(text)))
        for start, end in spans:
            found = list(_LEFTOVER.finditer(text, start, end))
            if not found:
                continue
            first = max(start, text.rfind(" ", start, found[0].start()) + 1)
            last = text.find(" ", found[-1].end(), end)
            last = end if last == -1 else last
            raise DeadlineError("leftover", part=self.folded.original(first, last).strip(
                " ,;()"), x=self.whole())

    def refuse(self, part: Part) -> None:
        if part.kind == "event":
            note = note_en = ""
            year = part.data.get("y")
            when = tet(int(year)) if year and "tet" in self.folded.text[part.start:part.end] \
                else None
            if when is not None:
                note = f" (Tết Nguyên đán năm {year} là ngày {short_date(when)}.)"
                note_en = f" (Tết Nguyên đán {year} is on {when:%d/%m/%Y}.)"
            raise DeadlineError("event", part=self.said(part), note=note, note_en=note_en)
        raise DeadlineError(part.kind, part=self.said(part))

    def attach_times(self, parts: list[Part]) -> None:
        for index, part in enumerate(parts):
            if part.kind != "time":
                continue
            at = self.clock(part)
            after = parts[index + 1] if index + 1 < len(parts) else None
            before = parts[index - 1] if index else None
            if after is not None and after.kind in ("date", "daylist", "dayonly", "weekday",
                                                    "dayofquarter", "freq", "today") \
                    and _TIME_BEFORE.match(after.lead):
                target = after
            elif before is not None and before.kind in ("date", "daylist", "dayonly",
                                                        "weekday", "dayofquarter", "freq",
                                                        "today") \
                    and _TIME_AFTER.match(part.lead):
                target = before
            else:
                raise DeadlineError("time_without_date", part=self.said(part))
            if "time" in target.data:
                raise DeadlineError("conflict", part=self.said(target), other=self.said(part))
            target.data["time"] = at
        parts[:] = [p for p in parts if p.kind != "time"]

    # ------------------------------------------------------------------ dates and periods

    def candidate(self, part: Part) -> Candidate:
        kind, data = part.kind, part.data
        before = bool(_BEFORE.search(part.lead))
        named: str | None = None
        if kind == "date":
            y = self.year(data.get("y") or data.get("y4"))
            m = self.month(data["m"], part)
            due = self.on(int(data["d"]), m, y)
            if y is not None:
                self.not_past(due, part)
            return Candidate(due, due, due, 1, None, part)
        if kind == "daylist":
            y = self.year(data.get("y"))
            m = self.month(data["m"], part)
            days = [int(d) for d in re.findall(r"\d+", data["days"])]
            found = [self.on(d, m, y) for d in days]
            due = found[-1]
            if y is not None:
                self.not_past(due, part)
            return Candidate(due, due, due, 1, None, part)
        if kind == "weekday":
            ahead = 0 if data.get("rel") == "nay" else 1
            monday = self.meeting - timedelta(days=self.meeting.weekday())
            offset = 6 if data.get("sun") else WEEKDAY[data["wd"]]
            due = monday + timedelta(weeks=ahead, days=offset)
            if data.get("wd") == "sau":
                self.friday(part)
            return Candidate(self.not_past(due, part), due, due, 1, None, part)
        if kind == "today":
            return Candidate(self.meeting, self.meeting, self.meeting, 1, None, part)
        if kind == "duration":
            return self.duration(part)
        if kind == "week":
            ahead = 1 if data.get("rel") in ("sau", "toi", "ke tiep") else 0
            due = self.week_end(ahead)
            return Candidate(due, due - timedelta(days=due.weekday()), due, 2, None, part)
        if kind in ("month", "monthlist"):
            y = self.year(data.get("y"), data.get("rel"))
            if kind == "monthlist":
                months = [self.month(m, part) for m in _LINK_SPLIT.split(data["ms"]) if m]
                month, named = months[-1], None
            elif "m" in data and not self.next_month(part):
                month = self.month(data["m"], part)
            else:
                ahead = 1 if data.get("mrel") in ("toi", "ke tiep") or "m" in data else 0
                first = add_months(self.meeting.replace(day=1), ahead)
                month, y = first.month, first.year
            due, lo, hi = self.period(lambda yy: (date(yy, month, 1),
                                                        month_end(yy, month)), y, before, part)
            if kind == "month":
                named = f"trong tháng {month}/{hi.year}"
            return Candidate(due, lo, hi, 3, None if before else named, part)
        if kind in ("quarter", "quarterlist"):
            y = self.year(data.get("y"), data.get("rel"))
            if kind == "quarterlist":
                quarters = [self.quarter(q) for q in _LINK_SPLIT.split(data["qs"]) if q]
                quarter = quarters[-1]
            elif "q" in data:
                quarter = self.quarter(data["q"])
            else:
                ahead = 3 if data.get("qrel") in ("sau", "toi", "ke tiep") else 0
                first = add_months(self.meeting.replace(
                    month=self.meeting.month - (self.meeting.month - 1) % 3, day=1), ahead)
                quarter, y = (first.month + 2) // 3, first.year
            due, lo, hi = self.period(lambda yy: (date(yy, 3 * quarter - 2, 1),
                                                        month_end(yy, 3 * quarter)),
                                      y, before, part)
            if kind == "quarter":
                named = f"trong quý {['I', 'II', 'III', 'IV'][quarter - 1]}/{hi.year}"
            return Candidate(due, lo, hi, 4, None if before else named, part)
        if kind == "half":
            n = count_value(data["n"]) if data.get("n") else 6
            if not 1 <= n <= 12:
                raise DeadlineError("no_such_month", part=str(n))
            opens, last = (1, n) if data["part"] == "dau" else (13 - n, 12)
            y = self.year(data.get("y"), data.get("rel"))
            due, lo, hi = self.period(lambda yy: (date(yy, opens, 1),
                                                        month_end(yy, last)), y, before, part)
            named = f"trong {n} tháng {'đầu' if data['part'] == 'dau' else 'cuối'} năm {hi.year}"
            return Candidate(due, lo, hi, 5, None if before else named, part)
        assert kind == "year", kind
        y = self.year(data.get("y2") or data.get("y"), data.get("rel"))
        y = self.meeting.year if y is None else y
        if data.get("y2") and int(data["y2"]) < int(data["y"]):
            raise DeadlineError("not_understood", x=self.whole())
        due, lo, hi = self.period(lambda yy: (date(yy, 1, 1), date(yy, 12, 31)), y,
                                  before, part)
        named = None if before or data.get("y2") else f"trong năm {hi.year}"
        return Candidate(due, lo, hi, 6, named, part)

    def duration(self, part: Part) -> Candidate:
        data = part.data
        word = data["n"]
        if "sau" in word.split() and "sáu" not in self.folded.original(
                part.start, part.end).lower():
            # "sáu" (six) once folded is "sau" (after): only "trong sau ngay" in a phrase
            # without marks reads as a count; "sau ngày họp" is a start
            if not data.get("within"):
                raise DeadlineError("start_only", part=self.said(part))
            if self.folded.marked:
                raise DeadlineError("not_understood", x=self.whole())
        n = count_value(word)
        if not 1 <= n <= 999:
            raise DeadlineError("count")
        start = self.start_of(data["from"]) if data.get("from") else self.meeting
        unit = data["unit"]
        if unit == "ngay lam viec":
            due = add_working_days(start, n)
        else:
            if unit == "ngay":
                end = start + timedelta(days=n)
            elif unit in ("tuan", "tuan le"):
                end = start + timedelta(weeks=n)
            elif unit == "thang":
                end = add_months(start, n)
            else:
                end = add_months(start, 12 * n)
            if end.year > MAX_YEAR:
                raise DeadlineError("year_range", part=str(end.year))
            due = working_day_on_or_after(end)
        if due.year > MAX_YEAR:
            raise DeadlineError("year_range", part=str(due.year))
        return Candidate(self.not_past(due, part), start, due, 1, None, part)

    def grouped(self, found: list[Candidate]) -> list[Candidate]:
        """Lists and ranges ("quý III, IV/2019", "15/8 - 20/8/2019") as their last part."""
        groups: list[Candidate] = []
        previous: Part | None = None
        for candidate in found:
            part = candidate.part
            if groups and previous is not None and _LINKED.match(part.lead) \
                    and not _BEFORE.search(part.lead):
                first = groups[-1]
                candidate.parts = [*first.parts, first.part]
                candidate.wording = None
                groups[-1] = candidate
            else:
                groups.append(candidate)
            previous = part
        return groups

    def dated(self, groups: list[Candidate]) -> Deadline:
        best = min(groups, key=lambda c: c.rank)
        for other in groups:
            if other is best:
                continue
            same = other.rank == best.rank and other.due == best.due
            if not same and (other.rank == best.rank or not other.lo <= best.due <= other.hi):
                raise DeadlineError("conflict", part=self.said(other.part),
                                    other=self.said(best.part))
        at = best.part.data.get("time")
        if not MIN_YEAR <= best.due.year <= MAX_YEAR:
            raise DeadlineError("year_range", part=str(best.due.year))
        for other in groups:
            if other is not best and other.part.data.get("time") not in (None, at):
                raise DeadlineError("conflict", part=self.said(other.part),
                                    other=self.said(best.part))
        wording = best.wording if best.wording and at is None else date_wording(best.due, at)
        return Deadline("date", best.due, self.clean, wording, due_time=at)

