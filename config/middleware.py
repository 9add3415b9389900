"""Site-wide request middleware: request ids for the logs, and the security headers Django
does not set itself (Content-Security-Policy per path, Permissions-Policy)."""
from __future__ import annotations

import ipaddress
import logging
import re
import time
import uuid

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from csp.constants import HEADER
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.deprecation import MiddlewareMixin

from config.logs import request_id_var

access_log = logging.getLogger("hoest.access")

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only when it looks like an id: anything else (long, spaces, newlines,
# quotes) would let a client write into our logs, so it is replaced by a fresh one.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def request_id_from(request) -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if _VALID_REQUEST_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Takes the proxy's X-Request-ID (or makes one), puts it on every log record written
    while the request is handled (through a context variable, so it also holds under ASGI
    and in the threads sync_to_async runs views in), returns it in the response header and
    writes one access-log line."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        token, started = self._start(request)
        try:
            response = self.get_response(request)
            return self._finish(request, response, started)
        finally:
            request_id_var.reset(token)

    async def __acall__(self, request):
        token, started = self._start(request)
        try:
            response = await self.get_response(request)
            return self._finish(request, response, started)
        finally:
            request_id_var.reset(token)

    def _start(self, request):
        request.request_id = request_id_from(request)
        return request_id_var.set(request.request_id), time.monotonic()

    def _finish(self, request, response, started):
        response[REQUEST_ID_HEADER] = request.request_id
        access_log.info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={"method": request.method, "path": request.path,
                   "status": response.status_code,
                   "duration_ms": round((time.monotonic() - started) * 1000, 1)},
        )
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, plus per-path relaxations from
    `CONTENT_SECURITY_POLICY_PATH_OVERRIDES` (a list of (path prefix, directives to replace)).
    Third-party pages we do not render ourselves (the browsable API) get them; every page of
    Høst itself keeps the strict policy. A view decorated with csp_replace/csp_update wins."""

    # The response attributes csp's decorators set: a view with its own policy.
    PER_VIEW = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
                "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro")

    def process_response(self, request, response):
        # Almost every response has no policy of its own, no nonce and no report-only policy:
        # its header depends on the path's override alone, so it is built once per process
        # (django-csp builds it, deep-copying a dataclass, for every response).
        if (getattr(request, "_csp_nonce", None) is None and not settings.DEBUG
                and not getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
                and not (getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}).get("EXCLUDE_URL_PREFIXES")
                and not any(hasattr(response, name) for name in self.PER_VIEW)):
            if HEADER not in response:
                policy = _plain_policy(_path_override(request.path_info))
                if policy:
                    response[HEADER] = policy
            request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)  # as django-csp does
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.replace is not None or parts.update is not None:
            return parts
        override = _path_override(request.path_info)
        if override is not None:
            parts.replace = settings.CONTENT_SECURITY_POLICY_PATH_OVERRIDES[override][1]
        return parts


def _path_override(path: str) -> int | None:
    """The index of the first CONTENT_SECURITY_POLICY_PATH_OVERRIDES entry for `path`."""
    for index, (prefix, _replace) in enumerate(getattr(settings, "CONTENT_SECURITY_POLICY_PATH_OVERRIDES", ())):
        if path.startswith(prefix):
            return index
    return None


_plain_policies: dict[int | None, str] = {}


def _plain_policy(override: int | None) -> str:
    policy = _plain_policies.get(override)
    if policy is None:
        replace = None if override is None else settings.CONTENT_SECURITY_POLICY_PATH_OVERRIDES[override][1]
        policy = _plain_policies[override] = build_policy(replace=replace)
    return policy


@receiver(setting_changed)
def _forget_plain_policies(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        _plain_policies.clear()


class PermissionsPolicyMiddleware(MiddlewareMixin):
    """Switches off browser features Høst never uses (camera, microphone, location, ...), so
    injected or third-party code cannot ask the citizen for them either."""

    def process_response(self, request, response):
        disabled = getattr(settings, "PERMISSIONS_POLICY_DISABLED", ())
        if disabled:
            response.headers.setdefault(
                "Permissions-Policy", ", ".join(f"{feature}=()" for feature in disabled))
        return response


class ClientAddressMiddleware(MiddlewareMixin):
    """REMOTE_ADDR becomes the client's address when the request came through a proxy named
    in TRUSTED_PROXIES: the rightmost address in X-Forwarded-For that is not itself a trusted
    proxy (nginx's $proxy_add_x_forwarded_for appends the address it saw; anything to the
    left of it was written by the client). From any other peer the header is ignored, so
    the rate limits (DRF's, allauth's, ui.ratelimit) count real addresses, never a header a
    client can rotate."""

    def process_request(self, request):
        proxies = _trusted_proxies()
        if not proxies:
            return
        peer = _address(request.META.get("REMOTE_ADDR", ""))
        if peer is None or not any(peer in network for network in proxies):
            return
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            address = _address(hop.strip())
            if address is None:
                return  # a malformed entry: keep the proxy's own address rather than guess
            if not any(address in network for network in proxies):
                request.META["REMOTE_ADDR"] = str(address)
                return


def _address(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


_proxies_cache: dict[tuple, tuple] = {}


def _trusted_proxies() -> tuple:
    configured = tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ())
    if configured not in _proxies_cache:
        _proxies_cache[configured] = tuple(ipaddress.ip_network(n, strict=False) for n in configured)
    return _proxies_cache[configured]
