"""Issuing and revoking API tokens (restapi.models.ApiToken).

A token is `hst_` and 43 URL-safe characters (256 random bits). Only its SHA-256 digest is
stored; it expires after API_TOKEN_TTL (default 30 days); a person can revoke one token (the
one they present) or all of theirs, and all of them are revoked when the password changes
or a second factor is added (accounts.signals.credentials_changed)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import ApiToken

PREFIX = "hst_"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(user, *, name: str = "") -> tuple[str, ApiToken]:
    """A new token for `user`: the token (shown once) and its row."""
    token = PREFIX + secrets.token_urlsafe(32)
    ttl = timedelta(seconds=getattr(settings, "API_TOKEN_TTL", 30 * 24 * 3600))
    row = ApiToken.objects.create(user=user, digest=digest(token), prefix=token[:len(PREFIX) + 4], name=name[:80],
                                  expires_at=timezone.now() + ttl)
    return token, row


def revoke(token: str) -> bool:
    return ApiToken.objects.filter(digest=digest(token)).delete()[0] > 0


def revoke_by_id(user, pk: int) -> bool:
    return ApiToken.objects.filter(user=user, pk=pk).delete()[0] > 0


def revoke_all(user) -> int:
    return ApiToken.objects.filter(user_id=user.pk).delete()[0]


def active(user):
    return ApiToken.objects.filter(user=user, expires_at__gt=timezone.now())


def delete_expired() -> int:
    """Expired rows are refused already (restapi.authentication); this only tidies."""
    return ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()[0]
