"""What WeasyPrint may read while it renders a publication: the project's own files, nothing
else.

A publication's HTML holds text users typed (escaped, but a template change or a bug could
let a ``<img src>`` or a CSS ``url()`` through). WeasyPrint's default fetcher would follow any
URL: the server's loopback services, the cloud's metadata address, ``file:///etc/…``. This
one reads only ``file:`` URLs inside the given folders (the templates and the fonts) and
refuses everything else, which WeasyPrint then leaves out of the page with a logged warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

#: Where fonts live on Debian and most distributions, for a template's @font-face.
FONT_FOLDERS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))


def allowed_path(url: str, roots: Sequence[Path]) -> Path | None:
    """The file ``url`` names if it is a ``file:`` URL of a file inside one of ``roots``."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    try:
        path = Path(unquote(parts.path)).resolve()
    except (OSError, ValueError):
        return None
    inside = any(path.is_relative_to(root.resolve()) for root in roots)
    return path if inside and path.is_file() else None


def local_url_fetcher(templates: Path, extra: Sequence[Path] = FONT_FOLDERS) -> Any:
    """A WeasyPrint URL fetcher limited to ``templates`` and the font folders."""
    import weasyprint.urls

    roots = (templates, *extra)

    class LocalFetcher(weasyprint.urls.URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if allowed_path(url, roots) is None:
                raise ValueError(f"not fetched (only the templates and fonts are): {url[:200]}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=("file",), allow_redirects=False)
