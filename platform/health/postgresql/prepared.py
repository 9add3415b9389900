"""One hot statement, prepared once per connection on PostgreSQL.

Django sends every statement as text with its values quoted in (client-side binding), so
PostgreSQL parses and plans it again each time. For the few statements a surge runs once
per request (the token's user, the ballot), planning costs PostgreSQL more than running
them. Here such a statement goes with its values bound on the server, and psycopg prepares
it on the connection the first time: later calls on that connection send only its name and
values (docs/BENCHMARKS.md, vote surge).

psycopg forgets its prepared statements after a ROLLBACK on the connection and prepares them
again when next used. A migration that changes the type of a column such a statement
returns makes its next run on an older connection fail once ("cached plan must not change
result type"): restart the web processes after `migrate`, as a deployment does anyway.

Elsewhere (SQLite in embedded mode, another backend) the statement runs on Django's cursor
as any other. Values whose type PostgreSQL cannot infer from where they stand (a NULL in a
SELECT list) need a cast in the SQL (`%s::bigint`).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Sequence

import psycopg
from django.db import connection

logger = logging.getLogger("django.db.backends")


def fetchone(sql: str, params: Sequence) -> tuple | None:
    """The first row of `sql` with `params` (`%s` placeholders), or None."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    # What Django's cursor() does before a statement: the health check of a reused
    # connection, a connection, one thread per connection, no statement in a broken atomic().
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    connection.validate_no_broken_transaction()
    start = time.monotonic() if connection.queries_logged else 0.0
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        row = cursor.fetchone()
    if connection.queries_logged:  # as Django's debug cursor: assertNumQueries and DEBUG see it
        duration = time.monotonic() - start
        connection.queries_log.append({"sql": f"{sql} -- prepared; args={tuple(params)!r}", "time": f"{duration:.3f}"})
        logger.debug("(%.3f) %s; args=%s; alias=%s", duration, sql, params, connection.alias,
                     extra={"duration": duration, "sql": sql, "params": params, "alias": connection.alias})
    return row
