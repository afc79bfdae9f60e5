"""docs/tasks.md lists every form understood and every refusal with its message: checked here
against the code, row by row."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from meeting_server.deadlines import REASONS, DeadlineError, parse_deadline

DOC = (Path(__file__).resolve().parents[1] / "docs" / "tasks.md").read_text(encoding="utf-8")
MEETING = date(2019, 7, 5)
PHRASES = {"(blank)": "   ", "x × 501": "x" * 501}


def rows(name: str) -> list[list[str]]:
    found = re.search(rf"<!-- {name} -->\n(.*?)<!-- end {name} -->", DOC, re.S)
    assert found is not None, name
    lines = found.group(1).strip().splitlines()[2:]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines
            if not line.startswith("| **")]


FORMS = rows("deadline forms")
REFUSALS = rows("deadline refusals")


def gives(phrase: str) -> tuple[str, str]:
    found = parse_deadline(phrase, MEETING)
    if found.kind == "ongoing":
        shown = "ongoing"
    elif found.schedule is not None:
        shown = f"schedule `{found.schedule.rule}`, first {found.due_date:%d/%m/%Y}"
    else:
        assert found.due_date is not None
        shown = f"{found.due_date:%d/%m/%Y}" + (f" {found.due_time:%H:%M}"
                                                 if found.due_time else "")
    return shown, found.wording


@pytest.mark.parametrize("row", FORMS, ids=[row[0] for row in FORMS])
def test_an_understood_form_gives_what_the_docs_say(row: list[str]) -> None:
    phrase, shown, wording = row
    assert gives(phrase) == (shown, wording)


@pytest.mark.parametrize("row", REFUSALS, ids=[row[0] for row in REFUSALS])
def test_a_refusal_says_what_the_docs_say(row: list[str]) -> None:
    reason, phrase, message = row
    with pytest.raises(DeadlineError) as caught:
        parse_deadline(PHRASES.get(phrase, phrase), MEETING)
    assert (f"`{caught.value.reason}`", caught.value.vietnamese) == (reason, message)


def test_the_docs_list_every_reason_for_a_refusal() -> None:
    listed = {row[0].strip("`") for row in REFUSALS}
    assert listed == set(REASONS) - {"meeting_range"}


def test_the_docs_list_forms_of_every_kind() -> None:
    shown = [row[1] for row in FORMS]
    assert any(s == "ongoing" for s in shown) and any(s.startswith("schedule") for s in shown)
    assert any(re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", s) for s in shown)
