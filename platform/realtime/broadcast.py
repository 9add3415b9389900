"""Send an event to a websocket group once the surrounding transaction has committed.

Sending inside the transaction would tell browsers about data that may still be rolled
back. A channel layer outage must never fail the write that triggered it, so a failed send
is logged and dropped: live updates degrade, pages stay correct on reload.
"""
from __future__ import annotations

import re
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from health.outage import Outage

_GROUP_NAME = re.compile(r"^[a-zA-Z0-9._-]{1,99}$")
# Logs an outage once when it starts and once when it ends, not once per request, and
# spares the requests during an outage a connection attempt each (one try a second).
channel_layer_outage = Outage("channel layer")


def group_name(*parts: Any) -> str:
    name = ".".join(str(p) for p in parts)
    if not _GROUP_NAME.match(name):
        raise ValueError(f"invalid group name: {name!r}")
    return name


DROPPED_CONNECTION = (RedisConnectionError, RedisTimeoutError, OSError)


def call_layer(call):
    """Run `call()`, a coroutine function using the channel layer, from sync code; once
    more if the first try met a dropped connection. After Redis restarts, a connection
    pooled before the restart fails once ("Connection closed by server") and the next try
    opens a fresh one: that is no outage, and must not cost an event or a 503 on /healthz."""
    try:
        return async_to_sync(call)()
    except DROPPED_CONNECTION:
        return async_to_sync(call)()


def send_now(group: str, event: str, payload: dict[str, Any]) -> bool:
    layer = get_channel_layer()
    if layer is None or not channel_layer_outage.should_try():
        return False
    try:
        call_layer(lambda: layer.group_send(group, {"type": "relay", "event": event, "payload": payload}))
    except Exception as exc:  # noqa: BLE001 - live updates are best effort by design
        channel_layer_outage.failed(exc)
        return False
    channel_layer_outage.succeeded()
    return True


def broadcast_on_commit(group: str, event: str, payload: dict[str, Any]) -> None:
    """Queue `event` for `group`, sent only if and when the current transaction commits."""
    transaction.on_commit(lambda: send_now(group, event, payload))
