"""Signing out closes the sockets the session opened.

A socket is authorised once, at its handshake, with the session's user; without this, a tab
left open on the moderation queue or a turnout page kept receiving staff events after its
person signed out. Every consumer joins its session's group (realtime.consumers), and
`user_logged_out` sends that group a close. Only that session's sockets close: the same
person signed in on another device keeps theirs.
"""
from __future__ import annotations

import hashlib

from channels.layers import get_channel_layer
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver

from .broadcast import call_layer, channel_layer_outage, group_name

# The close code a signed-out socket gets (4000-4999 are the application's own); the pages'
# scripts reconnect as for any other close, now without a session, and a socket that needs
# one is then refused with 4403, which they do not retry.
SIGNED_OUT = 4401


def session_group(session_key: str) -> str:
    # A digest, not the key: group names travel to Redis and into its pub/sub channel names,
    # and a session key is as good as the person's password while it lives.
    return group_name("session", hashlib.sha256(session_key.encode()).hexdigest()[:32])


def close_session_sockets(session_key: str) -> bool:
    """Close every socket opened with `session_key`; best effort, like every live update (a
    channel layer outage is logged once by `channel_layer_outage`)."""
    layer = get_channel_layer()
    if layer is None or not channel_layer_outage.should_try():
        return False
    try:
        call_layer(lambda: layer.group_send(session_group(session_key), {"type": "session.ended"}))
    except Exception as exc:  # noqa: BLE001 - signing out must never fail for the channel layer
        channel_layer_outage.failed(exc)
        return False
    channel_layer_outage.succeeded()
    return True


@receiver(user_logged_out, dispatch_uid="realtime.close_session_sockets")
def _signed_out(sender, request, user, **kwargs):
    # Sent by django.contrib.auth.logout() before it flushes the session: the key is still
    # the one the sockets were opened with.
    session = getattr(request, "session", None)
    if session is not None and session.session_key:
        close_session_sockets(session.session_key)
