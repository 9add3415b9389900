"""Throttles for every API view: reads and writes counted separately, per user or per IP.

Counters live in the cache, so with Redis every web process shares them.
"""
from rest_framework.throttling import UserRateThrottle

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class ReadRateThrottle(UserRateThrottle):
    scope = "read"

    def allow_request(self, request, view):
        if request.method not in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class WriteRateThrottle(UserRateThrottle):
    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)
