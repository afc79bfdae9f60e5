"""Every interface string has a Vietnamese translation (English is the message id)."""

from __future__ import annotations

import ast
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
    USER_ROLES,
)
from meeting_server.pdf import MESSAGES as PDF_MESSAGES

ROOT = Path(__file__).resolve().parents[1]
CALL = re.compile(r"""_\(\s*(["'])(.+?)\1\s*[,)]""")
LIST = re.compile(r"""live_strings\(\s*\[(.*?)\]\s*\)""", re.S)
SET_KEYS = re.compile(r"""\{%\s*set\s+live_keys\s*=\s*\[(.*?)\]\s*%\}""", re.S)
ITEM = re.compile(r"""["']([^"']+)["']""")


#: Message ids that are keys rather than English text: the English catalogue words them.
KEYS: set[str] = {
    *(f"meeting {status}" for status in MEETING_STATUSES),
    *(f"publication {status}" for status in ("draft", "published", "superseded")),
    *PUBLICATION_KINDS, *MEETING_ROLES, *ATTENDANCE_STATUSES, *TASK_STATUSES, *USER_ROLES,
}
VIETNAMESE_LETTERS = re.compile(
    "[ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ]", re.IGNORECASE)


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
    found.update(KEYS)
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
    used = interface_strings() | set(error_messages()) | STARLETTE_MESSAGES
    assert sorted(set(catalogue) - used) == []


#: What the exception handlers say for errors that Starlette raises, or for a crash.
STARLETTE_MESSAGES = {"Not found.", "Method Not Allowed", "Request failed.",
                      "Internal server error."}
ERRORS = {"HTTPError", "BadRequest", "NotSignedIn", "Forbidden", "NotFound", "Conflict",
          "TooLarge", "UnsupportedType", "Invalid", "TooManyRequests"}


def error_messages() -> dict[str, str]:
    """Every message the server's errors are made with (the message id: English, with
    ``{name}`` placeholders), and where: the first argument of each call of an HTTPError class
    in ``meeting_server``, and the PDF errors' messages."""
    found: dict[str, str] = {message: "meeting_server/pdf/__init__.py"
                             for message in PDF_MESSAGES.values()}
    for path in sorted((ROOT / "meeting_server").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            first = node.args[0]
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            if name in ("error_body", "_say") and len(node.args) == 2:
                first = node.args[1]  # error_body(code, message); _say(scope, message)
                name = "HTTPError" if isinstance(first, ast.Constant) else None
            if name in ERRORS and isinstance(first, ast.Constant):
                found[str(first.value)] = where
            elif name in ERRORS and isinstance(first, ast.JoinedStr):
                found[ast.unparse(first)] = where
    return found


def written_in_both(message: str) -> bool:
    """"Vietnamese / English" in one message (as refused deadline phrases are): errors.py
    shows the half in the page's language."""
    return " / " in message and VIETNAMESE_LETTERS.search(message.split(" / ")[0]) is not None


def test_every_error_message_has_a_vietnamese_translation() -> None:
    catalogue = Translations().catalogues["vi"]
    missing = sorted(f"{where}: {message}" for message, where in error_messages().items()
                     if message not in catalogue and not written_in_both(message))
    assert missing == []


def test_error_messages_are_message_ids_with_values_not_f_strings() -> None:
    formatted = sorted(f"{where}: {message}" for message, where in error_messages().items()
                       if message.startswith("f") and message[1:2] in "'\"" and not
                       written_in_both(message))
    assert formatted == []


def test_english_words_every_message_id_that_is_a_key() -> None:
    english = Translations().catalogues["en"]
    assert sorted(KEYS - set(english)) == []
    assert sorted(set(english) - KEYS) == []


SAME_IN_BOTH = {"SHA-256", "PDF", "Email"}


def test_vietnamese_translations_are_not_left_in_english() -> None:
    catalogue = Translations().catalogues["vi"]
    untranslated = sorted(m for m, t in catalogue.items() if m == t and m not in SAME_IN_BOTH)
    assert untranslated == []


def test_the_interface_addresses_the_user_as_dong_chi_never_ban() -> None:
    """City officials call each other "đồng chí": a catalogue mixing it with "bạn" reads as two
    products (the tablet said "Bạn đã biểu quyết" beside "Ý kiến của đồng chí")."""
    catalogue = Translations().catalogues["vi"]
    ban = re.compile(r"(?<!\w)bạn(?!\w)", re.IGNORECASE)
    assert sorted(m for m, t in catalogue.items() if ban.search(t)) == []
    assert catalogue["You have voted."] == "Đồng chí đã biểu quyết."
    assert catalogue["Only you see these notes."] == "Chỉ đồng chí xem được các ghi chú này."
