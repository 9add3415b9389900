"""Token authentication with one lean query.

The token's digest (restapi.tokens) is looked up in one plain SQL statement that also
refuses an expired token, and the user is built from its row with `Model.from_db`, as the
ORM itself does, but without compiling a query or a RawQuerySet's column mapping on every
request: every ballot of a vote surge pays for this (docs/BENCHMARKS.md, vote surge).
"""
from __future__ import annotations

from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

# DRF's own messages, translated by DRF's catalogues; under this name makemessages leaves
# them out of Høst's.
from django.utils.translation import gettext_lazy as drf_message
from rest_framework import authentication, exceptions

from .models import ApiToken
from .tokens import digest

# Left out of the user read for a request (Django loads a deferred field if it is used, as
# for .defer()): no API request needs them, and a timestamp costs more to load than the
# rest of the row (Django registers psycopg's pure-Python loader for timestamptz).
DEFERRED = frozenset({"password", "last_login", "date_joined"})


@cache
def _user_query() -> tuple[str, list[str], list]:
    """The SQL, the attribute names in column order and each field's from_db_value (None
    where a field has none): built once per process, from the model's own metadata."""
    user_model = get_user_model()
    quote = connection.ops.quote_name
    fields = [field for field in user_model._meta.concrete_fields if field.attname not in DEFERRED]
    columns = ", ".join(f"u.{quote(field.column)}" for field in fields)
    sql = (f"SELECT {columns} FROM {quote(user_model._meta.db_table)} u "  # noqa: S608  # nosec B608 - model names
           f"JOIN {quote(ApiToken._meta.db_table)} t ON t.user_id = u.{quote(user_model._meta.pk.column)} "
           f"WHERE t.digest = %s AND t.expires_at > %s")
    return sql, [field.attname for field in fields], [getattr(field, "from_db_value", None) for field in fields]


def user_for_token(key: str):
    """The user holding API token `key` (unexpired), or None."""
    sql, attnames, converters = _user_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [digest(key), timezone.now()])
        row = cursor.fetchone()
    if row is None:
        return None
    if any(converters):
        row = [value if convert is None else convert(value, None, connection)
               for value, convert in zip(row, converters, strict=True)]
    return get_user_model().from_db(connection.alias, attnames, row)


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <token>`; request.auth is the token itself (for revoking it)."""

    def authenticate_credentials(self, key):
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(drf_message("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(drf_message("User inactive or deleted."))
        return user, key
