"""Units, users and sign-in."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from meeting_server import auth, ratelimit
from meeting_server.db import Database, Transaction
from meeting_server.errors import Conflict, Invalid, NotFound, NotSignedIn, TooManyRequests
from meeting_server.models import Unit, User
from meeting_server.ratelimit import Bucket, Limiter
from meeting_server.services import second_factor as second_factor_service
from meeting_server.settings import Settings
from meeting_server.store import second_factor, users


async def add_unit(db: Database, code: str, name: str) -> Unit:
    async with db.transaction() as tx:
        return await add_unit_in(tx, code, name)


async def add_unit_in(tx: Transaction, code: str, name: str) -> Unit:
    unit = await users.add_unit(tx, code, name)
    if unit is None:
        raise Conflict("A unit with code '{code}' already exists.", "unit_exists",
                       values={"code": code})
    return unit


async def update_unit(db: Database, unit_id: int, changes: dict[str, Any]) -> Unit:
    """A unit's name (as its tasks, users and publications drafted from now on show it), or
    whether it is active."""
    changes = {k: int(v) if k == "active" else v for k, v in changes.items()}
    async with db.transaction() as tx:
        unit = await users.update_unit(tx, unit_id, changes)
        if unit is None:
            raise NotFound("Unit not found.")
        return unit


async def unit_id(db_conn: Any, code: str | None, keep: int | None = None) -> int | None:
    """The id of the unit ``code``, which must be active unless it is ``keep`` (the unit
    already given)."""
    if code is None:
        return None
    unit = await users.unit_by_code(db_conn, code)
    if unit is not None and not unit.active and unit.id != keep:
        raise Invalid("The unit '{code}' is deactivated; choose another.", "inactive_unit",
                      values={"code": code}, field="unit")
    if unit is None:
        raise Invalid("No unit with code '{code}'.", "unknown_unit",
                      values={"code": code}, field="unit")
    return unit.id


async def add_user(db: Database, username: str, name: str, role: str, unit: str | None,
                   title: str, password: str | None) -> User:
    hashed = await auth.hash_password(password) if password else None
    async with db.transaction() as tx:
        return await add_user_in(tx, username, name, role, unit, title, hashed)


async def add_user_in(tx: Transaction, username: str, name: str, role: str, unit: str | None,
                      title: str, password_hash: str | None) -> User:
    user_id = await users.add_user(tx, username, name, role, await unit_id(tx, unit), title,
                                   password_hash)
    if user_id is None:
        raise Conflict("The username '{username}' is taken.", "username_taken",
                       values={"username": username})
    user = await users.get_user(tx, user_id)
    assert user is not None
    return user


async def update_user(db: Database, user_id: int, changes: dict[str, Any]) -> User:
    """Apply changes; ``active: False`` also ends every session of the user."""
    changes = dict(changes)
    if "password" in changes:
        changes["password_hash"] = await auth.hash_password(changes.pop("password"))
    async with db.transaction() as tx:
        before = await users.get_user(tx, user_id)
        if before is None:
            raise NotFound("User not found.")
        if "unit" in changes:
            changes["unit_id"] = await unit_id(tx, changes.pop("unit"),
                                               before.unit.id if before.unit else None)
        if "active" in changes:
            changes["active"] = 1 if changes["active"] else 0
        await users.update_user(tx, user_id, changes)
        if changes.get("active") == 0 or "password_hash" in changes:
            await users.revoke_user_sessions(tx, user_id)
        user = await users.get_user(tx, user_id)
    assert user is not None
    return user


@dataclass(frozen=True)
class SignedIn:
    token: str
    user: User
    expires_at: str
    #: How: ``password``, ``totp``, ``recovery_code`` or ``pairing`` (for the audit log).
    method: str


async def require_no_wait(limiter: Limiter, buckets: tuple[Bucket, ...]) -> None:
    """429 ``too_many_attempts`` while any of ``buckets`` is backing off."""
    wait = await limiter.wait(buckets)
    if wait > 0:
        raise TooManyRequests("Too many failed attempts; wait before trying again.",
                              ratelimit.retry_after(wait))


async def sign_in(db: Database, settings: Settings, limiter: Limiter, address: str,
                  username: str, password: str, otp: str | None = None) -> SignedIn:
    """Check the password (and the second factor, if the user has one).

    A client that has failed too often is refused before anything is checked (no password
    hash, no database); a failure reads but never writes. See meeting_server.ratelimit.
    """
    failing = await limiter.failures(ratelimit.address_bucket(settings, address)) > 0
    buckets = ratelimit.sign_in_buckets(settings, username, address, failing)
    await require_no_wait(limiter, buckets.checked)
    async with db.read() as conn:
        found = await second_factor.sign_in_record(conn, username)
    ok = await auth.verify_password(password, found.password_hash if found else None)
    if not ok or found is None or not found.active:
        await limiter.failed(buckets.failed)
        raise NotSignedIn("Wrong username or password.", "invalid_credentials")
    proof = None
    if found.totp_secret is not None:
        if not otp:
            raise NotSignedIn("Enter the code from your authenticator app, or a recovery "
                              "code.", "otp_required")
        async with db.read() as conn:
            proof = await second_factor_service.check(conn, settings, found, otp,
                                                      db.clock.now())
        if proof is None:
            await limiter.failed(buckets.failed)
            raise NotSignedIn("The code is wrong or already used.", "invalid_otp")
    session = await start_session(
        db, settings, found.user_id, second_factor=proof is not None,
        spend=proof.spend if proof is not None else None,
        method=proof.kind if proof is not None else "password")
    await limiter.succeeded(buckets.cleared)
    return session


async def start_session(db: Database, settings: Settings, user_id: int, *,
                        second_factor: bool = False,
                        spend: Callable[[Transaction], Awaitable[bool]] | None = None,
                        refused: NotSignedIn | None = None,
                        method: str = "password") -> SignedIn:
    """A new session for the user; ``spend`` (a one-time code) is used up in the same
    transaction, and if it was used meanwhile there is no session (``refused`` is raised)."""
    token = auth.new_token()
    digest = auth.token_hash(settings, token)
    async with db.transaction() as tx:
        if spend is not None and not await spend(tx):
            raise refused or NotSignedIn("The code is wrong or already used.", "invalid_otp")
        expires = await users.add_session(tx, digest, user_id, settings.session_days)
        if second_factor:
            await users.mark_second_factor(tx, digest)
        user = await users.get_user(tx, user_id)
    assert user is not None
    return SignedIn(token, user, expires, method)


async def sign_out(db: Database, settings: Settings, token: str) -> None:
    async with db.transaction() as tx:
        await users.revoke_session(tx, auth.token_hash(settings, token))
