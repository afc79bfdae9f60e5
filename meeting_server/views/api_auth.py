"""Signing in and out, and who am I."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server import auth
from meeting_server.access import require_staff
from meeting_server.services import accounts, pairing
from meeting_server.services.accounts import SignedIn
from meeting_server.validate import json_body
from meeting_server.views.common import (
    app_context,
    audit,
    client_address,
    db,
    no_content,
    ok,
    settings,
    signed_in,
)


async def sign_in(request: Request) -> Response:
    """Password (and, for a user who has one, the second factor: ``otp``)."""
    auth.require_same_origin(request, settings(request))
    body = await json_body(request)
    username = body.text("username", max_len=100)
    password = body.text("password", max_len=1000, allow_empty=True)
    otp = body.text("otp", required=False, max_len=40, nullable=True)
    body.done()
    context = app_context(request)
    session = await accounts.sign_in(context.db, context.settings, context.limiter,
                                     client_address(request), username, password, otp)
    return _signed_in_response(request, session)


def _signed_in_response(request: Request, session: SignedIn) -> Response:
    cfg = settings(request)
    audit(request, session.user, "sign_in", "user", session.user.id, None, session.method)
    response = ok({"token": session.token, "user": session.user.as_dict(),
                   "expires_at": session.expires_at})
    response.set_cookie(auth.COOKIE, session.token, max_age=cfg.session_days * 86400,
                        httponly=True, samesite="lax", secure=cfg.cookie_secure, path="/")
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
    auth.require_same_origin(request, settings(request))
    body = await json_body(request)
    code = body.text("code", max_len=20)
    body.done()
    context = app_context(request)
    session = await pairing.pair(context.db, context.settings, context.limiter,
                                 client_address(request), code)
    return _signed_in_response(request, session)


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
