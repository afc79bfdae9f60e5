"""Vietnamese deadline phrases ("trong tháng 7", "trước ngày 15/8", "thường xuyên") as dates.

``parse_deadline(text, meeting_date)`` is a pure function: it returns a ``Deadline`` or raises
``DeadlineError`` (code ``bad_deadline``), and nothing else, whatever the text. Matching is done on
a folded copy of the text: lower case, diacritics dropped, ``đ`` → ``d``, punctuation other than
``/ . - :`` turned into spaces. So "TRONG THANG 7", "Trong tháng 7." and "truoc ngay 15/8" all work.

The phrase may sit inside a sentence ("Báo cáo UBND thành phố trước ngày 15/8/2019"). When the
text holds several phrases, the first one decides, even when it is invalid ("trước ngày 30/2,
chậm nhất 15/3" is an error, not 15/3). A date or period right after "từ" or "sau" is a start,
not a deadline, and is passed over ("từ ngày 1/8 đến ngày 15/8" → 15/8).

Rules (examples for a meeting on Friday 5 July 2019):

- Dates, day first: "trước ngày 15/8", "chậm nhất là ngày 30/9/2019", "hạn chót 30/9/19",
  "ngày 15 tháng 8 năm 2019", "15-8-2019", "15.08.2019", "2019-08-15". The deadline is that day
  itself: "trước ngày 15/8" means "by 15/8" → 2019-08-15. Two-digit years are 20xx.
- Periods end on their last day: "trong tháng 7", "tháng 7/2019", "hoàn thành trong tháng 07"
  → 31/7; "trong quý III", "quý 3", "cuối quý 3", "quý IV năm 2019" → 30/9, 31/12; "trong năm",
  "cuối năm", "năm 2019" → 31/12; "6 tháng đầu năm" → 30/6, "6 tháng cuối năm" → 31/12 (any
  "N tháng đầu năm" ends with month N); "tháng này/sau", "quý này/sau", "năm nay/sau" likewise.
- "trước" directly before a period means before it starts: "trước tháng 7" → 30/6,
  "trước quý III" → 30/6, "trước năm 2020" → 31/12/2019. "đầu"/"giữa" before a period ("đầu
  tháng 8") names no day and is an error.
- A missing year is inferred: the meeting's year, or the next one when the deadline would
  otherwise fall before the meeting date ("trong tháng 2" at a meeting on 2019-11-20 →
  2020-02-29). An explicit year that puts the deadline before the meeting is an error (a typo).
- Weeks: "trong tuần", "trong tuần này", "cuối tuần" → the last working day of the meeting's
  Monday–Friday week (Friday unless it is a holiday); "tuần sau", "tuần tới" → of the next week.
  A meeting held after that day (at a weekend), or a week without a working day (Tết 2025),
  looks at the following week. "trước" makes no difference here.
- Durations count from the meeting date: "trong 10 ngày", "trong vòng 10 ngày", "10 ngày" → +10
  calendar days (even when that lands on a weekend); "trong 2 tuần" → +14 days; "trong 1 tháng"
  → same day next month, clamped to the month's end; "trong 5 ngày làm việc" → the 5th working
  day after the meeting date (see ``add_working_days``). Counts go up to 999, in digits ("05")
  or in the words một … mười, mười lăm, hai mươi, ba mươi ("sáu" is left out: folded, it is
  "sau", "after").
- Ongoing, no date and never overdue: "thường xuyên", "liên tục", "định kỳ", "hằng tháng" (and
  hằng/hàng ngày, tuần, quý, năm).
- "trong ngày" → the meeting date.
- Everything else is an error: "", "ngay", "sớm", "khẩn trương", invalid dates (30/2), years
  outside 2000–2100, text over 500 characters. The message, Vietnamese then English after " / ",
  lists ``UNDERSTOOD_FORMS``.

Working days skip Saturdays, Sundays and the public holidays the ``holidays`` package knows for
Vietnam, Tết and substitute days off included; Saturdays it lists as make-up working days (làm
bù, e.g. 2019-05-04) count as working days.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

import holidays

MAX_LENGTH = 500
MIN_YEAR = 2000
MAX_YEAR = 2100

UNDERSTOOD_FORMS: tuple[str, ...] = (
    "trong tháng 7",
    "trong tháng 7/2019",
    "trước ngày 15/8",
    "trước ngày 15/8/2019",
    "chậm nhất ngày 30/9/2019",
    "trong quý III",
    "trong năm 2019",
    "6 tháng đầu năm",
    "trong tuần",
    "tuần sau",
    "trong 10 ngày",
    "trong 5 ngày làm việc",
    "trong 2 tuần",
    "trong 1 tháng",
    "thường xuyên",
)


@dataclass(frozen=True)
class Deadline:
    due_date: date | None  # None only when ongoing
    ongoing: bool
    text: str  # the phrase as given, stripped and NFC-normalised


class DeadlineError(ValueError):
    """A phrase that names no deadline; ``message`` is Vietnamese, then English after " / "."""

    code = "bad_deadline"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _fail(vi: str, en: str) -> DeadlineError:
    forms = ", ".join(f'"{form}"' for form in UNDERSTOOD_FORMS)
    return DeadlineError(
        f"{vi} Cách ghi hạn được hiểu: {forms}; hoặc chọn một ngày cụ thể."
        f" / {en} Understood forms: {forms}; or pick a date."
    )


@cache
def _vietnam() -> holidays.HolidayBase:
    # One table for all years, so make-up days that cross a new year are known; never expanded
    # afterwards, so lookups do not mutate it.
    return holidays.country_holidays("VN", years=range(MIN_YEAR - 1, MAX_YEAR + 2), expand=False)


def is_working_day(day: date) -> bool:
    """Whether ``day`` is a working day in Vietnam (outside 1999–2101: whether it is a weekday)."""
    return bool(_vietnam().is_working_day(day))


def add_working_days(start: date, days: int) -> date:
    """The ``days``-th working day after ``start`` (``start`` itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


# Matching, on folded text: [a-z0-9/.:-] and single spaces.

_NUMBER_WORDS = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "nam": 5, "bay": 7, "tam": 8, "chin": 9, "muoi": 10,
    "muoi mot": 11, "muoi hai": 12, "muoi lam": 15, "hai muoi": 20, "ba muoi": 30,
}
_WORDS = "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
_NUM = rf"(?:(?<![\w:./-])(?P<n>\d{{1,3}})|\b(?P<word>{_WORDS}))"
_END = r"(?!\w|[/.:-]\d)"  # a number ends here: no letter or digit, no "/8" to follow
_YEAR = r"(?:(?P<sep>[/.-])(?P<y>\d{4}|\d{2})|(?: nam)? (?P<y4>\d{4})| nam (?P<rel>nay|sau|toi))"
_AFTER = r"(?:(?<=trong )|(?<=cuoi )|(?<=het ))"  # "trong tháng", "cuối năm", "hết quý"

