"""Window counters (rate limits and API throttles) on the local cache and on real Redis."""
import pytest

from health import counters
from health.cache import ResilientRedisCache
from tests.services import REDIS_URL, need_redis


def test_a_hit_reads_another_key_with_it():
    from django.core.cache import cache

    assert counters.hit_and_get("t:c", 60, "other", now=120.0) == (1, 60.0, None), "absent: None"
    cache.set("other", "v1")
    assert counters.hit_and_get("t:c", 60, "other", now=130.0) == (2, 50.0, "v1")


def test_hits_count_up_within_a_window_and_start_over_in_the_next():
    assert counters.hit("t:a", 60, now=120.0) == (1, 60.0)
    assert counters.hit("t:a", 60, now=150.5) == (2, 29.5)
    assert counters.hit("t:b", 60, now=150.5)[0] == 1, "another key counts apart"
    assert counters.hit("t:a", 60, now=180.0)[0] == 1, "a new window starts at zero"


@pytest.mark.redis
def test_on_redis_a_hit_is_one_round_trip_that_leaves_an_expiring_counter(monkeypatch):
    need_redis()
    cache = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": "counter-test"})
    cache.clear()
    client = cache._cache.get_client(write=True)
    assert client is cache._cache.get_client(write=True), "one redis client, not one per command"
    monkeypatch.setattr(counters, "cache", cache)
    sent = []
    connection = client.connection_pool.get_connection()
    client.connection_pool.release(connection)
    original = type(connection).send_packed_command
    monkeypatch.setattr(type(connection), "send_packed_command",
                        lambda self, command, *a, **kw: sent.append(command) or original(self, command, *a, **kw))

    assert [counters.hit("api:u1", 60, now=600.0)[0] for _ in range(3)] == [1, 2, 3]
    assert len(sent) == 3, "INCR and EXPIRE go out together"
    key = cache.make_and_validate_key("api:u1:10")
    assert 0 < client.ttl(key) <= 61
    client.expire(key, 500)
    counters.hit("api:u1", 60, now=600.0)
    assert client.ttl(key) > 61, "a later hit does not push the window's end"
    cache.clear()


@pytest.mark.redis
def test_on_redis_a_hit_that_reads_another_key_is_still_one_round_trip(monkeypatch):
    need_redis()
    cache = ResilientRedisCache(REDIS_URL, {"KEY_PREFIX": "counter-test"})
    cache.clear()
    monkeypatch.setattr(counters, "cache", cache)
    client = cache._cache.get_client(write=True)
    sent = []
    connection = client.connection_pool.get_connection()
    client.connection_pool.release(connection)
    original = type(connection).send_packed_command
    monkeypatch.setattr(type(connection), "send_packed_command",
                        lambda self, command, *a, **kw: sent.append(command) or original(self, command, *a, **kw))

    assert counters.hit_and_get("api:u2", 60, "version", now=600.0) == (1, 60.0, None)
    cache.set("version", "abc")
    sent.clear()
    assert counters.hit_and_get("api:u2", 60, "version", now=601.0) == (2, 59.0, "abc")
    assert len(sent) == 1, "INCR, EXPIRE and GET go out together"
    assert 0 < client.ttl(cache.make_and_validate_key("api:u2:10")) <= 61
    cache.clear()
