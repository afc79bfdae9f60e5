"""Pairing a tablet: a short one-time code (and its QR code) signs it in as a participant."""

from __future__ import annotations

import secrets
from datetime import timedelta

import segno

from meeting_server import access, auth, ratelimit
from meeting_server.db import Database, Transaction
from meeting_server.errors import Invalid, NotSignedIn
from meeting_server.models import User
from meeting_server.ratelimit import Limiter
from meeting_server.services.accounts import SignedIn, require_no_wait, start_session
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


async def pair(db: Database, settings: Settings, limiter: Limiter, address: str,
               code: str) -> SignedIn:
    """Sign a tablet in with a code. A wrong guess is only read, never written, and counts
    against the client's address (meeting_server.ratelimit); the right code is spent in the
    new session's transaction."""
    buckets = ratelimit.pairing_buckets(settings, address)
    await require_no_wait(limiter, buckets)
    digest = auth.token_hash(settings, normalise(code))
    async with db.read() as conn:
        user_id = await pairing.usable(conn, digest)
    if user_id is None:
        await limiter.failed(buckets)
        raise _unknown_code()

    async def spend(tx: Transaction) -> bool:
        return await pairing.use(tx, digest) == user_id

    return await start_session(db, settings, user_id, spend=spend, refused=_unknown_code(),
                               method="pairing")


def _unknown_code() -> NotSignedIn:
    return NotSignedIn("This pairing code is unknown, used or expired; ask the secretary for a "
                       "new one.", "invalid_code")
