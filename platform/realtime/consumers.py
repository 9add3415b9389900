"""Websocket consumers only relay group events; writes go through forms and the API.

A socket opened with a signed-in session also joins that session's group, so signing out
closes it (`realtime.sessions`): it was authorised once, at the handshake, and would go on
hearing staff events after its person signed out."""
from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from .broadcast import channel_layer_outage, group_name
from .sessions import SIGNED_OUT, session_group


def user_group(user_id: int) -> str:
    return group_name("user", user_id)


class RelayConsumer(AsyncJsonWebsocketConsumer):
    """Joins the groups `get_groups()` allows and forwards their events to the browser."""

    groups_joined: list[str]

    async def __call__(self, scope, receive, send):
        # The pub/sub layer subscribes the consumer's own channel before anything else
        # (channels' `new_channel()`): while Redis is away that fails before the handshake,
        # which is then declined (HTTP 403; the page's script tries again later) — the outage
        # is logged once, not as an error per attempt.
        sent = False

        async def tracked_send(message):
            nonlocal sent
            sent = True
            await send(message)

        try:
            await super().__call__(scope, receive, tracked_send)
        except (RedisConnectionError, RedisTimeoutError, OSError) as exc:
            channel_layer_outage.failed(exc)
            if not sent:
                await send({"type": "websocket.close", "code": 1011})

    async def get_groups(self) -> list[str] | None:
        """The groups this connection may join, or None to refuse it (authorisation)."""
        raise NotImplementedError

    async def connect(self):
        groups = await self.get_groups()
        if groups is None:
            await self.close(code=4403)
            return
        user, session = self.scope.get("user"), self.scope.get("session")
        session_key = session.session_key if session is not None else None
        if user is not None and user.is_authenticated and session_key:
            groups = [*groups, session_group(session_key)]
        try:
            for group in groups:
                await self.channel_layer.group_add(group, self.channel_name)
        except Exception as exc:  # noqa: BLE001 - the channel layer is down: refuse, log once
            channel_layer_outage.failed(exc)
            await self.close()  # the handshake is declined; the page works without live updates
            return
        channel_layer_outage.succeeded()
        self.groups_joined = groups
        await self.accept()

    async def disconnect(self, code):
        try:
            for group in getattr(self, "groups_joined", []):
                await self.channel_layer.group_discard(group, self.channel_name)
        except Exception as exc:  # noqa: BLE001 - best effort: a closing socket must not error
            channel_layer_outage.failed(exc)

    async def receive_json(self, content, **kwargs):
        # Clients do not write through the socket; only a ping is answered.
        if content.get("type") == "ping":
            await self.send_json({"event": "pong", "payload": {}})

    async def relay(self, message):
        await self.send_json({"event": message["event"], "payload": message["payload"]})

    async def session_ended(self, message):
        """The session this socket was opened with signed out (realtime.sessions)."""
        await self.close(code=SIGNED_OUT)

    async def dispatch(self, message):
        # A relayed group event touches no database, so it skips channels' per-message hop to
        # a thread to close old connections: with 1,000 listeners that hop, made one consumer
        # after another, was most of the time from a support to the last browser
        # (docs/BENCHMARKS.md, websocket fan-out).
        if message.get("type") == "relay":
            await self.relay(message)
        else:
            await super().dispatch(message)


class NotificationsConsumer(RelayConsumer):
    """A signed-in person's own notifications (status changes, replies, seat promotions)."""

    async def get_groups(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        return [user_group(user.pk)]
