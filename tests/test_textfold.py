"""Vietnamese folding for search: case, tone and vowel marks, đ, NFC and NFD alike."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meeting_server.textfold import fold, words


@pytest.mark.parametrize(("text", "folded"), [
    ("Tiến độ", "tien do"),
    ("TIẾN ĐỘ", "tien do"),
    ("Hội đồng", "hoi dong"),
    ("Đối thoại", "doi thoai"),
    ("thủ tục hành chính", "thu tuc hanh chinh"),
    ("Ủy ban Mặt trận Tổ quốc", "uy ban mat tran to quoc"),
    ("người dân", "nguoi dan"),
    ("ƯỚC TÍNH", "uoc tinh"),
    ("Sở Tư pháp", "so tu phap"),
    ("dịch vụ công trực tuyến mức độ 4", "dich vu cong truc tuyen muc do 4"),
    ("Ðà Nẵng", "da nang"),  # Ð (U+00D0), as text from old Vietnamese fonts writes Đ
    ("tien do", "tien do"),
    ("", ""),
])
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_decomposed_text_folds_like_composed_text() -> None:
    text = "Kết luận của Phó Chủ tịch về cải cách hành chính, đẩy nhanh tiến độ"
    assert fold(unicodedata.normalize("NFD", text)) == fold(text)


def test_the_result_is_nfc() -> None:
    assert unicodedata.is_normalized("NFC", fold("Phở Ǹ ŀ"))


@pytest.mark.parametrize(("text", "expected"), [
    ("cải cách hành chính", ["cai", "cach", "hanh", "chinh"]),
    ("Báo cáo số 125/BC-SNV", ["bao", "cao", "so", "125", "bc", "snv"]),
    ('"tiến độ" OR NEAR(a b) title:x *', ["tien", "do", "or", "near", "a", "b", "title", "x"]),
    ("  \t\n", []),
    ("!!! ??? ...", []),
    ("40 bộ TTHC; 2019.", ["40", "bo", "tthc", "2019"]),
])
def test_words(text: str, expected: list[str]) -> None:
    assert words(text) == expected


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_words_are_folded_letters_and_digits(text: str) -> None:
    for word in words(text):
        assert word and word.isalnum() and fold(word) == word
