"""WSGI entry point: production serves HTTP from granian (see docs/ARCHITECTURE.md, Runtime modes).

granian runs the application in a pool of blocking threads per worker process, starts a
thread when requests need one and retires it after --blocking-threads-idle-timeout without a
request. Django keeps each thread's persistent database connection (CONN_MAX_AGE) in a
thread-local DatabaseWrapper that sits in reference cycles, so when a thread ends its open
connection is not closed until the next full garbage collection, which in a long-running
worker can be hours away: every retired thread would leave an idle PostgreSQL connection
behind, and bursts separated by quiet spells would add up to PostgreSQL's max_connections.
The application below closes a thread's connections as soon as the thread ends.
"""
import contextlib
import os
import threading

from django.core.wsgi import get_wsgi_application
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()


class CloseConnectionsWhenThreadEnds:
    """Kept in a threading.local and part of no reference cycle, so it is freed, and closes
    the connections, the moment the thread that served with them ends."""

    def __init__(self):
        # The thread's own wrappers (Django makes them per thread on first access); they
        # connect lazily, so taking them here opens nothing.
        self.wrappers = [connections[alias] for alias in connections]

    def __del__(self):
        for wrapper in self.wrappers:
            # The psycopg connection itself: DatabaseWrapper.close() may refuse to run outside
            # the thread that opened it, and no request is in flight on a thread that ends.
            if wrapper.connection is not None:
                with contextlib.suppress(Exception):  # a broken connection is as good as closed
                    wrapper.connection.close()


_this_thread = threading.local()


def application(environ, start_response):
    if not hasattr(_this_thread, "connections_closer"):
        _this_thread.connections_closer = CloseConnectionsWhenThreadEnds()
    return django_application(environ, start_response)
