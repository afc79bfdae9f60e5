from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from meeting_server.deadlines import (
    UNDERSTOOD_FORMS,
    Deadline,
    DeadlineError,
    add_working_days,
    is_working_day,
    parse_deadline,
)

MEETING = date(2019, 7, 5)  # a Friday

DATED = [
    # The phrases of the issue.
    ("trong tháng 7", date(2019, 7, 31)),
    ("trong tháng 7/2019", date(2019, 7, 31)),
    ("trước ngày 15/8", date(2019, 8, 15)),
    ("trước ngày 15/8/2019", date(2019, 8, 15)),
    ("chậm nhất ngày 30/9/2019", date(2019, 9, 30)),
    ("trong quý III", date(2019, 9, 30)),
    ("quý 3", date(2019, 9, 30)),
    ("trong năm 2019", date(2019, 12, 31)),
    ("trong tuần", date(2019, 7, 5)),
    ("trong 5 ngày làm việc", date(2019, 7, 12)),
    ("trong 10 ngày", date(2019, 7, 15)),
    # The forms listed with the semantics.
    ("trong tháng 7 năm 2019", date(2019, 7, 31)),
    ("tháng 7/2019", date(2019, 7, 31)),
    ("hoàn thành trong tháng 07", date(2019, 7, 31)),
    ("trước 15/8", date(2019, 8, 15)),
    ("chậm nhất là ngày 30/9", date(2019, 9, 30)),
    ("hạn chót 30/9/2019", date(2019, 9, 30)),
    ("ngày 30/9/2019", date(2019, 9, 30)),
    ("trước ngày 15 tháng 8 năm 2019", date(2019, 8, 15)),
    ("xong trước 15-8-2019", date(2019, 8, 15)),
    ("15.08.2019", date(2019, 8, 15)),
    ("15/8/19", date(2019, 8, 15)),
    ("trong quý III/2019", date(2019, 9, 30)),
    ("quý IV năm 2019", date(2019, 12, 31)),
    ("cuối quý 3", date(2019, 9, 30)),
    ("năm 2019", date(2019, 12, 31)),
    ("trong năm", date(2019, 12, 31)),
    ("cuối năm", date(2019, 12, 31)),
    ("trước 31/12", date(2019, 12, 31)),
    ("6 tháng đầu năm", date(2020, 6, 30)),
    ("6 tháng cuối năm", date(2019, 12, 31)),
    ("trong tuần này", date(2019, 7, 5)),
    ("tuần sau", date(2019, 7, 12)),
    ("trong tuần tới", date(2019, 7, 12)),
    ("trong vòng 10 ngày", date(2019, 7, 15)),
    ("10 ngày", date(2019, 7, 15)),
    ("trong vòng 05 ngày làm việc", date(2019, 7, 12)),
    ("trong 2 tuần", date(2019, 7, 19)),
    ("trong 1 tháng", date(2019, 8, 5)),
    ("trong vòng 01 tháng", date(2019, 8, 5)),
    ("Báo cáo UBND thành phố trước ngày 15/8/2019", date(2019, 8, 15)),
    ("TRONG THANG 7", date(2019, 7, 31)),
    ("Trong tháng 7.", date(2019, 7, 31)),
    ("truoc ngay 15/8", date(2019, 8, 15)),
    # More real variants.
    ("Hoàn thành trước ngày 31/7/2019.", date(2019, 7, 31)),
    ("Báo cáo kết quả về UBND thành phố trong tháng 8/2019", date(2019, 8, 31)),
    ("Chậm nhất ngày 20/8/2019 báo cáo Chủ tịch UBND thành phố", date(2019, 8, 20)),
    ("Đến hết ngày 31/12/2019", date(2019, 12, 31)),
    ("hoàn thành trong Quý IV/2019", date(2019, 12, 31)),
    ("Trong quý 4 năm 2019", date(2019, 12, 31)),
    ("quý I/2020", date(2020, 3, 31)),
    ("trong 6 tháng đầu năm 2020", date(2020, 6, 30)),
    ("3 tháng cuối năm", date(2019, 12, 31)),
    ("trước ngày 05/8/2019", date(2019, 8, 5)),
    ("trước 16 giờ ngày 15/8/2019", date(2019, 8, 15)),
    ("trước 17h00 ngày 20/7", date(2019, 7, 20)),
    ("trước 16:00 ngày 20/7", date(2019, 7, 20)),
    ("từ ngày 10/7 đến ngày 25/7/2019", date(2019, 7, 25)),
    ("hạn: 2019-08-15", date(2019, 8, 15)),
    ("trong vòng 15 ngày kể từ ngày họp", date(2019, 7, 20)),
    ("Trong thời hạn 07 ngày làm việc", date(2019, 7, 16)),
    ("trong mười ngày", date(2019, 7, 15)),
    ("trong năm ngày làm việc", date(2019, 7, 12)),
    ("trong hai tuần", date(2019, 7, 19)),
    ("trong 3 tháng", date(2019, 10, 5)),
    ("ngày 20 tháng 8 năm 2019", date(2019, 8, 20)),
    ("trước ngày 15 / 8 / 2019", date(2019, 8, 15)),
    ("tháng sau", date(2019, 8, 31)),
    ("trong tháng này", date(2019, 7, 31)),
    ("quý sau", date(2019, 12, 31)),
    ("trong năm nay", date(2019, 12, 31)),
    ("năm sau", date(2020, 12, 31)),
    ("trước tháng 10", date(2019, 9, 30)),
    ("trước quý IV", date(2019, 9, 30)),
    ("trước năm 2020", date(2019, 12, 31)),
    ("tháng 2", date(2020, 2, 29)),
    ("trước ngày 1/7", date(2020, 7, 1)),
    ("trong ngày", date(2019, 7, 5)),
    ("CHẬM NHẤT NGÀY 30/9/2019", date(2019, 9, 30)),
    ("Chậm Nhất Là Ngày 30/09", date(2019, 9, 30)),
    ("cham nhat ngay 30-9-2019", date(2019, 9, 30)),
    ("trong quy iii", date(2019, 9, 30)),
    ("Hoan thanh trong thang 07/2019", date(2019, 7, 31)),
    ("ＴＲＯＮＧ ＴＨÁＮＧ ７", date(2019, 7, 31)),
]

