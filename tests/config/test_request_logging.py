"""Request ids and structured logs: the id comes from the proxy's X-Request-ID (or is made),
goes back in the response and onto every log record written while the request is handled,
under WSGI and ASGI; production writes one JSON object per line."""
import io
import json
import logging
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.http import HttpResponse
from django.test import AsyncClient
from django.urls import path

from config.logs import JSONFormatter, RequestIdFilter

ROOT = Path(__file__).resolve().parents[2]
# A page request looks up the municipality shown (its language is the page's default).
pytestmark = pytest.mark.django_db
view_log = logging.getLogger("hoest.tests.view")


def logging_view(request):
    view_log.warning("inside the view", extra={"idea": 7})
    return HttpResponse("ok")


def failing_view(request):
    raise RuntimeError("boom\nsecond line")


urlpatterns = [path("logs/", logging_view), path("fails/", failing_view)]


@pytest.fixture
def json_lines():
    """The records of a real handler configured as in production (filter + formatter)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JSONFormatter())
    root = logging.getLogger()
    access = logging.getLogger("hoest.access")
    old_access_level = access.level
    access.setLevel(logging.INFO)
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        access.setLevel(old_access_level)


@pytest.mark.urls(__name__)
def test_the_proxys_request_id_is_returned_and_on_every_record(client, json_lines):
    response = client.get("/logs/", HTTP_X_REQUEST_ID="proxy-1f2e3d")
    assert response["X-Request-ID"] == "proxy-1f2e3d"
    records = json_lines()
    view = next(r for r in records if r["logger"] == "hoest.tests.view")
    assert view["request_id"] == "proxy-1f2e3d"
    assert view["message"] == "inside the view" and view["idea"] == 7
    assert view["level"] == "WARNING"
    access = next(r for r in records if r["logger"] == "hoest.access")
    assert access["request_id"] == "proxy-1f2e3d"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/logs/", 200)


@pytest.mark.urls(__name__)
def test_a_request_id_is_made_when_the_proxy_sends_none_or_a_bad_one(client, json_lines):
    first = client.get("/logs/")["X-Request-ID"]
    second = client.get("/logs/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second
    # Anything that is not a plain token would let a client write into the logs.
    for bad in ("has space", "a" * 200, 'quote"', "new\\nline"):
        made = client.get("/logs/", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", made), bad
    ids = [r["request_id"] for r in json_lines() if r["logger"] == "hoest.tests.view"]
    assert ids[:2] == [first, second]


@pytest.mark.urls(__name__)
def test_an_unhandled_error_is_logged_on_one_line_with_the_request_id(client, json_lines):
    client.raise_request_exception = False
    response = client.get("/fails/", HTTP_X_REQUEST_ID="req-500")
    assert response.status_code == 500
    assert response["X-Request-ID"] == "req-500"
    error = next(r for r in json_lines() if r["logger"] == "django.request")
    assert error["request_id"] == "req-500"
    assert "RuntimeError: boom" in error["exception"]


@pytest.mark.urls(__name__)
def test_request_ids_hold_under_asgi(json_lines):
    # The ASGI handler runs the sync view in a worker thread (sync_to_async): the id must
    # follow it there.
    response = async_to_sync(AsyncClient().get)("/logs/", headers={"X-Request-ID": "asgi-77"})
    assert response["X-Request-ID"] == "asgi-77"
    view = next(r for r in json_lines() if r["logger"] == "hoest.tests.view")
    assert view["request_id"] == "asgi-77"


def test_records_outside_a_request_have_no_id(json_lines):
    view_log.warning("from a worker")
    assert json_lines()[-1]["request_id"] is None


PRODUCTION_PROBE = """
import logging, django
django.setup()
from django.test import Client
Client().get("/healthz", HTTP_X_REQUEST_ID="prod-123", secure=True)
try:
    raise ValueError("line one\\nline two")
except ValueError:
    logging.getLogger("hoest.probe").exception("caught")
"""


@pytest.mark.slow_tier  # starts a process
def test_production_writes_one_json_object_per_line():
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "LOG_FORMAT")}
    env.update(DJANGO_ENV="production", SECRET_KEY=secrets.token_urlsafe(50),
               RESULT_SIGNING_KEY=secrets.token_hex(32), ALLOWED_HOSTS="testserver", DJANGO_SETTINGS_MODULE="config.settings",
               PYTHONPATH=f"{ROOT}{os.pathsep}{ROOT / 'platform'}")
    result = subprocess.run([sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    access = next(r for r in records if r["logger"] == "hoest.access")
    assert access["request_id"] == "prod-123" and access["path"] == "/healthz"
    caught = next(r for r in records if r["logger"] == "hoest.probe")
    assert "line two" in caught["exception"] and caught["level"] == "ERROR"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", caught["time"])
