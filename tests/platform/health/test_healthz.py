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
