"""Høst's channel layer: channels-redis' pub/sub layer, made to live through a Redis outage.

`RedisPubSubChannelLayer` keeps a process's group membership in that process and uses
Redis only to relay: one PUBLISH per group event, one subscriber connection per process
that hands each message to its local consumers (docs/BENCHMARKS.md, websocket fan-out:
the core layer's shared receive list left some of 1,000 consumers deaf under load).

channels-redis 4.3 already reconnects the subscriber connection and subscribes it again
when Redis comes back (redis-py does that on reconnect). What this module changes:

- the subscriber's outage is the channel layer's outage (`realtime.broadcast`): logged
  once when it starts and once when it ends, instead of a traceback every second, and
  retried every `RECONNECT_SECONDS`, so a process listens again soon after Redis returns
  (Redis keeps no pub/sub message: what is published before that is not heard here);
- a channel or group membership whose SUBSCRIBE failed is not left behind in memory;
- an UNSUBSCRIBE that cannot reach Redis forgets the subscription instead of raising (and
  logging a traceback from a cancelled receive): it is not subscribed again on reconnect;
- an idle receiver wakes when a channel is subscribed, instead of at its next poll;
- a reconnect that meets a subscription reconnecting at the same moment (asyncio refuses a
  second reader of the new socket) is a warning and another read, not a traceback;
- `delete_channel()` ends a channel made with `new_channel()` that no consumer ends (the
  `/healthz` round trip): the layer only unsubscribes a channel when its `receive()` is
  cancelled, so each health check would otherwise leave a subscription behind for good.

It relies on the internals of channels-redis 4.3 (`RedisPubSubLoopLayer`,
`RedisSingleShardConnection`; pinned in pyproject.toml):
`tests/platform/failures/test_channel_layer_outage.py` and `test_redis_down.py` stop and
start a real Redis under it.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging

from channels_redis.pubsub import (
    RedisPubSubChannelLayer,
    RedisPubSubLoopLayer,
    RedisSingleShardConnection,
)
from channels_redis.utils import _wrap_close
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .broadcast import channel_layer_outage

logger = logging.getLogger(__name__)

UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)
# How often a process whose subscriber connection is down tries Redis again. A refused
# connection costs next to nothing, and every try sooner is an event less missed.
RECONNECT_SECONDS = 0.25
POLL_SECONDS = 0.1


class _Shard(RedisSingleShardConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wakes the idle receiver when a channel is subscribed: a sleeping receiver would
        # otherwise hear the first message only at its next poll (every /healthz round trip
        # subscribes a fresh channel to an idle receiver).
        self._subscription_made = asyncio.Event()

    async def subscribe(self, channel):
        await super().subscribe(channel)
        self._subscription_made.set()

    async def _idle(self):
        self._subscription_made.clear()
        if self._pubsub and self._pubsub.subscribed:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._subscription_made.wait(), POLL_SECONDS)

    async def unsubscribe(self, channel):
        try:
            await super().unsubscribe(channel)
        except UNAVAILABLE as exc:
            channel_layer_outage.failed(exc)
            # Redis dropped every subscription with the connection; forget this one here and
            # in redis-py, which subscribes again to what it knows when it reconnects.
            self._subscribed_to.discard(channel)
            if self._pubsub is not None:
                for key in (channel, channel.encode()):
                    self._pubsub.channels.pop(key, None)

    async def _do_receiving(self):
        while True:
            if not (self._pubsub and self._pubsub.subscribed):
                await self._idle()
                continue
            try:
                # Reconnects (and subscribes again) when the connection was lost.
                message = await self._pubsub.get_message(ignore_subscribe_messages=True, timeout=POLL_SECONDS)
            except (asyncio.CancelledError, GeneratorExit):
                raise
            except UNAVAILABLE as exc:
                channel_layer_outage.failed(exc)
                await asyncio.sleep(RECONNECT_SECONDS)
                continue
            except Exception as exc:  # noqa: BLE001 - the receiver must outlive anything else
                if _is_reconnect_race(exc):
                    # When Redis comes back, redis-py reconnects the pub/sub connection from
                    # the first coroutine that uses it: a websocket subscribing at that moment
                    # and this receiver can both read the new socket, and asyncio refuses the
                    # second reader. The subscription goes through; read again shortly.
                    logger.warning("The channel layer's receiver met a subscription reconnecting; reading again")
                    await asyncio.sleep(RECONNECT_SECONDS)
                else:
                    logger.exception("Unexpected error in the channel layer's receiver")
                    await asyncio.sleep(1)
                continue
            if channel_layer_outage.down:
                channel_layer_outage.succeeded()
            self._receive_message(message)


def _is_reconnect_race(exc: Exception) -> bool:
    """asyncio's refusal of a second reader on one stream (StreamReader._wait_for_data)."""
    return isinstance(exc, RuntimeError) and "already waiting for incoming data" in str(exc)


class _LoopLayer(RedisPubSubLoopLayer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._shards = [_Shard(shard.host, self) for shard in self._shards]

    async def _subscribe_to_channel(self, channel):
        try:
            await super()._subscribe_to_channel(channel)
        except BaseException:
            self.channels.pop(channel, None)
            raise

    async def group_add(self, group, channel):
        try:
            await super().group_add(group, channel)
        except BaseException:
            group_channel = self._get_group_channel_name(group)
            members = self.groups.get(group_channel)
            if members is not None:
                members.discard(channel)
                if not members:
                    del self.groups[group_channel]
            raise

    async def delete_channel(self, channel):
        """Stop receiving on `channel` (made by `new_channel()`); a no-op for an unknown one."""
        if self.channels.pop(channel, None) is not None:
            await self._get_shard(channel).unsubscribe(channel)


class ChannelLayer(RedisPubSubChannelLayer):
    """`channels_redis.pubsub.RedisPubSubChannelLayer` with the changes above."""

    def _get_layer(self):
        loop = asyncio.get_running_loop()
        try:
            return self._layers[loop]
        except KeyError:
            layer = _LoopLayer(*self._args, **self._kwargs, channel_layer=self)
            self._layers[loop] = layer
            _wrap_close(self, loop)
            return layer

    async def delete_channel(self, channel):
        await self._get_layer().delete_channel(channel)
