"""Websocket fan-out: N clients on one idea page; time from a support to the last client.

    .venv/bin/python tests/load/bench_ws_fanout.py [--clients 1000] [--supports 20]
        [--servers 1] [--workers 1] [--layer core|pubsub] [--json FILE]

What it does (everything on 127.0.0.1, bounded in count and time):

1. Creates and migrates BENCH_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/hoest_scale_fanout) and makes a fresh visible idea plus
   one citizen with an API token per support.
2. Starts `--servers` uvicorn processes (`config.asgi:application`, each with `--workers`
   worker processes on its port) on free ports, against that database and
   BENCH_REDIS_URL (default redis://127.0.0.1:6379/7) as cache and channel layer. `--layer
   pubsub` (the default) is Høst's own channel layer (realtime.layers, channels-redis'
   pub/sub layer); `--layer core` swaps in channels-redis' core RedisChannelLayer, Høst's
   layer before, through a throwaway settings module (the project's are untouched).
3. Connects `--clients` websocket clients (one asyncio process, `websockets`) to
   /ws/ideas/{id}/, spread round-robin over the servers, and waits until all are in.
4. For each support: POSTs /api/v1/ideas/{id}/support/ with the next citizen's token to the
   first server, then waits until every client has received the `idea.counts` event with
   the new support count. Latency = last (and first) client's receive time - the moment the
   POST was sent. The next support follows 0.3 s after the last client got the previous one.

Prints one table (p50/p99/max over the supports, goal p99 < 1 s) and exits 0; non-zero if
a client missed an event or the setup failed. Not a pytest module: it is a script.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadkit  # noqa: E402

from tests.platform.scaling.processes import running, server_env, uvicorn_spec  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hoest_scale_fanout")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
GOAL_P99_MS = 1000.0
# How long a support waits for every client before the next one is sent.
WAIT_SECONDS = 5.0
CORE_SETTINGS = '''\
"""Throwaway settings of bench_ws_fanout.py (--layer core): the project's, with channels-redis'
core RedisChannelLayer, Høst's channel layer until the pub/sub layer replaced it, to compare."""
from config.settings import *  # noqa: F401,F403
from config.settings import REDIS_URL

# As config.settings had it: redis-py's 5 s read timeout would end the layer's 5 s BRPOP.
CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                              "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": 15,
                                                    "socket_connect_timeout": 2}],
                                         "prefix": "hoest:ws:"}}}
'''
RELAY_FAST_PATH_ASGI = '''"""Throwaway ASGI module of bench_ws_fanout.py (--relay-fast-path): the project's application,
with RelayConsumer relaying group events without channels' per-message close_old_connections
thread hop (a relay touches no database). Measures a proposed change; Høst's code is untouched."""
from config.asgi import application  # noqa: F401
from realtime.consumers import RelayConsumer

_dispatch = RelayConsumer.dispatch


async def dispatch(self, message):
    if message.get("type") == "relay":
        await self.relay(message)
    else:
        await _dispatch(self, message)


