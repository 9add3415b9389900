"""Høst's channel layer (realtime.layers, channels-redis' pub/sub layer) through a real Redis
stop and start: the process's subscriber connection comes back and subscribes again by
itself, the outage is logged once (no traceback a second), nothing is left behind by the
failed calls, and what Redis relays while a process is not subscribed is lost (the gap
README's "Failures" describes)."""
from __future__ import annotations

import asyncio
import logging
import time

import pytest
import redis

from realtime.broadcast import channel_layer_outage
from realtime.layers import RECONNECT_SECONDS, ChannelLayer

pytestmark = [pytest.mark.redis, pytest.mark.slow_tier]

PREFIX = "hoest-test:outage:"


def layer_for(private_redis) -> ChannelLayer:
    # The configuration of config.settings, on the private Redis.
    return ChannelLayer(hosts=[{"address": private_redis.url, "socket_timeout": 2, "socket_connect_timeout": 2}],
                        prefix=PREFIX)


async def receive(layer, channel, timeout=2.0):
    return await asyncio.wait_for(layer.receive(channel), timeout)


def test_subscriber_comes_back_and_subscribes_again_when_redis_returns(private_redis, caplog):
    caplog.set_level(logging.INFO)
    group_channel = f"{PREFIX}__group__idea.1"
    listener, sender = layer_for(private_redis), layer_for(private_redis)

    async def scenario():
        channel = await listener.new_channel()
        await listener.group_add("idea.1", channel)
        other = await listener.new_channel()
        await listener.group_add("idea.2", other)
        await sender.group_send("idea.1", {"type": "relay", "n": 0})
        assert (await receive(listener, channel))["n"] == 0
        loop_layer = listener._get_layer()

        private_redis.stop()
        await asyncio.sleep(2)  # the receiver notices and retries every RECONNECT_SECONDS
        with pytest.raises(redis.ConnectionError):
            await sender.group_send("idea.1", {"type": "relay", "n": -1})
        # A consumer that cannot subscribe leaves nothing behind in the process.
        channels_before, groups_before = set(loop_layer.channels), set(loop_layer.groups)
        with pytest.raises(redis.ConnectionError):
            await listener.new_channel()
        assert set(loop_layer.channels) == channels_before
        # A socket closing during the outage: leaving its last group and ending its channel
        # cannot reach Redis, and must neither raise nor be subscribed again later.
        await listener.group_discard("idea.2", other)
        await listener.delete_channel(other)
        assert set(loop_layer.groups) == groups_before - {f"{PREFIX}__group__idea.2"}
        assert other not in loop_layer.channels

        private_redis.start()
        client = redis.Redis.from_url(private_redis.url)
        started, heard_by, lost = time.monotonic(), 0, []
        n = 0
        while not heard_by:
            assert time.monotonic() - started < 5, "the subscriber did not come back within 5 s"
            n += 1
            # PUBLISH answers how many subscribers Redis handed the message to.
            heard_by = client.publish(group_channel, listener.serialize({"type": "relay", "n": n}))
            if not heard_by:
                lost.append(n)
            await asyncio.sleep(0.01)
        resubscribed_after = time.monotonic() - started
        assert (await receive(listener, channel))["n"] == n
        assert resubscribed_after < 2 + RECONNECT_SECONDS
        # The gap: what was published before this process had subscribed again never comes
        # (the layer's API works again, both ways: the next message is the one sent next).
        await asyncio.sleep(0.5)
        await sender.group_send("idea.1", {"type": "relay", "n": "after"})
        assert (await receive(listener, channel))["n"] == "after"
        # Only the subscriptions still in use came back.
        assert client.pubsub_numsub(group_channel) == [(group_channel.encode(), 1)]
        assert client.pubsub_numsub(f"{PREFIX}__group__idea.2") == [(f"{PREFIX}__group__idea.2".encode(), 0)]
        assert client.pubsub_numsub(other) == [(other.encode(), 0)]
        client.close()
        return lost

    try:
        lost = asyncio.run(scenario())
    finally:
        if private_redis.process is None:
            private_redis.start()
    print(f"published before the subscriber was back (lost): {len(lost)}")
    outage = [r.getMessage() for r in caplog.records if r.name == "hoest.outage"]
    assert sum("channel layer unavailable" in m for m in outage) == 1, outage
    assert sum("channel layer available again" in m for m in outage) == 1, outage
    assert not channel_layer_outage.down
    noisy = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not noisy, [r.getMessage() for r in noisy]
