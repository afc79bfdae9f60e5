"""The serif of publications: Times New Roman, as the decree asks, when it is installed.

Otherwise a serif with the same metrics (Liberation Serif, or Tinos), so that lines and pages
break where they would in Times New Roman. WeasyPrint finds fonts through fontconfig and embeds
the glyphs it uses; the signature's appearance (pyHanko) embeds the same font's file.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

logger = logging.getLogger(__name__)

DECREE_FONT = "Times New Roman"
#: The CSS font stack of publications, in order of preference.
FAMILIES = (DECREE_FONT, "Liberation Serif", "Tinos")
#: Where Debian and most distributions put these fonts, when fontconfig's tools are missing.
_KNOWN_FILES = {
    DECREE_FONT: ("times.ttf", "Times_New_Roman.ttf", "TimesNewRoman.ttf"),
    "Liberation Serif": ("LiberationSerif-Regular.ttf",),
    "Tinos": ("Tinos-Regular.ttf",),
}


@dataclass(frozen=True)
class SerifFont:
    family: str
    #: The regular face's file, for the signature's appearance; None when no serif was found.
    path: Path | None

    @property
    def is_decree_font(self) -> bool:
        return self.family == DECREE_FONT


def _fc_match(family: str) -> tuple[str, Path] | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "--format=%{family[0]}\n%{file}", f"{family}:style=Regular"],
            capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found, _, path = out.partition("\n")
    return (found, Path(path)) if path else None


def _known_file(family: str) -> Path | None:
    for folder in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
                   Path.home() / ".fonts", Path.home() / ".local/share/fonts"):
        for name in _KNOWN_FILES[family]:
            for found in sorted(folder.rglob(name)) if folder.is_dir() else []:
                return found
    return None


@cache
def serif_font() -> SerifFont:
    """The first family of :data:`FAMILIES` that is installed; logged once per process."""
    for family in FAMILIES:
        matched = _fc_match(family)
        if matched is not None:
            found, path = matched
            if found.casefold() == family.casefold() and path.is_file():
                return _chosen(SerifFont(family, path))
        elif (known := _known_file(family)) is not None:
            return _chosen(SerifFont(family, known))
    logger.warning("publications: none of %s is installed; PDFs use the system's default "
                   "serif and may not break lines like Times New Roman (install "
                   "fonts-liberation2)", ", ".join(FAMILIES))
    return SerifFont("serif", None)


def _chosen(font: SerifFont) -> SerifFont:
    if font.is_decree_font:
        logger.info("publications: font %s (%s)", font.family, font.path)
    else:
        logger.info("publications: font %s (%s), metric-compatible with %s, which is not "
                    "installed", font.family, font.path, DECREE_FONT)
    return font
