"""Time-based one-time passwords (RFC 6238, via ``pyotp``) and recovery codes: pure functions.

A code is checked against the time steps just before, at and after now (a phone's clock may
be 30 s off), and only a step later than the last one accepted for the user counts, so a code
that signed someone in cannot be used again. Recovery codes are random, ten characters from
the pairing codes' alphabet (no 0/O, 1/I/L), shown once and stored as a keyed hash.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import datetime

import pyotp
import segno

ISSUER = "Phòng họp không giấy"
RECOVERY_CODES = 10
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_secret() -> str:
    """A new base32 secret (160 bits, as authenticator apps expect)."""
    return pyotp.random_base32(32)


def provisioning_uri(secret: str, username: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as a QR code, an SVG ``data:`` URI for an ``<img>``."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def is_totp_code(text: str) -> bool:
    return len(text) == 6 and text.isascii() and text.isdigit()


def matching_step(secret: str, code: str, now: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` is for (within one step of ``now``) if later than ``last_step``."""
    code = code.strip().replace(" ", "")
    if not is_totp_code(code):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if (last_step is None or step > last_step) and hmac.compare_digest(
                totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Fresh recovery codes, as shown to the user: ``XXXXX-XXXXX``."""
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes


def normalise_recovery_code(text: str) -> str:
    """What is hashed: upper case, without spaces and dashes."""
    return "".join(c for c in text.upper() if c.isalnum())[:40]
