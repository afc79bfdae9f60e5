"""Every interface string has a Vietnamese translation (English is the message id)."""

from __future__ import annotations

import re
from pathlib import Path

from meeting_server.i18n import Translations
from meeting_server.models import (
    ATTENDANCE_STATUSES,
    MEETING_ROLES,
    MEETING_STATUSES,
    PUBLICATION_KINDS,
    TASK_STATUSES,
)

ROOT = Path(__file__).resolve().parents[1]
CALL = re.compile(r"""_\(\s*(["'])(.+?)\1\s*[,)]""")
LIST = re.compile(r"""live_strings\(\s*\[(.*?)\]\s*\)""", re.S)
SET_KEYS = re.compile(r"""\{%\s*set\s+live_keys\s*=\s*\[(.*?)\]\s*%\}""", re.S)
ITEM = re.compile(r"""["']([^"']+)["']""")


def interface_strings() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found.update(m.group(2) for m in CALL.finditer(text))
        for block in [*LIST.findall(text), *SET_KEYS.findall(text)]:
            found.update(ITEM.findall(block))
    found.update(f"meeting {status}" for status in MEETING_STATUSES)
    found.update(f"publication {status}" for status in ("draft", "published", "superseded"))
    found.update(PUBLICATION_KINDS)
    found.update(MEETING_ROLES + ATTENDANCE_STATUSES + TASK_STATUSES)
    return found


def test_every_interface_string_has_a_vietnamese_translation() -> None:
    catalogue = Translations().catalogues["vi"]
    missing = sorted(s for s in interface_strings() if s not in catalogue)
    assert missing == []


def test_translations_keep_their_placeholders() -> None:
    catalogue = Translations().catalogues["vi"]
    for message, translated in catalogue.items():
        assert set(re.findall(r"{\w+}", message)) == set(re.findall(r"{\w+}", translated)), message


def test_no_stale_translations() -> None:
    catalogue = Translations().catalogues["vi"]
    used = interface_strings()
    errors = {"Not found.", "Meeting not found.", "Document not found.", "Sign in first."}
    assert sorted(set(catalogue) - used - errors) == []
