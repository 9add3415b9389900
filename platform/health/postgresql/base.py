"""Django's PostgreSQL backend, with a connection health check that costs no round trip.

With CONN_HEALTH_CHECKS, Django asks a reused connection `SELECT 1` at the start of every
request, so that a connection PostgreSQL dropped (a restart, a failover, an idle timeout)
is replaced instead of failing the request. That is one round trip per request, on the web
process and on PostgreSQL, for every ballot of a surge (docs/BENCHMARKS.md, Vote surge).

An idle connection has nothing to read: PostgreSQL speaks only when asked. When it closes
a connection, it sends its goodbye ("terminating connection due to administrator command")
or the socket simply reaches its end, and either way the socket becomes readable. So the
check here looks whether the idle socket is readable, without waiting and without a round
trip, and only then asks `SELECT 1` as Django does, which decides. A connection the
network lost silently (no goodbye, no end) passes this check as it would often pass a slow
`SELECT 1`; its first query fails and the request answers 503 (restapi.middleware), and
the next request gets a new connection.
"""
from __future__ import annotations

import select

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from psycopg import pq


def has_unread_data(fd: int) -> bool:
    """True when the socket `fd` has something to read (or has reached its end)."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLERR | select.POLLHUP)
    return bool(poller.poll(0))


class DatabaseWrapper(PostgresDatabaseWrapper):
    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed:
            return False
        pgconn = connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status != pq.TransactionStatus.IDLE or has_unread_data(pgconn.socket):
            return super().is_usable()  # something unusual: ask the server, as Django does
        return True
