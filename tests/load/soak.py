"""Soak: a steady mixed load for a long time; no errors, no memory growth, no lost writes.

    .venv/bin/python tests/load/soak.py [--duration 1800] [--rate 20] [--clients 8]
        [--server granian|uvicorn] [--workers 2] [--threads 2] [--sample 10] [--json FILE]

What it does (everything on 127.0.0.1, bounded in count and time):

1. Creates and migrates BENCH_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/hoest_scale_soak) and makes, fresh for the run: a
   campaign with 100 visible ideas, a budget process in its voting phase with 12 projects, a
   dinner programme with 40 open dinners of 8 seats; and (once, reused) 2,000 citizens
   with API tokens.
2. Starts the server as a subprocess on a free port: granian (`config.wsgi`, `--workers`
   processes of `--threads` blocking threads, as docker-compose's `web`) or one uvicorn
   process (`config.asgi`), with Redis BENCH_REDIS_URL (default redis://127.0.0.1:6379/7) as
   cache, channel layer and broker, and throttles raised (they are not what is measured).
   Celery tasks queued by the requests wait in the broker (no worker is started; none of the
   writes depends on one).
3. For `--duration` seconds, `--clients` concurrent clients send `--rate` requests/s in all,
   each picking at random: 60 % reads (idea list page, idea page, API idea list, API idea,
   budget page, dinner programme API), 10 % supports, 10 % comments, 10 % ballots, 10 %
   seat sign-ups, each write by a citizen who has not done it before (so every 2xx is a
   new row).
4. Samples the RSS of every server process (from /proc) every `--sample` seconds.
5. Afterwards checks: no request failed (non-2xx or connection error); every 2xx write is
   in the database (support, comment id, participation and ballot, seat id); and each
   server process's RSS at the end is < 10 % above its RSS after the warm-up (the mean of
   the samples in the first 10 % of the run, at least 60 s, against the mean of the last 10 %).

Prints the figures and exits non-zero if a check failed. Not a pytest module: it is a script.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadkit  # noqa: E402

from tests.platform.scaling.processes import granian_spec, running, server_env, uvicorn_spec  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hoest_scale_soak")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")
CITIZENS = 2000
IDEAS, PROJECTS, DINNERS, SEATS = 100, 12, 40, 8
QUESTIONS = ["Hvad er et godt liv her?", "Hvad kan du selv gøre?", "Hvad skal kommunen holde op med?"]
GROWTH_LIMIT = 0.10


def prepare() -> dict:
    from datetime import timedelta

    loadkit.ensure_database(URL)
    loadkit.django_setup(URL)
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from accounts.models import District
    from budgets import ballotbox
    from budgets.models import BudgetProcess, Phase, Project
    from dinners import services as dinner_services

    stamp = time.strftime("%m%d%H%M%S")
    municipality = loadkit.municipality()
    district, _ = District.objects.get_or_create(municipality=municipality, slug="bench",
                                                 defaults={"name": "Bench bydel"})
    citizens = loadkit.users_with_tokens("soak-", CITIZENS, municipality, district=district, birth_year=1980)
    User = get_user_model()
    author = User.objects.get(pk=citizens[0][0])
    campaign = loadkit.campaign(municipality, f"soak-{stamp}")
    ideas = [loadkit.new_idea(campaign, author, f"Soak-idé {n}").pk for n in range(IDEAS)]
    now = timezone.now()
    process = BudgetProcess.objects.create(
        municipality=municipality, title=f"Soak {stamp}", slug=f"soak-{stamp}", currency="DKK",
        total_budget=1_000_000, tally_rule="greedy", ballot_type="approval", phase=Phase.VOTING,
        proposals_start=now - timedelta(days=30), review_start=now - timedelta(days=20),
        voting_start=now - timedelta(days=1), voting_end=now + timedelta(days=10),
        results_date=now + timedelta(days=20))
    for n in range(PROJECTS):
        Project.objects.create(process=process, code=f"P{n}", title=f"Projekt {n}", cost=50_000 + 10_000 * n,
                               feasibility="feasible")
    # Voting takes ballots only into a ready ballot box (its shares stay with the script).
    ballotbox.box_create_collected(process=process, threshold=2, names=["A", "B", "C"])
    programme = dinner_services.programme_create(
        municipality=municipality, title=f"Soak {stamp}", theme="Soak", host_instructions="x", privacy_text="x",
        signup_opens=now - timedelta(days=1), signup_closes=now + timedelta(days=5),
        dinners_from=now - timedelta(days=1), dinners_until=now + timedelta(days=30), questions=QUESTIONS,
        max_seats=SEATS, hosts_need_approval=False, slug=f"soak-{stamp}")
    hosts = citizens[-DINNERS:]
    dinners = [dinner_services.dinner_offer(
        programme=programme, host=User.objects.get(pk=pk), title=f"Suppe {n}", venue_type="home",
        starts_at=now + timedelta(days=7), district=district, seats=SEATS, private_seats=0,
        address="Benchvej 1, 8000 Aarhus C", menu="Suppe", diets="").pk for n, (pk, _t) in enumerate(hosts)]
    connection.close()
    return {"ideas": ideas, "process": process.pk, "programme": programme.pk, "dinners": dinners,
            "citizens": citizens[:-DINNERS], "hosts": {pk for pk, _t in hosts}}


class Plan:
    """Hands out writes that each create a new row (a person does each thing once)."""

    def __init__(self, data: dict, seed: int):
        self.data = data
        self.rng = random.Random(seed)
        self.voters = list(data["citizens"])
        self.rng.shuffle(self.voters)
        self.supported: set[tuple[int, int]] = set()
        self.seated: set[tuple[int, int]] = set()

    def read(self) -> str:
        idea = self.rng.choice(self.data["ideas"])
        return self.rng.choice([
            "/ideas/", f"/ideas/{idea}/", "/api/v1/ideas/", f"/api/v1/ideas/{idea}/",
            f"/budgets/{self.data['process']}/", f"/api/v1/dinners/programmes/{self.data['programme']}/",
        ])

    def fresh_pair(self, taken: set, items: list[int]) -> tuple[tuple[int, str], int] | None:
        for _ in range(50):
            person = self.rng.choice(self.data["citizens"])
            item = self.rng.choice(items)
            if (person[0], item) not in taken:
                taken.add((person[0], item))
                return person, item
        return None


async def client(host: str, plan: Plan, deadline: float, interval: float, log: list, writes: dict,
                 stats: Counter) -> None:
    rng = plan.rng
    next_at = time.monotonic() + rng.random() * interval
    while True:
        now = time.monotonic()
        if now >= deadline:
            return
        if next_at > now:
            await asyncio.sleep(next_at - now)
        next_at += interval
        roll = rng.random()
        token, kind, method, path, body, key = None, "read", "GET", plan.read(), None, None
        if roll >= 0.6:
            if roll < 0.7 and (pick := plan.fresh_pair(plan.supported, plan.data["ideas"])):
                (user, token), idea = pick
                kind, method, path, key = "support", "POST", f"/api/v1/ideas/{idea}/support/", (user, idea)
            elif 0.7 <= roll < 0.8:
                (user, token), idea = rng.choice(plan.data["citizens"]), rng.choice(plan.data["ideas"])
                kind, method, path = "comment", "POST", f"/api/v1/ideas/{idea}/comments/"
                body = json.dumps({"body": f"Soak-kommentar {rng.randrange(10**9)}"}).encode()
                key = (user, idea)
            elif 0.8 <= roll < 0.9 and plan.voters:
                user, token = plan.voters.pop()
                kind, method, path = "ballot", "POST", f"/api/v1/budgets/{plan.data['process']}/ballot/"
                body = json.dumps({"projects": rng.sample([f"P{n}" for n in range(PROJECTS)], 3)}).encode()
                key = user
            elif roll >= 0.9 and (pick := plan.fresh_pair(plan.seated, plan.data["dinners"])):
                (user, token), dinner = pick
                kind, method, path = "seat", "POST", f"/api/v1/dinners/dinners/{dinner}/seats/"
                body, key = b'{"diet": ""}', (user, dinner)
        if method == "POST" and body is None:
            body = b""
        started = time.perf_counter()
        try:
            status, content = await loadkit.http_request(host, method, path, token=token, body=body, timeout=30)
        except (OSError, TimeoutError) as error:
            status, content = 0, repr(error).encode()
        ms = (time.perf_counter() - started) * 1000
        stats[(kind, status)] += 1
        log.append((kind, ms))
        if not 200 <= status < 300:
            writes.setdefault("errors", []).append((kind, path, status, content[:200].decode(errors="replace")))
        elif kind != "read":
            answer = json.loads(content or b"{}")
            writes.setdefault(kind, []).append((key, answer.get("id")))


async def sampler(pids: list[int], deadline: float, every: float, samples: list) -> None:
    start = time.monotonic()
    while time.monotonic() < deadline:
        samples.append((time.monotonic() - start, {pid: loadkit.rss_kib(pid) for pid in pids}))
        await asyncio.sleep(every)
    samples.append((time.monotonic() - start, {pid: loadkit.rss_kib(pid) for pid in pids}))


async def soak(host: str, plan: Plan, pids: list[int], args) -> tuple[list, dict, Counter, list]:
    log: list = []
    writes: dict = {}
    stats: Counter = Counter()
    samples: list = []
    deadline = time.monotonic() + args.duration
    interval = args.clients / args.rate
    tasks = [client(host, plan, deadline, interval, log, writes, stats) for _ in range(args.clients)]
    await asyncio.gather(sampler(pids, deadline, args.sample, samples), *tasks)
    return log, writes, stats, samples


def verify(data: dict, writes: dict) -> dict:
    from budgets.models import Ballot, Participation
    from dinners.models import Seat
    from ideas.models import Comment, Support

    supports = set(Support.objects.filter(idea_id__in=data["ideas"]).values_list("user_id", "idea_id"))
    comments = set(Comment.objects.filter(idea_id__in=data["ideas"]).values_list("pk", flat=True))
    voters = set(Participation.objects.filter(process_id=data["process"]).values_list("user_id", flat=True))
    ballots = Ballot.objects.filter(process_id=data["process"]).count()
    seats = set(Seat.objects.filter(dinner_id__in=data["dinners"]).values_list("pk", flat=True))
    missing = {
        "support": sum(1 for key, _id in writes.get("support", []) if key not in supports),
        "comment": sum(1 for _key, pk in writes.get("comment", []) if pk not in comments),
        "ballot": sum(1 for user, _id in writes.get("ballot", []) if user not in voters),
        "seat": sum(1 for _key, pk in writes.get("seat", []) if pk not in seats),
    }
    extra = {"ballots_vs_2xx": ballots - len(writes.get("ballot", [])),
             "supports_vs_2xx": len(supports) - len(writes.get("support", [])),
             "seats_vs_2xx": len(seats) - len(writes.get("seat", []))}
    return {"missing": missing, "extra": extra}


def memory(samples: list, duration: float) -> dict:
    window = max(60.0, duration * 0.10)
    pids = samples[0][1].keys()
    out = {}
    for pid in pids:
        early = [s[pid] for t, s in samples if window * 0.5 <= t <= window * 1.5 and s.get(pid)]
        late = [s[pid] for t, s in samples if t >= duration - window and s.get(pid)]
        if not early or not late:
            early = [s[pid] for _t, s in samples[: max(1, len(samples) // 10)] if s.get(pid)]
            late = [s[pid] for _t, s in samples[-max(1, len(samples) // 10):] if s.get(pid)]
        first, last = statistics.fmean(early), statistics.fmean(late)
        out[pid] = {"start_mib": first / 1024, "end_mib": last / 1024, "growth": last / first - 1,
                    "peak_mib": max(s.get(pid, 0) for _t, s in samples) / 1024}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=1800, help="seconds (default 1800 = 30 min)")
    parser.add_argument("--rate", type=float, default=20, help="requests per second, all clients together")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--server", choices=["granian", "uvicorn"], default="granian")
    parser.add_argument("--workers", type=int, default=2, help="granian worker processes")
    parser.add_argument("--threads", type=int, default=2, help="granian blocking threads per worker")
    parser.add_argument("--sample", type=float, default=10, help="seconds between RSS samples")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--json", help="write the figures to this file too")
    args = parser.parse_args()
    if not 10 <= args.duration <= 4 * 3600 or not 0.1 <= args.rate <= 200 or not 1 <= args.clients <= 64:
        raise SystemExit("--duration 10..14400, --rate 0.1..200, --clients 1..64")
    data = prepare()
    plan = Plan(data, args.seed)
    env = server_env(database_url=URL, redis_url=REDIS_URL, API_WRITE_RATE="1000000/min",
                     API_READ_RATE="1000000/min", COMMENT_RATE="1000000/h", SEAT_SIGNUP_RATE="1000000/h",
                     IDEA_SUBMIT_RATE="1000000/h")
    spec = (granian_spec("web", env, workers=args.workers, threads=args.threads) if args.server == "granian"
            else uvicorn_spec("web", env))
    load_before = loadkit.load_average()
    loads = []
    with running([spec]) as processes:
        web = processes["web"]
        time.sleep(1.0)
        pids = web.pids()
        started = time.monotonic()
        log, writes, stats, samples = asyncio.run(soak(web.host, plan, pids, args))
        elapsed = time.monotonic() - started
        loads.append(loadkit.load_average())
        still_running = [pid for pid in pids if Path(f"/proc/{pid}").exists()]
    from django.db import connection

    connection.close()
    checked = verify(data, writes)
    mem = memory(samples, elapsed)
    errors = writes.get("errors", [])
    by_kind: dict[str, list[float]] = {}
    for kind, ms in log:
        by_kind.setdefault(kind, []).append(ms)
    print(f"\nSoak: {elapsed:.0f} s at {args.rate:g} requests/s target ({len(log) / elapsed:.1f}/s reached), "
          f"{args.clients} clients, {args.server}"
          + (f" {args.workers} x {args.threads} threads" if args.server == "granian" else "")
          + f", PostgreSQL {URL.rsplit('/', 1)[1]}")
    print(f"load average before {load_before:.1f}, at the end {loads[-1]:.1f}; "
          f"server processes alive at the end: {len(still_running)} of {len(pids)}")
    print(f"{'request':10} {'count':>7} {'2xx':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for kind in ("read", "support", "comment", "ballot", "seat"):
        times = by_kind.get(kind, [])
        ok = sum(n for (k, status), n in stats.items() if k == kind and 200 <= status < 300)
        s = loadkit.summary(times)
        print(f"{kind:10} {len(times):7} {ok:7} {s['p50']:8.1f} {s['p99']:8.1f} {s['max']:8.1f}")
    print(f"errors: {len(errors)}" + (f"; first: {errors[:3]}" if errors else ""))
    print(f"2xx writes missing from the database: {checked['missing']} (rows beyond the 2xx answers: "
          f"{checked['extra']})")
    print(f"{'process':>8} {'RSS after warm-up MiB':>22} {'at the end MiB':>15} {'peak MiB':>9} {'growth':>7}")
    for pid, m in mem.items():
        print(f"{pid:8} {m['start_mib']:22.1f} {m['end_mib']:15.1f} {m['peak_mib']:9.1f} {m['growth']:7.1%}")
    lost = sum(checked["missing"].values())
    grown = [pid for pid, m in mem.items() if m["growth"] >= GROWTH_LIMIT]
    ok = not errors and lost == 0 and not grown and len(still_running) == len(pids)
    print(f"Checks (no errors, no lost writes, RSS growth < {GROWTH_LIMIT:.0%} per process): "
          f"{'passed' if ok else 'FAILED'}")
    if args.json:
        Path(args.json).write_text(json.dumps({
            "seconds": elapsed, "requests": len(log), "errors": len(errors), "missing": checked["missing"],
            "extra": checked["extra"], "memory": {str(k): v for k, v in mem.items()}, "passed": ok,
            "load_before": load_before, "load_after": loads[-1]}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
