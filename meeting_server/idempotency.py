"""``Idempotency-Key``: a retried mutating request gets the first response and changes nothing.

The key is scoped to the caller's credential. The first request runs under a per-key lock; its
response (any status below 500) is stored for 24 hours. A retry with the same key and the same
request replays it; the same key with a different request is refused with 422.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import weakref
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from meeting_server.db import Database
from meeting_server.errors import error_body
from meeting_server.store import idempotency

MUTATING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
MAX_STORED_BODY = 1024 * 1024
_KEPT_HEADERS = frozenset({"content-type", "location"})


class IdempotencyMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._locks: weakref.WeakValueDictionary[tuple[str, str], asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in MUTATING:
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        key = headers.get("idempotency-key")
        caller = _caller(headers)
        if key is None or caller is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= 200 or not key.isascii() or not key.isprintable():
            await _send_json(send, 400, error_body(
                "bad_idempotency_key", "Idempotency-Key must be 1-200 printable ASCII characters."
            ))
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
                    "This Idempotency-Key was used for a different request.",
                ))
                return
            await send({"type": "http.response.start", "status": status,
                        "headers": [(k.encode(), v.encode()) for k, v in
                                    [*headers, ("idempotent-replay", "true")]]})
            await send({"type": "http.response.body", "body": body})
            return

        async def hashing_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                digest.update(message.get("body", b""))
            return message

        captured: dict[str, Any] = {"status": 500, "headers": [], "body": []}

        async def capturing_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                captured["status"] = message["status"]
                captured["headers"] = [
                    (k.decode("latin-1"), v.decode("latin-1"))
                    for k, v in message.get("headers", [])
                    if k.decode("latin-1").lower() in _KEPT_HEADERS
                ]
            elif message["type"] == "http.response.body":
                captured["body"].append(message.get("body", b""))
            await send(message)

        await self.app(scope, hashing_receive, capturing_send)
        body = b"".join(captured["body"])
        if captured["status"] < 500 and len(body) <= MAX_STORED_BODY:
            async with db.transaction() as tx:
                await idempotency.save(tx, caller, key, digest.hexdigest(), captured["status"],
                                       captured["headers"], body)


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _caller(headers: dict[str, str]) -> str | None:
    """A stable, secret-free name for the caller's credential."""
    credential = headers.get("authorization", "")
    if not credential:
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == "meeting_session" and value:
                credential = value
    if not credential:
        return None
    return hashlib.sha256(credential.encode()).hexdigest()


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
