"""Production profile: refuses to start without a real secret and host list."""
from django.core.exceptions import ImproperlyConfigured

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

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MANIFEST_STRICT = False
WHITENOISE_USE_FINDERS = False
