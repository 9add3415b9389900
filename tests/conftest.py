"""Fixtures for every test, and the test tiers.

Two tiers: `./hoest test-fast` runs the fast tier for everyday work (no browser, no server or
other process started, no long comparison); `./hoest test` runs the whole suite, as CI does.
A test belongs to the slow tier when it is marked `slow_tier`, `e2e` (a browser) or `slow`,
or uses pytest-django's `live_server`. In the fast tier a test that starts a server or a
process anyway fails and says to mark it, so the tier stays fast.
"""
import contextlib
import os
import socket
import subprocess

from tests.xdist_services import separate_redis_per_worker

separate_redis_per_worker()  # before anything connects to Redis or reads REDIS_URL

import pytest  # noqa: E402

from tests.factories import MunicipalityFactory, UserFactory  # noqa: E402

FAST_TIER = os.environ.get("HOEST_TEST_TIER") == "fast"
SLOW_TIER_MARKERS = ("slow_tier", "e2e", "slow")
SLOW_TIER_FIXTURES = {"live_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if (not item.get_closest_marker("slow_tier")
                and (any(item.get_closest_marker(m) for m in SLOW_TIER_MARKERS)
                     or SLOW_TIER_FIXTURES & set(getattr(item, "fixturenames", ())))):
            item.add_marker(pytest.mark.slow_tier)


def _refuse_in_fast_tier(what: str):
    def refuse(*args, **kwargs):
        raise RuntimeError(f"this test {what}: mark it @pytest.mark.slow_tier "
                           "(the fast tier starts no server, process or browser; see tests/conftest.py)")
    return refuse


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session):
    # Before the first test, for the whole fast-tier run: fixtures of any scope included (a
    # module's server too). In pytest-xdist's controller no test runs: it loops over workers.
    in_controller = bool(getattr(session.config.option, "numprocesses", None))  # xdist sets None in workers
    if FAST_TIER and not in_controller:
        socket.socket.listen = _refuse_in_fast_tier("starts a server")
        subprocess.Popen._execute_child = _refuse_in_fast_tier("starts a process")


def _index_static_files_once_per_process() -> None:
    """Every Django test client builds its own middleware chain, and WhiteNoise (which serves
    from the finders outside production) stats and indexes every static file each time it is
    built: 0.2 s a client, about a third of the fast tier's time. The files do not change
    during a run, so the index is made once per process and settings (STATIC_URL and the
    folders may be overridden by a test) and shared; each middleware still gets its own dict."""
    from whitenoise.middleware import WhiteNoiseMiddleware

    index_files = WhiteNoiseMiddleware.add_files_from_finders
    indexes: dict = {}

    def add_files_from_finders(self):
        from django.conf import settings

        key = (self.static_prefix, repr(settings.STATICFILES_DIRS), repr(settings.STATICFILES_FINDERS),
               repr(settings.INSTALLED_APPS))
        if key not in indexes:
            before = dict(self.files)
            index_files(self)
            indexes[key] = {url: f for url, f in self.files.items() if before.get(url) is not f}
        self.files.update(indexes[key])

    WhiteNoiseMiddleware.add_files_from_finders = add_files_from_finders


_index_static_files_once_per_process()


@pytest.fixture(autouse=True)
def _isolated_cache_and_eager_tasks(settings, tmp_path_factory):
    """Each test starts with an empty cache (throttle and rate-limit counters), in the
    default language (a request in an earlier test leaves its language active in the thread,
    as the language middleware activates one per request), and runs Celery tasks in-process
    unless it asks for a real broker. Uploaded files (the demo's pictures too) go to a
    folder of the test run, not to var/media."""
    from django.core.cache import cache
    from django.utils import translation

    from budgets import selectors as budget_selectors
    from config.celery import app
    from realtime import coalesce

    cache.clear()
    translation.deactivate()
    coalesce._covered_until.clear()
    budget_selectors._ballot_contexts.clear()
    app.conf.task_always_eager = True
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"
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
    # A test database need not survive a power cut: commits do not wait for the WAL to reach
    # the disk (PostgreSQL's synchronous_commit, per connection), which most tests spend
    # their time on. Servers and processes the tests start connect as in production.
    if connections.settings["default"]["ENGINE"].endswith("postgresql"):
        options = connections.settings["default"].setdefault("OPTIONS", {})
        options["options"] = (options.get("options", "") + " -c synchronous_commit=off").strip()
