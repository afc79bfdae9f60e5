"""Finding the parts of a deadline phrase: dates, periods, counts, schedules, and the things
that look like dates but are not deadlines (cited documents, events, lunar dates).

:func:`scan` walks the folded text word by word; at each word it tries every recogniser and
keeps the longest match, so "8 giờ 30 ngày 10/7" is one time and one date, never "30 ngày".
What no recogniser takes is left between the parts (``Part.lead``); the interpreter refuses a
phrase whose leftovers still hold digits or date words.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from meeting_server.deadlines.lexicon import COUNT_WORDS, MONTH_WORD, Folded

# The kinds of part. Deadlines: date, daylist, dayonly, time, month, monthlist, quarter,
# quarterlist, year, half, week, weekday, duration, today. Schedules: freq. Not deadlines:
# citation, report_name, ongoing. Refused wherever they are: event, period, lunar,
# ambiguous_month, vague, unknown_start, schedule_unclear.


@dataclass
class Part:
    kind: str
    start: int
    end: int
    data: dict[str, Any] = field(default_factory=dict)
    lead: str = ""  # the folded text between the previous part (or the start) and this one
    role: str = "deadline"  # or "start": after "từ", "kể từ", "sau", "bắt đầu từ"


_END = r"(?![a-z0-9])"
_D = r"(?<!\d)\d{1,2}(?!\d)"
_Y = r"\d{4}(?!\d)|\d{2}(?!\d)"
_YEAR_AFTER = (r"(?:(?: ?[/.-] ?| nam ?| )(?P<y>\d{4})(?!\d)"
               r"| nam (?P<rel>nay|sau|toi|ke tiep))")
_MONTH = rf"(?:\d{{1,2}}(?!\d)|{MONTH_WORD}){_END}"
_Q = r"(?:iv|iii|ii|i|v|\d{1,2}(?!\d))(?![a-z0-9])"
_QUY = r"(?:quy|qui)"
_LINK = r" ?(?:,|va|-|den|hoac|toi) ?"
_DATE_NC = rf"{_D} ?[/.-] ?{_D}(?: ?[/.-] ?(?:{_Y}))?|{_D} thang {_D}(?: nam \d{{4}})?"
_DOC = ("cong van|van ban|ke hoach|quyet dinh|thong bao ket luan|thong bao|nghi quyet|chi thi"
        "|to trinh|thong tu|nghi dinh|huong dan|giay moi|chuong trinh|ket luan|luat|dieu le")

_Builder = Callable[[re.Match[str]], dict[str, Any] | None]


@dataclass(frozen=True)
class _Recogniser:
    kind: str
    pattern: re.Pattern[str]
    build: _Builder


def _groups(m: re.Match[str]) -> dict[str, Any]:
    return {k: v for k, v in m.groupdict().items() if v is not None}


def _r(kind: str, pattern: str, build: _Builder = _groups) -> _Recogniser:
    return _Recogniser(kind, re.compile(f"(?:{pattern}){_END}"), build)


def _citation(m: re.Match[str]) -> dict[str, Any] | None:
    found = _groups(m)
    return found if {"no", "no2", "on", "on2"} & set(found) else None


RECOGNISERS: tuple[_Recogniser, ...] = (
    # Not deadlines, or refused: tried first so that on a tie they win.
    _r("citation", rf"(?:(?:{_DOC})(?: lien tich)?(?: so ?| )(?P<no>\d+[a-z0-9/.-]*)"
                   rf"|so ?(?P<no2>\d+(?:/[a-z0-9.-]+)+))"
                   rf"(?: ?,)?(?: (?:ngay|ban hanh ngay|ky ngay) ?(?P<on>{_DATE_NC}))?"
                   rf"|(?:{_DOC}) (?:ngay|ban hanh ngay) ?(?P<on2>{_DATE_NC})", _citation),
    _r("event", r"(?:truoc |sau )?(?:ky hop|phien hop|hoi nghi|dai hoi|le hoi|ngay le"
                r"|khai giang|be giang|truoc khi|sau khi|khi co|nhan dip|dip|su kien"
                r"|tet(?: nguyen dan| duong lich| am lich)?"
                r"(?: (?:canh|tan|nham|quy|giap|at|binh|dinh|mau|ky)"
                r" (?:ty|suu|dan|mao|thin|ti|ngo|mui|than|dau|tuat|hoi))?"
                r"(?: nam ?(?P<y>\d{4}))?)"),
    _r("period", r"(?:nam hoc|nien khoa|nien do|nhiem ky|giai doan)"
                 r"(?: \d{4}(?: ?[-/] ?\d{4})?)?"),
    _r("lunar", rf"(?:(?:ngay )?(?:mung |mong )?{_D} )?thang (?:gieng|chap)(?: am lich)?"
                rf"|(?:ngay )?{_D} ?(?:thang ?|/)(?:{_D}|{MONTH_WORD})(?: nam \d{{4}})? am lich"
                r"|(?:ngay )?(?:ram|mung \d{1,2}|mong \d{1,2})(?: thang (?:gieng|chap|\d{1,2}))?"
                r"|am lich"),
    _r("ambiguous_month", r"thang nam(?: nam \d{4}| \d{4})?"),
    _r("vague", rf"(?:dau|giua) (?:thang|tuan|{_QUY}|nam)"
                rf"(?: ?(?:\d{{1,4}}|iv|iii|ii|i|nay|sau|toi|{MONTH_WORD})(?![a-z0-9]))?"
                r"(?: ?[/.-] ?\d{4})?"),
    _r("report_name", r"(?:bao cao|so ket|tong ket)(?: ket qua| tinh hinh| cong tac)?"
                      rf" (?:(?:\d{{1,2}}|{COUNT_WORDS}) thang(?: (?:dau|cuoi) nam)?"
                      rf"|{_QUY} {_Q}|nam)(?:(?: nam)? ?\d{{4}}(?!\d)| nam (?:nay|sau|toi))?"),
    _r("unknown_start", r"(?:ke tu|tinh tu|bat dau tu) (?:ngay |khi |thoi diem |luc )?"
                        r"(?!\d|hop\b|cuoc hop\b|ngay\b)(?P<what>[a-z]+(?: [a-z]+)?)"),
    _r("schedule_unclear", rf"dinh ky(?! (?:hang|hàng|moi|\d|{COUNT_WORDS}|nua)\b)"),
    # Schedules.
    _r("freq", r"(?:dinh ky )?(?:hang|moi) (?P<unit>ngay|tuan|thang|quy|qui|nam)"
               r"(?: lam viec)?"
               rf"|dinh ky (?P<n>\d{{1,2}}|{COUNT_WORDS}) (?P<unit2>thang|tuan|nam)"
               r"(?: (?:mot|1) lan)?"
               rf"|(?P<n2>\d{{1,2}}|{COUNT_WORDS}) (?P<unit3>thang|tuan|nam) (?:mot|1) lan"
               r"|dinh ky nua nam|(?P<half>hang nua nam|moi nua nam)"),
    _r("dayofquarter", rf"(?:ngay ?)?(?P<d>{_D}) (?:cua )?thang cuoi (?:cua )?{_QUY}"),
    # Times and dates.
    _r("time", r"(?<![\d/.:])(?P<h>\d{1,2}) ?(?:gio|h|g)(?![a-z])"
               r"(?: ?(?P<mi>\d{1,2})(?!\d)(?: ?(?:phut|p)(?![a-z]))?)?"
               r"(?: (?P<ap>sang|trua|chieu|toi|dem))?"
               r"|(?<![\d/.:])(?P<h2>\d{1,2}):(?P<mi2>\d{2})(?!\d)"
               r"(?: (?P<ap2>sang|trua|chieu|toi|dem))?"),
    _r("date", rf"(?:ngay ?)?(?P<d>{_D}) ?(?P<sep>[/.-]) ?(?P<m>{_D})"
               rf"(?: ?(?P=sep) ?(?P<y>{_Y})| nam ?(?P<y4>\d{{4}})(?!\d))?"),
    _r("date", rf"(?:ngay ?)?(?P<d>{_D}) thang ?(?P<m>{_MONTH})"
               rf"(?:(?: nam ?| ?/ ?)(?P<y4>\d{{4}})(?!\d))?"),
    _r("date", r"(?<![\d/.-])(?P<y4>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?!\d)"),
    _r("daylist", rf"(?:(?:\d{{1,2}}|{COUNT_WORDS}) ngay )?(?:ngay ?)?"
                  rf"(?P<days>{_D}(?:{_LINK}(?:ngay )?{_D})+)"
                  rf" ?(?:(?P<sep>[/.-]) ?|thang )(?P<m>{_MONTH})"
                  rf"(?: ?(?:[/.-]|nam) ?(?P<y>{_Y}))?"),
    _r("dayonly", rf"ngay ?(?P<days>{_D}(?:{_LINK}{_D})*)"
                  r"(?! ?[/.-] ?\d)(?! ?thang\b)(?! ?(?:gio|h|g)\b)(?!:)"),
    _r("weekday", r"(?:thu (?P<wd>hai|ba|tu|nam|sau|bay|[2-7])|(?P<sun>chu nhat))"
                  r"(?: (?:cua )?tuan (?P<rel>nay|sau|toi|ke tiep))?"),
    # Periods.
    _r("monthlist", rf"thang ?(?P<ms>{_MONTH}(?:{_LINK}(?:thang ?)?{_MONTH})+){_YEAR_AFTER}?"),
    _r("month", rf"thang ?(?:(?P<m>{_MONTH})|(?P<mrel>nay|toi|ke tiep)){_YEAR_AFTER}?"),
    _r("month", r"(?:(?<=trong )|(?<=cuoi )|(?<=het ))thang"
                rf"(?! ?\d)(?! (?:{MONTH_WORD}|nay|toi|ke tiep|nam)\b)"),
    _r("quarterlist", rf"{_QUY} ?(?P<qs>{_Q}(?:{_LINK}(?:{_QUY} ?)?{_Q})+){_YEAR_AFTER}?"),
    _r("quarter", rf"{_QUY} ?(?:(?P<q>{_Q})|(?P<qrel>nay|sau|toi|ke tiep)){_YEAR_AFTER}?"),
    _r("quarter", rf"(?:(?<=trong )|(?<=cuoi )|(?<=het )){_QUY}(?! ?\d)(?! [iv]+\b)"
                  r"(?! (?:nay|sau|toi|ke tiep)\b)"),
    _r("year", r"nam ?(?P<y>\d{4})(?!\d)(?: ?(?:-|den|va) ?(?:nam )?(?P<y2>\d{4})(?!\d))?"
               r"|nam (?P<rel>nay|sau|toi|ke tiep)"),
    _r("year", r"(?:(?<=trong )|(?<=cuoi )|(?<=het ))nam(?! ?\d)"
               r"(?! (?:nay|sau|toi|ke tiep|hoc|ngay|tuan|thang)\b)"),
    _r("half", rf"(?:(?P<n>\d{{1,2}}|{COUNT_WORDS}) thang|nua) (?P<part>dau|cuoi) nam"
               r"(?: ?(?P<y>\d{4})(?!\d)| (?P<rel>nay|sau|toi))?"),
    _r("week", r"(?:(?<=trong )|(?<=cuoi ))tuan(?! ?\d)(?! (?:nay|sau|toi|ke tiep|le)\b)"
               r"|tuan (?P<rel>nay|sau|toi|ke tiep)"),
    _r("duration", r"(?P<within>(?:trong|trong vong|trong thoi han|trong thoi gian"
                   r"|trong khoang|toi da) )?"
                   rf"(?P<n>\d{{1,3}}(?!\d)|{COUNT_WORDS}) ?"
                   r"(?P<unit>ngay lam viec|ngay|tuan le|tuan|thang|nam)(?![a-z])"
                   rf"(?! ?\d)(?! (?:dau|cuoi) nam\b)(?! (?:{MONTH_WORD}|gieng|chap)\b)"
                   r"(?: ?,? (?:ke tu|tinh tu|tu|sau) (?:ngay )?"
                   rf"(?P<from>hop|cuoc hop|ngay hop|{_DATE_NC}))?"),
    _r("today", r"(?<=trong )ngay(?! ?\d)(?! (?:lam|mai|hop|ky|le)\b)"),
    _r("ongoing", r"thuong xuyen|lien tuc|lau dai"),
)


def _word_starts(text: str) -> list[int]:
    return [i for i, c in enumerate(text) if c.isalnum() and (i == 0 or not text[i - 1].isalnum())]


def scan(folded: Folded) -> tuple[list[Part], str]:
    """The parts of the phrase in order, and the text after the last one."""
    text = folded.text
    parts: list[Part] = []
    at = 0
    for start in _word_starts(text):
        if start < at:
            continue
        best: tuple[int, _Recogniser, dict[str, Any]] | None = None
        for recogniser in RECOGNISERS:
            m = recogniser.pattern.match(text, start)
            if m is None or (best is not None and m.end() <= best[0]):
                continue
            data = recogniser.build(m)
            if data is not None:
                best = (m.end(), recogniser, data)
        if best is None:
            continue
        end, recogniser, data = best
        parts.append(Part(recogniser.kind, start, end, data, lead=text[at:start]))
        at = end
    return parts, text[at:]
