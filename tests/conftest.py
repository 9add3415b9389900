import contextlib

import pytest

from tests.factories import MunicipalityFactory, UserFactory


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks(settings):
    """Each test starts with an empty cache (throttle and rate-limit counters) and runs
    Celery tasks in-process unless it asks for a real broker."""
    from django.core.cache import cache

    from budgets import selectors as budget_selectors
    from config.celery import app
    from realtime import coalesce

    cache.clear()
    coalesce._covered_until.clear()
    budget_selectors._ballot_contexts.clear()
    app.conf.task_always_eager = True
    # Test accounts need no slow, brute-force-resistant hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield
    # A test may have pointed the cache at a dead server on purpose.
    with contextlib.suppress(Exception):
        cache.clear()


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(slug="aarhus", name="Aarhus Kommune")


@pytest.fixture
def citizen(municipality):
    return UserFactory(municipality=municipality)


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """No persistent connections in tests: the real ASGI/WSGI servers started by tests run
    requests in worker threads, and a connection kept open there would block dropping the
    test database at the end."""
    from django.db import connections

    connections.settings["default"]["CONN_MAX_AGE"] = 0
