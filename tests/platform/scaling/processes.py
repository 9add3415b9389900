"""Start Høst's real server and worker processes (granian, uvicorn, Celery) as subprocesses on
127.0.0.1, for tests and load scripts that need more than one process against the same
PostgreSQL and Redis. Every process is stopped by the context manager that started it."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
VENV_BIN = Path(sys.executable).parent
# Variables of the test run that must not leak into a server (production mode, debug).
# HOEST_SERVER_INTERFACE is set in this process once a test has imported config.asgi: passed
# on, it would give a WSGI server the ASGI database mode (the psycopg pool, CONN_MAX_AGE 0).
_DROPPED = ("DJANGO_ENV", "DJANGO_DEBUG", "PYTEST_XDIST_WORKER", "PYTEST_CURRENT_TEST",
            "HOEST_SERVER_INTERFACE")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(*, database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env.update({"DATABASE_URL": database_url, "REDIS_URL": redis_url,
                "DJANGO_SETTINGS_MODULE": "config.settings", "LOG_LEVEL": "WARNING",
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def database_url() -> str:
    """The URL of the database Django uses in this process (in a test: the test database)."""
    from django.db import connection

    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    port: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def host(self) -> str:
        return f"127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def pids(self) -> list[int]:
        """The process and its children (granian's and uvicorn's workers, celery prefork)."""
        found, frontier = [self.popen.pid], [self.popen.pid]
        while frontier:
            parent = frontier.pop()
            children = Path(f"/proc/{parent}/task/{parent}/children")
            with contextlib.suppress(OSError):
                for pid in children.read_text().split():
                    found.append(int(pid))
                    frontier.append(int(pid))
        return found


def _wait_http(process: Process, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited:\n{process.output()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://{process.host}/healthz", timeout=2):
                return
        except OSError as exc:  # refused while starting; HTTPError (503) also means it serves
            if getattr(exc, "code", None):
                return
        time.sleep(0.2)
    raise RuntimeError(f"{process.name} did not answer in {timeout} s:\n{process.output()[-3000:]}")


def _wait_log(process: Process, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(f"{process.name} exited:\n{process.output()[-3000:]}")
        if text in process.output():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{process.name} not ready in {timeout} s:\n{process.output()[-3000:]}")


@contextlib.contextmanager
def running(specs: list[tuple[str, list[str], dict[str, str], str | None]],
            timeout: float = 60.0) -> Iterator[dict[str, Process]]:
    """Start every (name, argv, env, ready) spec; `ready` is None for an HTTP server (it
    must answer /healthz on the port given as {port} in argv) or a log line to wait for."""
    workdir = Path(tempfile.mkdtemp(prefix="hoest-procs-"))
    started: dict[str, Process] = {}
    try:
        for name, argv, env, _ready in specs:
            port = free_port() if any("{port}" in a for a in argv) else None
            argv = [a.replace("{port}", str(port)) for a in argv]
            log = workdir / f"{name}.log"
            handle = log.open("wb")
            popen = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT,
                                     start_new_session=True)
            handle.close()
            started[name] = Process(name=name, popen=popen, log=log, port=port)
        for (_name, _argv, _env, ready), process in zip(specs, started.values(), strict=True):
            if ready is None:
                _wait_http(process, timeout)
            else:
                _wait_log(process, ready, timeout)
        yield started
    finally:
        for process in started.values():
            stop(process)


def stop(process: Process, timeout: float = 15.0) -> None:
    if process.popen.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.popen.pid, signal.SIGTERM)
    try:
        process.popen.wait(timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, signal.SIGKILL)
        process.popen.wait(5)


def uvicorn_spec(name: str, env: dict[str, str], *, workers: int = 1, ws: str = "websockets-sansio",
                 app: str = "config.asgi:application", extra: tuple[str, ...] = ()) -> tuple:
    argv = [str(VENV_BIN / "uvicorn"), app, "--host", "127.0.0.1",
            "--port", "{port}", "--lifespan", "off", "--no-access-log", "--log-level", "warning",
            "--ws", ws, *(["--workers", str(workers)] if workers > 1 else []), *extra]
    return (name, argv, env, None)


def celery_spec(name: str, env: dict[str, str]) -> tuple:
    argv = [str(VENV_BIN / "celery"), "-A", "config", "worker", "--loglevel", "INFO", "--pool", "solo",
            "--without-gossip", "--without-mingle", "--without-heartbeat", "-n", f"{name}@%h"]
    return (name, argv, env, "ready.")


def granian_spec(name: str, env: dict[str, str], *, workers: int = 2, threads: int = 2,
                 idle_timeout: int = 600) -> tuple:
    """Production's HTTP server (docker-compose `web`): granian serving config.wsgi with
    `workers` processes of `threads` blocking threads (production runs 2 x 2), each thread
    retired after `idle_timeout` seconds without a request."""
    argv = [str(VENV_BIN / "granian"), "--interface", "wsgi", "config.wsgi:application", "--host", "127.0.0.1",
            "--port", "{port}", "--workers", str(workers), "--blocking-threads", str(threads),
            "--blocking-threads-idle-timeout", str(idle_timeout), "--http", "1", "--no-ws", "--backlog", "2048",
            "--log-level", "warning", "--no-access-log"]
    return (name, argv, env, None)
