"""Token authentication with one lean query.

The token's digest (restapi.tokens) is looked up in one plain SQL statement that also
refuses an expired token, prepared once per connection (health.postgresql.prepared). The
user is built from its row with `Model.from_db`, as the ORM itself does, but without
compiling a query or a RawQuerySet's column mapping on every request: every ballot of a
vote surge pays for this (docs/BENCHMARKS.md, vote surge).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

# DRF's own messages, translated by DRF's catalogues; under this name makemessages leaves
# them out of Høst's.
from django.utils.translation import gettext_lazy as drf_message
from rest_framework import authentication, exceptions

from accounts.models import Verification
from health.postgresql import prepared

from .models import ApiToken
from .tokens import digest

# Left out of the user read for a request (Django loads a deferred field if it is used, as
# for .defer()): no API request needs them, and a timestamp costs more to load than the
# rest of the row (Django registers psycopg's pure-Python loader for timestamptz).
DEFERRED = frozenset({"password", "last_login", "date_joined"})
VERIFICATION_DEFERRED = frozenset({"verified_at"})


@dataclass(frozen=True)
class _Read:
    """How one model's columns of the row become an instance: its attribute names in column
    order and each field's from_db_value (None where a field has none)."""

    model: type
    attnames: list[str]
    converters: list

    @classmethod
    def of(cls, model, deferred: frozenset) -> _Read:
        fields = [field for field in model._meta.concrete_fields if field.attname not in deferred]
        return cls(model, [field.attname for field in fields], [getattr(field, "from_db_value", None) for field in fields])

    def build(self, values):
        if any(self.converters):
            values = [value if convert is None else convert(value, None, connection)
                      for value, convert in zip(values, self.converters, strict=True)]
        return self.model.from_db(connection.alias, self.attnames, values)


@cache
def _user_query() -> tuple[str, _Read, _Read]:
    """The SQL, and how to read the user and their e-ID verification (accounts.models) from
    its row: built once per process, from the models' own metadata. The verification is
    LEFT JOINed: a ballot in a census process needs it (budgets.services), and here it costs
    no round trip."""
    quote = connection.ops.quote_name
    user, verification = _Read.of(get_user_model(), DEFERRED), _Read.of(Verification, VERIFICATION_DEFERRED)
    columns = ", ".join([f"u.{quote(user.model._meta.get_field(name).column)}" for name in user.attnames]
                        + [f"v.{quote(Verification._meta.get_field(name).column)}" for name in verification.attnames])
    pk = quote(user.model._meta.pk.column)
    sql = (f"SELECT {columns} FROM {quote(user.model._meta.db_table)} u "  # noqa: S608  # nosec B608 - model names
           f"JOIN {quote(ApiToken._meta.db_table)} t ON t.user_id = u.{pk} "
           f"LEFT JOIN {quote(Verification._meta.db_table)} v "
           f"ON v.{quote(Verification._meta.get_field('user').column)} = u.{pk} "
           f"WHERE t.digest = %s AND t.expires_at > %s")
    return sql, user, verification


def user_for_token(key: str):
    """The user holding API token `key` (unexpired), or None; `user.verification` comes
    with it (None: not verified)."""
    sql, user_read, verification_read = _user_query()
    row = prepared.fetchone(sql, [digest(key), timezone.now()])
    if row is None:
        return None
    split = len(user_read.attnames)
    user = user_read.build(row[:split])
    verification = verification_read.build(row[split:]) if row[split] is not None else None
    link = Verification._meta.get_field("user")
    link.remote_field.set_cached_value(user, verification)  # user.verification, without a query
    if verification is not None:
        link.set_cached_value(verification, user)
    return user


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <token>`; request.auth is the token itself (for revoking it)."""

    def authenticate_credentials(self, key):
        user = user_for_token(key)
        if user is None:
            raise exceptions.AuthenticationFailed(drf_message("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(drf_message("User inactive or deleted."))
        return user, key
