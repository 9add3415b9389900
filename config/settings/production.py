"""Production profile: refuses to start without a real secret, host list and result signing key."""
import copy

from django.core.exceptions import ImproperlyConfigured

from budgets.signing import read_seed

from .base import *  # noqa: F403
from .base import env

DJANGO_ENV = "production"
DEBUG = False

try:
    SECRET_KEY = env("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
except ImproperlyConfigured as exc:
    raise ImproperlyConfigured(
        "Production settings need SECRET_KEY and ALLOWED_HOSTS in the environment."
    ) from exc
if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("embedded-default"):
    raise ImproperlyConfigured("SECRET_KEY must be a random string of at least 50 characters.")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name at least one host.")
# Without a key of its own the site would sign results with one derived from SECRET_KEY
# (budgets.signing), a development convenience that must never sign a real vote.
try:
    _result_seed = read_seed(RESULT_SIGNING_KEY, RESULT_SIGNING_KEY_FILE)  # noqa: F405
except (OSError, ValueError) as exc:
    raise ImproperlyConfigured(f"RESULT_SIGNING_KEY(_FILE) cannot be read: {exc}") from exc
if _result_seed is None:
    raise ImproperlyConfigured(
        "Production settings need RESULT_SIGNING_KEY (or RESULT_SIGNING_KEY_FILE): the Ed25519 key that signs "
        "the council's results, 64 hex digits from e.g. python -c \"import secrets; print(secrets.token_hex(32))\"."
    )
del _result_seed

# Test-ID lets anyone sign in as anyone: never in production.
EID_TEST_PROVIDER = False
if env.bool("EID_TEST_PROVIDER", default=False):
    raise ImproperlyConfigured("EID_TEST_PROVIDER lets anyone sign in as any person: it cannot run in production.")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Passkeys over HTTPS only, whatever DJANGO_ENV said when the base settings were read.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = False

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MANIFEST_STRICT = False
WHITENOISE_USE_FINDERS = False

# One JSON object per line with the request id; one access-log line per request (the
# application's, which knows the request id, rather than the servers').
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = copy.deepcopy(LOGGING)  # noqa: F405
LOGGING["handlers"]["console"]["formatter"] = "json" if LOG_FORMAT == "json" else "plain"
LOGGING["loggers"]["hoest.access"]["level"] = env("ACCESS_LOG_LEVEL", default="INFO")
