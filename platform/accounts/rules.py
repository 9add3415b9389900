"""Who may do what, decided in one place.

Predicates take the user and an object that belongs to a municipality (or the municipality
itself). Roles are per municipality: a moderator in Aarhus is a citizen in Bergen. Feature
apps build their own rules from these predicates.

A privileged role counts only with a second factor (accounts.mfa): without one, `roles_in`
gives the user a citizen's roles and notes why, so every rule built on these predicates, in
every app, refuses a privileged action to an account without a second factor.
"""
from __future__ import annotations

import rules

from . import mfa
from .models import Membership, Municipality, Role


def municipality_of(obj) -> Municipality | None:
    if obj is None or isinstance(obj, Municipality):
        return obj
    return getattr(obj, "municipality", None)


def _held_roles(user, municipality: Municipality | None) -> frozenset[str]:
    """The roles a user holds in a municipality, cached on the user for the request."""
    if municipality is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cache = user.__dict__.setdefault("_hoest_roles", {})
    if municipality.pk not in cache:
        cache[municipality.pk] = frozenset(
            Membership.objects.filter(user=user, municipality=municipality).values_list(
                "role", flat=True
            )
        )
    return cache[municipality.pk]


def roles_in(user, municipality: Municipality | None) -> frozenset[str]:
    """The roles a user may act in, in a municipality: the privileged ones only with a
    second factor."""
    roles = _held_roles(user, municipality)
    if roles & mfa.PRIVILEGED_ROLES and not mfa.has_second_factor(user):
        return roles - mfa.PRIVILEGED_ROLES
    return roles


def _has_role(*roles: str):
    wanted = frozenset(roles)

    def predicate(user, obj=None) -> bool:
        if mfa.superuser_with_second_factor(user):
            return True
        matched = _held_roles(user, municipality_of(obj)) & wanted
        if not matched:
            return False
        if matched - mfa.PRIVILEGED_ROLES or mfa.has_second_factor(user):
            return True
        # The role would allow it: refused for want of a second factor, and noted as such.
        mfa.note_missing(user)
        return False

    predicate.__name__ = "is_" + "_or_".join(roles)
    return rules.predicate(predicate)


is_municipality_admin = _has_role(Role.ADMIN)
is_staff_member = _has_role(Role.STAFF, Role.ADMIN)
is_moderator = _has_role(Role.MODERATOR, Role.STAFF, Role.ADMIN)
is_council_member = _has_role(Role.COUNCIL, Role.ADMIN)


@rules.predicate
def is_resident(user, obj=None) -> bool:
    municipality = municipality_of(obj)
    return (
        getattr(user, "is_authenticated", False)
        and municipality is not None
        and user.municipality_id == municipality.pk
    )


@rules.predicate
def is_self(user, other) -> bool:
    return getattr(user, "is_authenticated", False) and other is not None and user.pk == other.pk


rules.add_perm("accounts.view_personal_data", is_self)
rules.add_perm("accounts.delete_account", is_self)
rules.add_perm("accounts.manage_municipality", is_municipality_admin)
rules.add_perm("accounts.moderate", is_moderator)
rules.add_perm("accounts.work_as_staff", is_staff_member)
rules.add_perm("accounts.manage_census", is_staff_member)
rules.add_perm("accounts.review_as_council", is_council_member)
