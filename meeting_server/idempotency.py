"""``Idempotency-Key``: a retried mutating request gets the first response and changes nothing.

The key is scoped to the caller's credential. The first request runs under a per-key lock and in
the database's request scope: the change it makes is held open until its response is known, and
the response (any status below 500) is written **in the same transaction** as the change, then
committed, then sent. A crash before the commit loses both; after it, a retry finds the stored
answer. A retry with the same key and the same request replays it for 24 hours; the same key with
a different request is refused with 422. A response of 500 or more rolls the change back.

Nothing secret is stored: the routes whose answers carry credentials (:data:`NOT_RECORDED`:
signing in, pairing, pairing codes, TOTP enrolment) run without the key, an answer is stored
only for a request signed in with a valid session, the caller is named by the keyed hash of
its token, and the housekeeping task sweeps answers older than 24 hours.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
import weakref
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from meeting_server import auth
from meeting_server.db import Database, Transaction
from meeting_server.errors import error_body
from meeting_server.settings import Settings
from meeting_server.store import idempotency

logger = logging.getLogger(__name__)

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_STORED_BODY = 1024 * 1024
_KEPT_HEADERS = frozenset({"content-type", "location"})
#: Paths whose answers hold a token, a pairing code, a TOTP secret or recovery codes.
NOT_RECORDED = frozenset({"/api/session", "/api/session/pair", "/api/pairing-codes",
                          "/api/me/totp", "/api/me/totp/confirm"})
#: Ballots: the stored hash of the body (a handful of possible choices) would tie the caller
#: to the choice of a secret vote. A ballot cannot be cast twice anyway (409 already_voted).
NOT_RECORDED_PATTERN = re.compile(r"/api/votes/[0-9]+/ballots")


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in MUTATING
                or scope["path"] in NOT_RECORDED
                or NOT_RECORDED_PATTERN.fullmatch(scope["path"])):
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        key = headers.get("idempotency-key")
        caller = _caller(headers, scope["app"].context.settings)
        if key is None or caller is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= 200 or not key.isascii() or not key.isprintable():
            await _send_json(send, 400, error_body("bad_idempotency_key", _say(
                scope, "Idempotency-Key must be 1-200 printable ASCII characters.")))
            return
        db: Database = scope["app"].context.db
        lock = self._locks.setdefault((caller, key), asyncio.Lock())
        async with lock:
            await self._once(db, caller, key, scope, receive, send)

    async def _once(self, db: Database, caller: str, key: str, scope: Scope, receive: Receive,
                    send: Send) -> None:
        digest = hashlib.sha256(
            f"{scope['method']} {scope['path']}?{scope.get('query_string', b'').decode()}\n"
            .encode()
        )
        async with db.read() as conn:
            stored = await idempotency.find(conn, caller, key)
        if stored is not None:
            while True:
                message = await receive()
                digest.update(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            request_hash, status, headers, body = stored
            if request_hash != digest.hexdigest():
                await _send_json(send, 422, error_body(
                    "idempotency_key_reused",
                    _say(scope, "This Idempotency-Key was used for a different request."),
                ))
                return
            await send({"type": "http.response.start", "status": status,
                        "headers": [(k.encode(), v.encode()) for k, v in
                                    [*headers, ("idempotent-replay", "true")]]})
            await send({"type": "http.response.body", "body": body})
            return

        received_all = False

        async def hashing_receive() -> Message:
            nonlocal received_all
            message = await receive()
            if message["type"] == "http.request":
                digest.update(message.get("body", b""))
                received_all = not message.get("more_body", False)
            else:
                received_all = True  # disconnected
            return message

        captured: list[Message] = []

        async def capturing_send(message: Message) -> None:
            captured.append(message)

        async with db.request_scope() as held:
            await self.app(scope, hashing_receive, capturing_send)
            start = next((m for m in captured if m["type"] == "http.response.start"), None)
            status = int(start["status"]) if start is not None else 500
            body = b"".join(m.get("body", b"") for m in captured
                            if m["type"] == "http.response.body")
            # Only a request that signed in with a valid session is answered again (and stored).
            signed_in = scope.get("state", {}).get("user") is not None
            if status < 500 and not signed_in:
                if held.tx is None:  # nothing written: no transaction to open
                    await self._reply(send, captured)
                    return
                try:
                    await held.commit(_nothing)
                except Exception:
                    logger.exception("commit failed for %s %s", scope["method"], scope["path"])
                    await _send_json(send, 500, error_body(
                        "server_error", _say(scope, "The change could not be saved; try again.")))
                    return
            elif status < 500:
                headers = [(k.decode("latin-1"), v.decode("latin-1"))
                           for k, v in (start or {}).get("headers", [])
                           if k.decode("latin-1").lower() in _KEPT_HEADERS]
                while not received_all:  # the view did not read the whole body: hash it all
                    await hashing_receive()

                async def record(tx: Transaction) -> None:
                    if len(body) <= MAX_STORED_BODY:
                        await idempotency.save(tx, caller, key, digest.hexdigest(), status,
                                               headers, body)

                try:
                    await held.commit(record)
                except Exception:
                    logger.exception("commit failed for %s %s", scope["method"], scope["path"])
                    await _send_json(send, 500, error_body(
                        "server_error", _say(scope, "The change could not be saved; try again.")))
                    return
        await self._reply(send, captured)

    async def _reply(self, send: Send, messages: list[Message]) -> None:
        """Send the response, once its change (if any) is committed."""
        for message in messages:
            await send(message)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _nothing(tx: Transaction) -> None:
    return None


def _caller(headers: dict[str, str], settings: Settings) -> str | None:
    """A stable, secret-free name for the caller's credential: the keyed hash of its token."""
    credential = ""
    scheme, _, value = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer":
        credential = value.strip()
    elif not scheme:
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == auth.COOKIE and value:
                credential = value
    if not credential:
        return None
    return auth.token_hash(settings, credential)


def _say(scope: Scope, message: str) -> str:
    """``message`` in the caller's language, as every error message of the API is."""
    pages = scope["app"].context.pages
    return str(pages.translations.gettext(pages.api_language(Request(scope)))(message))


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