RelayConsumer.dispatch = dispatch
'''


def prepare(supports: int) -> tuple[int, list[str]]:
    loadkit.ensure_database(URL)
    loadkit.django_setup(URL)
    from django.db import connection

    municipality = loadkit.municipality()
    campaign = loadkit.campaign(municipality, "fanout")
    supporters = loadkit.users_with_tokens("fanout-", supports, municipality)
    from django.contrib.auth import get_user_model

    author = get_user_model().objects.get(pk=supporters[0][0])
    idea = loadkit.new_idea(campaign, author, f"Fan-out {time.strftime('%H:%M:%S')}")
    connection.close()
    return idea.pk, [token for _pk, token in supporters]


async def measure(hosts: list[str], idea: int, tokens: list[str], clients: int, batch: int) -> dict:
    from websockets.asyncio.client import connect

    arrivals: dict[int, list[float]] = {k: [] for k in range(1, len(tokens) + 1)}
    complete = {k: asyncio.Event() for k in arrivals}
    sockets: list = []
    heard: dict[int, set[int]] = {}
    gate = asyncio.Semaphore(batch)
    connect_errors = 0

    async def client(i: int) -> None:
        nonlocal connect_errors
        host = hosts[i % len(hosts)]
        async with gate:
            try:
                ws = await connect(f"ws://{host}/ws/ideas/{idea}/", additional_headers={"Origin": f"http://{host}"},
                                   open_timeout=60, ping_interval=None, max_queue=None)
            except Exception:  # noqa: BLE001 - counted and reported
                connect_errors += 1
                return
        sockets.append(ws)
        try:
            async for raw in ws:
                received = time.perf_counter()
                message = json.loads(raw)
                if message.get("event") == "idea.counts":
                    heard.setdefault(i, set()).add(message["payload"]["support_count"])
                    seen = arrivals.setdefault(message["payload"]["support_count"], [])
                    seen.append(received)
                    if len(seen) == len(sockets) and message["payload"]["support_count"] in complete:
                        complete[message["payload"]["support_count"]].set()
        except Exception:  # noqa: BLE001 - a dropped socket shows up as missed events
            return

    started = time.perf_counter()
    readers = [asyncio.create_task(client(i)) for i in range(clients)]
    while len(sockets) + connect_errors < clients and time.perf_counter() - started < 180:
        await asyncio.sleep(0.1)
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)
    rows = []
    for k, token in enumerate(tokens, start=1):
        sent = time.perf_counter()
        status, body = await loadkit.http_request(hosts[0], "POST", f"/api/v1/ideas/{idea}/support/", token=token)
        answered = time.perf_counter()
        if status != 200:
            raise SystemExit(f"support {k} answered {status}: {body[:300]!r}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(complete[k].wait(), WAIT_SECONDS)
        got = arrivals[k]
        rows.append({"http_ms": (answered - sent) * 1000,
                     "first_ms": (min(got) - sent) * 1000 if got else float("nan"),
                     "last_ms": (max(got) - sent) * 1000 if got else float("nan"),
                     "received": len(got), "missed": len(sockets) - len(got)})
        await asyncio.sleep(0.3)
    # Events a client got only later (after the next event) are late, not lost: count both.
    await asyncio.sleep(3.0)
    for k, row in enumerate(rows, start=1):
        row["eventually"] = len(arrivals[k])
    everything = set(range(1, len(tokens) + 1))
    gaps = [everything - heard.get(i, set()) for i in range(clients)]
    # A client that stopped hearing: from some event on it heard nothing more.
    deaf = sum(1 for g in gaps if g and max(everything - g, default=0) < min(g))
    await asyncio.gather(*(ws.close() for ws in list(sockets)), return_exceptions=True)
    for task in readers:
        task.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    return {"deaf": deaf, "gappy": sum(1 for g in gaps if g) - deaf, "connected": len(sockets), "connect_errors": connect_errors, "connect_seconds": connect_seconds,
            "rows": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--supports", type=int, default=20)
    parser.add_argument("--servers", type=int, default=1, help="uvicorn processes, each on its own port")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn --workers per server (one port)")
    parser.add_argument("--layer", choices=["core", "pubsub"], default="pubsub",
                        help="pubsub: Høst's own channel layer; core: channels-redis' RedisChannelLayer, to compare")
    parser.add_argument("--relay-fast-path", action="store_true",
                        help="the RelayConsumer change measured before it was applied (now a no-op; kept for "
                             "the commands of the earlier tables)")
    parser.add_argument("--connect-batch", type=int, default=100, help="handshakes in flight at once")
    parser.add_argument("--verbose", action="store_true", help="one line per support")
    parser.add_argument("--json", help="write the figures to this file too")
    args = parser.parse_args()
    if not 1 <= args.clients <= 5000 or not 1 <= args.supports <= 200 or not 1 <= args.servers * args.workers <= 8:
        raise SystemExit("--clients 1..5000, --supports 1..200, servers x workers 1..8")
    limit = loadkit.raise_file_limit(args.clients * 2 + 256)
    if limit < args.clients + 64:
        raise SystemExit(f"file limit {limit} is too low for {args.clients} clients (ulimit -n)")
    idea, tokens = prepare(args.supports)
    workdir = Path(tempfile.mkdtemp(prefix="hoest-fanout-"))
    extra = {"API_WRITE_RATE": "100000/min", "DATABASE_POOL_MAX": "10"}
    extra["PYTHONPATH"] = os.pathsep.join(filter(None, [str(workdir), os.environ.get("PYTHONPATH")]))
    if args.layer == "core":
        (workdir / "bench_fanout_settings.py").write_text(CORE_SETTINGS)
        extra["DJANGO_SETTINGS_MODULE"] = "bench_fanout_settings"
    app = "config.asgi:application"
    if args.relay_fast_path:
        (workdir / "bench_fanout_asgi.py").write_text(RELAY_FAST_PATH_ASGI)
        app = "bench_fanout_asgi:application"
    env = server_env(database_url=URL, redis_url=REDIS_URL, **extra)
    load_before = loadkit.load_average()
    try:
        specs = [uvicorn_spec(f"web{i}", env, workers=args.workers, app=app) for i in range(args.servers)]
        with running(specs) as processes:
            pids = [pid for p in processes.values() for pid in p.pids()]
            cpu_before = loadkit.cpu_seconds(pids)
            result = asyncio.run(measure([p.host for p in processes.values()], idea, tokens, args.clients,
                                         args.connect_batch))
            server_cpu = loadkit.cpu_seconds(pids) - cpu_before
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    rows = result["rows"]
    last = loadkit.summary([r["last_ms"] for r in rows])
    first = loadkit.summary([r["first_ms"] for r in rows])
    http = loadkit.summary([r["http_ms"] for r in rows])
    missed = sum(r["missed"] for r in rows)
    lost = sum(result["connected"] - r["eventually"] for r in rows)
    label = (f"{args.servers} server(s) x {args.workers} worker(s), {args.layer} layer"
             + (", relay fast path" if args.relay_fast_path else ""))
    print(f"\nWebsocket fan-out: {result['connected']} of {args.clients} clients on one idea "
          f"({result['connect_errors']} refused; all in after {result['connect_seconds']:.1f} s), "
          f"{len(rows)} supports, {label}")
    print(f"load average before {load_before:.1f}, after {loadkit.load_average():.1f}; "
          f"server CPU {server_cpu:.1f} s over connect + supports")
    print(f"{'measure':38} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for name, s in (("support -> last client", last), ("support -> first client", first),
                    ("support POST answered", http)):
        print(f"{name:38} {s['p50']:8.1f} {s['p99']:8.1f} {s['max']:8.1f}")
    print(f"events not received within {WAIT_SECONDS:.0f} s: {missed} (of which never received, after 3 s more: {lost}; "
          f"the rest came late, only when the next event was sent)")
    print(f"clients that stopped hearing events from some point on: {result['deaf']}; "
          f"clients that missed an event but heard later ones: {result['gappy']}")
    if args.verbose:
        for k, r in enumerate(rows, start=1):
            print(f"  support {k:3}: POST {r['http_ms']:7.1f} ms, first {r['first_ms']:7.1f} ms, "
                  f"last {r['last_ms']:7.1f} ms, received {r['received']}, missed {r['missed']}, "
                  f"eventually {r['eventually']}")
    met = last["p99"] < GOAL_P99_MS and missed == 0 and result["connected"] == args.clients
    print(f"Goal p99 support -> last client < {GOAL_P99_MS:.0f} ms with {args.clients} clients: "
          f"{'met' if met else 'NOT met'} ({last['p99']:.0f} ms)")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "label": label, "clients": args.clients, "connected": result["connected"], "last": last,
            "first": first, "http": http, "missed": missed, "lost": lost, "deaf": result["deaf"], "goal_met": met, "load_before": load_before,
            "server_cpu": server_cpu}, indent=1))
    return 0 if missed == 0 and result["connected"] == args.clients else 1


if __name__ == "__main__":
    sys.exit(main())
