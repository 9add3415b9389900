"""The resilient Redis cache against a Redis that really stops: misses instead of errors,
one log line per outage, and no stale value surviving it (a session logged out while
Redis was away must not come back from the cache)."""
import logging
import time

import pytest

from health.cache import ResilientRedisCache

pytestmark = [pytest.mark.redis, pytest.mark.slow_tier]


def test_an_outage_is_a_miss_logged_once_and_leaves_nothing_stale(private_redis, caplog):
    cache = ResilientRedisCache(private_redis.url.removesuffix("/0") + "/5", {
        "KEY_PREFIX": "outage-test", "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}})
    cache.set("session:abc", {"user": 1})
    cache.set("figures", "old")
    assert cache.get("session:abc") == {"user": 1}

    private_redis.stop()
    try:
        with caplog.at_level(logging.WARNING, logger="hoest.outage"):
            for _ in range(20):
                assert cache.get("session:abc") is None
                assert cache.add("lock", 1) is True  # a cache lock must not shut people out
                assert cache.incr("ratelimit") == 1  # counters start over: people get through
                assert cache.count_hit("throttle", 60) == 1  # the same for throttles' window counters
            cache.delete("session:abc")  # logged out while Redis is away
            cache.set("figures", "new")
            with pytest.raises(Exception):  # noqa: B017 - /healthz must see the real error
                cache.probe()
        assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["Redis cache unavailable"]
    finally:
        private_redis.start()

    time.sleep(cache.outage.retry_after + 0.1)
    assert cache.get("session:abc") is None, "the logged-out session did not come back"
    assert cache.get("figures") is None, "the value that could not be replaced is gone"
    assert not cache.outage.down
    cache.set("figures", "fresh")
    assert cache.get("figures") == "fresh"
