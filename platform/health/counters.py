"""Fixed-window hit counters in the shared cache, for rate limits and throttles.

A window counter is one key per person and window, counted up and left to expire: one
round trip on Redis (`ResilientRedisCache.count_hit`), where a sliding history list (DRF's
default throttles) reads and rewrites a list on every request. The price is that a burst
at the edge of two windows can reach twice the limit for a moment, which is what
municipal write limits (a few per minute or hour) can bear.
"""
from __future__ import annotations

import time

from django.core.cache import cache


def hit(key: str, seconds: int, *, now: float | None = None) -> tuple[int, float]:
    """Count one hit on `key` in the current window of `seconds`: returns the hits in this
    window so far (this one included) and the seconds until the window ends."""
    count, seconds_left, _value = hit_and_get(key, seconds, None, now=now)
    return count, seconds_left


def hit_and_get(key: str, seconds: int, other: str | None, *, now: float | None = None) -> tuple[int, float, object]:
    """`hit`, and the cached value of the key `other` (None if absent) read in the same
    round trip: for a request that counts a hit and reads the cache anyway."""
    now = time.time() if now is None else now
    window = int(now // seconds)
    full_key = f"{key}:{window}"
    count_hit = getattr(cache, "count_hit_and_get", None)
    if count_hit is not None:
        count, value = count_hit(full_key, seconds + 1, other)
    else:  # local memory (embedded mode) or another backend
        cache.add(full_key, 0, timeout=seconds + 1)
        count = cache.incr(full_key)
        value = None if other is None else cache.get(other)
    return count, (window + 1) * seconds - now, value
