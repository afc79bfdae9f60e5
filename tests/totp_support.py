"""TOTP codes for the tests: the code of a time step the server will accept, and enrolment
through the API."""

from __future__ import annotations

import time

import httpx
import pyotp


def fresh_code(secret: str, steps_ahead: int = 0) -> str:
    """The code of the current time step (or one ahead), asked for at least 3 s before the
    step changes, so that the server checks it in the same step (it accepts one step either
    side). A code is accepted once: the next sign-in after enrolling uses ``steps_ahead=1``."""
    while 30 - time.time() % 30 < 3:
        time.sleep(0.1)
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


async def enrol(client: httpx.AsyncClient) -> tuple[str, list[str]]:
    """Turn two-factor sign-in on for ``client``'s user: (the secret, the recovery codes)."""
    started = await client.post("/api/me/totp")
    assert started.status_code == 201, started.text
    secret = started.json()["secret"]
    confirmed = await client.post("/api/me/totp/confirm", json={"code": fresh_code(secret)})
    assert confirmed.status_code == 200, confirmed.text
    return secret, confirmed.json()["recovery_codes"]
