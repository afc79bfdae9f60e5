"""Signing in and out, and who am I."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server import auth
from meeting_server.access import require_staff
from meeting_server.models import User
from meeting_server.services import accounts, pairing
from meeting_server.validate import json_body
from meeting_server.views.common import app_context, db, no_content, ok, settings, signed_in


async def sign_in(request: Request) -> Response:
    body = await json_body(request)
    username = body.text("username", max_len=100)
    password = body.text("password", max_len=1000, allow_empty=True)
    body.done()
    token, user, expires = await accounts.sign_in(db(request), settings(request), username,
                                                  password)
    return _signed_in_response(request, token, user, expires)


def _signed_in_response(request: Request, token: str, user: User, expires: str) -> Response:
    cfg = settings(request)
    response = ok({"token": token, "user": user.as_dict(), "expires_at": expires})
    response.set_cookie(auth.COOKIE, token, max_age=cfg.session_days * 86400, httponly=True,
                        samesite="lax", secure=cfg.cookie_secure, path="/")
    return response


async def create_pairing_code(request: Request) -> Response:
    """A one-time code (and QR) that signs a tablet in as the given user."""
    caller = await signed_in(request)
    require_staff(caller)
    body = await json_body(request)
    user_id = body.ident("user_id")
    body.done()
    cfg = settings(request)
    base = cfg.public_url or str(request.base_url).rstrip("/")
    return ok(await pairing.create(db(request), cfg, caller, user_id, base), 201)


async def pair(request: Request) -> Response:
    body = await json_body(request)
    code = body.text("code", max_len=20)
    body.done()
    token, user, expires = await pairing.pair(db(request), settings(request), code)
    return _signed_in_response(request, token, user, expires)


async def sign_out(request: Request) -> Response:
    await signed_in(request)
    cred = auth.credential(request)
    assert cred is not None
    await accounts.sign_out(db(request), settings(request), cred[1])
    app_context(request).live.session_ended(auth.token_hash(settings(request), cred[1]))
    response = no_content()
    response.delete_cookie(auth.COOKIE, path="/")
    return response


async def me(request: Request) -> Response:
    user = await signed_in(request)
    return ok(user.as_dict())
