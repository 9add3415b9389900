"""The channel layer's liveness check, registered with health's checks (RealtimeConfig.ready)."""
from __future__ import annotations

import asyncio

from channels.layers import get_channel_layer

from health.checks import TIMEOUT_SECONDS

from .broadcast import call_layer, channel_layer_outage


def channel_layer() -> str | None:
    layer = get_channel_layer()
    if layer is None:
        return "no channel layer configured"

    async def roundtrip() -> bool:
        # With the pub/sub layer (realtime.layers) the new channel is a Redis subscription of
        # this process: it is sent to through Redis and must be ended here, or every health
        # check would leave one behind.
        channel = await layer.new_channel("healthz.")
        try:
            await layer.send(channel, {"type": "healthz.ping"})
            message = await asyncio.wait_for(layer.receive(channel), TIMEOUT_SECONDS)
        finally:
            if hasattr(layer, "delete_channel"):
                await layer.delete_channel(channel)
        return message.get("type") == "healthz.ping"

    # Like the cache's probe, the check tells the process what it learnt: once it passes,
    # broadcasts are sent again at once instead of waiting out the outage's retry pause.
    try:
        received = call_layer(roundtrip)
    except Exception as exc:
        channel_layer_outage.failed(exc)
        raise
    channel_layer_outage.succeeded()
    return None if received else "message sent was not received"
