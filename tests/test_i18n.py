"""Every interface string has a Vietnamese translation (English is the message id)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir

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
    """What Babel extracts from the templates (babel.cfg), plus the strings handed to scripts."""
    found: set[str] = {
        message for _, _, message, _, _ in extract_from_dir(
            str(ROOT / "templates"), method_map=[("**.html", "jinja2")],
            options_map={"**.html": {"extensions": "jinja2.ext.i18n"}})
        if isinstance(message, str)
    }
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert set(m.group(2) for m in CALL.finditer(text)) <= found, path
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


SAME_IN_BOTH = {"SHA-256", "PDF", "Email"}


def test_vietnamese_translations_are_not_left_in_english() -> None:
    catalogue = Translations().catalogues["vi"]
    untranslated = sorted(m for m, t in catalogue.items() if m == t and m not in SAME_IN_BOTH)
    assert untranslated == []
