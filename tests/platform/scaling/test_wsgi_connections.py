"""Production's WSGI server (granian) and Django's persistent database connections.

Django keeps one PostgreSQL connection per thread (CONN_MAX_AGE). granian runs the
application in blocking threads, retires a thread after --blocking-threads-idle-timeout
without a request (production: 600 s; here granian's minimum, 5 s) and starts one again when
requests need it. A thread must keep its connection from request to request, and a retired
thread's connection must close with it: left to the garbage collector it stays open for
hours, and bursts separated by quiet spells would pile connections up until PostgreSQL
refuses more (config.wsgi closes it)."""
from __future__ import annotations

import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.platform.scaling.processes import database_url, granian_spec, running, server_env
from tests.services import need_postgres

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

WORKERS, THREADS = 2, 2
IDLE_TIMEOUT = 5
REQUESTS, CLIENTS = 300, 8
# The server's connections carry this name, so nothing else on the database is counted.
SERVER_NAME = "hoest-granian-under-test"


def server_connections(observer: psycopg.Connection) -> set[int]:
    """Backend pids of the server's open connections."""
    rows = observer.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s",
                            [SERVER_NAME]).fetchall()
    return {pid for (pid,) in rows}


def burst(host: str, observer: psycopg.Connection) -> set[int]:
    """REQUESTS requests from CLIENTS clients at once; every server connection seen open meanwhile."""
    seen: set[int] = set()
    done = threading.Event()

    def watch():
        while not done.is_set():
            seen.update(server_connections(observer))
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
    return seen | server_connections(observer)


def test_threads_keep_one_connection_each_and_close_it_when_retired():
    need_postgres()
    url = database_url()
    # Without Redis (local-memory cache, in-memory channel layer): /healthz then costs the
    # database round trip and little else, and nothing here is about Redis.
    env = server_env(database_url=f"{url}?application_name={SERVER_NAME}", redis_url="")
    most = WORKERS * THREADS
    spec = granian_spec("web", env, workers=WORKERS, threads=THREADS, idle_timeout=IDLE_TIMEOUT)
    with psycopg.connect(url, autocommit=True) as observer, running([spec]) as processes:
        host = processes["web"].host
        for round_ in range(2):
            used = burst(host, observer)
            # One connection per thread, kept across its requests: never one per request,
            # and none left over from the threads retired before this round.
            assert 1 <= len(used) <= most, f"round {round_}: {len(used)} connections for {most} threads"
            after_burst = len(server_connections(observer))
            deadline = time.monotonic() + IDLE_TIMEOUT + 15
            while len(server_connections(observer)) >= after_burst and time.monotonic() < deadline:
                time.sleep(0.5)
            assert len(server_connections(observer)) < after_burst, \
                f"round {round_}: no connection closed {IDLE_TIMEOUT} s after the threads fell idle"
