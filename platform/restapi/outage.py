"""The database outage as this process knows it: the errors that mean PostgreSQL is away, and
the outage record (logged once, cleared by the first answer that is not a 5xx).
Shared by the middleware (restapi.middleware), the server-error view (restapi.errors) and the
logging settings (`QuietDatabaseOutage`), so it imports nothing that needs settings."""
from django.db import InterfaceError, OperationalError

from health.outage import Outage

DATABASE_ERRORS = (OperationalError, InterfaceError)
database_outage = Outage("database")


class QuietDatabaseOutage:
    """A logging filter for django.request: a database error is the outage `database_outage`
    has logged once, not a new traceback per request."""

    def filter(self, record) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, DATABASE_ERRORS)
