"""Settings shared by every runtime mode, read from the environment (django-environ).

With no environment variables at all Høst runs on the embedded defaults: SQLite under
var/, the in-memory channel layer, eager Celery, console e-mail and a local-memory cache.
"""
from pathlib import Path

import environ
import redis
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DJANGO_ENV = env("DJANGO_ENV", default="development").lower()
# Set by config.asgi before settings load: under ASGI each thread would otherwise keep its
# own persistent PostgreSQL connection until the server refuses more (see docs/ARCHITECTURE.md).
SERVER_INTERFACE = env("HOEST_SERVER_INTERFACE", default="wsgi")

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="embedded-default-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Links in e-mails. Without SITE_URL it follows HOST and PORT, which `./hoest serve` serves on
# (a wildcard bind address is reached as 127.0.0.1 from the same machine).
_RUN_HOST = env("HOST", default="127.0.0.1")
_RUN_HOST = "127.0.0.1" if _RUN_HOST in ("0.0.0.0", "::", "") else _RUN_HOST  # noqa: S104  # nosec B104 - compared, not bound
if ":" in _RUN_HOST and not _RUN_HOST.startswith("["):
    _RUN_HOST = f"[{_RUN_HOST}]"
SITE_URL = env("SITE_URL", default=f"http://{_RUN_HOST}:{env('PORT', default='8000')}").rstrip("/")

INSTALLED_APPS = [
    "daphne",  # makes `runserver` speak ASGI (websockets) in development
    # The Django admin, whose site asks for a second factor and signs in through allauth.
    "accounts.admin_site.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "channels",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "accounts.eid",  # national e-ID sign-in over OpenID Connect (an allauth provider)
    "rules.apps.AutodiscoverRulesConfig",
    "ui",
    "accounts",
    "realtime",
    "notify",
    "restapi",
    "health",
    "maps",
    "dashboard",
    "django.contrib.postgres",
    "ideas",
    "budgets",
    "dinners",
    "reports",
]

MIDDLEWARE = [
    # Behind a proxy named in TRUSTED_PROXIES, REMOTE_ADDR becomes the client's address.
    "config.middleware.ClientAddressMiddleware",
    "config.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    # A page with a map of a municipality that has a tile server allows that server's images.
    "maps.middleware.MapTileSourcesMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    # A database outage answers 503 (JSON under /api/), never a 500 traceback page.
    "restapi.middleware.DatabaseUnavailableMiddleware",
    # A NUL character in the path, query or form answers 400 (PostgreSQL cannot store one);
    # before the session middleware, which must not look up a session cookie holding one.
    "restapi.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before the language: a municipality's language is the default for its pages.
    "accounts.middleware.MunicipalityMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A privileged action refused for want of a second factor: sent to set one up.
    "accounts.middleware.SecondFactorMiddleware",
]

ROOT_URLCONF = "config.urls"
FORM_RENDERER = "ui.renderers.DesignSystemRenderer"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.static",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.municipality",
                "accounts.context_processors.second_factor",
                "notify.context_processors.notifications",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
for _folder in (VAR_DIR, VAR_DIR / "static"):
    _folder.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'hoest.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Test a connection before using it (the pool checks one before lending it): after a
    # PostgreSQL restart dead connections are replaced instead of failing a request each.
    # Django's backend with a check that needs no round trip while all is well (health.postgresql).
    DATABASES["default"]["ENGINE"] = "health.postgresql"
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The few statements health.postgresql.prepared runs (once per request in a surge) are
    # prepared once per connection; Django's own statements never are (it binds values on
    # the client). Behind PgBouncer in transaction mode this needs PgBouncer 1.21 or later
    # with max_prepared_statements set, or DATABASE_PREPARED_STATEMENTS=off.
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        5 if env.bool("DATABASE_PREPARED_STATEMENTS", default=True) else None)
    if SERVER_INTERFACE == "asgi":
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN", default=2),
            "max_size": env.int("DATABASE_POOL_MAX", default=10),
            "timeout": 10,
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the embedded single-process server write while it reads.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, channel layer, Celery broker -----------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache that turns an outage into cache misses (see the module).
            "BACKEND": "health.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "hoest",
            # A Redis outage must not take pages down with it: short timeouts.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Redis pub/sub channels are server-wide, not per database: the database number in the
    # prefix keeps installations (and test runs) that share a Redis server from hearing
    # each other's events, as they would not share keys.
    _redis_db = redis.ConnectionPool.from_url(REDIS_URL).connection_kwargs.get("db", 0)
    CHANNEL_LAYERS = {
        "default": {
            # channels-redis' pub/sub layer (groups live in each process, Redis only relays),
            # hardened for Redis outages: see realtime.layers and README, "Failures".
            "BACKEND": "realtime.layers.ChannelLayer",
            "CONFIG": {
                # No blocking reads with pub/sub (the receiver polls with its own 0.1 s
                # timeout), so a command may fail fast when Redis hangs.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 2, "socket_connect_timeout": 2}],
                "prefix": f"hoest:{_redis_db}:ws:",
            },
        }
    }
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="memory://")
    CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)

CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Copenhagen"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Høst] "
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
# Failed logins are limited per IP and per account (allauth keeps the counters in the
# cache, so every web process sees the same counts once the cache is Redis).
ACCOUNT_RATE_LIMITS = {
    # Every sign-in attempt (web and API token) per address, before any password is checked;
    # allauth's default, named here so that it is seen and can be set.
    "login": env("LOGIN_ATTEMPT_RATE", default="30/m/ip"),
    "login_failed": env("LOGIN_RATE_LIMIT", default="10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",  # a rate limit, not a password  # nosec B105
    "confirm_email": "1/3m/key",
}

# --- Second factor (allauth.mfa) ----------------------------------------------------------
# Every privileged role (moderator, staff, council, admin, and the Django admin's operators)
# must have a second factor: an authenticator app (TOTP) or a passkey; recovery codes are
# made with the first one. accounts.mfa enforces it in the role predicates; see README, "MFA".
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
# The reverse proxies in front of the web processes (addresses or networks): only from them is
# X-Forwarded-For believed (config.middleware.ClientAddressMiddleware). Empty: none.
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
# National e-ID (accounts.eid): only what the identity provider vouches for is kept, and
# allauth stores no provider tokens; e-ID never links to an account by e-mail address alone.
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# Test-ID, a stand-in e-ID that lets anyone be any test person: the demo's and the tests'.
EID_TEST_PROVIDER = env.bool("EID_TEST_PROVIDER", default=True)
# The key of the keyed hashes that stand for national identity numbers (census entries and
# e-ID verifications); empty: derived from SECRET_KEY. Keep it when rotating SECRET_KEY.
IDENTITY_KEY = env("IDENTITY_KEY", default="")
# How long an API token works (restapi.tokens), and how many password checks one process
# runs at a time (accounts.passwords; 0: one less than the cores, at least one).
API_TOKEN_TTL = env.int("API_TOKEN_TTL_SECONDS", default=30 * 24 * 3600)
PASSWORD_CHECK_SLOTS = env.int("PASSWORD_CHECK_SLOTS", default=0)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# A passkey (user verification required) is a sign-in of its own, with both factors.
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "Høst"
MFA_RECOVERY_CODE_COUNT = 10
# WebAuthn needs https, except on the developer's own http://127.0.0.1 and localhost.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool(
    "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DJANGO_ENV != "production")
# The council's decision, a phase change and the opening of the ballot box ask for a
# recent authentication: a sign-in with the second factor or a confirmation (password,
# code or second factor) within these seconds (accounts.mfa.recently_authenticated).
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT", default=300)

# --- E-mail -----------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Høst <noreply@hoest.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ---------------------------------------------------------------
LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Danish")), ("en", _("English")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Date formats per language: Django's own for Danish and Norwegian, ours for English.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# The Danish common design system comes from npm (package.json); the setup command
# installs it, it is never copied into the repository.
DKFDS_DIST = BASE_DIR / "node_modules" / "dkfds" / "dist"
if DKFDS_DIST.exists():
    STATICFILES_DIRS.append(("dkfds", DKFDS_DIST))
# Leaflet draws the maps (maps/), from npm the same way: its script, styles and marker images.
LEAFLET_DIST = BASE_DIR / "node_modules" / "leaflet" / "dist"
if LEAFLET_DIST.exists():
    STATICFILES_DIRS.append(("leaflet", LEAFLET_DIST))
# Leaflet.markercluster groups nearby pins on the ideas and projects maps.
MARKERCLUSTER_DIST = BASE_DIR / "node_modules" / "leaflet.markercluster" / "dist"
if MARKERCLUSTER_DIST.exists():
    STATICFILES_DIRS.append(("markercluster", MARKERCLUSTER_DIST))
# Outside production, serve straight from the finders so a changed asset needs no
# collectstatic; production serves the collected, hashed files.
WHITENOISE_USE_FINDERS = DJANGO_ENV != "production"
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Uploads served by Høst itself (config.media) in the embedded mode, which has no reverse
# proxy; production leaves /media/ to nginx.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DJANGO_ENV != "production")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Security headers -------------------------------------------------------------------
# Every page of Høst runs without inline scripts, inline styles or event-handler attributes:
# JavaScript and CSS come from our own static files (DKFDS included), data for scripts from
# data-* attributes. So the policy allows only our own origin and nothing inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        # fetch() for similar ideas and the websockets (CSP level 3: 'self' covers ws(s)://
        # on the same host and port).
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Per path prefix, directives replaced for pages that are not ours to rewrite. Scripts stay
# 'self' everywhere; only what each page was seen to need in chromium is relaxed
# (tests/e2e/test_content_security_policy.py records violations on each of them).
CONTENT_SECURITY_POLICY_PATH_OVERRIDES = [
    # Swagger UI (drf-spectacular-sidecar, from our static files; the split view serves its
    # init script as a file, and ui/swagger_ui.html drops the inline <style>) draws its icons
    # as data: SVG images.
    ("/api/docs/", {"img-src": ["'self'", "data:"]}),
    # DRF's browsable API (HTML views of /api/v1/) has style="" attributes in its templates
    # and a Pygments <style> element; styles only, its scripts are files.
    ("/api/", {"style-src": ["'self'", "'unsafe-inline'"]}),
    # The Django admin (5.2) needs no relaxation: its scripts are files, and its one inline
    # <style> (change lists without actions) is not used by any of our ModelAdmins.
]
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
    "magnetometer", "microphone", "midi", "payment", "usb", "browsing-topics",
]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- API --------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "restapi.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # DRF's three, with a JSON parser that refuses deep nesting (a RecursionError otherwise).
    "DEFAULT_PARSER_CLASSES": [
        "restapi.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": [
        "restapi.renderers.SafeJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "DEFAULT_PAGINATION_CLASS": "restapi.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "restapi.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "restapi.throttling.ReadRateThrottle",
        "restapi.throttling.WriteRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    # The client's address is REMOTE_ADDR, never a header a client can write: behind a proxy,
    # the ASGI server (uvicorn's --forwarded-allow-ips, naming only the proxy) sets it from
    # the proxy's X-Forwarded-For. DRF would otherwise read X-Forwarded-For itself.
    "NUM_PROXIES": 0,
    "DEFAULT_THROTTLE_RATES": {
        "read": env("API_READ_RATE", default="600/min"),
        "write": env("API_WRITE_RATE", default="60/min"),
        "auth_token": env("API_TOKEN_RATE", default="10/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Høst API",
    "DESCRIPTION": "Citizens' ideas, participatory budgets and dinner dialogues.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files (no CDN, works under a strict CSP).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Every operation documents the shared error answers (400/401/403/404/429).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "restapi.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "accounts.models.Language",
        "CountryEnum": "accounts.models.Country",
        "RoleEnum": "accounts.models.Role",
        "IdeaStatusEnum": "ideas.models.Status",
        "DinnerStatusEnum": "dinners.models.DinnerStatus",
        "SeatStatusEnum": "dinners.models.SeatStatus",
        "MatchStatusEnum": "dinners.models.MatchStatus",
    },
}

# --- Høst -------------------------------------------------------------------------------
# Writes through pages, per person (the API has its own throttles above).
IDEA_SUBMIT_RATE = env("IDEA_SUBMIT_RATE", default="10/h")
COMMENT_RATE = env("COMMENT_RATE", default="30/h")
SEAT_SIGNUP_RATE = env("SEAT_SIGNUP_RATE", default="20/h")
# The maps' address search (maps.views.place_search), per person or address: a search is a
# few keystrokes apart, and an outside address service behind it is asked on their behalf.
PLACE_SEARCH_RATE = env("PLACE_SEARCH_RATE", default="60/m")
# Key of the HMACs that separate who voted from what was voted (budgets.secrecy).
BALLOT_SECRET = env("BALLOT_SECRET", default="")
# The Ed25519 key that signs the council's results (budgets.signing): a 32-byte seed as 64 hex
# digits or base64, or a file holding it. Kept out of the database and its backups, so a
# changed result cannot be signed again. Empty outside production: derived from SECRET_KEY.
RESULT_SIGNING_KEY = env("RESULT_SIGNING_KEY", default="")
RESULT_SIGNING_KEY_FILE = env("RESULT_SIGNING_KEY_FILE", default="")
# Public keys (hex) of earlier signing keys: results they signed still verify after a change of key.
RESULT_SIGNING_OLD_PUBLIC_KEYS = env.list("RESULT_SIGNING_OLD_PUBLIC_KEYS", default=[])
# The municipality whose front page `/` shows when nobody chose one (slug).
DEFAULT_MUNICIPALITY = env("DEFAULT_MUNICIPALITY", default="aarhus")

# Plain lines for people in development; production switches the formatter to one JSON object
# per line (LOG_FORMAT=json does the same anywhere). Every record carries the request id.
LOG_FORMAT = env("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.logs.RequestIdFilter"},
                "quiet_database_outage": {"()": "restapi.outage.QuietDatabaseOutage"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "config.logs.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR", "filters": ["quiet_database_outage"]},
        # One line per request; on in production (the servers' own access logs carry no
        # request id, so they are off there), quiet in development.
        "hoest.access": {"level": env("ACCESS_LOG_LEVEL", default="WARNING")},
    },
}
