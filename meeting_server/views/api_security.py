"""Two-factor sign-in: the user's own (``/api/me/totp``), the policy, an administrator's reset,
and the page ``GET /security`` that sets it up."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server import auth
from meeting_server.errors import Invalid
from meeting_server.services import second_factor
from meeting_server.validate import json_body, path_id
from meeting_server.views.common import db, no_content, ok, pages, settings, signed_in


def _token_hash(request: Request) -> str:
    cred = auth.credential(request)
    assert cred is not None  # signed in
    return auth.token_hash(settings(request), cred[1])


async def totp_status(request: Request) -> Response:
    """``{enabled, pending, recovery_codes_left, required, required_roles}``."""
    user = await signed_in(request)
    return ok(await second_factor.status(db(request), user))


async def totp_start(request: Request) -> Response:
    """201 ``{secret, uri, qr_svg}``: a new secret to add to an authenticator app."""
    user = await signed_in(request)
    return ok(await second_factor.start(db(request), settings(request), user), 201)


async def totp_confirm(request: Request) -> Response:
    """``{code}`` from the app: two-factor sign-in is on; ``{recovery_codes}``, shown once."""
    user = await signed_in(request)
    body = await json_body(request)
    code = body.text("code", max_len=40)
    body.done()
    codes = await second_factor.confirm(db(request), settings(request), user,
                                        _token_hash(request), code)
    return ok({"enabled": True, "recovery_codes": codes})


async def totp_disable(request: Request) -> Response:
    """``{code}``: a current code or a recovery code; refused while the policy requires it."""
    user = await signed_in(request)
    body = await json_body(request)
    code = body.text("code", max_len=40)
    body.done()
    await second_factor.turn_off(db(request), settings(request), user, code)
    return no_content()


async def reset_user_totp(request: Request) -> Response:
    """An administrator removes a user's second factor."""
    user = await signed_in(request)
    await second_factor.reset(db(request), user, path_id(request))
    return no_content()


async def get_policy(request: Request) -> Response:
    user = await signed_in(request)
    found = await second_factor.status(db(request), user)
    return ok({"second_factor_roles": found["required_roles"]})


async def set_policy(request: Request) -> Response:
    """``{second_factor_roles: ["admin", "secretary"]}``: administrators only."""
    user = await signed_in(request)
    body = await json_body(request)
    roles = body.data.get("second_factor_roles")
    body.seen.add("second_factor_roles")
    body.done()
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise Invalid("The field 'second_factor_roles' must be a list of roles.",
                      "invalid_field", field="second_factor_roles")
    return ok(await second_factor.set_policy(db(request), user, roles))


async def security_page(request: Request) -> Response:
    user = await signed_in(request)
    found = await second_factor.status(db(request), user)
    return pages(request).render(request, "security.html", {"user": user, "status": found})
