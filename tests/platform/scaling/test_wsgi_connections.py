"""Production's WSGI server (granian) and Django's persistent database connections.

Django keeps one PostgreSQL connection per thread (CONN_MAX_AGE). granian runs the
application in blocking threads, retires a thread after --blocking-threads-idle-timeout
without a request and starts one again when requests need it. A thread must keep its
connection from request to request (with production's 600 s no thread retires during the
first test), and a retired thread's connection must close with it (the second test uses
granian's minimum, 5 s): left to the garbage collector it stays open until a full
collection, which in a quiet worker may be hours away, and bursts separated by quiet spells
would pile connections up until PostgreSQL refuses more (config.wsgi closes it)."""
from __future__ import annotations

import os
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.platform.scaling.processes import database_url, granian_spec, running, server_env
from tests.services import need_postgres

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.slow_tier]

WORKERS, THREADS = 2, 2
IDLE_TIMEOUT = 5
REQUESTS, CLIENTS = 300, 8
# The server's connections carry this name, so nothing else on the database is counted: not
# even the server of this test run in another pytest-xdist worker (pg_stat_activity lists the
# whole cluster), hence the process id.
SERVER_NAME = f"hoest-granian-under-test-{os.getpid()}"


def server_connections(observer: psycopg.Connection) -> set[int]:
    """Backend pids of the server's open connections."""
    rows = observer.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                            [SERVER_NAME]).fetchall()
    return {pid for (pid,) in rows}


def burst(host: str, observer: psycopg.Connection) -> tuple[set[int], int]:
    """REQUESTS requests from CLIENTS clients at once. Returns every server connection seen
    meanwhile, and the most seen open at one time."""
    seen: set[int] = set()
    most_at_once = 0
    done = threading.Event()

    def watch():
        nonlocal most_at_once
        while not done.is_set():
            now = server_connections(observer)
            seen.update(now)
            most_at_once = max(most_at_once, len(now))
            time.sleep(0.05)

    def get(_n):
        with urllib.request.urlopen(f"http://{host}/healthz", timeout=15) as response:
            return response.status

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            statuses = list(pool.map(get, range(REQUESTS)))
    finally:
        done.set()
        watcher.join()
    assert statuses == [200] * REQUESTS
    now = server_connections(observer)
    return seen | now, max(most_at_once, len(now))


def server(idle_timeout: int) -> tuple:
    # Without Redis (local-memory cache, in-memory channel layer): /healthz then costs the
    # database round trip and little else, and nothing here is about Redis.
    env = server_env(database_url=f"{database_url()}?application_name={SERVER_NAME}", redis_url="")
    return granian_spec("web", env, workers=WORKERS, threads=THREADS, idle_timeout=idle_timeout)


def test_each_thread_keeps_its_connection_from_request_to_request():
    need_postgres()
    with psycopg.connect(database_url(), autocommit=True) as observer, \
            running([server(idle_timeout=600)]) as processes:  # production's: no thread retires here
        used, _ = burst(processes["web"].host, observer)
    assert 1 <= len(used) <= WORKERS * THREADS, f"{len(used)} connections for {REQUESTS} requests"


def test_a_retired_thread_closes_its_connection():
    need_postgres()
    most = WORKERS * THREADS
    with psycopg.connect(database_url(), autocommit=True) as observer, \
            running([server(idle_timeout=IDLE_TIMEOUT)]) as processes:
        for round_ in range(2):
            # None left over from the threads retired before this round.
            _, at_once = burst(processes["web"].host, observer)
            assert at_once <= most, f"round {round_}: {at_once} connections open for {most} threads"
            after_burst = len(server_connections(observer))
            deadline = time.monotonic() + IDLE_TIMEOUT + 15
            while len(server_connections(observer)) >= after_burst and time.monotonic() < deadline:
                time.sleep(0.5)
            assert len(server_connections(observer)) < after_burst, \
                f"round {round_}: no connection closed {IDLE_TIMEOUT} s after the threads fell idle"
