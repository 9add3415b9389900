"""The registry of personal data a person can download.

Each app registers one function per kind of data it holds about a person; the account
download gathers them all. accounts knows no feature app: they register themselves in their
AppConfig.ready().
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .models import Verification

Collector = Callable[[Any], Any]
_collectors: dict[str, Collector] = {}
# Run before an account is deleted, for data that must not outlive it on rows that stay
# (a dinner host's address on the dinner, which the other guests' history keeps).
_erasers: list[Callable[[Any], None]] = []


def register(section: str, collector: Collector) -> None:
    _collectors[section] = collector


def register_eraser(eraser: Callable[[Any], None]) -> None:
    if eraser not in _erasers:
        _erasers.append(eraser)


def erase(user) -> None:
    for eraser in _erasers:
        eraser(user)


def sections() -> dict[str, Collector]:
    return dict(_collectors)


def account_data(user) -> dict[str, Any]:
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    return {
        "email": user.email,
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "birth_year": user.birth_year,
        "municipality": user.municipality.name if user.municipality_id else None,
        "district": user.district.name if user.district_id else None,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": a.email, "verified": a.verified, "primary": a.primary}
            for a in EmailAddress.objects.filter(user=user)
        ],
        "roles": [
            {"municipality": m.municipality.name, "role": m.role, "since": m.created_at.isoformat()}
            for m in user.memberships.select_related("municipality")
        ],
        # What a national e-ID vouched for (never the identity number: Høst holds only a keyed
        # hash of it) and the e-ID sign-ins tied to the account.
        "identity_verification": _verification(user),
        "e_id_sign_ins": [
            {"provider": a.provider, "added": a.date_joined.isoformat(),
             "last_used": a.last_login.isoformat() if a.last_login else None}
            for a in SocialAccount.objects.filter(user=user)
        ],
        # Which second factors the account has, never their secrets.
        "second_factors": [
            {"type": a.type, "added": a.created_at.isoformat(),
             "last_used": a.last_used_at.isoformat() if a.last_used_at else None}
            for a in Authenticator.objects.filter(user=user).order_by("created_at")
        ],
    }


def _verification(user) -> dict | None:
    found = Verification.objects.filter(user=user).first()
    if found is None:
        return None
    return {"issuer": found.issuer, "level_of_assurance": found.level_of_assurance,
            "birth_year": found.birth_year, "verified": found.verified_at.isoformat()}
