"""Token-endpoint flood: does a storm of password guesses starve the rest of the site?

    .venv/bin/python tests/load/bench_token_flood.py [--threads 16] [--seconds 30] [--json FILE]

What it does (everything on 127.0.0.1):

1. Creates and migrates BENCH_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/hoest_scale_tokens).
2. Starts production's web server (granian, 2 workers x 2 threads, as docker-compose's `web`)
   with Redis BENCH_REDIS_URL (default redis://127.0.0.1:6379/7), and the per-address and
   per-account limits lifted (failed sign-ins, sign-in attempts, the API's write and token
   throttles): the flood stands for many addresses guessing many accounts,
   which those limits do not stop. What is left is accounts.passwords' slots.
3. Measures /healthz (one request every 50 ms) for --quiet seconds with nothing else going
   on: the baseline of the same run.
4. Floods POST /api/v1/auth/token/ from --threads threads (wrong passwords for made-up
   addresses: Django hashes a password for an unknown address too) for --seconds, while
   measuring /healthz the same way.
5. Does 3-4 again with the slots lifted (PASSWORD_CHECK_SLOTS=64): what they buy.

Prints /healthz p50/p99 in each phase and how the token requests were answered. The goal
(issue 14): /healthz p50 under 200 ms during the flood with the shipped settings.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadkit  # noqa: E402

from tests.platform.scaling.processes import granian_spec, running, server_env  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hoest_scale_tokens")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


def probe(base: str, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=30) as answer:  # noqa: S310
                answer.read()
            out.append((time.perf_counter() - started) * 1000)
        except (urllib.error.URLError, TimeoutError):
            out.append(30_000.0)
        stop.wait(0.05)


def flood(base: str, stop: threading.Event, counts: dict, lock: threading.Lock, n: int) -> None:
    attempt = 0
    while not stop.is_set():
        attempt += 1
        body = json.dumps({"email": f"nobody{n}-{attempt}@example.org", "password": f"guess {attempt}"}).encode()
        request = urllib.request.Request(f"{base}/api/v1/auth/token/", data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
                status = answer.status
        except urllib.error.HTTPError as error:
            status = error.code
        except (urllib.error.URLError, TimeoutError):
            status = 0
        with lock:
            counts[status] = counts.get(status, 0) + 1


def phase(base: str, threads: int, quiet: float, seconds: float) -> dict:
    idle: list[float] = []
    stop = threading.Event()
    prober = threading.Thread(target=probe, args=(base, stop, idle))
    prober.start()
    time.sleep(quiet)
    stop.set()
    prober.join()
    busy: list[float] = []
    counts: dict[int, int] = {}
    lock = threading.Lock()
    stop = threading.Event()
    workers = [threading.Thread(target=flood, args=(base, stop, counts, lock, n)) for n in range(threads)]
    prober = threading.Thread(target=probe, args=(base, stop, busy))
    for worker in workers:
        worker.start()
    time.sleep(1)  # the flood is on before the measuring starts
    prober.start()
    time.sleep(seconds)
    stop.set()
    for worker in [*workers, prober]:
        worker.join()
    return {"idle": loadkit.summary(idle), "flood": loadkit.summary(busy), "token_answers": counts,
            "token_rate": sum(counts.values()) / (seconds + 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--quiet", type=float, default=5)
    parser.add_argument("--json")
    args = parser.parse_args()
    loadkit.ensure_database(URL)
    loadkit.django_setup(URL)
    lifted = {"API_TOKEN_RATE": "1000000/min", "LOGIN_RATE_LIMIT": "1000000/m/ip,1000000/m/key",
              "LOGIN_ATTEMPT_RATE": "1000000/m/ip", "API_WRITE_RATE": "1000000/min",
              "CONN_MAX_AGE": "60"}
    figures = {}
    for label, extra in (("shipped", {}), ("without slots", {"PASSWORD_CHECK_SLOTS": "64"})):
        env = server_env(database_url=URL, redis_url=REDIS_URL, **lifted, **extra)
        with running([granian_spec("web", env, workers=2, threads=2)]) as processes:
            figures[label] = phase(f"http://{processes['web'].host}", args.threads, args.quiet, args.seconds)
    print(f"\nToken flood: {args.threads} threads for {args.seconds:.0f} s against granian 2 x 2, "
          f"load average now {loadkit.load_average():.1f}")
    print(f"{'':14} {'healthz idle p50':>16} {'p99':>6} {'healthz flood p50':>17} {'p99':>7} {'tokens/s':>8}  answers")
    for label, f in figures.items():
        print(f"{label:14} {f['idle']['p50']:16.1f} {f['idle']['p99']:6.1f} {f['flood']['p50']:17.1f} "
              f"{f['flood']['p99']:7.1f} {f['token_rate']:8.1f}  {dict(sorted(f['token_answers'].items()))}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return 0 if figures["shipped"]["flood"]["p50"] < 200 else 1


if __name__ == "__main__":
    sys.exit(main())
