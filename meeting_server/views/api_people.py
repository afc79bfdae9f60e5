"""Units (departments) and user accounts."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from meeting_server import access, inputs
from meeting_server.errors import Invalid
from meeting_server.models import USER_ROLES
from meeting_server.services import accounts
from meeting_server.store import users
from meeting_server.validate import Fields, json_body, path_id
from meeting_server.views.common import app_context, db, ok, signed_in

MIN_PASSWORD = 8


async def list_units(request: Request) -> Response:
    await signed_in(request)
    async with db(request).read() as conn:
        units = await users.list_units(conn)
    return ok({"units": [u.as_dict() for u in units]})


async def create_unit(request: Request) -> Response:
    access.require_admin(await signed_in(request))
    body = await json_body(request)
    fields = inputs.unit_fields(body)
    body.done()
    unit = await accounts.add_unit(db(request), fields.code, fields.name)
    return ok(unit.as_dict(), 201)


async def update_unit(request: Request) -> Response:
    access.require_admin(await signed_in(request))
    body = await json_body(request)
    changes: dict[str, object] = {}
    if body.has("name"):
        changes["name"] = body.text("name", max_len=200)
    if body.has("active"):
        changes["active"] = body.boolean("active")
    body.done()
    if not changes:
        raise Invalid("Nothing to change.", "empty_change")
    unit = await accounts.update_unit(db(request), path_id(request), changes)
    return ok(unit.as_dict())


async def list_users(request: Request) -> Response:
    access.require_staff(await signed_in(request))
    async with db(request).read() as conn:
        found = await users.list_users(conn)
    return ok({"users": [u.as_dict() for u in found]})


def _password(body: Fields, required: bool) -> str | None:
    password = body.text("password", required=required, max_len=1000)
    if password is not None and len(password) < MIN_PASSWORD:
        raise Invalid("A password needs at least {n} characters.",
                      "weak_password", values={"n": MIN_PASSWORD}, field="password")
    return password  # type: ignore[no-any-return]


async def create_user(request: Request) -> Response:
    access.require_admin(await signed_in(request))
    body = await json_body(request)
    fields = inputs.user_fields(body)
    password = _password(body, required=True)
    body.done()
    user = await accounts.add_user(db(request), fields.username, fields.name, fields.role,
                                   fields.unit, fields.title, password)
    return ok(user.as_dict(), 201)


async def update_user(request: Request) -> Response:
    caller = await signed_in(request)
    access.require_admin(caller)
    user_id = path_id(request)
    body = await json_body(request)
    changes: dict[str, object] = {}
    for name, max_len in (("name", 200), ("title", 200)):
        if body.has(name):
            changes[name] = body.text(name, max_len=max_len, allow_empty=name == "title")
    role = body.choice("role", USER_ROLES) if body.has("role") else None
    if role is not None:
        changes["role"] = role
    if body.has("unit"):
        changes["unit"] = body.text("unit", max_len=32, nullable=True)
    active = body.boolean("active") if body.has("active") else None
    if active is not None:
        changes["active"] = active
    if body.has("password"):
        changes["password"] = _password(body, required=True)
    body.done()
    access.require_not_locked_out(caller, user_id, active, role)
    new_password = "password" in changes
    user = await accounts.update_user(db(request), user_id, changes)
    if not user.active or new_password:  # their sessions are revoked: their sockets close too
        app_context(request).live.user_revoked(user.id)
    elif changes:  # a new role may change what they follow: their next socket checks again
        app_context(request).live.user_changed(user.id)
    return ok(user.as_dict())
