"""`./hoest serve`, the README's run mode: one uvicorn process on config.asgi with DEBUG off,
no reverse proxy, no Celery worker. Uploaded images must still show, e-mail links must
point where the site runs, and the periodic jobs must run."""
import http.client
import io
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.utils import timezone
from PIL import Image

from tests.asgi_server import serve_asgi
from tests.config.test_settings import run

pytestmark = pytest.mark.slow_tier  # starts servers or processes

ROOT = Path(__file__).resolve().parents[2]


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 6), (0, 90, 180)).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DEBUG = False
    (tmp_path / "ideas" / "7").mkdir(parents=True)
    (tmp_path / "ideas" / "7" / "photo.png").write_bytes(png_bytes())
    (tmp_path / "ideas" / "7" / "photo.webp").write_bytes(b"RIFF....WEBPVP8 ")
    (tmp_path / "ideas" / "7" / "page.html").write_text("<script>alert(1)</script>")
    (tmp_path / "ideas" / "7" / "disguised.png.html").write_text("<script>alert(1)</script>")
    return tmp_path


@pytest.mark.django_db(transaction=True)
def test_uploaded_images_are_served_safely_over_asgi_with_debug_off(media_root):
    with serve_asgi() as address:
        host, port = address.split(":")

        def get(path):
            connection = http.client.HTTPConnection(host, int(port), timeout=10)
            connection.request("GET", path)  # sent as written: no client-side path clean-up
            response = connection.getresponse()
            body = response.read()
            connection.close()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, body

        status, headers, body = get("/media/ideas/7/photo.png")
        assert status == 200 and body == png_bytes()
        assert headers["content-type"] == "image/png"
        assert headers["x-content-type-options"] == "nosniff"
        assert get("/media/ideas/7/photo.webp")[1]["content-type"] == "image/webp"
        # No directory listing, no other file types, nothing outside MEDIA_ROOT.
        for path in ("/media/ideas/7/", "/media/ideas/", "/media/ideas/7/page.html",
                     "/media/ideas/7/disguised.png.html", "/media/ideas/7/missing.png",
                     "/media/../pyproject.toml", "/media/%2e%2e/README.md", "/media/ideas/7/..%2f..%2f..%2fx.png"):
            status, _headers, body = get(path)
            assert status == 404, path
            assert b"alert(1)" not in body


def test_e_mail_links_follow_host_and_port_unless_site_url_is_set():
    code = "import django; from django.conf import settings; django.setup(); print(settings.SITE_URL)"
    assert run(code, PORT="8123").stdout.strip() == "http://127.0.0.1:8123"
    assert run(code, HOST="0.0.0.0", PORT="9000").stdout.strip() == "http://127.0.0.1:9000"  # noqa: S104
    assert run(code, HOST="hoest.local", PORT="80").stdout.strip() == "http://hoest.local:80"
    assert run(code, PORT="8123", SITE_URL="https://ideer.aarhus.dk/").stdout.strip() == "https://ideer.aarhus.dk"


def test_the_run_command_runs_tasks_eagerly_and_the_periodic_jobs_in_process():
    script = (ROOT / "hoest").read_text()
    serve = script.split("  serve)")[1].split(";;")[0]
    assert 'CELERY_TASK_ALWAYS_EAGER="${CELERY_TASK_ALWAYS_EAGER:-true}"' in serve
    assert "HOEST_RUN_SCHEDULER=1" in serve
    assert serve.index("HOEST_RUN_SCHEDULER=1") < serve.index("uvicorn")
    # config.asgi starts the scheduler thread when the run command asks for it.
    code = ("import os, threading; os.environ['HOEST_RUN_SCHEDULER'] = '1'; import config.asgi; "
            "print(any(t.name == 'hoest-scheduler' for t in threading.enumerate()))")
    assert run(code).stdout.strip().splitlines()[-1] == "True"
    assert run(code.replace("'1'", "'0'")).stdout.strip().splitlines()[-1] == "False"


@pytest.mark.django_db  # each tick closes worn-out database connections, as Django's requests do
def test_the_scheduler_runs_each_job_when_it_is_due():
    from config import scheduler
    from config.celery import app

    now = timezone.now().replace(minute=2, second=0, microsecond=0)
    last_runs = {name: now for name in app.conf.beat_schedule}
    ran = []
    with mock.patch("celery.app.task.Task.apply", autospec=True,
                    side_effect=lambda task, *a, **k: ran.append(task.name)):
        assert scheduler.tick(last_runs, now + timedelta(seconds=30)) == []
        names = scheduler.tick(last_runs, now + timedelta(minutes=4))
    assert "advance-budget-phases" in names and "notice-sweep" in names
    assert "purge-expired-sessions" not in names, "a daily job waits for its hour"
    assert "budgets.tasks.advance_budget_phases" in ran and "notify.tasks.deliver_due" in ran
    assert last_runs["advance-budget-phases"] == now + timedelta(minutes=4)
