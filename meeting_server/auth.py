"""Credentials: passwords, session tokens, cookies, the Origin check, and who is calling.

What a caller may do once known is decided in ``meeting_server.access``."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets

from starlette.requests import HTTPConnection

from meeting_server.db import Conn
from meeting_server.errors import Forbidden, NotSignedIn
from meeting_server.models import User
from meeting_server.settings import Settings
from meeting_server.store import users

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


async def current_user(conn: HTTPConnection, db_conn: Conn, settings: Settings) -> User | None:
    cred = credential(conn)
    if cred is None:
        return None
    return await users.session_user(db_conn, token_hash(settings, cred[1]))


async def authenticate(conn: HTTPConnection, db_conn: Conn, settings: Settings,
                       method: str = "GET") -> User:
    """The signed-in user, or NotSignedIn; cookie calls that change things need our Origin."""
    cred = credential(conn)
    if cred is None:
        raise NotSignedIn("Sign in first.")
    user = await users.session_user(db_conn, token_hash(settings, cred[1]))
    if user is None:
        raise NotSignedIn("Your session has ended; sign in again.", "session_expired")
    if cred[0] == "cookie" and method not in _SAFE_METHODS and not origin_allowed(conn, settings):
        raise Forbidden("Request from a foreign origin refused.", "bad_origin")
    return user
