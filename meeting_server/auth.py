"""Credentials: passwords, session tokens, cookies, the Origin check, and who is calling.

What a caller may do once known is decided in ``meeting_server.access``: among it, whether a
session that has been idle too long still counts, and whether one opened without a second
factor may do more than set one up. Secrets the server must read back (TOTP secrets) are
sealed with the server's key (:func:`seal`); the rest are stored as keyed hashes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Protocol

from starlette.requests import HTTPConnection

from meeting_server import access
from meeting_server.db import Conn
from meeting_server.errors import Forbidden, HTTPError, NotSignedIn
from meeting_server.models import User
from meeting_server.settings import Settings
from meeting_server.store import users
from meeting_server.timeutil import utc_now

COOKIE = "meeting_session"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, dklen=32,
                          maxmem=256 * 1024 * 1024)


def hash_password_sync(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, **_SCRYPT)
    n, r, p = _SCRYPT["n"], _SCRYPT["r"], _SCRYPT["p"]
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(digest)}"


def verify_password_sync(password: str, stored: str | None) -> bool:
    if not stored:
        _scrypt(password, b"0" * 16, **_SCRYPT)  # same cost, so timing tells nothing
        return False
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        actual = _scrypt(password, _unb64(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(actual, _unb64(digest))


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hash_password_sync, password)


async def verify_password(password: str, stored: str | None) -> bool:
    return await asyncio.to_thread(verify_password_sync, password, stored)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(settings: Settings, token: str) -> str:
    """Tokens are stored as a keyed hash: a copy of the database signs nobody in."""
    return hmac.new(settings.secret_key.encode(), token.encode(), hashlib.sha256).hexdigest()


def seal(settings: Settings, plaintext: str) -> str:
    """``plaintext`` encrypted and authenticated with the server's key (HMAC-SHA256 as the
    keystream and the tag, a random nonce each time); :func:`unseal` reads it back."""
    nonce = secrets.token_bytes(16)
    data = plaintext.encode()
    sealed = bytes(a ^ b for a, b in zip(data, _keystream(settings, nonce, len(data)),
                                         strict=True))
    return f"v1${_b64(nonce)}${_b64(sealed)}${_b64(_tag(settings, nonce, sealed))}"


def unseal(settings: Settings, text: str) -> str | None:
    """What :func:`seal` sealed; None if it was sealed with another key or changed."""
    try:
        kind, nonce_text, sealed_text, tag_text = text.split("$")
        nonce, sealed, tag = _unb64(nonce_text), _unb64(sealed_text), _unb64(tag_text)
    except ValueError:
        return None
    if kind != "v1" or not hmac.compare_digest(tag, _tag(settings, nonce, sealed)):
        return None
    data = bytes(a ^ b for a, b in zip(sealed, _keystream(settings, nonce, len(sealed)),
                                       strict=True))
    return data.decode()


def _keystream(settings: Settings, nonce: bytes, length: int) -> bytes:
    key = settings.secret_key.encode()
    blocks = [hmac.new(key, b"seal-stream\0" + nonce + i.to_bytes(4, "big"), hashlib.sha256)
              .digest() for i in range((length + 31) // 32)]
    return b"".join(blocks)[:length]


def _tag(settings: Settings, nonce: bytes, sealed: bytes) -> bytes:
    key = settings.secret_key.encode()
    return hmac.new(key, b"seal-tag\0" + nonce + sealed, hashlib.sha256).digest()


def credential(conn: HTTPConnection) -> tuple[str, str] | None:
    """The caller's token and how it came: ("bearer" | "cookie", token)."""
    header = conn.headers.get("authorization", "")
    if header:
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return "bearer", value.strip()
        return None
    cookie = conn.cookies.get(COOKIE)
    return ("cookie", cookie) if cookie else None


