"""Write the generated tables of the docs from the code: ``python docs/generate.py [--check]``.

A generated table sits between ``<!-- generated: NAME -->`` and ``<!-- end generated -->``;
NAME is one of :data:`TABLES`. ``--check`` changes nothing and exits 1 if a file is out of date
(``tests/test_settings_docs.py`` runs the same check).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from pathlib import Path

from meeting_server import datadir, settings

DOCS = Path(__file__).resolve().parent
TABLES: dict[str, Callable[[], str]] = {
    "settings": settings.markdown_table,
    "data-dir": datadir.markdown_table,
}
FILES = [DOCS / "configuration.md"]
_REGION = re.compile(r"(<!-- generated: ([a-z-]+) -->\n)(?:.*?\n)??(<!-- end generated -->)", re.S)


def generate(text: str) -> str:
    """``text`` with every generated region made again."""
    def table(match: re.Match[str]) -> str:
        return f"{match[1]}{TABLES[match[2]]()}\n{match[3]}"

    return _REGION.sub(table, text)


def main(argv: list[str]) -> int:
    stale = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        fresh = generate(text)
        if fresh != text:
            stale.append(path)
            if "--check" not in argv:
                path.write_text(fresh, encoding="utf-8")
    if stale and "--check" in argv:
        print("out of date (run python docs/generate.py):",
              " ".join(str(p) for p in stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
