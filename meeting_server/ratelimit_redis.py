"""The sign-in and pairing limits of :mod:`meeting_server.ratelimit`, shared in Redis.

Several instances behind one balancer must count the same failures, or an attacker gets one
allowance per instance. A bucket is a Redis hash ``meeting-server:limit:<key>`` with the
failures ``n`` and the time ``t`` of the last one, by the Redis server's clock (the instances'
clocks need not agree); it expires ``2 · max_delay`` after its last failure, as in memory.
Each operation is one Lua script, so two instances counting at once never lose a failure.

If Redis does not answer, the instance counts in its own memory meanwhile (logged): the limits
still hold per instance, and sign-in does not fail because Redis is away.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import redis.asyncio as redis

from meeting_server.ratelimit import Bucket, MemoryLimiter, backoff

logger = logging.getLogger(__name__)

PREFIX = "meeting-server:limit:"

_NOW = "local t = redis.call('TIME') local now = t[1] .. '.' .. string.format('%06d', t[2]) "

#: KEYS: buckets. Returns the server's time, then n and t of each bucket ("0" if none).
_READ = _NOW + """
local out = {now}
for _, key in ipairs(KEYS) do
  local v = redis.call('HMGET', key, 'n', 't')
  out[#out + 1] = v[1] or '0'
  out[#out + 1] = v[2] or '0'
end
return out
"""

#: KEYS: buckets; ARGV[1]: milliseconds a bucket is kept after its last failure.
_FAILED = _NOW + """
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, 'n', 1)
  redis.call('HSET', key, 't', now)
  redis.call('PEXPIRE', key, ARGV[1])
end
return now
"""


class RedisLimiter:
    """:class:`~meeting_server.ratelimit.Limiter` with the counters in Redis."""

    def __init__(self, client: redis.Redis, delay: float, max_delay: float,
                 prefix: str = PREFIX) -> None:
        self.client = client
        self.delay = delay
        self.max_delay = max_delay
        self.prefix = prefix
        self._read = client.register_script(_READ)
        self._failed = client.register_script(_FAILED)
        self._fallback = MemoryLimiter(delay, max_delay)

    def _keys(self, buckets: Sequence[Bucket]) -> list[str]:
        return [self.prefix + bucket.key for bucket in buckets]

    def _unreachable(self, exc: Exception) -> None:
        logger.warning("Redis unreachable, sign-in limits counted in this instance: %r", exc)

    async def wait(self, buckets: Sequence[Bucket]) -> float:
        if not buckets:
            return 0.0
        try:
            found = await self._read(keys=self._keys(buckets))
        except (redis.RedisError, OSError) as exc:
            self._unreachable(exc)
            return await self._fallback.wait(buckets)
        now = float(found[0])
        longest = 0.0
        for i, bucket in enumerate(buckets):
            failures, last = int(found[1 + 2 * i]), float(found[2 + 2 * i])
            if failures:
                wait = last + backoff(self.delay, self.max_delay, failures, bucket.free) - now
                longest = max(longest, wait)
        return longest

    async def failures(self, bucket: Bucket) -> int:
        try:
            found = await self.client.hget(self.prefix + bucket.key, "n")
        except (redis.RedisError, OSError) as exc:
            self._unreachable(exc)
            return await self._fallback.failures(bucket)
        return int(found) if found else 0

    async def failed(self, buckets: Sequence[Bucket]) -> None:
        if not buckets:
            return
        try:
            await self._failed(keys=self._keys(buckets),
                               args=[max(1, round(2 * self.max_delay * 1000))])
        except (redis.RedisError, OSError) as exc:
            self._unreachable(exc)
            await self._fallback.failed(buckets)

    async def succeeded(self, buckets: Sequence[Bucket]) -> None:
        if not buckets:
            return
        try:
            await self.client.delete(*self._keys(buckets))
        except (redis.RedisError, OSError) as exc:
            self._unreachable(exc)
        await self._fallback.succeeded(buckets)
