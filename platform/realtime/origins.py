"""Which pages may open a websocket: the Origin header checked on scheme, host and port.

channels' AllowedHostsOriginValidator compares only the origin's host name with
ALLOWED_HOSTS, so a page served from `http://allowed-host:9999` (any other service on the
same host, or a port an attacker can serve from) could open a signed-in person's sockets
with their cookie. Here, as Django's CSRF check does for forms, an origin is allowed when
it is the connection's own (the scheme the client used and the Host header, which must be
in ALLOWED_HOSTS, ports compared with the scheme's default filled in) or one of
CSRF_TRUSTED_ORIGINS, which carry their scheme and port (`https://*.example.dk` allows the
subdomains).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an http(s) origin, the port filled in; None for anything else
    (a missing or "null" origin, another scheme, a port that is no number)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname or parts.path not in ("", "/"):
        return None
    return parts.scheme, parts.hostname, port or DEFAULT_PORTS[parts.scheme]


def _secure(scope, headers: dict[bytes, bytes]) -> bool:
    """Whether the client connected over TLS: wss, or the proxy's header says so, exactly as
    Django reads SECURE_PROXY_SSL_HEADER for requests."""
    if scope.get("scheme") == "wss":
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name, secure_value = proxy
        header = name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin1")
        value = headers.get(header, b"").decode("latin1")
        return value.split(",")[0].strip() == secure_value
    return False


def _trusted(origin: tuple[str, str, int], pattern: str) -> bool:
    """Whether `origin` is the CSRF_TRUSTED_ORIGINS entry `pattern` (a leading `*.` in its
    host allows that domain's subdomains; scheme and port must be the same)."""
    wildcard = "://*." in pattern
    trusted = _origin(pattern.replace("://*.", "://", 1))
    if trusted is None:
        return False
    scheme, host, port = trusted
    if (origin[0], origin[2]) != (scheme, port):
        return False
    return is_same_domain(origin[1], "." + host) if wildcard else origin[1] == host


def origin_allowed(scope) -> bool:
    headers = dict(scope.get("headers") or [])
    origin = _origin(headers.get(b"origin", b"").decode("latin1"))
    if origin is None:
        return False
    host = headers.get(b"host", b"").decode("latin1")
    domain, _port = split_domain_port(host)
    allowed_hosts = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed_hosts:
        allowed_hosts = [".localhost", "127.0.0.1", "[::1]"]  # as Django's get_host()
    if not domain or not validate_host(domain, allowed_hosts):
        return False
    own = _origin(("https" if _secure(scope, headers) else "http") + "://" + host)
    return origin == own or any(_trusted(origin, pattern) for pattern in settings.CSRF_TRUSTED_ORIGINS)


class OriginValidator:
    """ASGI middleware for websockets: refuses the handshake (HTTP 403) unless the origin is
    allowed by `origin_allowed`. Settings are read per connection, not when the application
    is built."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
