"""Two-factor sign-in: enrolment, the check at sign-in, turning it off, and the policy.

Enrolment is two steps: :func:`start` makes a secret (kept sealed as *pending*) and answers
it with its QR code; :func:`confirm` takes a code from the app, makes the secret the user's,
marks the session as having proved it, and answers fresh recovery codes (shown once, stored
as keyed hashes). At sign-in :func:`check` reads whether a code or recovery code is right
without writing; the :class:`Proof` it returns is spent in the session's transaction, so the
same code cannot open two sessions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from meeting_server import access, auth, totp
from meeting_server.db import Conn, Database, Transaction
from meeting_server.errors import Conflict, Invalid, NotFound
from meeting_server.models import USER_ROLES, User
from meeting_server.settings import Settings
from meeting_server.store import second_factor, users
from meeting_server.store.second_factor import SignInRecord


def recovery_hash(settings: Settings, code: str) -> str:
    return auth.token_hash(settings, "recovery:" + totp.normalise_recovery_code(code))


@dataclass(frozen=True)
class Proof:
    """A second factor that was right when read: a TOTP time step or a recovery code."""

    user_id: int
    step: int | None = None
    recovery_hash: str | None = None

    @property
    def kind(self) -> str:
        return "totp" if self.step is not None else "recovery_code"

    async def spend(self, tx: Transaction) -> bool:
        """Use it up; False if it was used meanwhile."""
        if self.step is not None:
            return await second_factor.accept_step(tx, self.user_id, self.step)
        assert self.recovery_hash is not None
        return await second_factor.spend_recovery_code(tx, self.user_id, self.recovery_hash)


async def check(conn: Conn, settings: Settings, found: SignInRecord, code: str,
                now: datetime) -> Proof | None:
    """Whether ``code`` (a TOTP code or a recovery code) is right for the user, read only."""
    if found.totp_secret is None:
        return None
    if totp.is_totp_code(code.strip().replace(" ", "")):
        secret = auth.unseal(settings, found.totp_secret)
        if secret is None:
            return None
        step = totp.matching_step(secret, code, now, found.totp_last_step)
        return Proof(found.user_id, step=step) if step is not None else None
    digest = recovery_hash(settings, code)
    if await second_factor.recovery_code_unused(conn, found.user_id, digest):
        return Proof(found.user_id, recovery_hash=digest)
    return None


async def status(db: Database, user: User) -> dict[str, Any]:
    async with db.read() as conn:
        found = await second_factor.state(conn, user.id)
        required = await second_factor.required_roles(conn)
    return {"enabled": found.secret is not None, "pending": found.pending is not None,
            "recovery_codes_left": found.recovery_codes_left,
            "required": user.role in required, "required_roles": list(required)}


async def start(db: Database, settings: Settings, user: User) -> dict[str, str]:
    """A new secret for the user's authenticator app; it counts once confirmed."""
    secret = totp.new_secret()
    async with db.transaction() as tx:
        await second_factor.set_pending(tx, user.id, auth.seal(settings, secret))
    uri = totp.provisioning_uri(secret, user.username)
    return {"secret": secret, "uri": uri, "qr_svg": totp.qr_svg(uri)}


async def confirm(db: Database, settings: Settings, user: User, token_hash: str,
                  code: str) -> list[str]:
    """Make the pending secret the user's once ``code`` matches it; the new recovery codes."""
    async with db.read() as conn:
        found = await second_factor.state(conn, user.id)
    secret = auth.unseal(settings, found.pending) if found.pending else None
    if secret is None:
        raise Conflict("Start setting up two-factor sign-in first.", "no_enrolment")
    step = totp.matching_step(secret, code, db.clock.now(), None)
    if step is None:
        raise Invalid("The code does not match; check the app's time and try again.",
                      "invalid_otp", field="code")
    codes = totp.new_recovery_codes()
    async with db.transaction() as tx:
        await second_factor.activate(tx, user.id, auth.seal(settings, secret), step)
        await second_factor.replace_recovery_codes(
            tx, user.id, [recovery_hash(settings, c) for c in codes])
        await users.mark_second_factor(tx, token_hash)
    return codes


async def turn_off(db: Database, settings: Settings, user: User, code: str) -> None:
    """The user turns their second factor off, proving it once more; refused while the
    policy requires it of their role."""
    async with db.read() as conn:
        access.require_may_drop_second_factor(user, await second_factor.required_roles(conn))
        found = await second_factor.sign_in_record(conn, user.username)
        proof = await check(conn, settings, found, code, db.clock.now()) if found else None
    if proof is None:
        raise Invalid("The code does not match.", "invalid_otp", field="code")
    async with db.transaction() as tx:
        if not await proof.spend(tx):
            raise Invalid("The code does not match.", "invalid_otp", field="code")
        await second_factor.disable(tx, user.id)


async def reset(db: Database, admin: User, user_id: int) -> None:
    """An administrator removes a user's second factor (a lost phone and recovery codes);
    the user sets one up again at their next sign-in if the policy requires it."""
    access.require_admin(admin)
    async with db.transaction() as tx:
        if await users.get_user(tx, user_id) is None:
            raise NotFound("User not found.")
        await second_factor.disable(tx, user_id)


async def set_policy(db: Database, admin: User, roles: list[str]) -> dict[str, Any]:
    """Which global roles must sign in with a second factor (administrators, secretaries)."""
    access.require_admin(admin)
    unknown = [r for r in roles if r not in access.SECOND_FACTOR_ROLES]
    if unknown:
        raise Invalid("A second factor can be required of: {choices}.", "invalid_field",
                      values={"choices": ", ".join(access.SECOND_FACTOR_ROLES)},
                      field="second_factor_roles")
    ordered = [r for r in USER_ROLES if r in roles]
    async with db.transaction() as tx:
        await second_factor.set_required_roles(tx, ordered, admin.id)
    return {"second_factor_roles": ordered}
