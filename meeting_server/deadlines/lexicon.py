"""The words of deadline phrases, and the folded text they are matched in.

Matching is done on a folded copy of the phrase: lower case, no tone or vowel marks, đ → d,
letters and digits kept, ``/ . - : , ; ( )`` kept, anything else a space, runs of spaces one
space. Every folded character remembers where it came from, so the few words whose meaning
depends on their marks ("sáu" six, "sau" next) are looked up in the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_KEPT = frozenset("/.:-,;()")
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212")


def _fold_char(char: str) -> str:
    lower = char.lower()
    if lower in ("đ", "ð"):
        return "d"
    if char in _DASHES:
        return "-"
    base = "".join(c for c in unicodedata.normalize("NFKD", lower)
                   if not unicodedata.combining(c))
    if len(base) == 1 and (base.isascii() and base.isalnum() or base in _KEPT):
        return base
    return " "


@dataclass(frozen=True)
class Folded:
    """``text`` folded; ``origin[i]`` is the index in ``source`` of ``text[i]``."""

    source: str
    text: str
    origin: tuple[int, ...]
    marked: bool  # whether the source has Vietnamese marks at all

    @classmethod
    def of(cls, source: str) -> Folded:
        out: list[str] = []
        origin: list[int] = []
        for index, char in enumerate(source):
            folded = _fold_char(char)
            if folded == " " and (not out or out[-1] == " "):
                continue
            out.append(folded)
            origin.append(index)
        if out and out[-1] == " ":
            out.pop()
            origin.pop()
        marked = any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", source)) \
            or "đ" in source.lower()
        return cls(source, "".join(out), tuple(origin), marked)

    def original(self, start: int, end: int) -> str:
        """The source text of the folded span ``[start, end)``."""
        if start >= end:
            return ""
        return self.source[self.origin[start]:self.origin[end - 1] + 1].strip()


# Numbers in words, as counts ("trong mười lăm ngày") and months ("tháng Tám").
UNITS = {"mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6, "bay": 7,
         "tam": 8, "chin": 9}
_UNIT = "mot|hai|ba|bon|tu|lam|nam|sau|bay|tam|chin"
COUNT_WORDS = (rf"(?:(?:hai|ba|bon|nam|sau|bay|tam|chin) muoi(?: (?:{_UNIT}))?"
               rf"|muoi(?: (?:{_UNIT}))?|mot|hai|ba|bon|nam|sau|bay|tam|chin)")
MONTH_WORDS = {"mot": 1, "hai": 2, "ba": 3, "tu": 4, "bon": 4, "sau": 6, "bay": 7, "tam": 8,
               "chin": 9, "muoi": 10, "muoi mot": 11, "muoi hai": 12}
MONTH_WORD = "muoi mot|muoi hai|muoi|mot|hai|ba|tu|bon|sau|bay|tam|chin"
ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}


def count_value(words: str) -> int:
    """``"hai muoi lam"`` → 25, ``"muoi"`` → 10, ``"05"`` → 5."""
    if words.isdigit():
        return int(words)
    parts = words.split()
    if parts[0] == "muoi":
        return 10 + (UNITS[parts[1]] if len(parts) > 1 else 0)
    if len(parts) >= 2 and parts[1] == "muoi":
        return UNITS[parts[0]] * 10 + (UNITS[parts[2]] if len(parts) > 2 else 0)
    return UNITS[parts[0]]


def words_re(*words: str) -> str:
    """An alternation of words, longest first."""
    return "|".join(sorted({re.escape(w) for w in words}, key=len, reverse=True))
