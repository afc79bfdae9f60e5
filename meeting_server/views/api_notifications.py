"""The caller's notifications (in-app), marking them read, and where they are emailed."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from meeting_server import access
from meeting_server.db import Conn
from meeting_server.errors import Invalid, NotFound
from meeting_server.mailer import valid_address
from meeting_server.models import User
from meeting_server.queries import consultations as consultation_queries
from meeting_server.services.notifications import wording
from meeting_server.store import notifications as store
from meeting_server.store import users
from meeting_server.validate import json_body, path_id
from meeting_server.views.common import ask, clock, db, no_content, ok, pages, signed_in


async def inbox(conn: Conn, user: User, lang: str = "en") -> dict[str, Any]:
    """``{notifications: [...], unread}``: the caller's newest notifications, worded in
    ``lang``. Two statements."""
    found = await store.for_user(conn, user.id)
    shown = []
    for n in found:
        subject, text = wording(n.kind, n.data, lang)
        shown.append({"id": n.id, "kind": n.kind, "subject": subject, "text": text,
                      "link": n.link, "created_at": n.created_at, "read": n.read_at is not None,
                      "emailed": n.email_status == "sent"})
    return {"notifications": shown, "unread": await store.unread_count(conn, user.id)}


async def own_email(conn: Conn, user: User) -> str | None:
    """Where the caller's notifications are emailed. One statement."""
    return await store.email_of(conn, user.id)


async def listing(request: Request) -> Response:
    lang = pages(request).api_language(request)
    return ok(await ask(request, inbox, "vi" if lang == "vi" else "en"))


async def mark_read(request: Request) -> Response:
    user = await signed_in(request)
    notification_id = path_id(request)
    async with db(request).transaction() as tx:
        if not await store.exists(tx, user.id, notification_id):
            raise NotFound("Notification not found.")
        await store.mark_read(tx, user.id, notification_id)
    return no_content()


async def mark_all_read(request: Request) -> Response:
    user = await signed_in(request)
    async with db(request).transaction() as tx:
        await store.mark_read(tx, user.id, None)
    return no_content()


async def set_email(request: Request) -> Response:
    """``PUT /api/users/{id}/email`` ``{email}`` (null or empty: none): oneself, or an
    administrator for anyone."""
    user = await signed_in(request)
    target = path_id(request)
    access.require_email_setter(user, target)
    body = await json_body(request)
    email = body.text("email", max_len=254, allow_empty=True, nullable=True) or None
    body.done()
    if email is not None and not valid_address(email):
        raise Invalid("This is not an email address.", "invalid_email", field="email")
    async with db(request).transaction() as tx:
        if await users.get_user(tx, target) is None:
            raise NotFound("User not found.")
        await store.set_email(tx, target, email)
    return ok({"user_id": target, "email": email})


async def home_extras(request: Request) -> dict[str, Any]:
    """What the home page shows of notifications: the caller's inbox (in the page's language)
    and the written opinions awaiting their answer."""
    lang = "en" if pages(request).language(request) == "en" else "vi"
    return {"inbox": await ask(request, inbox, lang),
            "notification_email": await ask(request, own_email),
            "pending_consultations": await ask(request, consultation_queries.pending,
                                               clock(request))}
