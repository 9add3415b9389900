"""Liveness checks of the services Høst depends on. Each returns None when healthy, or a
short reason. They are bounded in time so a dead service cannot hang the health endpoint.
Apps that own a service register its check (`register`): health imports none of them."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection

TIMEOUT_SECONDS = 2


def database() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return None


def cache_check() -> str | None:
    if hasattr(cache, "probe"):  # health.cache.ResilientRedisCache hides errors elsewhere
        cache.probe()
        return None
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    ok = cache.get(key) == "1"
    cache.delete(key)
    return None if ok else "value written to the cache could not be read back"


def broker() -> str | None:
    url = settings.CELERY_BROKER_URL
    if url.startswith("memory://"):
        return None  # embedded mode: tasks run eagerly in-process
    from kombu import Connection

    with Connection(url, connect_timeout=TIMEOUT_SECONDS, transport_options={
        "socket_timeout": TIMEOUT_SECONDS, "socket_connect_timeout": TIMEOUT_SECONDS,
    }) as conn:
        conn.ensure_connection(max_retries=1, timeout=TIMEOUT_SECONDS)
    return None


CHECKS = {
    "database": database,
    "cache": cache_check,
    "broker": broker,
}


def register(name: str, check) -> None:
    """A check of a service an app above the base owns (realtime: the channel layer)."""
    CHECKS[name] = check


def run_all() -> dict[str, str]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            problem = check()
        except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
            problem = f"{type(exc).__name__}: {exc}".strip()[:200]
        results[name] = "ok" if problem is None else f"error: {problem}"
    return results
