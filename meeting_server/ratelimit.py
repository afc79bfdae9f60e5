"""Failed sign-ins and pairing attempts, counted in buckets with an exponential back-off.

A bucket (a string key such as ``address:203.0.113.9``) counts failures. Its first ``free``
failures cost nothing; after that each further attempt must wait ``delay · 2^(n − free)``
seconds from the last failure (capped at ``max_delay``), and an attempt before then is refused
without being checked: no password hash is computed and the database is not touched. A
bucket is forgotten ``2 · max_delay`` after its last failure.

:class:`Limiter` is the interface the sign-in service uses; :class:`MemoryLimiter` keeps the
counters in this process (one server); several instances share them in Redis
(:class:`meeting_server.ratelimit_redis.RedisLimiter`, with ``MEETING_REDIS_URL``).

Which buckets an attempt is counted in (:func:`sign_in_buckets`, :func:`pairing_buckets`) is
the policy, written down in docs/security.md.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from meeting_server.settings import Settings

#: At most this many buckets are kept; the least recently failed are forgotten first.
MAX_BUCKETS = 100_000


@dataclass(frozen=True)
class Bucket:
    """A failure counter and how many failures it lets through before the back-off."""

    key: str
    free: int


class Limiter(Protocol):
    async def wait(self, buckets: Sequence[Bucket]) -> float:
        """Seconds before an attempt counted in ``buckets`` may be checked (0: now)."""
        ...

    async def failures(self, bucket: Bucket) -> int:
        """The failures ``bucket`` remembers."""
        ...

    async def failed(self, buckets: Sequence[Bucket]) -> None:
        """Count a failed attempt in each bucket."""
        ...

    async def succeeded(self, buckets: Sequence[Bucket]) -> None:
        """Forget the failures of ``buckets`` (the caller passes only those a success clears)."""
        ...


def backoff(delay: float, max_delay: float, failures: int, free: int) -> float:
    """The wait after ``failures`` failures in a bucket that lets ``free`` through."""
    if failures < free:
        return 0.0
    exponent = failures - free
    if exponent > 60:
        return max_delay
    return min(max_delay, delay * 2.0 ** exponent)


class MemoryLimiter:
    """:class:`Limiter` with the counters in this process's memory."""

    def __init__(self, delay: float, max_delay: float,
                 now: Callable[[], float] = time.monotonic) -> None:
        self.delay = delay
        self.max_delay = max_delay
        self.now = now
        #: key → (failures, time of the last failure), least recently failed first.
        self._failures: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def backoff(self, failures: int, free: int) -> float:
        """The wait after ``failures`` failures in a bucket that lets ``free`` through."""
        return backoff(self.delay, self.max_delay, failures, free)

    def _get(self, key: str, now: float) -> tuple[int, float] | None:
        found = self._failures.get(key)
        if found is not None and now - found[1] >= 2 * self.max_delay:
            del self._failures[key]
            return None
        return found

    async def failures(self, bucket: Bucket) -> int:
        found = self._get(bucket.key, self.now())
        return found[0] if found else 0

    async def wait(self, buckets: Sequence[Bucket]) -> float:
        now = self.now()
        longest = 0.0
        for bucket in buckets:
            found = self._get(bucket.key, now)
            if found is not None:
                longest = max(longest, found[1] + self.backoff(found[0], bucket.free) - now)
        return longest

    async def failed(self, buckets: Sequence[Bucket]) -> None:
        now = self.now()
        for bucket in buckets:
            found = self._get(bucket.key, now)
            self._failures[bucket.key] = ((found[0] if found else 0) + 1, now)
            self._failures.move_to_end(bucket.key)
        while len(self._failures) > MAX_BUCKETS:
            self._failures.popitem(last=False)

    async def succeeded(self, buckets: Sequence[Bucket]) -> None:
        for bucket in buckets:
            self._failures.pop(bucket.key, None)


def retry_after(seconds: float) -> int:
    """A ``Retry-After`` value: whole seconds, at least 1."""
    return max(1, math.ceil(seconds))


def client_address(host: str | None) -> str:
    """The address a client is counted under: IPv6 by its /64 (one subscriber's network)."""
    if not host:
        return "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host[:100]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is None:
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def account_key(username: str) -> str:
    return username.strip().casefold()[:100]


@dataclass(frozen=True)
class SignInBuckets:
    """Where a password sign-in is counted: ``checked`` must all be clear before it is
    checked, a failure counts in ``failed``, and a success clears ``cleared``."""

    checked: tuple[Bucket, ...]
    failed: tuple[Bucket, ...]
    cleared: tuple[Bucket, ...]


def sign_in_buckets(settings: Settings, username: str, address: str,
                    address_failing: bool) -> SignInBuckets:
    """The buckets of a sign-in as ``username`` from ``address``.

    - ``address``: every failure from the address, whatever the account (spraying many
      accounts from one place); lets ``signin_address_failures`` through.
    - ``account+address``: guessing one account from one place; ``signin_account_failures``.
    - ``account``: guessing one account from many places. It is counted always, but checked
      only for an address that has failures of its own (``address_failing``): an attacker
      who fills it cannot keep the real user out, who signs in from an address that has not
      been failing.

    A success clears only ``account+address``: a success with an account one owns must not
    wipe the failures one made against others.
    """
    account = account_key(username)
    per_address = Bucket(f"address:{address}", settings.signin_address_failures)
    pair = Bucket(f"account:{account}|address:{address}", settings.signin_account_failures)
    per_account = Bucket(f"account:{account}", settings.signin_account_failures)
    checked = (per_address, pair, per_account) if address_failing else (per_address, pair)
    return SignInBuckets(checked, (per_address, pair, per_account), (pair,))


def address_bucket(settings: Settings, address: str) -> Bucket:
    return Bucket(f"address:{address}", settings.signin_address_failures)


def pairing_buckets(settings: Settings, address: str) -> tuple[Bucket, ...]:
    """A pairing code names no account: its guesses count against the address (the same
    bucket as its failed sign-ins)."""
    return (address_bucket(settings, address),)
