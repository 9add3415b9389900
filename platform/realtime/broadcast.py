"""Send an event to a websocket group once the surrounding transaction has committed.

Sending inside the transaction would tell browsers about data that may still be rolled
back. A channel layer outage must never fail the write that triggered it, so a failed send
is logged and dropped: live updates degrade, pages stay correct on reload.
"""
from __future__ import annotations

import logging
import re
import time
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)
_GROUP_NAME = re.compile(r"^[a-zA-Z0-9._-]{1,99}$")
# Log an outage once per interval instead of once per request.
_LOG_EVERY_SECONDS = 60.0
_last_logged = 0.0


def group_name(*parts: Any) -> str:
    name = ".".join(str(p) for p in parts)
    if not _GROUP_NAME.match(name):
        raise ValueError(f"invalid group name: {name!r}")
    return name


def send_now(group: str, event: str, payload: dict[str, Any]) -> bool:
    global _last_logged
    layer = get_channel_layer()
    if layer is None:
        return False
    try:
        async_to_sync(layer.group_send)(group, {"type": "relay", "event": event, "payload": payload})
    except Exception:  # noqa: BLE001 - live updates are best effort by design
        now = time.monotonic()
        if now - _last_logged > _LOG_EVERY_SECONDS:
            _last_logged = now
            logger.warning("channel layer unavailable; live update %s to %s dropped", event, group,
                           exc_info=True)
        return False
    return True


def broadcast_on_commit(group: str, event: str, payload: dict[str, Any]) -> None:
    """Queue `event` for `group`, sent only if and when the current transaction commits."""
    transaction.on_commit(lambda: send_now(group, event, payload))
