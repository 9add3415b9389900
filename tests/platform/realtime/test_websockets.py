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


def use_layer(settings, address):
    """Høst's channel layer (config.settings with REDIS_URL) on `address`, fresh for this test."""
    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "realtime.layers.ChannelLayer",
        "CONFIG": {"hosts": [{"address": address, "socket_timeout": 2, "socket_connect_timeout": 0.5}],
                   "prefix": "hoest-test:ws:"},
    }}
    from channels.layers import channel_layers

    channel_layers.backends.clear()


def test_redis_channel_layer_carries_events_between_connections(client, settings):
    """Two sockets on the Redis channel layer: what one process sends, the other hears."""
    need_redis()
    use_layer(settings, REDIS_URL)
    from channels.layers import channel_layers, get_channel_layer

    assert type(get_channel_layer()).__name__ == "ChannelLayer"
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


def test_handshake_is_declined_cleanly_without_redis(client, settings, caplog):
    """The pub/sub layer subscribes a consumer's channel before the handshake: with Redis
    unreachable that fails, and the socket is declined (403, the page's script retries
    later) — not an ASGI error (HTTP 500) nor a traceback — and nothing is left behind."""
    from channels.layers import channel_layers

    from realtime.broadcast import channel_layer_outage

    use_layer(settings, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    user = UserFactory()
    cookie = session_cookie(client, user)

    async def scenario(host):
        for _ in range(2):
            with pytest.raises(InvalidStatus) as refused:
                async with connect(f"ws://{host}/ws/notifications/",
                                   additional_headers={"Cookie": cookie, "Origin": f"http://{host}"}):
                    pass
            assert refused.value.response.status_code == 403
        # The server's layer (one per event loop) keeps no channel or group of the attempts.
        from channels.layers import get_channel_layer

        return [(len(loop_layer.channels), len(loop_layer.groups))
                for loop_layer in get_channel_layer()._layers.values()]

    caplog.set_level("INFO")
    try:
        with serve_asgi() as host:
            left = run(scenario(host))
    finally:
        channel_layers.backends.clear()
        channel_layer_outage.succeeded()
    assert left == [(0, 0)]
    assert not [r for r in caplog.records if r.levelname == "ERROR" or r.exc_info], caplog.text
    assert sum("channel layer unavailable" in r.getMessage() for r in caplog.records) == 1, caplog.text
