"""A connection dropped by a Redis restart costs one retry, not an event or a 503."""
import pytest
from redis.exceptions import ConnectionError as RedisConnectionError

from realtime.broadcast import call_layer


def test_a_dropped_connection_is_tried_once_more():
    tries = []

    async def call():
        tries.append(1)
        if len(tries) == 1:
            raise RedisConnectionError("Connection closed by server.")
        return "sent"

    assert call_layer(call) == "sent"
    assert len(tries) == 2


def test_an_outage_still_fails_after_the_second_try():
    tries = []

    async def call():
        tries.append(1)
        raise RedisConnectionError("Error 111 connecting. Connection refused.")

    with pytest.raises(RedisConnectionError):
        call_layer(call)
    assert len(tries) == 2