_SKIP = re.compile(r"(?:^| )(?:tu|sau)(?: ngay)? $")  # "từ ngày 1/8", "sau ngày 15/8"
_BEFORE = re.compile(r"(?:^| )truoc $")
_VAGUE = re.compile(r"(?:^| )(?:dau|giua) $")

_Handler = Callable[[re.Match[str], date, bool], date | None]


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    handler: _Handler
    period: bool  # a date or period: honours "từ/sau" (skip), "trước" and "đầu/giữa"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).replace("đ", "d")
    bare = re.sub("[\u2010-\u2015\u2212]", "-", bare)
    bare = re.sub(r"[^a-z0-9/.:-]+", " ", bare)
    return re.sub(r"(?<=\d) ?/ ?(?=\d)", "/", bare).strip()


def _count(m: re.Match[str]) -> int:
    word = m.group("word")
    n = _NUMBER_WORDS[word] if word else int(m.group("n"))
    if n < 1:
        raise _fail("Số ngày, tuần hoặc tháng phải lớn hơn 0.", "The count must be at least 1.")
    return n


def _year(value: str) -> int:
    year = int(value) + (2000 if len(value) == 2 else 0)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _fail(f"Năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}.",
                    f"The year {year} is outside {MIN_YEAR}–{MAX_YEAR}.")
    return year


def _explicit_year(m: re.Match[str], meeting: date) -> int | None:
    groups = m.groupdict()
    if groups.get("rel"):
        return meeting.year + (0 if groups["rel"] == "nay" else 1)
    value = groups.get("y") or groups.get("y4") or groups.get("y2")
    return _year(value) if value else None


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise _fail(f"Ngày {day}/{month}/{year} không tồn tại.",
                    f"There is no date {day}/{month}/{year}.") from None


def _not_past(due: date, meeting: date) -> date:
    if due < meeting:
        raise _fail(
            f"Hạn {due:%d/%m/%Y} đã qua trước ngày họp {meeting:%d/%m/%Y}.",
            f"The deadline {due:%d/%m/%Y} is before the meeting date {meeting:%d/%m/%Y}.",
        )
    return due


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _period(bounds: Callable[[int], tuple[date, date]], year: int | None, meeting: date,
            before: bool) -> date:
    def due(y: int) -> date:
        start, end = bounds(y)
        return start - timedelta(days=1) if before else end

    if year is not None:
        return _not_past(due(year), meeting)
    result = due(meeting.year)
    return result if result >= meeting else due(meeting.year + 1)


