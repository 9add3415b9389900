"""One JSON error shape for the whole API: {"detail": str, "code": str, "fields": {...}}.

Pages outside /api/ keep Django's HTML error pages, rendered from our templates.
"""
from __future__ import annotations

import sys

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from accounts import mfa

from .outage import DATABASE_ERRORS, database_outage


def error_body(detail: str, code: str, fields: dict | None = None) -> dict:
    return {"detail": str(detail), "code": code, "fields": fields or {}}


def _flatten(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _flatten(value)]
    if isinstance(detail, list):
        return [m for item in detail for m in _flatten(item)]
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(name): _flatten(value) for name, value in detail.items()}
    return {"non_field_errors": _flatten(detail)}


class Conflict(exceptions.ValidationError):
    """409: the request is well formed but the thing it would change has already been decided
    (a result approved a moment earlier by a colleague). It keeps a validation error's field
    messages, so a client shows the same sentence as the page does."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _refused_for_missing_factor(exc, context) -> bool:
    """A refusal (403, or a 404 that hides what only a privileged role may see) after a
    privileged role was set aside for want of a second factor (accounts.mfa)."""
    if not isinstance(exc, PermissionDenied | Http404 | exceptions.PermissionDenied | exceptions.NotFound):
        return False
    request = context.get("request")
    user = getattr(request, "user", None) if request is not None else None
    return mfa.was_refused_for_missing_factor(user) and not mfa.has_second_factor(user)


def exception_handler(exc, context):
    if _refused_for_missing_factor(exc, context):
        exc = exceptions.PermissionDenied(mfa.SECOND_FACTOR_REQUIRED, code="second_factor_required")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's handler500 answers in the same shape for /api/
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        if isinstance(exc, Conflict):  # the reason itself is the answer's detail
            body = error_body(" ".join(_flatten(exc.detail)), "conflict", fields)
        else:
            body = error_body(_("Some fields need your attention."), "invalid", fields)
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        detail = exc.detail if isinstance(exc.detail, str) else " ".join(_flatten(exc.detail))
        body = error_body(detail, code)
    response.data = body
    return response


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _json(detail: str, code: str, status_code: int) -> JsonResponse:
    return JsonResponse(error_body(detail, code), status=status_code)


def bad_request(request, exception, template_name="400.html"):
    if _is_api(request):
        return _json(_("The request could not be understood."), "bad_request", 400)
    return defaults.bad_request(request, exception, template_name)


def permission_denied(request, exception, template_name="403.html"):
    if _is_api(request):
        return _json(_("You do not have permission to perform this action."), "permission_denied", 403)
    return defaults.permission_denied(request, exception, template_name)


def page_not_found(request, exception, template_name="404.html"):
    if _is_api(request):
        return _json(_("Not found."), "not_found", 404)
    return defaults.page_not_found(request, exception, template_name)


def nul_refused(request, fields: list[str]):
    """400 for a NUL character in the path (no fields) or in the named parameters or form
    fields (restapi.middleware.RefuseNulMiddleware)."""
    if not _is_api(request):
        return defaults.bad_request(request, None)
    if not fields:
        return _json(_("The address contains a NUL character, which is not allowed."), "bad_request", 400)
    message = _("Remove the NUL character: it is not allowed here.")
    return JsonResponse(error_body(_("Some fields need your attention."), "invalid",
                                   {name: [message] for name in fields}), status=400)


def service_unavailable(request):
    """503 for an outage of the database: retry soon (see restapi.middleware)."""
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    if _is_api(request):
        response = _json(_("The service is briefly unavailable. Please try again in a minute."),
                         "service_unavailable", 503)
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = "30"
    return response


def server_error(request, template_name="500.html"):
    # A database outage in a middleware (loading the session or the user) lands here.
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        database_outage.failed(exception)
        return service_unavailable(request)
    if _is_api(request):
        return _json(_("Something went wrong on our side. Please try again."), "server_error", 500)
    return defaults.server_error(request, template_name)


def service_unavailable_response(detail: str) -> Response:
    return Response(error_body(detail, "service_unavailable"), status=status.HTTP_503_SERVICE_UNAVAILABLE)
