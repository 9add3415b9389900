"""Django's Redis cache, made to survive a Redis outage.

Høst uses the cache for sessions (in front of the database), throttle and rate-limit
counters and computed report figures: all of it can be recomputed, so a Redis outage must
cost speed, not pages. While Redis is down every read is a miss, every write is dropped,
counters start over and `add` succeeds (so limits and cache locks let people through
rather than lock them out), the outage
is logged once (`health.outage`), and Redis is only asked again once a second.

A write that was dropped may have left an older value behind in Redis (a session that
was logged out, a figure whose data changed): when Redis answers again, this process first
deletes every key it failed to write, so nothing stale survives the outage.
"""
from __future__ import annotations

import threading

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .outage import Outage

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# Keys remembered for deletion after an outage; beyond that the oldest are forgotten.
MAX_STALE_KEYS = 10_000


# INCR KEYS[1], EXPIRE it unless it has an expiry already (a new key), and GET KEYS[2] if
# given: {count} or {count, value}.
_COUNT_HIT = ("local n = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], ARGV[1], 'NX') "
              "if #KEYS > 1 then return {n, redis.call('GET', KEYS[2])} end return {n}")


class _SharedState:
    """Django makes a cache object per thread; what is known about the outage is per process."""

    def __init__(self):
        self.outage = Outage("Redis cache")
        self.stale: dict[str, None] = {}  # an ordered set of backend keys
        self.lock = threading.Lock()


_states: dict[str, _SharedState] = {}
_states_lock = threading.Lock()


class _ReusingClient(RedisCacheClient):
    """Django builds a new `redis.Redis` for every command, and each one fills a table of
    ~170 response callbacks, a large share of a ballot's CPU in a surge (docs/BENCHMARKS.md).
    A `redis.Redis` is thread-safe (it takes a connection
    from its pool per command), so one per pool does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingClient
        with _states_lock:
            state = _states.setdefault(repr(self._servers), _SharedState())
        self.outage, self._stale, self._stale_lock = state.outage, state.stale, state.lock

    # The guard ------------------------------------------------------------------------
    def _call(self, operation, fallback, *, written=()):
        if not self.outage.should_try():
            self._remember(written)
            return fallback
        try:
            if self.outage.down:
                self._forget_stale()
            result = operation()
        except UNAVAILABLE as exc:
            self.outage.failed(exc)
            self._remember(written)
            return fallback
        self.outage.succeeded()
        return result

    def _remember(self, keys) -> None:
        if not keys:
            return
        with self._stale_lock:
            for key in keys:
                self._stale[key] = None
            while len(self._stale) > MAX_STALE_KEYS:
                self._stale.pop(next(iter(self._stale)))

    def _forget_stale(self) -> None:
        """Delete what this process failed to write while Redis was away (raises while it
        still is)."""
        with self._stale_lock:
            keys = list(self._stale)
        if keys:
            self._cache.delete_many(keys)
            with self._stale_lock:
                for key in keys:
                    self._stale.pop(key, None)

    def _key(self, key, version):
        return self.make_and_validate_key(key, version=version)

    def probe(self) -> None:
        """A write and read back that raises while Redis is unavailable (for /healthz)."""
        import uuid

        key = self._key(f"healthz:{uuid.uuid4().hex}", None)
        try:
            if self.outage.down:
                self._forget_stale()
            self._cache.set(key, "1", 5)
            value = self._cache.get(key, None)
            self._cache.delete(key)
        except UNAVAILABLE as exc:
            self.outage.failed(exc)
            raise
        self.outage.succeeded()
        if value != "1":
            raise RuntimeError("value written to the cache could not be read back")

    # Django's cache API ---------------------------------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        # True while Redis is away: callers use `add` as a lock (allauth's rate limits,
        # once-a-second broadcasts), and a lock nobody can hold must not shut people out.
        k = self._key(key, version)
        return self._call(lambda: self._cache.add(k, value, self.get_backend_timeout(timeout)),
                          True, written=[k])

    def get(self, key, default=None, version=None):
        k = self._key(key, version)
        return self._call(lambda: self._cache.get(k, default), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        k = self._key(key, version)
        self._call(lambda: self._cache.set(k, value, self.get_backend_timeout(timeout)), None,
                   written=[k])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        k = self._key(key, version)
        return self._call(lambda: self._cache.touch(k, self.get_backend_timeout(timeout)), False)

    def delete(self, key, version=None):
        k = self._key(key, version)
        return self._call(lambda: self._cache.delete(k), False, written=[k])

    def get_many(self, keys, version=None):
        return self._call(lambda: super(ResilientRedisCache, self).get_many(keys, version=version), {})

    def has_key(self, key, version=None):
        k = self._key(key, version)
        return self._call(lambda: self._cache.has_key(k), False)

    def incr(self, key, delta=1, version=None):
        # While Redis is away a counter starts over: limits let people through.
        k = self._key(key, version)
        return self._call(lambda: self._cache.incr(k, delta), delta, written=[k])

    def count_hit(self, key, timeout, version=None) -> int:
        """INCR and, on a new key, EXPIRE in one round trip: the number of hits so far (see
        health.counters). While Redis is away every hit is the first."""
        return self.count_hit_and_get(key, timeout, None, version=version)[0]

    def count_hit_and_get(self, key, timeout, other, version=None) -> tuple[int, object]:
        """count_hit, and in the same round trip the value of the key `other` (None: no
        read; a missing key reads as None). While Redis is away: (1, None)."""
        k = self._key(key, version)
        keys = (k,) if other is None else (k, self._key(other, version))

        def operation():
            # One command: redis-py's pipeline machinery costs the client more than the
            # script costs Redis.
            replies = self._cache.get_client(k, write=True).eval(_COUNT_HIT, len(keys), *keys, int(timeout))
            value = None if len(replies) < 2 or replies[1] is None else self._cache._serializer.loads(replies[1])
            return replies[0], value

        return self._call(operation, (1, None), written=[k])

    def set_if_absent_get(self, key, value: int, timeout: float, version=None) -> int | None:
        """SET NX GET (Redis 7) of an integer: None when `value` was stored, else the value
        already there (realtime.coalesce). While Redis is away every call stores."""
        k = self._key(key, version)

        def operation():
            previous = self._cache.get_client(k, write=True).set(k, value, px=int(timeout * 1000),
                                                                   nx=True, get=True)
            return None if previous is None else int(previous)

        return self._call(operation, None, written=[k])

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        written = [self._key(key, version) for key in data]
        return self._call(lambda: super(ResilientRedisCache, self).set_many(data, timeout, version),
                          list(data), written=written)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        written = [self._key(key, version) for key in keys]
        self._call(lambda: super(ResilientRedisCache, self).delete_many(keys, version), None,
                   written=written)

    def clear(self):
        return self._call(lambda: self._cache.clear(), False)