def _month_bounds(month: int) -> Callable[[int], tuple[date, date]]:
    if not 1 <= month <= 12:
        raise _fail(f"Không có tháng {month}.", f"There is no month {month}.")
    return lambda y: (date(y, month, 1), _month_end(y, month))


def _quarter_bounds(quarter: int) -> Callable[[int], tuple[date, date]]:
    if not 1 <= quarter <= 4:
        raise _fail(f"Không có quý {quarter}.", f"There is no quarter {quarter}.")
    return lambda y: (date(y, 3 * quarter - 2, 1), _month_end(y, 3 * quarter))


def _year_bounds(y: int) -> tuple[date, date]:
    return date(y, 1, 1), date(y, 12, 31)


def _add_months(day: date, months: int) -> date:
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def _week_end(meeting: date, weeks_ahead: int) -> date:
    monday = meeting - timedelta(days=meeting.weekday()) + timedelta(weeks=weeks_ahead)
    for _ in range(4):
        for offset in (4, 3, 2, 1, 0):
            day = monday + timedelta(days=offset)
            if day >= meeting and is_working_day(day):
                return day
        monday += timedelta(weeks=1)
    raise _fail("Không tìm được ngày làm việc.", "No working day found.")


def _on_date(m: re.Match[str], meeting: date, before: bool) -> date:
    day, month = int(m.group("d")), int(m.group("m"))
    year = _explicit_year(m, meeting)
    if year is not None:
        return _not_past(_make_date(year, month, day), meeting)
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
        raise _fail(f"Ngày {day}/{month} không tồn tại.", f"There is no date {day}/{month}.")
    later = (month, day) < (meeting.month, meeting.day)
    return _make_date(meeting.year + int(later), month, day)


def _in_month(m: re.Match[str], meeting: date, before: bool) -> date:
    bounds = _month_bounds(int(m.group("m")))
    return _period(bounds, _explicit_year(m, meeting), meeting, before)


def _this_month(m: re.Match[str], meeting: date, before: bool) -> date:
    ahead = 1 if m.groupdict().get("rel") in ("sau", "toi") else 0
    month = _add_months(meeting.replace(day=1), ahead)
    return _period(_month_bounds(month.month), month.year, meeting, before)


def _in_quarter(m: re.Match[str], meeting: date, before: bool) -> date:
    text = m.group("q")
    quarter = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}.get(text) or int(text)
    return _period(_quarter_bounds(quarter), _explicit_year(m, meeting), meeting, before)


