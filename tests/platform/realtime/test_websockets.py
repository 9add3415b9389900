"""Live updates: a browser connected to /ws/ hears about a change once it is committed."""
import asyncio
import json

import pytest
from django.db import transaction
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from realtime.broadcast import broadcast_on_commit
from realtime.consumers import user_group
from tests.asgi_server import serve_asgi
from tests.factories import UserFactory
from tests.services import REDIS_URL, need_redis

pytestmark = pytest.mark.django_db(transaction=True)


def session_cookie(client, user) -> str:
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}"


async def receive(ws, timeout=3.0):
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


def run(coro):
    return asyncio.run(coro)


def test_broadcast_reaches_the_browser_only_after_commit(client):
    user = UserFactory()
    cookie = session_cookie(client, user)

    async def scenario(host):
        async with connect(f"ws://{host}/ws/notifications/",
                           additional_headers={"Cookie": cookie, "Origin": f"http://{host}"}) as ws:
            await ws.send(json.dumps({"type": "ping"}))
            assert (await receive(ws))["event"] == "pong"

            def rolled_back():
                try:
                    with transaction.atomic():
                        broadcast_on_commit(user_group(user.pk), "status.changed", {"n": 1})
                        raise RuntimeError("roll back")
                except RuntimeError:
                    pass

            def committed():
                with transaction.atomic():
                    broadcast_on_commit(user_group(user.pk), "status.changed", {"n": 2})
                    # Still inside the transaction: nothing may have been sent yet.
                    return True

            from asgiref.sync import sync_to_async

            await sync_to_async(rolled_back)()
            await sync_to_async(committed)()
            message = await receive(ws)
            assert message == {"event": "status.changed", "payload": {"n": 2}}, \
                "the rolled-back event must never arrive"

    with serve_asgi() as host:
        run(scenario(host))


def test_anonymous_connections_are_refused(client):
    async def scenario(host):
        # Refused before the handshake completes, so the browser sees HTTP 403.
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f"ws://{host}/ws/notifications/",
                               additional_headers={"Origin": f"http://{host}"}):
                pass
        assert refused.value.response.status_code == 403

    with serve_asgi() as host:
        run(scenario(host))


def test_foreign_origins_are_refused(client):
    user = UserFactory()
    cookie = session_cookie(client, user)

    async def scenario(host):
        with pytest.raises(InvalidStatus) as refused:
            async with connect(f"ws://{host}/ws/notifications/",
                               additional_headers={"Cookie": cookie, "Origin": "https://evil.example"}):
                pass
        assert refused.value.response.status_code == 403

    with serve_asgi() as host:
        run(scenario(host))


def test_redis_channel_layer_carries_events_between_connections(client, settings):
    """Two sockets on the Redis channel layer: what one process sends, the other hears."""
    need_redis()
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "channels_redis.core.RedisChannelLayer",
        "CONFIG": {"hosts": [REDIS_URL], "prefix": "hoest-test:ws:"},
    }}
    from channels.layers import channel_layers, get_channel_layer

    channel_layers.backends.clear()
    assert type(get_channel_layer()).__name__ == "RedisChannelLayer"
    alice, bob = UserFactory(), UserFactory()
    cookies = {u.pk: session_cookie(client.__class__(), u) for u in (alice, bob)}

    async def scenario(host):
        headers = {"Origin": f"http://{host}"}
        async with connect(f"ws://{host}/ws/notifications/",
                           additional_headers={**headers, "Cookie": cookies[alice.pk]}) as a, \
                connect(f"ws://{host}/ws/notifications/",
                        additional_headers={**headers, "Cookie": cookies[bob.pk]}) as b:
            from asgiref.sync import sync_to_async

            def send():
                with transaction.atomic():
                    broadcast_on_commit(user_group(bob.pk), "reply", {"to": "bob"})

            await sync_to_async(send)()
            assert await receive(b) == {"event": "reply", "payload": {"to": "bob"}}
            with pytest.raises(asyncio.TimeoutError):
                await receive(a, timeout=0.5)

    try:
        with serve_asgi() as host:
            run(scenario(host))
    finally:
        channel_layers.backends.clear()
