"""Private PostgreSQL, Redis, web and Celery processes that the failure tests really stop,
kill and start — never the shared services other test runs use.

The application under test runs as its own process (uvicorn with config.asgi, or granian
with config.wsgi) pointed at the private services, so recovering "without a restart" means
that very process answers again.
Locally, missing server binaries skip these tests with the reason; under CI=true they fail.
"""
from __future__ import annotations

import glob
import http.cookiejar
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.asgi_server import free_port
from tests.services import need

ROOT = Path(__file__).resolve().parents[3]
BIN = Path(sys.executable).parent
SETTINGS = "tests.platform.failures.settings"


def _pg_bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _wait(condition, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


# --- Redis ------------------------------------------------------------------------------
class PrivateRedis:
    def __init__(self, folder: Path):
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(self.ping, 10, "the private Redis to start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(scope="session")
def private_redis(tmp_path_factory):
    need(shutil.which("redis-server") is not None,
         "needs the redis-server binary to start a private Redis (apt-get install redis-server)")
    server = PrivateRedis(tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


# --- PostgreSQL -------------------------------------------------------------------------
class PrivatePostgres:
    """A throwaway cluster. initdb refuses to run as root, so then it runs as `postgres`."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="hoest-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            owner = pwd.getpwnam("postgres")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def url(self, database: str = "hoest") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=120)

    def init(self) -> None:
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")

    def start(self) -> None:
        # fsync off: a test cluster, thrown away afterwards; keeps the shared 2 cores free.
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off "
                  f"-c max_connections=200", "start")

    def stop(self) -> None:
        # "fast": open connections are cut off, like a crash or failover to the client.
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')

    def cleanup(self) -> None:
        subprocess.run([*self.as_user, _pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture(scope="session")
def private_postgres():
    need(_pg_bin("initdb") is not None and _pg_bin("pg_ctl") is not None,
         "needs PostgreSQL server binaries (initdb, pg_ctl) to start a private cluster")
    cluster = PrivatePostgres()
    try:
        cluster.init()
        cluster.start()
        cluster.create_database("hoest")
        yield cluster
    finally:
        cluster.cleanup()


# --- The application --------------------------------------------------------------------
def app_env(postgres: PrivatePostgres, redis: PrivateRedis, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("DATABASE_", "REDIS_", "CELERY_", "DJANGO_", "PYTEST", "HOEST_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'platform'}",
        "DATABASE_URL": postgres.url(),
        "REDIS_URL": redis.url,
        "ACCOUNT_EMAIL_VERIFICATION": "none",
        "API_WRITE_RATE": "100000/min", "API_READ_RATE": "100000/min", "API_TOKEN_RATE": "1000/min",
        "IDEA_SUBMIT_RATE": "100000/h", "COMMENT_RATE": "100000/h", "SEAT_SIGNUP_RATE": "100000/h",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: float = 600) -> str:
    done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def run_python(env: dict[str, str], code: str, timeout: float = 600):
    """Run `code` in a fresh Django process with `env`; it prints one JSON value."""
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()\n" + code], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def demo_database(private_postgres, private_redis):
    """The private database migrated and seeded with the demo (tasks run in-process while
    seeding, so no demo e-mail is left in the queue)."""
    env = app_env(private_postgres, private_redis, CELERY_TASK_ALWAYS_EAGER="true")
    manage(env, "migrate", "--noinput")
    manage(env, "seed_demo")
    return private_postgres


class AppServer:
    """Høst in its own process, its log in a file the test reads: config.asgi under uvicorn,
    or config.wsgi under granian as production serves HTTP."""

    def __init__(self, env: dict[str, str], log: Path, interface: str = "asgi"):
        self.env, self.log_path, self.interface = env, log, interface
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        if self.interface == "asgi":  # pages, API and websockets, as the embedded run does
            command = [str(BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1",
                       "--port", str(self.port), "--lifespan", "off", "--no-access-log",
                       "--ws", "websockets-sansio"]
        else:  # HTTP as production serves it (docker-compose `web`: 2 workers x 2 threads)
            command = [str(BIN / "granian"), "--interface", "wsgi", "config.wsgi:application",
                       "--host", "127.0.0.1", "--port", str(self.port), "--workers", "2",
                       "--blocking-threads", "2", "--http", "1", "--no-ws", "--no-access-log"]
        # A session of its own, so that a server that will not stop is killed with its
        # workers (granian's workers outlive a killed main process).
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=self._log,
                                        stderr=subprocess.STDOUT, start_new_session=True)

        def up():
            assert self.process.poll() is None, self.log()
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=5)  # noqa: S310
            except urllib.error.HTTPError:
                return True  # answering, even if unhealthy
            except OSError:
                return False
            return True

        _wait(up, 60, "the application server to answer")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
            self.process = None
            self._log.close()


class Browser:
    """A person at the site: cookies kept, forms posted with the CSRF token like a browser."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def request(self, method: str, path: str, *, data: dict | None = None, json_body=None,
                headers: dict | None = None, timeout: float = 30) -> tuple[int, dict, bytes]:
        headers = dict(headers or {})
        body = None
        if json_body is not None:
            body = json.dumps(json_body).encode()
            headers["Content-Type"] = "application/json"
        elif data is not None:
            token = next((c.value for c in self.jar if c.name == "csrftoken"), "")
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
        except urllib.error.HTTPError as error:
            return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, data: dict, **kw):
        return self.request("POST", path, data=data, **kw)

    def api(self, method: str, path: str, token: str | None = None, body=None):
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        status, headers, content = self.request(method, path, json_body=body, headers=headers)
        try:
            return status, json.loads(content or b"null")
        except ValueError:
            return status, {"_raw": content[:500].decode(errors="replace")}

    def sign_in(self, email: str, password: str = "demo-password-1") -> None:  # noqa: S107 - demo
        self.get("/accounts/login/")
        status, headers, body = self.post("/accounts/login/", {"login": email, "password": password})
        errors = re.findall(rb'class="[^"]*error[^"]*"[^>]*>(.*?)<', body)[:3]
        assert status == 302, f"sign-in answered {status}: {errors}"

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def api_token(browser: Browser, email: str) -> str:
    status, body = browser.api("POST", "/api/v1/auth/token/",
                               body={"email": email, "password": "demo-password-1"})
    assert status == 200, body
    return body["token"]
