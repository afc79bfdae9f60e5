"""Signing in and out, and who am I."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server import auth
from meeting_server.services import accounts
from meeting_server.validate import json_body
from meeting_server.views.common import db, no_content, ok, settings, signed_in


async def sign_in(request: Request) -> Response:
    body = await json_body(request)
    username = body.text("username", max_len=100)
    password = body.text("password", max_len=1000, allow_empty=True)
    body.done()
    cfg = settings(request)
    token, user, expires = await accounts.sign_in(db(request), cfg, username, password)
    response = ok({"token": token, "user": user.as_dict(), "expires_at": expires})
    response.set_cookie(auth.COOKIE, token, max_age=cfg.session_days * 86400, httponly=True,
                        samesite="lax", secure=cfg.cookie_secure, path="/")
    return response


async def sign_out(request: Request) -> Response:
    await signed_in(request)
    cred = auth.credential(request)
    assert cred is not None
    await accounts.sign_out(db(request), settings(request), cred[1])
    request.app.state.live.session_ended(auth.token_hash(settings(request), cred[1]))
    response = no_content()
    response.delete_cookie(auth.COOKIE, path="/")
    return response


async def me(request: Request) -> Response:
    user = await signed_in(request)
    return ok(user.as_dict())