ONGOING = [
    "thường xuyên",
    "thuong xuyen",
    "THƯỜNG XUYÊN",
    "Thực hiện thường xuyên.",
    "liên tục",
    "định kỳ hằng tháng",
    "báo cáo hàng quý",
    "hằng năm",
]

NOT_UNDERSTOOD = [
    "",
    "   ",
    "ngay",
    "sớm",
    "khẩn trương",
    "ASAP",
    "sau ngày 15/8",
    "15/8/201",
    "trong tháng 123",
    "\x00",
    "😀",
    "\ud800",
]

INVALID = [
    "30/2",
    "trước ngày 31/4/2019",
    "trước ngày 32/8",
    "29/2/2019",
    "trong tháng 13",
    "quý V",
    "trước ngày 15/8/2150",
    "năm 1999",
    "trong tháng 6/2019",  # already over at the meeting: a typo
    "trước ngày 1/7/2019",
    "đầu tháng 8",
    "giữa năm",
    "đầu tuần sau",
    "trong 0 ngày",
    "x" * 501,
]


def fold(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return bare.replace("đ", "d").replace("Đ", "D")


@pytest.mark.parametrize(("phrase", "due"), DATED)
def test_phrase_gives_date(phrase: str, due: date) -> None:
    assert parse_deadline(phrase, MEETING) == Deadline(due, ongoing=False, text=phrase.strip())


@pytest.mark.parametrize(("phrase", "due"), DATED)
def test_phrase_without_diacritics_in_capitals(phrase: str, due: date) -> None:
    assert parse_deadline(fold(phrase).upper(), MEETING).due_date == due


@pytest.mark.parametrize("phrase", ONGOING)
def test_ongoing(phrase: str) -> None:
    assert parse_deadline(phrase, MEETING) == Deadline(None, ongoing=True, text=phrase)


def test_acceptance() -> None:
    assert parse_deadline("trước ngày 15/8", MEETING).due_date == date(2019, 8, 15)
    assert parse_deadline("trong tháng 7", MEETING).due_date == date(2019, 7, 31)
    assert parse_deadline("thường xuyên", MEETING) == Deadline(None, True, "thường xuyên")


def test_text_is_stripped_and_nfc() -> None:
    text = unicodedata.normalize("NFD", "  trong tháng 7 \n")
    assert parse_deadline(text, MEETING).text == "trong tháng 7"


def test_first_phrase_wins() -> None:
    both = "trong tháng 7, báo cáo trước ngày 15/8"
    assert parse_deadline(both, MEETING).due_date == date(2019, 7, 31)
    assert parse_deadline("thường xuyên; báo cáo trước 15/8", MEETING).ongoing


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


@pytest.mark.parametrize("phrase", NOT_UNDERSTOOD + INVALID)
def test_bad_deadline(phrase: str) -> None:
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(phrase, MEETING)
    error = caught.value
    assert error.code == "bad_deadline"
    assert str(error) == error.message
    vietnamese, english = error.message.split(" / ")
    assert "Cách ghi hạn được hiểu" in vietnamese
    assert "Understood forms" in english
    assert all(f'"{form}"' in vietnamese and f'"{form}"' in english for form in UNDERSTOOD_FORMS)
    error.message.encode("utf-8")  # safe to send as JSON


def test_invalid_date_is_named() -> None:
    with pytest.raises(DeadlineError, match="30/2"):
        parse_deadline("trước ngày 30/2", MEETING)


def test_meeting_out_of_range() -> None:
    with pytest.raises(DeadlineError):
        parse_deadline("trong 10 ngày", date(1999, 12, 31))


def test_deadline_past_year_2100() -> None:
    with pytest.raises(DeadlineError):
        parse_deadline("trong tháng 2", date(2100, 11, 20))


@pytest.mark.parametrize("form", UNDERSTOOD_FORMS)
def test_understood_forms_are_understood(form: str) -> None:
    parse_deadline(form, MEETING)


def check_outcome(text: str, meeting: date) -> None:
    try:
        deadline = parse_deadline(text, meeting)
    except DeadlineError as error:
        assert error.code == "bad_deadline"
        return
    assert deadline.ongoing == (deadline.due_date is None)
    assert deadline.text == unicodedata.normalize("NFC", text).strip()
    if deadline.due_date is not None:
        assert meeting <= deadline.due_date <= date(2100, 12, 31)


MEETINGS = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
KEYWORDS = st.sampled_from([
    "trong", "tháng", "thang", "quý", "III", "iv", "năm", "nam", "ngày", "làm việc", "tuần",
    "trước", "chậm nhất", "từ", "sau", "tới", "này", "đầu", "cuối", "nửa", "mười", "lăm",
    "thường xuyên", "hằng", "h", "giờ", "đến hết", "Tết",
])
PHRASES = st.lists(
    st.one_of(
        KEYWORDS,
        st.integers(min_value=0, max_value=3000).map(str),
        st.sampled_from(list("/-.:, 0")),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.text(), MEETINGS)
def test_any_text_gives_deadline_or_deadline_error(text: str, meeting: date) -> None:
    check_outcome(text, meeting)


@settings(max_examples=300, deadline=None)
@given(PHRASES, MEETINGS)
def test_keyword_soup_gives_deadline_or_deadline_error(text: str, meeting: date) -> None:
    check_outcome(text, meeting)
