"""Under pytest-xdist each worker gets its own Redis database, as pytest-django gives each
its own test database (test_<name>_gw0, ...): the suite clears the cache between tests and
counts throttles in Redis, so two workers sharing one database would wipe each other's
counters and hear each other's websocket events.

Worker gwN uses database (D - N) mod 16 of the REDIS_URL given (database D): with the
README's /15 and `-n 2`, 15 and 14. Called from tests/conftest.py when it is imported:
Django's settings are loaded by then, but no connection to Redis has been made.
"""
from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit


def redis_url_for_worker(url: str, worker: str) -> str:
    parts = urlsplit(url)
    path = parts.path.strip("/")
    base = int(path) if path.isdigit() else 0
    number = int(worker.removeprefix("gw"))
    return urlunsplit(parts._replace(path=f"/{(base - number) % 16}"))


def separate_redis_per_worker() -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    url = os.environ.get("REDIS_URL", "")
    if not worker or not url:
        return
    from django.conf import settings

    own = redis_url_for_worker(url, worker)
    # Servers and processes the tests start read the environment.
    os.environ["REDIS_URL"] = own
    settings.REDIS_URL = own
    settings.CACHES["default"]["LOCATION"] = own
    layer = settings.CHANNEL_LAYERS["default"]["CONFIG"]
    layer["hosts"][0]["address"] = own
    layer["prefix"] = f"hoest:{urlsplit(own).path.strip('/')}:ws:"
    if url == settings.CELERY_BROKER_URL:
        settings.CELERY_BROKER_URL = own
