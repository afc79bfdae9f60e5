"""The forms of Nghị định 30/2020 (Phụ lục I) as plain functions: dates, numbers, the signer's
authority, the wording of a task, recipients; and the settings that feed them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from meeting_server.publishing import forms
from meeting_server.settings import ConfigError, Settings


@pytest.mark.parametrize("day,words", [
    (date(2019, 7, 9), "ngày 09 tháng 7 năm 2019"),
    (date(2020, 1, 5), "ngày 05 tháng 01 năm 2020"),
    (date(2021, 2, 28), "ngày 28 tháng 02 năm 2021"),
    (date(2019, 12, 25), "ngày 25 tháng 12 năm 2019"),
    (date(2019, 3, 1), "ngày 01 tháng 3 năm 2019"),
])
def test_day_and_months_1_and_2_have_a_leading_zero(day: date, words: str) -> None:
    assert forms.vietnamese_date(day) == words


@pytest.mark.parametrize("number,shown", [("152", "152/TB-VP"), ("5", "05/TB-VP")])
def test_the_number_and_symbol(number: str, shown: str) -> None:
    assert forms.document_number(number, forms.document_symbol("notice", "VP")) == shown


def test_a_missing_number_leaves_room_to_write_it() -> None:
    assert forms.document_number("", "BB-VP").endswith("/BB-VP")


@pytest.mark.parametrize("head,collective,position,authority,lines", [
    ("Chánh Văn phòng", "", "Chánh Văn phòng UBND thành phố", "", ["CHÁNH VĂN PHÒNG"]),
    ("Chánh Văn phòng", "", "Phó Chánh Văn phòng", "",
     ["KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG"]),
    ("Chủ tịch", "Ủy ban nhân dân", "Chủ tịch", "", ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"]),
    ("Chủ tịch", "Ủy ban nhân dân", "Phó Chủ tịch", "",
     ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]),
    ("Chủ tịch", "Ủy ban nhân dân", "Chánh Văn phòng", "", ["TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG"]),
    ("Chủ tịch", "", "Giám đốc Sở Tư pháp", "TUQ", ["TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ TƯ PHÁP"]),
])
def test_the_signers_authority(head: str, collective: str, position: str, authority: str,
                               lines: list[str]) -> None:
    assert forms.signer_lines(head, collective, position, authority) == lines


def test_no_word_stands_alone_on_the_last_line() -> None:
    assert forms.no_orphan("phiên họp 6 tháng đầu năm 2019").endswith("năm\u00a02019")


def task(**changes: Any) -> dict[str, Any]:
    return {"title": "Rà soát dịch vụ công trực tuyến mức độ 4", "lead_unit": "Sở Tư pháp",
            "support_units": [], "due_text": "trước ngày 15/8",
            "deadline": "trước ngày 15/8 (hạn 15/08/2019)", **changes}


def test_a_task_in_the_official_wording() -> None:
    assert forms.task_sentence(task(support_units=["Sở Nội vụ", "Các sở, ban, ngành"])) == (
        "Giao Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ, các sở, ban, ngành rà soát dịch vụ "
        "công trực tuyến mức độ 4; thời hạn: trước ngày 15/8 (hạn 15/08/2019).")


def test_a_deadline_in_the_title_is_not_said_twice() -> None:
    sentence = forms.task_sentence(task(title="Rà soát dịch vụ công trước ngày 15/8"))
    assert sentence.count("trước ngày 15/8") == 1


@pytest.mark.parametrize("deadline", ["thường xuyên", "thực hiện thường xuyên"])
def test_an_ongoing_task(deadline: str) -> None:
    sentence = forms.task_sentence(task(due_text="thường xuyên", deadline=deadline,
                                        ongoing=True))
    assert sentence.endswith("mức độ 4; thực hiện thường xuyên.")


@pytest.mark.parametrize("title,unit,kept", [
    ("Giám đốc Sở Nội vụ", "Sở Nội vụ", "Giám đốc"),
    ("Chánh Văn phòng UBND thành phố", "Văn phòng UBND thành phố", "Chánh Văn phòng"),
    ("Phó Chánh Văn phòng UBND thành phố", "Văn phòng UBND thành phố", "Phó Chánh Văn phòng"),
    ("Chuyên viên", "Sở Nội vụ", "Chuyên viên"),
])
def test_a_title_without_its_unit(title: str, unit: str, kept: str) -> None:
    assert forms.title_in_unit(title, unit) == kept


def test_recipient_lines_end_with_semicolons_and_a_full_stop() -> None:
    assert forms.recipient_lines(["Sở Nội vụ", " ", "Lưu: VT, TH."]) == [
        "- Sở Nội vụ;", "- Lưu: VT, TH."]


def test_a_newline_in_the_issuer_setting_breaks_the_line() -> None:
    settings = Settings.load(environ={"MEETING_ISSUER": "ỦY BAN NHÂN DÂN\\nTHÀNH PHỐ SÔNG LAM",
                                      "MEETING_LEADERSHIP_RECIPIENTS": "Chủ tịch\\nCác PCT"})
    assert settings.issuer == "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ SÔNG LAM"
    assert settings.leadership_recipients == ("Chủ tịch", "Các PCT")


@pytest.mark.parametrize("symbol", ["vp", "TB-", "V P", ""])
def test_a_bad_symbol_is_refused_naming_the_variable(symbol: str) -> None:
    with pytest.raises(ConfigError, match="MEETING_ISSUER_SYMBOL"):
        Settings.load(environ={"MEETING_ISSUER_SYMBOL": symbol})
