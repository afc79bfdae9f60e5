"""Security headers on every response: what the browser may load, frame, sniff and tell.

Pages get a ``Content-Security-Policy`` that allows scripts only from the server's own files
(no inline script: data for scripts comes in ``data-`` attributes or
``<script type="application/json">`` blocks, which are not run), forbids framing
(``frame-ancestors 'none'``), plugins and ``<base>``, and lets pages connect only to their own
origin (its WebSocket too). Inline ``style`` attributes stay allowed (page sizes, the
publications' layout): they cannot run code. Every response says ``nosniff``, a
``Referrer-Policy`` that keeps addresses (which carry pairing codes and search words) inside the
site, and ``X-Frame-Options`` for browsers older than ``frame-ancestors``. A response that sets
its own policy (a publication's HTML: ``script-src 'none'``) keeps it, with
``frame-ancestors 'none'`` added.
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
          "img-src 'self' data: blob:; font-src 'self'; object-src 'none'; base-uri 'none'; "
          "form-action 'self'; frame-ancestors 'none'")
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
_HOST = re.compile(r"[A-Za-z0-9.\-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")


def content_security_policy(host: str | None) -> str:
    """The pages' policy; ``connect-src`` names the page's own WebSocket origin, which older
    Safari does not count as ``'self'``."""
    connect = "connect-src 'self'"
    if host and _HOST.fullmatch(host):
        connect += f" ws://{host} wss://{host}"
    return f"{POLICY}; {connect}"


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    headers.setdefault(name, value)
                own = headers.get("content-security-policy")
                if own is not None and "frame-ancestors" not in own:
                    headers["Content-Security-Policy"] = f"{own}; frame-ancestors 'none'"
                elif own is None and headers.get("content-type", "").startswith("text/html"):
                    host = Headers(scope=scope).get("host")
                    headers["Content-Security-Policy"] = content_security_policy(host)
            await send(message)

        await self.app(scope, receive, with_headers)
