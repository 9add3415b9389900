"""A database outage (PostgreSQL restarting, a failover) answers 503, not a 500 traceback.

Every write runs in one transaction, so a request cut off by the outage wrote nothing; the
person is told to try again: the JSON error shape under /api/, a short translated page
elsewhere (rendered without the request's context, which would query the database).
Django replaces the broken connection by itself on the next request (CONN_HEALTH_CHECKS
under WSGI, the pool's connection check under ASGI), so the site recovers without a restart.

A NUL character in the address, the query string or a form field answers 400 before any
view runs (`RefuseNulMiddleware`): PostgreSQL cannot store or compare text holding one, so
the query that met it failed as a 500.
"""
from __future__ import annotations

from django.utils import translation

from .errors import nul_refused, service_unavailable
from .outage import DATABASE_ERRORS, database_outage


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
            database_outage.failed(exception)
            return service_unavailable(request)
        return None


NUL = "\x00"
# Only these bodies are form fields (request.POST); JSON goes through the serializers, whose
# text fields refuse a NUL with a field message of their own.
FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _nul_fields(data) -> list[str]:
    """The names in a QueryDict whose name or a value holds a NUL. (Uploaded files' names
    need no check: Django's multipart parser drops every unprintable character from them.)"""
    return [name.replace(NUL, "\ufffd")  # the answer never echoes the NUL itself
            for name, values in data.lists() if NUL in name or any(NUL in value for value in values)]


class RefuseNulMiddleware:
    """400 for a NUL character (%00) in the path, a query parameter or a form field, at every
    page and API endpoint, present and future: no field of Høst can hold one, and PostgreSQL
    refuses it in any text it is asked to store or compare (a 500 before this). A cookie
    holding one is dropped instead: a browser keeps sending its cookies, so refusing them
    would lock its owner out; without it the request goes on signed out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        for name in [n for n, v in request.COOKIES.items() if NUL in n or NUL in v]:
            del request.COOKIES[name]
        fields = [] if NUL in request.path else _nul_fields(request.GET)
        if NUL not in request.path and request.method == "POST" and request.content_type in FORM_CONTENT_TYPES:
            # Parsed here as Django would for the view (DRF reuses the parsed form).
            fields += _nul_fields(request.POST)
        if NUL in request.path or fields:
            # This runs before the locale middleware: answer in the person's language anyway.
            with translation.override(translation.get_language_from_request(request)):
                return nul_refused(request, fields)
        return self.get_response(request)
