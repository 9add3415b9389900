"""Rate limits for writes made through pages (the API has DRF's throttles). Counters live in
the cache, so every web process shares them once the cache is Redis; a cache outage lets
the request through rather than blocking citizens."""
from __future__ import annotations

import logging

from health import counters

logger = logging.getLogger(__name__)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    count, period = rate.split("/")
    return int(count), PERIODS[period[0]]


def allow(request, action: str, rate: str) -> bool:
    """True while the person (or, signed out, the address) is within `rate` for `action`."""
    limit, seconds = parse_rate(rate)
    who = f"u{request.user.pk}" if request.user.is_authenticated else f"ip{request.META.get('REMOTE_ADDR', '')}"
    try:
        count, _left = counters.hit(f"ratelimit:{action}:{who}", seconds)
        return count <= limit
    except Exception:  # noqa: BLE001 - see the module docstring
        logger.warning("rate limit cache unavailable", exc_info=True)
        return True
