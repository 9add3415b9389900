"""Websocket consumers only relay group events; writes go through forms and the API."""
from __future__ import annotations

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from .broadcast import group_name


def user_group(user_id: int) -> str:
    return group_name("user", user_id)


class RelayConsumer(AsyncJsonWebsocketConsumer):
    """Joins the groups `get_groups()` allows and forwards their events to the browser."""

    groups_joined: list[str]

    async def get_groups(self) -> list[str] | None:
        """The groups this connection may join, or None to refuse it (authorisation)."""
        raise NotImplementedError

    async def connect(self):
        groups = await self.get_groups()
        if groups is None:
            await self.close(code=4403)
            return
        self.groups_joined = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        # Clients do not write through the socket; only a ping is answered.
        if content.get("type") == "ping":
            await self.send_json({"event": "pong", "payload": {}})

    async def relay(self, message):
        await self.send_json({"event": message["event"], "payload": message["payload"]})


class NotificationsConsumer(RelayConsumer):
    """A signed-in person's own notifications (status changes, replies, seat promotions)."""

    async def get_groups(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            return None
        return [user_group(user.pk)]
