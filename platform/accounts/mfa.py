"""The second factor that privileged roles need, and the recent authentication that the
gravest decisions need.

A privileged role (moderator, staff, council, admin in any municipality; Django's is_staff
and is_superuser for the admin site) acts only with a second factor: an authenticator app
(TOTP) or a passkey (WebAuthn) from allauth.mfa. The check sits in `accounts.rules.roles_in`,
which every role predicate of every app goes through, so no privileged permission can miss
it: without a second factor the user holds only a citizen's roles there. The refusal is
remembered on the user object (`note_missing`), and turned into a clear answer: pages send
the person to set up a second factor (`accounts.middleware.SecondFactorMiddleware`), the API
answers 403 with the code `second_factor_required` (`restapi.errors`). Citizens never meet
any of it.

Signing in is allauth's: once an account has a second factor, allauth asks for it before the
person is signed in (a password alone signs no one in), the admin site signs in through
allauth (`accounts.admin_site`), and the API's token endpoint asks for a code too
(`restapi.token_views`).

Recent authentication (`recently_authenticated`): the council's decision, a phase change and
the opening of the ballot box need the person to have signed in with their second factor, or
confirmed who they are through allauth's reauthentication (password, e-mailed code or
second factor), within ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (5 minutes). Pages send a
stale session to allauth's reauthentication and back; the API answers 403
`reauthentication_required` unless the session qualifies or the request carries a current
code from the person's authenticator (`code`), which is how a token client confirms.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from .roles import Role
from .signals import credentials_changed

PRIVILEGED_ROLES = frozenset({Role.MODERATOR, Role.STAFF, Role.COUNCIL, Role.ADMIN})
# The kinds of authenticator that are a second factor; recovery codes only stand in for one.
SECOND_FACTOR_TYPES = ("totp", "webauthn")

_FACTOR = "_hoest_second_factor"
_MISSING = "_hoest_second_factor_missing"

SECOND_FACTOR_REQUIRED = _(
    "Your role needs two-factor authentication. Set up an authenticator app or a passkey, "
    "then try again.")
REAUTHENTICATION_REQUIRED = _(
    "This decision needs a recent sign-in: confirm who you are (on the web page), or send a "
    "current code from your authenticator app as “code”.")


def _real(user):
    """The user object itself behind request.user's lazy wrapper (whose __dict__ is its own)."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


def has_second_factor(user) -> bool:
    """True if the account has an authenticator app or a passkey (cached on the user object,
    so one request asks the database once)."""
    if not getattr(user, "is_authenticated", False):
        return False
    user = _real(user)
    cached = user.__dict__.get(_FACTOR)
    if cached is None:
        from allauth.mfa.models import Authenticator

        cached = user.__dict__[_FACTOR] = Authenticator.objects.filter(
            user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()
    return cached


def forget(user) -> None:
    """Drop what this user object remembers (after a second factor is added or removed)."""
    for name in (_FACTOR, _MISSING, "_hoest_roles"):
        user.__dict__.pop(name, None)
        _real(user).__dict__.pop(name, None)


def note_missing(user) -> None:
    """Remember that a privileged permission was refused for want of a second factor."""
    _real(user).__dict__[_MISSING] = True


def was_refused_for_missing_factor(user) -> bool:
    return user is not None and bool(getattr(_real(user), "__dict__", {}).get(_MISSING))


def superuser_with_second_factor(user) -> bool:
    """A superuser's blanket permission holds only with a second factor."""
    if not getattr(user, "is_superuser", False):
        return False
    if has_second_factor(user):
        return True
    note_missing(user)
    return False


def is_privileged(user) -> bool:
    """Holds a privileged role anywhere, or may use the admin site."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return user.memberships.filter(role__in=PRIVILEGED_ROLES).exists()


# --- Recent authentication ------------------------------------------------------------------

def recently_authenticated(request, user=None) -> bool:
    """True if, in this session, `user` (request.user by default) signed in with a second
    factor or reauthenticated (allauth: password, code or second factor) within
    ACCOUNT_REAUTHENTICATION_TIMEOUT seconds. A signed-in session without such a record
    (an old sign-in, or one made before the second factor existed) is not recent."""
    from allauth.account.authentication import get_authentication_records

    user = user if user is not None else getattr(request, "user", None)
    if not getattr(user, "is_authenticated", False) or not hasattr(request, "session"):
        return False
    records = [r for r in get_authentication_records(request, user)
               if r.get("reauthenticated") or r.get("method") == "mfa"]
    if not records:
        return False
    at = records[-1].get("at")
    return isinstance(at, int | float) and time.time() - at < settings.ACCOUNT_REAUTHENTICATION_TIMEOUT


def require_recent_authentication(request, *, keep_post: bool = True) -> None:
    """For a page: returns if the session authenticated recently; otherwise raises allauth's
    ReauthenticationRequired, whose middleware sends the person to confirm who they are and
    back here. With `keep_post` a POST is kept in the session and replayed afterwards (as
    allauth does); without it (forms carrying secrets, such as key shares, which must never be
    stored) the person comes back to the empty page and submits again."""
    if recently_authenticated(request):
        return
    from allauth.core.exceptions import ImmediateHttpResponse, ReauthenticationRequired

    if keep_post or request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        raise ReauthenticationRequired()
    from allauth.account.adapter import get_adapter
    from django.contrib import messages
    from django.contrib.auth import REDIRECT_FIELD_NAME
    from django.http import HttpResponseRedirect
    from django.utils.http import urlencode

    methods = get_adapter().get_reauthentication_methods(request.user)
    if not methods:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    messages.warning(request, _("Please confirm who you are first; then fill in the form again."))
    raise ImmediateHttpResponse(HttpResponseRedirect(
        f"{methods[0]['url']}?{urlencode({REDIRECT_FIELD_NAME: request.path})}"))


def api_recently_authenticated(request, *, code: str = "") -> bool:
    """For an API request (DRF's): the session authenticated recently (a session-authenticated
    client), or `code` is a current code of the person's authenticator (any client)."""
    from rest_framework.authentication import SessionAuthentication

    user = request.user
    django_request = getattr(request, "_request", request)
    if isinstance(request.successful_authenticator, SessionAuthentication) and \
            recently_authenticated(django_request, user):
        return True
    return bool(code) and code_is_valid(user, code)


def code_is_valid(user, code: str) -> bool:
    """True if `code` is a current code of the user's authenticator app, or an unused recovery
    code (then used up). allauth's own check: each code works once, and failures count against
    the same per-account limit as failed sign-ins."""
    from allauth.mfa.base.forms import BaseAuthenticateForm

    if not code:
        return False
    form = BaseAuthenticateForm(user=user, data={"code": code})
    valid = form.is_valid()
    if valid:
        form.authenticator.record_usage()
    return valid


# --- When a second factor is added or removed (allauth.mfa's signals) -----------------------

def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    """The first second factor: API tokens issued until now were issued on a password alone
    and would carry the privileges it unlocks, so they are withdrawn (restapi listens to
    credentials_changed; a new token asks for a code)."""
    from allauth.mfa.models import Authenticator

    forget(user)
    if getattr(request, "user", None) is not None:
        forget(request.user)
    if authenticator.type in SECOND_FACTOR_TYPES and Authenticator.objects.filter(
            user_id=user.pk, type__in=SECOND_FACTOR_TYPES).count() == 1:
        credentials_changed.send(sender=type(user), user=user, reason="second_factor")


def on_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    forget(user)
    if getattr(request, "user", None) is not None:
        forget(request.user)
