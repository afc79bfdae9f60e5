"""``meeting-server import`` checks ``agenda.toml`` as the API checks the same fields, answers
with the line and the field, and creates nothing when it refuses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_cli import SMALL_AGENDA, assert_clean_failure, cli, count, files_under, small_agenda

from meeting_server.agenda_import import ImportError_, load_agenda

# (what to replace in SMALL_AGENDA, with what, the field named, on which line of the result)
SPOILED = [
    ('title = "Họp chuẩn bị hội nghị đối thoại với người dân"', f'title = "{"x" * 301}"',
     "meeting.title", "longer than 300"),
    ('starts_at = "2019-07-05T08:00:00+07:00"', 'starts_at = "5/7/2019"', "meeting.starts_at",
     "ISO 8601"),
    ('starts_at = "2019-07-05T08:00:00+07:00"', "starts_at = 2019", "meeting.starts_at",
     "string"),
    ('code = "SNV"', 'code = "Sở Nội vụ"', "units[1].code", "unit code"),
    ('name = "Sở Nội vụ"', 'name = ""', "units[1].name", "empty"),
    ('username = "gd.snv"\nname', 'username = "g"\nname', "users[2].username", "username"),
    ('role = "member"\nunit = "SNV"\n\n[[users]]', 'role = "boss"\nunit = "SNV"\n\n[[users]]',
     "users[1].role", "one of"),
    ('username = "pct.tran"\nrole = "chair"', 'username = "pct.tran"\nrole = "president"',
     "participants[1].role", "one of"),
    ("duration_minutes = 10", 'duration_minutes = "10"', "items[2].duration_minutes",
     "whole number"),
    ("duration_minutes = 20", "duration_minutes = 2000", "items[1].duration_minutes",
     "between"),
    ('presenter = "Chánh Văn phòng"', 'presenter = "Chánh Văn phòng"\ncolour = "red"',
     "items[2].colour", "Unknown field"),
    ('title = "Phụ lục"', f'title = "{"y" * 501}"', "items[1].documents[2].title",
     "500 characters"),
    ('file = "bao-cao.pdf"', "file = 12", "items[2].documents[1].file", "string"),
    ('name = "Trần Văn Minh"', 'name = "Trần\\u0000Văn Minh"', "users[1].name", "NUL"),
]


def spoil(folder: Path, old: str, new: str) -> Path:
    toml = folder / "agenda.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text, old
    toml.write_text(text.replace(old, new, 1), encoding="utf-8")
    return toml


def line_of(toml: Path, text: str) -> int:
    lines = toml.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if text in line)


@pytest.mark.parametrize("old,new,field,says", SPOILED, ids=[s[2] for s in SPOILED])
def test_a_bad_field_is_refused_naming_its_line_and_field(tmp_path: Path, old: str, new: str,
                                                          field: str, says: str) -> None:
    folder = tmp_path / "agenda"
    folder.mkdir()
    (folder / "agenda.toml").write_text(SMALL_AGENDA, encoding="utf-8")
    toml = spoil(folder, old, new)

    with pytest.raises(ImportError_) as refused:
        load_agenda(folder)

    message = str(refused.value)
    changed = next(line for line in new.splitlines() if line not in old.splitlines())
    assert message.startswith(f"{toml}:{line_of(toml, changed)}: {field}: ")
    assert says.lower() in message.lower()


def test_a_missing_meeting_table_is_refused(tmp_path: Path) -> None:
    (tmp_path / "agenda.toml").write_text('[[units]]\ncode = "SNV"\nname = "Sở"\n',
                                          encoding="utf-8")

    with pytest.raises(ImportError_, match=r"meeting: must be a table"):
        load_agenda(tmp_path)


def test_an_unknown_table_is_refused(tmp_path: Path) -> None:
    (tmp_path / "agenda.toml").write_text(SMALL_AGENDA + '\n[[tasks]]\ntitle = "x"\n',
                                          encoding="utf-8")

    with pytest.raises(ImportError_, match=r":\d+: tasks: unknown table"):
        load_agenda(tmp_path)


def test_a_toml_date_is_read_as_the_api_reads_its_text(tmp_path: Path) -> None:
    text = SMALL_AGENDA.replace('starts_at = "2019-07-05T08:00:00+07:00"',
                                "starts_at = 2019-07-05T08:00:00+07:00")
    (tmp_path / "agenda.toml").write_text(text, encoding="utf-8")

    assert load_agenda(tmp_path).data["meeting"]["starts_at"] == "2019-07-05T08:00:00+07:00"


def test_the_command_answers_with_the_line_and_creates_nothing(tmp_path: Path) -> None:
    folder = small_agenda(tmp_path / "agenda")
    spoil(folder, "duration_minutes = 10", "duration_minutes = -5")
    data = tmp_path / "data"

    result = cli(data, "import", str(folder))

    assert_clean_failure(result, "agenda.toml:", "items[2].duration_minutes")
    assert re.search(r"agenda\.toml:\d+: ", result.stderr)
    for table in ("meetings", "units", "users", "documents"):
        assert count(data / "meeting.db", table) == 0, table
    assert files_under(data / "documents") == []
