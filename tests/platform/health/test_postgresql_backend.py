"""The PostgreSQL backend's health check (health.postgresql): no round trip while a reused
connection is fine, and a connection PostgreSQL has closed is replaced before a request
uses it."""
import time

import pytest
from django.db import connection, connections

from tests.services import need_postgres

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    need_postgres()
    assert connection.vendor == "postgresql"
    connection.ensure_connection()
    yield connection
    connection.close()


def sent_queries(monkeypatch, conn) -> list:
    """Statements sent on the raw psycopg connection, bypassing Django's cursor wrappers."""
    sent = []
    raw = conn.connection
    original = raw.cursor
    monkeypatch.setattr(raw, "cursor", lambda *a, **kw: sent.append("cursor") or original(*a, **kw))
    return sent


def test_a_healthy_reused_connection_is_checked_without_a_query(postgres, monkeypatch):
    sent = sent_queries(monkeypatch, postgres)
    assert postgres.is_usable()
    assert sent == [], "no SELECT 1 on the wire"


def test_a_connection_the_server_closed_is_found_unusable_and_replaced(postgres):
    old_pid = postgres.connection.info.backend_pid
    killer = connections.create_connection("default")  # another session, as an admin's would be
    try:
        with killer.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [old_pid])
    finally:
        killer.close()
    deadline = time.monotonic() + 5
    while postgres.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)  # the server's goodbye takes a moment to arrive
    assert not postgres.is_usable()

    # What happens at the start of the next request (CONN_HEALTH_CHECKS):
    postgres.health_check_done = False
    postgres.close_if_health_check_failed()
    with postgres.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != old_pid, "a new connection, and the query works"


def test_a_connection_inside_a_transaction_is_asked_as_django_asks(postgres, monkeypatch):
    postgres.connection.execute("BEGIN")
    try:
        sent = sent_queries(monkeypatch, postgres)
        assert postgres.is_usable()
        assert sent == ["cursor"], "not idle: the real check"
    finally:
        postgres.connection.execute("ROLLBACK")
