"""The runtime modes of docs/ARCHITECTURE.md, each checked in a fresh interpreter with its own
environment, because settings are read once at start-up."""
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow_tier  # starts servers or processes

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
from config.celery import app
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "conn_max_age": settings.DATABASES["default"].get("CONN_MAX_AGE"),
    "pool": "pool" in settings.DATABASES["default"].get("OPTIONS", {}),
    "cache": settings.CACHES["default"]["BACKEND"],
    "channels": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "channels_prefix": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("prefix"),
    "broker": app.conf.broker_url,
    "eager": app.conf.task_always_eager,
    "email": settings.EMAIL_BACKEND,
    "debug": settings.DEBUG,
}))
"""
CLEAN_KEYS = ("DATABASE_URL", "REDIS_URL", "DJANGO_ENV", "SECRET_KEY", "ALLOWED_HOSTS",
              "RESULT_SIGNING_KEY", "RESULT_SIGNING_KEY_FILE",
              "CELERY_BROKER_URL", "DJANGO_SETTINGS_MODULE", "HOEST_SERVER_INTERFACE",
              "DJANGO_ALLOW_ASYNC_UNSAFE")


def run(code_or_args, **env_overrides):
    env = {k: v for k, v in os.environ.items() if k not in CLEAN_KEYS}
    env.update(env_overrides)
    args = code_or_args if isinstance(code_or_args, list) else [sys.executable, "-c", code_or_args]
    env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'platform'}"
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def probe(**env):
    result = run(PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_embedded_default_needs_no_variables():
    s = probe()
    assert s["db"] == "django.db.backends.sqlite3"
    assert s["db_name"].endswith("var/hoest.sqlite3")
    assert s["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["channels"] == "channels.layers.InMemoryChannelLayer"
    assert s["eager"] is True
    assert s["broker"].startswith("memory://")
    assert s["email"] == "django.core.mail.backends.console.EmailBackend"
    assert s["debug"] is False


def test_database_and_redis_urls_switch_to_real_services():
    s = probe(DATABASE_URL="postgres://u:p@db.invalid:5432/hoest", REDIS_URL="redis://cache.invalid:6379/0")
    # Django's PostgreSQL backend with a round-trip-free health check (health.postgresql).
    assert s["db"] == "health.postgresql"
    assert s["db_name"] == "hoest"
    assert s["conn_max_age"] == 60 and s["pool"] is False
    # Django's RedisCache, degrading to misses during an outage (health.cache).
    assert s["cache"] == "health.cache.ResilientRedisCache"
    # channels-redis' pub/sub layer, hardened for Redis outages (realtime.layers).
    assert s["channels"] == "realtime.layers.ChannelLayer"
    assert s["channels_prefix"] == "hoest:0:ws:"
    assert s["broker"] == "redis://cache.invalid:6379/0"
    assert s["eager"] is False


@pytest.mark.parametrize(("url", "prefix"), [("redis://cache.invalid:6379/3", "hoest:3:ws:"),
                                             ("redis://cache.invalid:6379?db=12", "hoest:12:ws:")])
def test_channel_layer_prefix_names_the_redis_database(url, prefix):
    """Redis pub/sub channels are shared by every database of a server, unlike keys: two
    installations or test runs on different databases of one Redis must not hear each
    other's events (a person's notifications among them)."""
    assert probe(REDIS_URL=url)["channels_prefix"] == prefix


def test_asgi_server_uses_the_psycopg_pool_without_persistent_connections():
    s = probe(DATABASE_URL="postgres://u:p@db.invalid:5432/hoest", HOEST_SERVER_INTERFACE="asgi")
    assert s["pool"] is True
    assert s["conn_max_age"] == 0


def production_env(**overrides) -> dict[str, str]:
    env = {"DJANGO_ENV": "production", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "hoest.example.dk", "RESULT_SIGNING_KEY": secrets.token_hex(32)}
    env.update(overrides)
    return env


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_secret_key_or_hosts(missing):
    env = production_env()
    del env[missing]
    result = run([sys.executable, "manage.py", "check"], **env)
    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS" in result.stderr


def test_production_refuses_a_weak_secret_key():
    result = run([sys.executable, "manage.py", "check"], **production_env(SECRET_KEY="short"))
    assert result.returncode != 0
    assert "at least 50 characters" in result.stderr


def test_production_refuses_to_start_without_a_result_signing_key(tmp_path):
    """Development signs results with a key derived from SECRET_KEY; production needs its own."""
    env = production_env()
    del env["RESULT_SIGNING_KEY"]
    result = run([sys.executable, "manage.py", "check"], **env)
    assert result.returncode != 0 and "RESULT_SIGNING_KEY" in result.stderr
    result = run([sys.executable, "manage.py", "check"], **production_env(RESULT_SIGNING_KEY="not-a-key"))
    assert result.returncode != 0 and "32-byte Ed25519 seed" in result.stderr
    missing_file = production_env(RESULT_SIGNING_KEY_FILE=str(tmp_path / "absent"))
    del missing_file["RESULT_SIGNING_KEY"]
    result = run([sys.executable, "manage.py", "check"], **missing_file)
    assert result.returncode != 0 and "cannot be read" in result.stderr


@pytest.mark.parametrize("how", ["hex", "base64", "file"])
def test_production_reads_the_result_signing_key_from_the_environment_or_a_file(tmp_path, how):
    import base64

    seed = secrets.token_bytes(32)
    if how == "file":
        (tmp_path / "key").write_text(seed.hex() + "\n")
        env = production_env(RESULT_SIGNING_KEY_FILE=str(tmp_path / "key"))
        del env["RESULT_SIGNING_KEY"]
    else:
        env = production_env(RESULT_SIGNING_KEY=seed.hex() if how == "hex" else base64.b64encode(seed).decode())
    result = run("import django; django.setup(); from budgets import signing; print(signing.public_key_hex())", **env)
    assert result.returncode == 0, result.stderr
    from nacl.signing import SigningKey

    assert result.stdout.strip() == bytes(SigningKey(seed).verify_key).hex()


def test_production_settings_pass_check_deploy():
    result = run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], **production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
