"""Interface translations: English message ids, Vietnamese first.

Catalogues are gettext ``.po`` files under ``translations/<lang>/LC_MESSAGES/messages.po``, read
with Babel at start-up. ``vi`` is the default language; ``en`` shows the message ids, except the
few ids that are keys rather than English text (``in_progress``, ``meeting scheduled``,
``publication draft``, ``chair``…), which the ``en`` catalogue words for people.
Error messages (``meeting_server.errors``) are message ids too.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

from babel.messages.pofile import read_po

LANGUAGES = ("vi", "en")
DEFAULT = "vi"

Translate = Callable[..., str]


def load_catalogues() -> dict[str, dict[str, str]]:
    catalogues: dict[str, dict[str, str]] = {"en": {}}
    root = resources.files("meeting_server.translations")
    for lang in LANGUAGES:
        entry = root / lang / "LC_MESSAGES" / "messages.po"
        if not entry.is_file():
            continue
        with entry.open("rb") as f:
            catalogue = read_po(f, locale=lang)
        catalogues[lang] = {
            str(m.id): str(m.string) for m in catalogue if m.id and m.string and not m.fuzzy
        }
    return catalogues


#: Thousands separators: Vietnamese writes 10.000, English 10,000.
SEPARATORS = {"vi": ".", "en": ","}


def grouped(value: int, lang: str) -> str:
    """A whole number with the language's thousands separator: ``10000`` → ``10.000`` (vi)."""
    return f"{value:,}".replace(",", SEPARATORS.get(lang, ","))


def is_quantity(name: str) -> bool:
    """Whether a message's placeholder holds an amount (a limit, a count) to be grouped, not an
    identifier or a document's number, which are written as they are."""
    return not (name in ("id", "number", "year", "code") or name.endswith("_id"))


class Translations:
    def __init__(self) -> None:
        self.catalogues = load_catalogues()

    def pick(self, query_lang: str | None, cookie_lang: str | None,
             accept_language: str | None, default: str = DEFAULT) -> str:
        """?lang= wins, then the lang cookie, then the browser's first known language."""
        for candidate in (query_lang, cookie_lang):
            if candidate in LANGUAGES:
                return candidate
        for part in (accept_language or "").split(","):
            code = part.split(";")[0].strip().lower()[:2]
            if code in LANGUAGES:
                return code
        return default

    def gettext(self, lang: str) -> Translate:
        catalogue = self.catalogues.get(lang, {})

        def translate(message: str, **values: object) -> str:
            text = catalogue.get(message, message)
            return text.format(**values) if values else text

        return translate
