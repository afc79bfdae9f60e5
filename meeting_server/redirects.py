"""Where a page may send the browser after signing in: a path on this site, never elsewhere.

``/login?next=`` comes from a link anyone can make. Browsers read URLs more loosely than
Python: they drop tabs and newlines anywhere, and read ``\\`` as ``/``, so ``/\\evil.example``
and ``/\\t/evil.example`` are ``//evil.example``, another site. :func:`same_origin_path`
percent-encodes everything but the plain characters of a path and query (so a backslash, a tab
or a space can only be part of this site's path), and then refuses anything that does not
start with one ``/``.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

#: Characters kept as they are: RFC 3986 path and query characters, and ``%`` (already
#: encoded text stays encoded; the browser does not decode ``%2F`` or ``%5C`` into a slash).
_KEPT = "/?#[]@!$&'()*+,;=-._~%:"
MAX_LENGTH = 2000


def same_origin_path(raw: str | None, default: str = "/") -> str:
    """``raw`` if it is a path on this site (made safe to hand to the browser), else
    ``default``."""
    if not raw or len(raw) > MAX_LENGTH or not raw.startswith("/"):
        return default
    path = quote(raw, safe=_KEPT)
    if path.startswith("//"):
        return default
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return default
    return path
