"""Pairing a tablet: a short one-time code (and its QR code) signs it in as a participant."""

from __future__ import annotations

import secrets
from datetime import timedelta

import segno

from meeting_server import access, auth
from meeting_server.db import Database
from meeting_server.errors import Invalid, NotSignedIn
from meeting_server.models import User
from meeting_server.services.accounts import start_session
from meeting_server.settings import Settings
from meeting_server.store import pairing, users

LIFETIME = timedelta(minutes=15)
# No 0/O, 1/I/L: codes are read aloud and typed on tablets.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


def normalise(code: str) -> str:
    raw = "".join(c for c in code.upper() if c.isalnum())
    return f"{raw[:4]}-{raw[4:]}"


async def create(db: Database, settings: Settings, creator: User, user_id: int,
                 base_url: str) -> dict[str, str]:
    code = new_code()
    expires = db.clock.now() + LIFETIME
    async with db.transaction() as tx:
        target = await users.get_user(tx, user_id)
        if target is None or not target.active:
            raise Invalid("No active user with id {user_id}.", "unknown_user",
                          values={"user_id": user_id}, field="user_id")
        access.require_pairing(creator, target)
        await pairing.add(tx, auth.token_hash(settings, code), user_id, creator.id, expires)
    url = f"{base_url}/pair?code={code}"
    return {"code": code, "url": url, "expires_at": expires.isoformat(),
            "qr_svg": segno.make(url, error="m").svg_data_uri(scale=5, border=2),
            "user_name": target.name}


async def pair(db: Database, settings: Settings, code: str) -> tuple[str, User, str]:
    async with db.transaction() as tx:
        user_id = await pairing.use(tx, auth.token_hash(settings, normalise(code)))
    if user_id is None:
        raise NotSignedIn("This pairing code is unknown, used or expired; ask the secretary "
                          "for a new one.", "invalid_code")
    return await start_session(db, settings, user_id)