def origin_allowed(conn: HTTPConnection, settings: Settings) -> bool:
    """With a cookie, a cross-site page must not act for the user."""
    origin = conn.headers.get("origin")
    if origin is None:
        return conn.headers.get("sec-fetch-site", "same-origin") in ("same-origin", "none")
    origin = origin.rstrip("/")
    own = f"{conn.url.scheme}://{conn.headers.get('host', '')}"
    if conn.url.scheme in ("ws", "wss"):
        own = f"{'https' if conn.url.scheme == 'wss' else 'http'}://{conn.headers.get('host', '')}"
    return origin in (own, settings.public_url) or origin in settings.allowed_origins


def require_same_origin(conn: HTTPConnection, settings: Settings) -> None:
    """Signing in sets the cookie: a foreign page must not sign the browser in (login CSRF)."""
    if not origin_allowed(conn, settings):
        raise Forbidden("Request from a foreign origin refused.", "bad_origin")


class Activity(Protocol):
    """When each session was last used, kept in memory and written in batches."""

    def last_seen(self, token_hash: str) -> datetime | None: ...

    def seen(self, token_hash: str, at: datetime) -> None: ...


def check_session(user: User, expires_at: datetime, last_active: datetime, now: datetime,
                  settings: Settings) -> None:
    """NotSignedIn unless a session still counts at ``now``: until it expires and, for those
    whose sessions idle out (staff), while its last use is within ``staff_idle_minutes``.
    Asked by :func:`authenticate` and by the socket handshake of a session it remembers."""
    if expires_at <= now:
        raise NotSignedIn("Your session has ended; sign in again.", "session_expired")
    if (access.idles_out(user)
            and now - last_active > timedelta(minutes=settings.staff_idle_minutes)):
        raise NotSignedIn("Your session ended after a time without activity; sign in again.",
                          "session_expired")


async def current_session(conn: HTTPConnection, db_conn: Conn, settings: Settings
                          ) -> users.SessionRecord | None:
    """The caller's session if it counts (see :func:`authenticate`), else None."""
    try:
        return await session(conn, db_conn, settings)
    except HTTPError:
        return None


async def current_user(conn: HTTPConnection, db_conn: Conn, settings: Settings,
                       activity: Activity | None = None) -> User | None:
    """The caller if their session counts (see :func:`authenticate`), else None."""
    try:
        return await authenticate(conn, db_conn, settings, "GET", activity)
    except HTTPError:
        return None


async def authenticate(conn: HTTPConnection, db_conn: Conn, settings: Settings,
                       method: str = "GET", activity: Activity | None = None) -> User:
    """The signed-in user (the user of :func:`session`)."""
    return (await session(conn, db_conn, settings, method, activity)).user


async def session(conn: HTTPConnection, db_conn: Conn, settings: Settings,
                  method: str = "GET", activity: Activity | None = None
                  ) -> users.SessionRecord:
    """The caller's session, or NotSignedIn; cookie calls that change things need our Origin.

    A staff session idle for longer than ``staff_idle_minutes`` has ended; a session that
    lacks the second factor the policy requires of the user may only set one up.
    """
    cred = credential(conn)
    if cred is None:
        raise NotSignedIn("Sign in first.")
    digest = token_hash(settings, cred[1])
    found = await users.session_record(db_conn, digest)
    if found is None:
        raise NotSignedIn("Your session has ended; sign in again.", "session_expired")
    now = utc_now()
    last = found.last_active
    seen = activity.last_seen(digest) if activity is not None else None
    if seen is not None and seen > last:
        last = seen
    check_session(found.user, found.expires_at, last, now, settings)
    if (access.lacks_second_factor(found.user, found.second_factor, found.required_roles)
            and not access.allowed_before_second_factor(conn.url.path)):
        raise Forbidden("Set up two-factor sign-in before going on.",
                        "second_factor_setup_required")
    if cred[0] == "cookie" and method not in _SAFE_METHODS and not origin_allowed(conn, settings):
        raise Forbidden("Request from a foreign origin refused.", "bad_origin")
    if activity is not None:
        activity.seen(digest, now)
    return found
