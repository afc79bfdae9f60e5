"""Search the way officials type: abbreviations and their full forms, and i/y spellings.

One table per deployment, a text file of lines ``UBND = Ủy ban nhân dân`` (each line one thing
and the ways it is written, ``#`` starts a comment): ``abbreviations.txt`` in the data dir when
there is one, else the table shipped with the server (``meeting_server/abbreviations.txt``),
read when the server starts. docs/search.md shows how to edit it.

Words are compared folded (``textfold.words``), and with "i" and "y" alike at the end of a
syllable after q, k, h, l, m or t ("quí" is "quý", "kĩ" is "kỹ", "lí" is "lý"), the spelling
variants Vietnamese allows. :meth:`Abbreviations.slots` turns the words of a query into slots:
each slot is the ways to write one thing, which the search tries in turn
(``store.search.match_plan``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import islice, product
from pathlib import Path

from meeting_server.datadir import DataDir
from meeting_server.settings import ConfigError
from meeting_server.textfold import words as folded_words

Words = tuple[str, ...]
_IY = re.compile(r"(qu|k|h|l|m|t)[iy]")
FILE_NAME = "abbreviations.txt"  # the shipped table, beside this module


class AbbreviationsError(ConfigError):
    """The table file cannot be read; the message names the file and the line."""


def canonical(word: str) -> str:
    """The spelling a word is compared in: "qui" and "quy" are both "quy"."""
    return word[:-1] + "y" if _IY.fullmatch(word) else word


def spellings(word: str) -> list[str]:
    """The ways a folded word may be spelt: ["qui", "quy"] for "qui"; [word] mostly."""
    if not _IY.fullmatch(word):
        return [word]
    other = word[:-1] + ("y" if word.endswith("i") else "i")
    return [word, other]


@dataclass(frozen=True)
class Abbreviations:
    """Groups of ways to write one thing, as folded words."""

    groups: tuple[tuple[Words, ...], ...] = ()
    source: str = ""
    _index: dict[str, list[tuple[Words, int]]] = field(default_factory=dict, repr=False,
                                                       compare=False)

    def __post_init__(self) -> None:
        for number, group in enumerate(self.groups):
            for variant in group:
                key = tuple(canonical(w) for w in variant)
                self._index.setdefault(key[0], []).append((key, number))
        for found in self._index.values():
            found.sort(key=lambda entry: -len(entry[0]))

    @classmethod
    def parse(cls, text: str, source: str = "") -> Abbreviations:
        groups: list[tuple[Words, ...]] = []
        for number, line in enumerate(text.splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            variants = tuple(dict.fromkeys(
                tuple(folded_words(part)) for part in line.split("=") if folded_words(part)))
            if len(variants) < 2:
                raise AbbreviationsError(f"{source}:{number}: write at least two forms,"
                                         " separated by '='")
            groups.append(variants)
        return cls(tuple(groups), source)

    @classmethod
    def load(cls, path: Path) -> Abbreviations:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise AbbreviationsError(f"{path}: {exc}") from None
        return cls.parse(text, str(path))

    def slots(self, query: Sequence[str]) -> list[list[Words]]:
        """The query's words as slots of alternatives: a run of words that is a form in the
        table (the longest first) becomes every form of its group; any other word its
        spellings."""
        found: list[list[Words]] = []
        keys = [canonical(w) for w in query]
        at = 0
        while at < len(query):
            match = next(((key, group) for key, group in self._index.get(keys[at], [])
                          if tuple(keys[at:at + len(key)]) == key), None)
            if match is None:
                found.append([(s,) for s in spellings(query[at])])
                at += 1
                continue
            key, group = match
            typed = tuple(query[at:at + len(key)])
            found.append(list(dict.fromkeys(
                spelt for form in (typed, *self.groups[group]) for spelt in _spelt(form))))
            at += len(key)
        return found


def _spelt(form: Words) -> list[Words]:
    """A form in each of its i/y spellings (at most eight)."""
    return list(islice(product(*(spellings(w) for w in form)), 8))


def table_path(data: DataDir) -> Path:
    """Where the deployment's table is: its own in the data dir, or the shipped one."""
    return data.abbreviations if data.abbreviations.is_file() else shipped()


def shipped() -> Path:
    """The table shipped with the server."""
    return Path(__file__).resolve().parent / FILE_NAME
