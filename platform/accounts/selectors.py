from __future__ import annotations

import re
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from . import personal_data
from .models import Municipality

_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def municipality_list() -> QuerySet[Municipality]:
    return Municipality.objects.order_by("name")


def municipality_get(*, slug: str) -> Municipality | None:
    # Slugs come from query strings and paths; one that cannot be a slug (a NUL byte, which
    # PostgreSQL refuses in a query) names no municipality instead of failing the request.
    if not _SLUG.fullmatch(slug or ""):
        return None
    return Municipality.objects.filter(slug=slug).first()


def municipality_default() -> Municipality | None:
    return (
        municipality_get(slug=settings.DEFAULT_MUNICIPALITY)
        or Municipality.objects.order_by("pk").first()
    )


def user_personal_data(*, user) -> dict[str, Any]:
    """Everything Høst holds about a person, as one JSON-ready document."""
    return {
        "format": "hoest-personal-data/1",
        **{section: collect(user) for section, collect in personal_data.sections().items()},
    }


def user_for_api(*, user_id: int):
    return (
        get_user_model().objects.select_related("municipality", "district")
        .prefetch_related("memberships__municipality").get(pk=user_id)
    )


def eid_apps(*, municipality) -> list:
    """The e-ID providers (allauth SocialApps of provider "eid") a municipality's residents
    sign in with: those whose settings name the municipality."""
    from allauth.socialaccount.models import SocialApp

    slug = getattr(municipality, "slug", None)
    return [app for app in SocialApp.objects.filter(provider="eid").order_by("name")
            if (app.settings or {}).get("municipality") == slug]


def email_confirmed(user) -> bool:
    """Whether the account may write: the web's rule (ACCOUNT_EMAIL_VERIFICATION) applies to
    the API too, so an unconfirmed sign-up cannot vote, support, comment or flag anywhere."""
    if settings.ACCOUNT_EMAIL_VERIFICATION != "mandatory":
        return True
    return EmailAddress.objects.filter(user_id=user.pk, email__iexact=user.email, verified=True).exists()