def _this_quarter(m: re.Match[str], meeting: date, before: bool) -> date:
    ahead = 3 if m.groupdict().get("rel") in ("sau", "toi") else 0
    first = _add_months(meeting.replace(month=meeting.month - (meeting.month - 1) % 3, day=1),
                        ahead)
    return _period(_quarter_bounds((first.month + 2) // 3), first.year, meeting, before)


def _in_year(m: re.Match[str], meeting: date, before: bool) -> date:
    return _period(_year_bounds, _explicit_year(m, meeting) or meeting.year, meeting, before)


def _half_year(m: re.Match[str], meeting: date, before: bool) -> date:
    months = _count(m) if m.group("n") or m.group("word") else 6
    if months > 12:
        raise _fail(f"Năm không có {months} tháng.", f"A year has no {months} months.")
    first = 1 if m.group("part") == "dau" else 13 - months
    last = months if m.group("part") == "dau" else 12
    year = _explicit_year(m, meeting)
    return _period(lambda y: (date(y, first, 1), _month_end(y, last)), year, meeting, before)


def _weeks(ahead: int) -> _Handler:
    return lambda m, meeting, before: _week_end(meeting, ahead)


def _days(m: re.Match[str], meeting: date, before: bool) -> date:
    return meeting + timedelta(days=_count(m))


def _working_days(m: re.Match[str], meeting: date, before: bool) -> date:
    return add_working_days(meeting, _count(m))


def _week_count(m: re.Match[str], meeting: date, before: bool) -> date:
    return meeting + timedelta(weeks=_count(m))


def _month_count(m: re.Match[str], meeting: date, before: bool) -> date:
    return _add_months(meeting, _count(m))


def _rule(pattern: str, handler: _Handler, period: bool = False) -> _Rule:
    return _Rule(re.compile(pattern), handler, period)


# On ties (same start), the longer match wins, then the earlier rule.
_RULES = (
    _rule(r"\b(?:thuong xuyen|lien tuc|dinh ky|hang (?:ngay|tuan|thang|quy|nam))\b",
          lambda m, meeting, before: None),
    _rule(rf"(?<![\w:./-])(?P<d>\d{{1,2}})(?P<sep>[/.-])(?P<m>\d{{1,2}})"
          rf"(?:(?P=sep)(?P<y>\d{{4}}|\d{{2}})|(?: nam)? (?P<y4>\d{{4}}))?{_END}"
          r"(?! (?:ngay|tuan|thang)\b)", _on_date, period=True),
    _rule(rf"(?<![\w:./-])(?P<d>\d{{1,2}}) thang (?P<m>\d{{1,2}})"
          rf"(?:(?: nam)? (?P<y4>\d{{4}})|/(?P<y2>\d{{4}}))?{_END}(?! ngay)",
          _on_date, period=True),
    _rule(rf"(?<![\w:./-])(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_END}",
          _on_date, period=True),
    _rule(rf"\bthang (?P<m>\d{{1,2}}){_YEAR}?{_END}", _in_month, period=True),
    _rule(r"\bthang (?P<rel>nay|sau|toi)\b", _this_month, period=True),
    _rule(rf"{_AFTER}thang\b(?! ?\d)", _this_month, period=True),
    _rule(rf"\bquy (?P<q>iv|iii|ii|i|v|\d{{1,2}}){_YEAR}?{_END}", _in_quarter, period=True),
    _rule(r"\bquy (?P<rel>nay|sau|toi)\b", _this_quarter, period=True),
    _rule(rf"{_AFTER}quy\b(?! ?\d| [iv]+\b)", _this_quarter, period=True),
    _rule(rf"\bnam (?P<y4>\d{{4}}){_END}", _in_year, period=True),
    _rule(r"\bnam (?P<rel>nay|sau|toi)\b", _in_year, period=True),
    _rule(rf"{_AFTER}nam\b(?! ?\d)", _in_year, period=True),
    _rule(rf"(?:{_NUM} thang|\bnua) (?P<part>dau|cuoi) nam(?: (?P<y4>\d{{4}})"
          r"| (?P<rel>nay|sau|toi))?\b", _half_year, period=True),
    _rule(r"(?:(?<=trong )|(?<=cuoi ))tuan\b(?! ?\d)|\btuan nay\b", _weeks(0), period=True),
    _rule(r"\btuan (?:sau|toi)\b", _weeks(1), period=True),
    _rule(rf"{_NUM} ngay lam viec\b", _working_days),
    _rule(rf"{_NUM} ngay\b", _days),
    _rule(rf"{_NUM} tuan(?: le)?\b", _week_count),
    _rule(rf"{_NUM} thang\b", _month_count),
    _rule(r"(?<=trong )ngay\b(?! ?\d| lam\b)", lambda m, meeting, before: meeting),
)


def _first_phrase(folded: str) -> tuple[re.Match[str], _Rule, str] | None:
    best: tuple[int, int, int] | None = None
    found: tuple[re.Match[str], _Rule, str] | None = None
    for index, rule in enumerate(_RULES):
        for m in rule.pattern.finditer(folded):
            lead = folded[: m.start()]
            if rule.period and _SKIP.search(lead):
                continue
            key = (m.start(), -(m.end() - m.start()), index)
            if best is None or key < best:
                best, found = key, (m, rule, lead)
            break
    return found


def _excerpt(text: str) -> str:
    shown = "".join(c for c in text if c.isprintable())
    return shown if len(shown) <= 40 else shown[:39] + "…"


def parse_deadline(text: str, meeting_date: date) -> Deadline:
    """Turn a Vietnamese deadline phrase into a ``Deadline``; see the module docstring."""
    clean = unicodedata.normalize("NFC", text).strip()
    if not clean:
        raise _fail("Chưa ghi hạn.", "No deadline given.")
    if len(clean) > MAX_LENGTH:
        raise _fail(f"Hạn dài quá {MAX_LENGTH} ký tự.", f"Over {MAX_LENGTH} characters.")
    if not MIN_YEAR <= meeting_date.year <= MAX_YEAR:
        raise _fail("Ngày họp nằm ngoài khoảng được hỗ trợ.", "Meeting date out of range.")
    found = _first_phrase(_fold(clean))
    if found is None:
        raise _fail(f'Không hiểu hạn "{_excerpt(clean)}".',
                    f'Deadline "{_excerpt(clean)}" not understood.')
    m, rule, lead = found
    if rule.period and _VAGUE.search(lead):
        raise _fail(f'"{_excerpt(clean)}" không chỉ ra một ngày cụ thể.',
                    f'"{_excerpt(clean)}" names no particular day.')
    due = rule.handler(m, meeting_date, rule.period and bool(_BEFORE.search(lead)))
    if due is None:
        return Deadline(due_date=None, ongoing=True, text=clean)
    if not MIN_YEAR <= due.year <= MAX_YEAR:
        raise _fail(f"Hạn {due:%d/%m/%Y} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR}.",
                    f"The deadline {due:%d/%m/%Y} is outside {MIN_YEAR}–{MAX_YEAR}.")
    return Deadline(due_date=due, ongoing=False, text=clean)
