import json

import pytest

from tests.services import REDIS_URL

CHECKS = {"database", "cache", "channel_layer", "broker"}


@pytest.mark.django_db
def test_healthz_is_ok_with_every_check_named(client):
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"] == {name: "ok" for name in CHECKS}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_reports_the_real_services_when_configured(client, settings):
    """With REDIS_URL set (as in CI), the checks touch the real Redis, not a stand-in."""
    if not REDIS_URL:
        pytest.skip("embedded mode: no Redis configured")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert client.get("/healthz").json()["checks"]["broker"] == "ok"


@pytest.mark.django_db
def test_unreachable_cache_gives_503_naming_the_cache(client, settings):
    settings.CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        # Nothing listens on port 1: a real refused connection, not a mock.
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }}
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["cache"]
    assert body["checks"]["cache"].startswith("error:")
    assert body["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_unreachable_broker_gives_503_naming_the_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["broker"]


@pytest.mark.django_db
def test_healthz_only_answers_get(client):
    assert client.post("/healthz").status_code == 405


def _pubsub_layer(settings, address):
    """Høst's channel layer as config.settings builds it with REDIS_URL, on `address`."""
    from channels.layers import channel_layers

    settings.CHANNEL_LAYERS = {"default": {
        "BACKEND": "realtime.layers.ChannelLayer",
        "CONFIG": {"hosts": [{"address": address, "socket_timeout": 2, "socket_connect_timeout": 0.5}],
                   "prefix": "hoest-test:health:"},
    }}
    channel_layers.backends.clear()


@pytest.mark.django_db
def test_unreachable_channel_layer_gives_503_naming_the_channel_layer(client, settings):
    from channels.layers import channel_layers

    from realtime.broadcast import channel_layer_outage

    _pubsub_layer(settings, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        channel_layers.backends.clear()
        channel_layer_outage.succeeded()
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["channel_layer"]
    assert body["checks"]["channel_layer"].startswith("error: ConnectionError")


@pytest.mark.django_db(transaction=True)
def test_channel_layer_check_leaves_no_subscription_behind_in_a_long_running_process(settings):
    """Under ASGI the check runs on the server's event loop, whose pub/sub layer lives as long
    as the process: the channel it makes for its round trip must be ended, or each probe of
    a load balancer would leave a Redis subscription behind."""
    import urllib.request

    import redis
    from channels.layers import channel_layers, get_channel_layer

    from tests.asgi_server import serve_asgi
    from tests.services import need_redis

    need_redis()
    _pubsub_layer(settings, REDIS_URL)
    try:
        with serve_asgi() as host:
            for _ in range(3):
                with urllib.request.urlopen(f"http://{host}/healthz", timeout=10) as response:  # noqa: S310
                    assert json.loads(response.read())["checks"]["channel_layer"] == "ok"
            left = [list(loop_layer.channels) for loop_layer in get_channel_layer()._layers.values()]
            subscribed = redis.Redis.from_url(REDIS_URL).pubsub_channels("hoest-test:health:*")
    finally:
        channel_layers.backends.clear()
    assert left == [[]]
    assert subscribed == []


@pytest.mark.django_db
def test_channel_layer_check_is_heard_at_once_not_at_the_idle_receivers_next_poll(settings, monkeypatch):
    """Each round trip subscribes a fresh channel while the process's receiver idles (no
    websocket open); the receiver must wake for it. With a poll far longer than the check's
    own timeout, a receiver that waited for its next poll would fail every check."""
    import time

    from channels.layers import channel_layers

    from health.checks import TIMEOUT_SECONDS
    from realtime import checks, layers
    from tests.services import need_redis

    need_redis()
    monkeypatch.setattr(layers, "POLL_SECONDS", TIMEOUT_SECONDS * 3)
    _pubsub_layer(settings, REDIS_URL)
    try:
        for _ in range(3):
            started = time.monotonic()
            assert checks.channel_layer() is None
            assert time.monotonic() - started < TIMEOUT_SECONDS
    finally:
        channel_layers.backends.clear()
