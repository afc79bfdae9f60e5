"""Vietnamese text folding for search: "Tiến độ", "TIẾN ĐỘ" and "tien do" are the same words.

``nfc`` is how text enters the server: every string of a JSON body, an agenda file or an
upload's form fields in Unicode NFC, so that text typed with combining marks (some keyboards
send "ê" + "́" for "ế") is stored, shown, exported and searched like the rest.

``fold`` is the form text is compared in: NFC, lower case, no tone or vowel marks, and đ/Đ as d
(a letter of its own, which Unicode does not decompose, so stripping marks alone keeps it).
``words`` cuts folded text into the words a search matches: runs of letters and digits, as
SQLite's unicode61 tokenizer cuts them.
"""

from __future__ import annotations

import unicodedata
from typing import Any

# đ/Đ, and ð/Ð which text converted from old Vietnamese fonts uses for them.
_D = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def nfc(value: Any) -> Any:
    """``value`` with every string in it, keys included, in NFC (lists and dicts walked)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc(item) for item in value]
    if isinstance(value, dict):
        return {nfc(key): nfc(item) for key, item in value.items()}
    return value


def fold(text: str) -> str:
    """The folded form: ``fold("Hội đồng Nhân dân") == "hoi dong nhan dan"``."""
    decomposed = unicodedata.normalize("NFD", text.translate(_D).lower())
    bare = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return unicodedata.normalize("NFC", bare)


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order: letters and digits, everything else separates."""
    found: list[str] = []
    current: list[str] = []
    for char in fold(text):
        if char.isalnum():
            current.append(char)
        elif current:
            found.append("".join(current))
            current = []
    if current:
        found.append("".join(current))
    return found
