"""Language and municipality for each request."""
from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from . import mfa
from .selectors import municipality_default, municipality_get

SUPPORTED = {code for code, _name in settings.LANGUAGES}


def _chosen_language(request, municipality=None) -> str:
    # An explicit choice (the language switcher's cookie) wins, then the account's
    # preference, then the language of the municipality whose pages these are, then Danish.
    # The browser's Accept-Language is deliberately not used: the site's language is the
    # municipality's until a person picks another. API clients are the exception: they state
    # their language explicitly in Accept-Language.
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie in SUPPORTED:
        return cookie
    if request.path.startswith("/api/"):
        from django.utils.translation import get_supported_language_variant
        from django.utils.translation.trans_real import parse_accept_lang_header

        for code, _q in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
            try:
                return get_supported_language_variant(code)
            except LookupError:
                continue
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.preferred_language in SUPPORTED:
        return user.preferred_language
    # Health checks, files and the API never ask which municipality is shown: they must not
    # need the database for that (a health check answers while the database is down).
    if municipality is None and not request.path.startswith(("/api/", "/media/", "/static/", "/healthz")):
        municipality = getattr(request, "municipality", None)
    language = getattr(municipality, "default_language", None) if municipality else None
    return language if language in SUPPORTED else settings.LANGUAGE_CODE


def use_municipality_language(request, municipality) -> None:
    """A page of `municipality` (chosen by its URL, not yet remembered in the session)
    speaks its language, unless the person chose another."""
    language = _chosen_language(request, municipality)
    translation.activate(language)
    request.LANGUAGE_CODE = language


class LanguageMiddleware:
    """Activates the language (after MunicipalityMiddleware: the municipality's language is
    the default for its pages)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = _chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        # The language the page was rendered in (a view may have switched it).
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        response.headers.setdefault("Vary", "Cookie")
        return response


def _current_municipality(request):
    slug = request.session.get("municipality") if hasattr(request, "session") else None
    return (slug and municipality_get(slug=slug)) or municipality_default()


class MunicipalityMiddleware:
    """Sets request.municipality lazily: the one a person last visited, else the default."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.municipality = SimpleLazyObject(lambda: _current_municipality(request))
        return self.get_response(request)


class SecondFactorMiddleware:
    """A page refused because a privileged role lacks a second factor (accounts.mfa) sends
    the person to set one up, saying why, instead of answering "access denied". The API
    answers in restapi.errors instead (403, code `second_factor_required`)."""

    SESSION_KEY = "hoest_mfa_next"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.shortcuts import redirect

        if not isinstance(exception, PermissionDenied | Http404) or request.path.startswith("/api/"):
            return None
        user = getattr(request, "user", None)
        if not mfa.was_refused_for_missing_factor(user) or mfa.has_second_factor(user):
            return None
        if request.method in ("GET", "HEAD"):
            # Where to go back to once it is set up (offered on the two-factor pages).
            request.session[self.SESSION_KEY] = request.get_full_path()
        messages.warning(request, mfa.SECOND_FACTOR_REQUIRED)
        return redirect("mfa_index")
