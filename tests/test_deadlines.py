"""Deadline phrases: the table of real-style phrases, the rules, working days, and properties
that hold for any text (tests/data/deadline_phrases.tsv is the table)."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meeting_server.deadlines import (
    EXAMPLES,
    REASONS,
    Deadline,
    DeadlineError,
    Schedule,
    add_working_days,
    is_working_day,
    parse_deadline,
    task_wording,
    working_day_on_or_after,
)

MEETING = date(2019, 7, 5)  # a Friday
TABLE_FILE = Path(__file__).parent / "data" / "deadline_phrases.tsv"


@dataclass(frozen=True)
class Row:
    phrase: str
    outcome: str
    unmarked: str


def table() -> list[Row]:
    rows = []
    for line in TABLE_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        phrase, outcome, *rest = line.split("\t")
        unmarked = rest[0].removeprefix("unmarked: ") if rest else outcome
        rows.append(Row(phrase, outcome, unmarked))
    return rows


TABLE = table()


def outcome(phrase: str, meeting: date = MEETING) -> str:
    """What a phrase gives, written as the table writes it."""
    try:
        found = parse_deadline(phrase, meeting)
    except DeadlineError as error:
        return f"refused {error.reason}"
    at = f" {found.due_time:%H:%M}" if found.due_time else ""
    if found.kind == "ongoing":
        return "ongoing"
    if found.schedule is not None:
        return f"schedule {found.schedule.rule} from {found.due_date}" + (at and f" at{at}")
    return f"{found.due_date}{at}"


def fold(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


def test_the_table_has_250_phrases_of_every_outcome() -> None:
    assert len(TABLE) >= 250
    assert len({row.phrase for row in TABLE}) == len(TABLE)
    kinds = {re.sub(r"^(\d{4}-\d\d-\d\d)( \d\d:\d\d)?$", lambda m: "date-time"
                    if m.group(2) else "date", row.outcome).split()[0] for row in TABLE}
    assert kinds == {"date", "date-time", "schedule", "ongoing", "refused"}


def test_the_table_names_only_known_reasons() -> None:
    reasons = {row.outcome.split()[1] for row in TABLE if row.outcome.startswith("refused")}
    assert reasons <= set(REASONS)


@pytest.mark.parametrize("row", TABLE, ids=[row.phrase for row in TABLE])
def test_phrase(row: Row) -> None:
    assert outcome(row.phrase) == row.outcome


@pytest.mark.parametrize("row", TABLE, ids=[row.phrase for row in TABLE])
def test_phrase_without_diacritics_in_capitals(row: Row) -> None:
    assert outcome(fold(row.phrase).upper()) == row.unmarked


def test_acceptance() -> None:
    assert parse_deadline("trước ngày 15/8", MEETING).due_date == date(2019, 8, 15)
    assert parse_deadline("trong tháng 7", MEETING).due_date == date(2019, 7, 31)
    assert parse_deadline("thường xuyên", MEETING) == Deadline(
        "ongoing", None, "thường xuyên", "thường xuyên")


def test_text_is_stripped_and_nfc() -> None:
    text = unicodedata.normalize("NFD", "  trong tháng 7 \n")
    assert parse_deadline(text, MEETING).text == "trong tháng 7"


def test_a_time_before_the_date_is_kept() -> None:
    found = parse_deadline("trước 16 giờ 30 ngày 12/7/2019", MEETING)
    assert (found.due_date, found.due_time) == (date(2019, 7, 12), time(16, 30))


def test_two_deadlines_that_disagree_are_refused() -> None:
    with pytest.raises(DeadlineError, match="tháng 7.*15/8") as caught:
        parse_deadline("trong tháng 7, báo cáo trước ngày 15/8", MEETING)
    assert caught.value.reason == "conflict"


def test_the_most_precise_deadline_wins() -> None:
    assert parse_deadline("trong quý III/2019, trước ngày 15/9", MEETING).due_date == \
        date(2019, 9, 15)


def test_a_list_ends_at_its_last_part() -> None:
    assert parse_deadline("quý III, IV/2019", MEETING).due_date == date(2019, 12, 31)


def test_the_date_of_a_cited_document_is_not_a_deadline() -> None:
    found = parse_deadline("theo Kế hoạch số 45/KH-UBND ngày 02/7/2019, hoàn thành trong quý III",
                           MEETING)
    assert found.due_date == date(2019, 9, 30)


@pytest.mark.parametrize(("phrase", "wording"), [
    ("trước ngày 15/8", "trước ngày 15/08/2019"),
    ("trước 16 giờ 30 ngày 12/7/2019", "trước 16 giờ 30 ngày 12/07/2019"),
    ("trước ngày 5/8/2019", "trước ngày 05/08/2019"),
    ("trước ngày 15/2/2020", "trước ngày 15/02/2020"),
    ("trong tháng 7", "trong tháng 7/2019"),
    ("quý 3", "trong quý III/2019"),
    ("trong năm", "trong năm 2019"),
    ("6 tháng đầu năm", "trong 6 tháng đầu năm 2020"),
    ("quý III, IV/2019", "trước ngày 31/12/2019"),
    ("trong 10 ngày", "trước ngày 15/07/2019"),
    ("trước ngày 25 hằng tháng", "hằng tháng, trước ngày 25"),
    ("hằng quý", "hằng quý, trước ngày cuối cùng của quý"),
    ("trước ngày 15/6 và 15/12 hằng năm", "trước ngày 15/06 và 15/12 hằng năm"),
    ("trước 16 giờ thứ Sáu hằng tuần", "hằng tuần, trước 16 giờ 00 thứ Sáu"),
    ("thường xuyên", "thường xuyên"),
])
def test_official_wording(phrase: str, wording: str) -> None:
    assert parse_deadline(phrase, MEETING).wording == wording


def test_calendar_days_ending_on_a_sunday_end_on_monday() -> None:
    # 5/7/2019 + 30 days is Sunday 4/8/2019 (Bộ luật Dân sự 2015, art. 148)
    assert parse_deadline("trong 30 ngày", MEETING).due_date == date(2019, 8, 5)


def test_calendar_days_ending_on_national_day_end_after_it() -> None:
    # 23/8/2019 + 10 days is Monday 2/9/2019, National Day
    found = parse_deadline("trong 10 ngày kể từ ngày 23/8/2019", MEETING)
    assert found.due_date == date(2019, 9, 3)


def test_calendar_days_ending_in_tet_end_after_it() -> None:
    # 15/1/2020 + 10 days is Saturday 25/1/2020, Tết; the holiday runs to Wednesday 29/1
    found = parse_deadline("trong 10 ngày", date(2020, 1, 15))
    assert found.due_date == date(2020, 1, 30)


def test_working_day_on_or_after_a_working_day_is_that_day() -> None:
    assert working_day_on_or_after(date(2019, 8, 5)) == date(2019, 8, 5)


def test_tet_is_named_with_its_date() -> None:
    with pytest.raises(DeadlineError, match="25/01/2020"):
        parse_deadline("trước Tết Nguyên đán Canh Tý năm 2020", MEETING)


def test_a_schedule_starts_after_the_meeting_day() -> None:
    found = parse_deadline("mỗi tháng, trước ngày 5", MEETING)
    assert found.schedule == Schedule("FREQ=MONTHLY;BYMONTHDAY=5", date(2019, 8, 5))


def test_a_schedule_from_a_later_month() -> None:
    found = parse_deadline("từ tháng 8/2019, báo cáo trước ngày 25 hằng tháng", MEETING)
    assert found.due_date == date(2019, 8, 25)


@pytest.mark.parametrize(("phrase", "due"), [
    ("trong tháng 2", date(2020, 2, 29)),
    ("trong tháng 11", date(2019, 11, 30)),
    ("trước ngày 15/1", date(2020, 1, 15)),
    ("trước ngày 20/11", date(2019, 11, 20)),
    ("trước ngày 19/11", date(2020, 11, 19)),
    ("trong quý I", date(2020, 3, 31)),
    ("trong quý IV", date(2019, 12, 31)),
    ("6 tháng đầu năm", date(2020, 6, 30)),
    ("tháng sau", date(2019, 12, 31)),
    ("quý sau", date(2020, 3, 31)),
    ("trong 1 tháng", date(2019, 12, 20)),
    ("trong 2 tuần", date(2019, 12, 4)),
])
def test_year_inferred_across_new_year(phrase: str, due: date) -> None:
    assert parse_deadline(phrase, date(2019, 11, 20)).due_date == due


def test_month_count_clamped_to_month_end() -> None:
    assert parse_deadline("trong 1 tháng", date(2019, 1, 31)).due_date == date(2019, 2, 28)


def test_working_days_across_national_day_2019() -> None:
    assert not is_working_day(date(2019, 9, 2))
    assert is_working_day(date(2019, 9, 3))  # one day off in 2019, two from 2021
    assert add_working_days(date(2019, 8, 30), 1) == date(2019, 9, 3)
    assert add_working_days(date(2019, 8, 30), 5) == date(2019, 9, 9)


def test_working_days_across_tet_2020() -> None:
    assert not any(is_working_day(date(2020, 1, day)) for day in range(23, 30))
    assert add_working_days(date(2020, 1, 22), 1) == date(2020, 1, 30)
    assert parse_deadline("trong 5 ngày làm việc", date(2020, 1, 22)).due_date == date(2020, 2, 5)


def test_make_up_saturday_is_a_working_day() -> None:
    assert is_working_day(date(2019, 5, 4))
    assert not is_working_day(date(2019, 4, 29))  # the day off it pays for
    assert not is_working_day(date(2019, 5, 5))


def test_add_zero_working_days() -> None:
    assert add_working_days(date(2019, 9, 2), 0) == date(2019, 9, 2)


def test_add_negative_working_days() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_working_days(MEETING, -1)


@pytest.mark.parametrize(("meeting", "phrase", "due"), [
    (date(2020, 1, 20), "trong tuần", date(2020, 1, 22)),  # Thu 23 and Fri 24 are Tết
    (date(2021, 8, 30), "trong tuần", date(2021, 9, 1)),  # 2 and 3/9/2021 are National Day
    (date(2019, 7, 6), "trong tuần", date(2019, 7, 12)),  # a Saturday meeting
    (date(2025, 1, 24), "tuần sau", date(2025, 2, 7)),  # 27/1–1/2/2025 is all Tết
])
def test_week_ends_on_its_last_working_day(meeting: date, phrase: str, due: date) -> None:
    assert parse_deadline(phrase, meeting).due_date == due


REFUSED_ROWS = [row for row in TABLE if row.outcome.startswith("refused")]


@pytest.mark.parametrize("row", REFUSED_ROWS, ids=[row.phrase for row in REFUSED_ROWS])
def test_a_refusal_says_why_in_both_languages_with_examples(row: Row) -> None:
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(row.phrase, MEETING)
    error = caught.value
    assert error.code == "bad_deadline"
    assert str(error) == error.message
    vietnamese, english = error.message.split(" / ")
    assert vietnamese.startswith(error.vietnamese) and english.startswith(error.english)
    assert all(example in vietnamese and example in english for example in EXAMPLES)


@pytest.mark.parametrize("text", ["\x00", "😀", "\ud800", "x" * 501, "   "])
def test_odd_text_is_refused(text: str) -> None:
    with pytest.raises(DeadlineError):
        parse_deadline(text, MEETING)


def test_invalid_date_is_named() -> None:
    with pytest.raises(DeadlineError, match="30/2"):
        parse_deadline("trước ngày 30/2", MEETING)


def test_meeting_out_of_range() -> None:
    with pytest.raises(DeadlineError):
        parse_deadline("trong 10 ngày", date(1999, 12, 31))


def test_deadline_past_year_2100() -> None:
    with pytest.raises(DeadlineError):
        parse_deadline("trong tháng 2", date(2100, 11, 20))



def check_outcome(text: str, meeting: date) -> Deadline | None:
    try:
        deadline = parse_deadline(text, meeting)
    except DeadlineError as error:
        assert error.code == "bad_deadline" and error.reason in REASONS
        return None
    assert deadline.ongoing == (deadline.due_date is None)
    assert deadline.text == unicodedata.normalize("NFC", text).strip()
    assert deadline.wording
    if deadline.due_date is not None:
        assert meeting <= deadline.due_date <= date(2100, 12, 31)
    return deadline


# The rules of docs/tasks.md, written again independently of the parser: every date a phrase
# may give is made of the numbers the phrase holds (or of the meeting date) by one of them.

_NUMBER_WORDS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6,
                 "bay": 7, "tam": 8, "chin": 9, "muoi": 10, "i": 1, "ii": 2, "iii": 3, "iv": 4}


def numbers_in(text: str) -> set[int]:
    words = re.findall(r"[a-z]+|\d+", fold(text).lower())
    found = {int(w) for w in words if w.isdigit()}
    found |= {_NUMBER_WORDS[w] for w in words if w in _NUMBER_WORDS}
    for a, b in zip(words, words[1:], strict=False):
        if b == "muoi" and a in _NUMBER_WORDS:  # "hai mươi", "hai mươi lăm"
            found |= {_NUMBER_WORDS[a] * 10 + k for k in range(10)}
        if a == "muoi" and b in _NUMBER_WORDS:  # "mười lăm"
            found.add(10 + _NUMBER_WORDS[b])
    return {n for n in found if n <= 9999}


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _plus_months(day: date, months: int) -> date:
    years, month0 = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return date(year, month0 + 1, min(day.day, calendar.monthrange(year, month0 + 1)[1]))


def derivable(text: str, meeting: date) -> set[date]:
    numbers = numbers_in(text)
    years = {meeting.year, meeting.year + 1} | {n for n in numbers if 2000 <= n <= 2100} | {
        2000 + n for n in numbers if n < 100}
    years = {y for y in years if 2000 <= y <= 2100}
    months = {n for n in numbers if 1 <= n <= 12} | {meeting.month, meeting.month % 12 + 1}
    found = {meeting}
    for y in years:
        for m in range(1, 13):
            found |= {_month_end(y, m), date(y, m, 1) - timedelta(days=1)}
        for m in months:
            for d in numbers:
                if 1 <= d <= calendar.monthrange(y, m)[1]:
                    found.add(date(y, m, d))
    starts = {meeting} | {date(y, m, d) for y in years for m in months for d in numbers
                          if 1 <= d <= calendar.monthrange(y, m)[1]
                          and re.search(rf"\b0?{d} ?[/.-] ?0?{m}\b", text)}
    monday = meeting - timedelta(days=meeting.weekday())
    found |= {monday + timedelta(days=n) for n in range(35)}
    for start in starts:
        for n in (n for n in numbers if 1 <= n <= 999):
            for end in (start + timedelta(days=n), start + timedelta(weeks=n),
                        _plus_months(start, n), _plus_months(start, 12 * n)):
                if end.year <= 2100:
                    found.add(working_day_on_or_after(end))
            if n <= 60:
                found.add(add_working_days(start, n))
    return found


MEETINGS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
KEYWORDS = st.sampled_from([
    "trong", "tháng", "thang", "quý", "III", "iv", "năm", "nam", "ngày", "làm việc", "tuần",
    "trước", "chậm nhất", "từ", "sau", "tới", "này", "đầu", "cuối", "nửa", "mười", "lăm",
    "thường xuyên", "hằng", "h", "giờ", "đến hết", "Tết", "kể từ", "và", "sáu", "âm lịch",
    "Công văn số", "/UBND-VX", "định kỳ", "hằng tháng", "thứ Sáu", "lúc", "phút", "chiều",
])
PHRASES = st.lists(
    st.one_of(
        KEYWORDS,
        st.integers(min_value=0, max_value=3000).map(str),
        st.sampled_from(list("/-.:, 0()")),
        st.sampled_from([row.phrase for row in TABLE]),
    ),
    max_size=12,
).map(lambda parts: " ".join(parts))


@settings(max_examples=300, deadline=None)
@given(st.text(), MEETINGS)
def test_any_text_gives_deadline_or_deadline_error(text: str, meeting: date) -> None:
    check_outcome(text, meeting)


@settings(max_examples=500, deadline=None)
@given(PHRASES, MEETINGS)
def test_a_date_comes_from_the_phrase_by_the_rules(text: str, meeting: date) -> None:
    found = check_outcome(text, meeting)
    if found is None or found.due_date is None:
        return
    if found.schedule is not None:
        days = re.findall(r"BYMONTHDAY=([\d,-]+)", found.schedule.rule)
        named = {int(d) for d in days[0].split(",") if int(d) > 0} if days else set()
        assert named <= numbers_in(text) | set(range(28, 31)), (text, found)
        assert found.schedule.first_on_or_after(meeting + timedelta(days=1)) == found.due_date
        return
    assert found.due_date in derivable(text, meeting), (text, found)


def test_dates_in_figures_have_two_digit_days_and_months_in_wordings_and_errors() -> None:
    """One form for every date in figures (deadlines.model.short_date): a notice said "trước
    ngày 19/7/2019" next to "trước ngày 15/01/2020", an error "Hạn 15/01/2019 … 05/7/2019"."""
    assert parse_deadline("trong 2 tuần", MEETING).wording == "trước ngày 19/07/2019"
    assert parse_deadline("trước ngày 15/1/2020", MEETING).wording == "trước ngày 15/01/2020"
    with pytest.raises(DeadlineError) as caught:
        parse_deadline("trước ngày 15/1/2019", MEETING)
    assert "Hạn 15/01/2019 đã qua trước ngày họp 05/07/2019." in caught.value.message


@pytest.mark.parametrize(("stored", "printed"), [
    ("trước ngày 19/7/2019", "trước ngày 19/07/2019"),
    ("trước 16 giờ 30 ngày 5/8/2019", "trước 16 giờ 30 ngày 05/08/2019"),
    ("trước ngày 15/6 và 15/12 hằng năm", "trước ngày 15/06 và 15/12 hằng năm"),
    ("trong tháng 7/2019", "trong tháng 7/2019"),
    ("trong quý III/2019", "trong quý III/2019"),
])
def test_a_wording_stored_in_the_old_form_is_printed_in_the_rule(stored: str,
                                                                 printed: str) -> None:
    assert task_wording({"deadline": stored}) == printed


def test_refusals_quote_the_users_words_in_curly_quotes() -> None:
    """One style of quotes in what the user reads: the previews quote “…”, so do the refusals
    (they said "…")."""
    assert not [key for key, texts in REASONS.items() for text in texts if '"' in text]
    with pytest.raises(DeadlineError) as caught:
        parse_deadline("sớm nhất có thể", MEETING)
    assert "“sớm nhất có thể”" in caught.value.message and '"' not in caught.value.message
