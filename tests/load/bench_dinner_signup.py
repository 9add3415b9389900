"""Dinner sign-up race: many people take seats at the same moment, through the API.

    .venv/bin/python tests/load/bench_dinner_signup.py [--guests 500] [--dinners 50] [--seats 8]
        [--workers 2] [--threads 2] [--json FILE]

What it does (everything on 127.0.0.1, bounded in count and time):

1. Creates and migrates BENCH_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/hoest_scale_dinners), makes a fresh dinner programme
   with `--dinners` open dinners of `--seats` guest seats (one host each), and `--guests`
   citizens with API tokens (made once, reused by later runs).
2. Starts granian (`config.wsgi:application`, `--workers` processes of `--threads` blocking
   threads, as docker-compose's `web`) on a free port with Redis BENCH_REDIS_URL (default
   redis://127.0.0.1:6379/7) as cache and channel layer and API_WRITE_RATE raised (the
   throttle is not what is measured).
3. Opens one connection per guest, then releases every request at once: each guest POSTs
   /api/v1/dinners/dinners/{id}/seats/ for a dinner drawn at random (seeded; on average
   guests / dinners per dinner, so most dinners are oversubscribed).
4. Checks in the database: no dinner has more confirmed guests than seats; every 201 answer
   is a stored seat (confirmed or waiting, as answered) and no seat exists that was not
   answered; no request failed.

Prints throughput (201 answers / wall time of the race) and latency, exits non-zero if a
check failed. Not a pytest module: it is a script.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadkit  # noqa: E402

from tests.platform.scaling.processes import granian_spec, running, server_env  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hoest_scale_dinners")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
QUESTIONS = ["Hvad er et godt liv her?", "Hvad kan du selv gøre?", "Hvad skal kommunen holde op med?"]


def prepare(guests: int, dinners: int, seats: int) -> tuple[int, list[int], list[str]]:
    from datetime import timedelta

    loadkit.ensure_database(URL)
    loadkit.django_setup(URL)
    from django.db import connection
    from django.utils import timezone

    from accounts.models import District
    from dinners import services

    municipality = loadkit.municipality()
    district, _ = District.objects.get_or_create(municipality=municipality, slug="bench",
                                                 defaults={"name": "Bench bydel"})
    now = timezone.now()
    stamp = time.strftime("%H%M%S")
    programme = services.programme_create(
        municipality=municipality, title=f"Race {stamp}", theme="Benchmark", host_instructions="x",
        privacy_text="x", signup_opens=now - timedelta(days=1), signup_closes=now + timedelta(days=5),
        dinners_from=now - timedelta(days=1), dinners_until=now + timedelta(days=30), questions=QUESTIONS,
        max_seats=max(8, seats), hosts_need_approval=False, slug=f"race-{stamp}")
    hosts = loadkit.users_with_tokens("dinner-host-", dinners, municipality, district=district)
    from django.contrib.auth import get_user_model

    User = get_user_model()
    ids = []
    for n, (host_id, _token) in enumerate(hosts):
        dinner = services.dinner_offer(
            programme=programme, host=User.objects.get(pk=host_id), title=f"Suppe {n}", venue_type="home",
            starts_at=now + timedelta(days=7), district=district, seats=seats, private_seats=0,
            address="Benchvej 1, 8000 Aarhus C", menu="Suppe", diets="")
        ids.append(dinner.pk)
    tokens = [token for _pk, token in loadkit.users_with_tokens("dinner-guest-", guests, municipality,
                                                                district=district)]
    connection.close()
    return programme.pk, ids, tokens


async def race(host: str, requests: list[tuple[int, str]]) -> tuple[list[dict], float]:
    hostname, port = host.split(":")
    go = asyncio.Event()
    body = json.dumps({"diet": ""}).encode()

    async def one(dinner: int, token: str) -> dict:
        reader, writer = await asyncio.open_connection(hostname, int(port))
        head = (f"POST /api/v1/dinners/dinners/{dinner}/seats/ HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
                f"Authorization: Token {token}\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        await go.wait()
        sent = time.perf_counter()
        writer.write(head)
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), 120)
        done = time.perf_counter()
        writer.close()
        status_line, _, rest = raw.partition(b"\r\n")
        content = rest.partition(b"\r\n\r\n")[2]
        status = int(status_line.split()[1]) if status_line else 0
        try:
            answer = json.loads(content) if status == 201 else {}
        except ValueError:
            answer = {}
        return {"dinner": dinner, "status": status, "ms": (done - sent) * 1000, "sent": sent, "done": done,
                "seat": answer.get("id"), "seat_status": answer.get("status"),
                "error": None if status == 201 else content[:200]}

    tasks = [asyncio.create_task(one(d, t)) for d, t in requests]
    await asyncio.sleep(min(10, 1 + len(requests) / 200))  # let every connection open
    start = time.perf_counter()
    go.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    out = []
    for r in results:
        out.append(r if isinstance(r, dict) else {"status": 0, "ms": float("nan"), "error": repr(r)[:200],
                                                   "sent": start, "done": start})
    return out, start


def check(programme: int, results: list[dict], dinners: list[int], seats: int) -> dict:
    from django.db.models import Count, Q

    from dinners.models import Dinner, Seat, SeatStatus

    counts = {d["pk"]: d for d in Dinner.objects.filter(programme_id=programme).annotate(
        confirmed=Count("seats_taken", filter=Q(seats_taken__status=SeatStatus.CONFIRMED)),
        waiting=Count("seats_taken", filter=Q(seats_taken__status=SeatStatus.WAITING))).values(
        "pk", "seats", "confirmed", "waiting")}
    over = [pk for pk, d in counts.items() if d["confirmed"] > d["seats"]]
    stored = dict(Seat.objects.filter(dinner__programme_id=programme).values_list("pk", "status"))
    answered = {r["seat"]: r["seat_status"] for r in results if r["status"] == 201}
    lost = [pk for pk in answered if pk not in stored]
    wrong = [pk for pk, s in answered.items() if pk in stored and stored[pk] != s]
    unanswered = [pk for pk in stored if pk not in answered]
    full = sum(1 for d in counts.values() if d["confirmed"] == d["seats"])
    return {"over_seats": len(over), "lost": len(lost), "status_differs": len(wrong),
            "stored_not_answered": len(unanswered), "confirmed": sum(d["confirmed"] for d in counts.values()),
            "waiting": sum(d["waiting"] for d in counts.values()), "full_dinners": full}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--guests", type=int, default=500)
    parser.add_argument("--dinners", type=int, default=50)
    parser.add_argument("--seats", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument("--threads", type=int, default=2, help="granian blocking threads per worker")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", help="write the figures to this file too")
    args = parser.parse_args()
    if not 1 <= args.guests <= 2000 or not 1 <= args.dinners <= 500 or not 1 <= args.seats <= 12:
        raise SystemExit("--guests 1..2000, --dinners 1..500, --seats 1..12")
    loadkit.raise_file_limit(args.guests * 2 + 256)
    programme, dinners, tokens = prepare(args.guests, args.dinners, args.seats)
    rng = random.Random(args.seed)
    requests = [(rng.choice(dinners), token) for token in tokens]
    env = server_env(database_url=URL, redis_url=REDIS_URL, API_WRITE_RATE="1000000/min", CONN_MAX_AGE="60")
    load_before = loadkit.load_average()
    with running([granian_spec("web", env, workers=args.workers, threads=args.threads)]) as processes:
        results, start = asyncio.run(race(processes["web"].host, requests))
    from django.db import connection

    connection.close()
    verdict = check(programme, results, dinners, args.seats)
    ok = [r for r in results if r["status"] == 201]
    errors = len(results) - len(ok)
    wall = max(r["done"] for r in results) - start
    latency = loadkit.summary([r["ms"] for r in ok])
    rate = len(ok) / wall if wall > 0 else 0.0
    server = f"granian {args.workers} worker(s) x {args.threads} thread(s)"
    print(f"\nDinner sign-up race: {args.guests} simultaneous sign-ups for {args.dinners} dinners of {args.seats} "
          f"seats ({args.dinners * args.seats} seats), {server}, PostgreSQL {URL.rsplit('/', 1)[1]}")
    print(f"load average before {load_before:.1f}, after {loadkit.load_average():.1f}")
    print(f"{'sign-ups/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'201':>5} {'errors':>6} "
          f"{'confirmed':>9} {'waiting':>7} {'full':>5} {'over seats':>10} {'lost':>5} {'unanswered':>10}")
    print(f"{rate:10.1f} {latency['p50']:8.0f} {latency['p99']:8.0f} {latency['max']:8.0f} {len(ok):5} {errors:6} "
          f"{verdict['confirmed']:9} {verdict['waiting']:7} {verdict['full_dinners']:5} {verdict['over_seats']:10} "
          f"{verdict['lost']:5} {verdict['stored_not_answered']:10}")
    if errors:
        print("errors:", sorted({(r["status"], r["error"]) for r in results if r["status"] != 201}, key=str)[:5])
    correct = (errors == 0 and verdict["over_seats"] == 0 and verdict["lost"] == 0
               and verdict["status_differs"] == 0 and verdict["stored_not_answered"] == 0)
    print(f"Checks (no dinner over its seats, every 201 stored as answered, nothing unanswered stored, "
          f"no errors): {'passed' if correct else 'FAILED'}")
    if args.json:
        Path(args.json).write_text(json.dumps({"rate": rate, "latency": latency, "ok": len(ok), "errors": errors,
                                               **verdict, "correct": correct, "load_before": load_before,
                                               "server": server}, indent=1))
    return 0 if correct else 1


if __name__ == "__main__":
    sys.exit(main())
