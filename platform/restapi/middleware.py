"""A database outage (PostgreSQL restarting, a failover) answers 503, not a 500 traceback.

Every write runs in one transaction, so a request cut off by the outage wrote nothing; the
person is told to try again: the JSON error shape under /api/, a short translated page
elsewhere (rendered without the request's context, which would query the database).
Django replaces the broken connection by itself on the next request (CONN_HEALTH_CHECKS
under WSGI, the pool's connection check under ASGI), so the site recovers without a restart.
"""
from __future__ import annotations

from django.db import InterfaceError, OperationalError

from health.outage import Outage

DATABASE_ERRORS = (OperationalError, InterfaceError)
database_outage = Outage("database")


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 500 and database_outage.down:
            database_outage.succeeded()
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            from .errors import service_unavailable

            database_outage.failed(exception)
            return service_unavailable(request)
        return None


class QuietDatabaseOutage:
    """A logging filter for django.request: a database error is the outage `database_outage`
    has logged once, not a new traceback per request."""

    def filter(self, record) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DATABASE_ERRORS)
