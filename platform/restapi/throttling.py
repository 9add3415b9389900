"""Throttles for every API view: reads and writes counted separately, per user or per IP.

Counters live in the cache, so with Redis every web process shares them. They count in
fixed windows (health.counters): one cache round trip per request instead of DRF's read and
rewrite of a history list, which a surge of ballots paid for on every request
(docs/BENCHMARKS.md, Vote surge).
"""
from rest_framework.throttling import UserRateThrottle

from health import counters

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class WindowRateThrottle(UserRateThrottle):
    """DRF's per-user (or, signed out, per-address) throttle, counted in fixed windows.

    A view that reads one cache key on every request anyway can name it in
    `throttle_read_key(request)`: the throttle reads it in its own round trip and leaves
    (key, value) on the request as `throttle_read` (the ballot's context version)."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        read_key = getattr(view, "throttle_read_key", lambda request: None)(request)
        if read_key is None:
            count, self.seconds_left = counters.hit(self.key, self.duration)
        else:
            count, self.seconds_left, value = counters.hit_and_get(self.key, self.duration, read_key)
            request.throttle_read = (read_key, value)
        return count <= self.num_requests

    def wait(self):
        return self.seconds_left


class ReadRateThrottle(WindowRateThrottle):
    scope = "read"

    def allow_request(self, request, view):
        if request.method not in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class WriteRateThrottle(WindowRateThrottle):
    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
