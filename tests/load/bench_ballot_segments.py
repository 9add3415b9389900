"""Where a ballot's web CPU goes, layer by layer, in-process.

    BENCH_DATABASE_URL=... BENCH_REDIS_URL=... \\
        .venv/bin/python tests/load/bench_ballot_segments.py [--requests 2000] [--eligibility eid|accounts]

Sets up as `bench_vote_surge.py --wsgi-cpu` does (its database, its bench URLconf with the
bare insert at /api/bench/insert/, Redis, the servers' settings), sends N bare inserts and
then N ballots through config.wsgi.application, and prints, per ballot, the CPU (this
thread's clock) spent inside each layer: DRF's dispatch and its steps, token authentication
and its query, the write throttle and its Redis call, the view and the service's steps, and
every database statement and Redis command. Figures are inclusive (a layer counts what it
calls) and each wrapper adds a microsecond or two, so the ballot is a little dearer here than
with --wsgi-cpu. Not a pytest module: it is a script (docs/BENCHMARKS.md, Vote surge).
"""
from __future__ import annotations

import argparse
import functools
import random
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_vote_surge as bench  # noqa: E402

spent: dict[str, float] = defaultdict(float)
calls: dict[str, int] = defaultdict(int)


def timed(owner, name: str, label: str) -> None:
    """Wrap owner.name to add its CPU time under `label` (functools.wraps keeps DRF's action
    attributes, which the router reads)."""
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        start = time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] += time.thread_time() - start
            calls[label] += 1

    setattr(owner, name, wrapper)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--eligibility", choices=bench.ELIGIBILITY, default="eid")
    args = parser.parse_args()
    n = args.requests

    workdir = Path(tempfile.mkdtemp(prefix="hoest-segments-"))
    (workdir / "bench_urls.py").write_text(bench.BENCH_URLS)
    (workdir / "bench_settings.py").write_text(bench.BENCH_SETTINGS)
    sys.path[:0] = [str(workdir)]
    bench.django_setup(redis=True, settings_module="bench_settings")
    import redis.client
    from django.core.handlers.base import BaseHandler
    from django.core.management import call_command
    from django.db.backends.utils import CursorWrapper
    from rest_framework.views import APIView

    import budgets.api as budgets_api
    from budgets import eligibility, events, secrecy, selectors, services
    from config.wsgi import application
    from health.postgresql import prepared
    from restapi import authentication

    layers = [
        (BaseHandler, "get_response", "Django's handler, middleware included"),
        (APIView, "dispatch", " DRF's dispatch"),
        (APIView, "initialize_request", "  DRF's request"),
        (APIView, "perform_authentication", "  authentication"),
        (authentication, "user_for_token", "   token query and the user built from it"),
        (APIView, "check_throttles", "  throttles"),
        (APIView, "perform_content_negotiation", "  content negotiation"),
        (budgets_api.BudgetViewSet, "ballot", "  the view"),
        (selectors, "ballot_context", "   ballot context (cached per process)"),
        (budgets_api, "ballot_data", "   ballot body checked"),
        (services, "ballot_cast", "   ballot_cast"),
        (eligibility, "check_open", "    check_open"),
        (eligibility, "check_eligible", "    check_eligible"),
        (services, "clean_ballot", "    clean_ballot"),
        (services, "ballot_seal", "    ballot_seal (sealed box)"),
        (secrecy, "voter_hash", "    voter_hash (HMAC)"),
        (services, "_census_ballot_cast", "    _census_ballot_cast (one statement)"),
        (services, "_ballot_upsert", "    _ballot_upsert (one statement)"),
        (events, "turnout_changed", "    turnout_changed (coalesced)"),
        (APIView, "finalize_response", "  finalize_response"),
        (CursorWrapper, "execute", "every SQL statement (Django's cursor)"),
        (prepared, "fetchone", "every prepared statement (health.postgresql.prepared)"),
        (redis.client.Redis, "execute_command", "every Redis command"),
    ]

    call_command("migrate", verbosity=0)
    bench.fill(min(n + 100, 3000))
    process = bench.process_new("segments", args.eligibility)
    tokens = bench.voter_tokens(0, min(n + 100, 3000))
    for owner, name, label in layers:  # after the set-up: only requests are counted
        timed(owner, name, label)
    rng = random.Random(11)
    statuses: list[str] = []

    environ = bench.wsgi_environ
    call = bench.wsgi_caller(application, statuses)

    keys = [key for _n, key in tokens]
    path = f"/api/v1/budgets/{process.pk}/ballot/"
    bare = [environ("/api/bench/insert/", "{}", query="run=0") for _ in range(n + 100)]
    ballots = [environ(path, bench.ballot_body(rng), keys[i % len(keys)]) for i in range(n + 100)]
    for env in bare[:100] + ballots[:100]:  # warm-up
        call(env)
    statuses.clear()
    results = {}
    for label, envs in (("bare insert", bare[100:]), ("ballot", ballots[100:])):
        spent.clear()
        calls.clear()
        start = time.thread_time()
        for env in envs:
            call(env)
        results[label] = ((time.thread_time() - start) / n, dict(spent), dict(calls))
    assert set(statuses) == {"201 Created"}, set(statuses)
    (bare_cpu, bare_spent, _bare_calls), (ballot_cpu, ballot_spent, ballot_calls) = (
        results["bare insert"], results["ballot"])
    print(f"\nCPU per request in-process ({n} each, this thread's clock, with the wrappers; eligibility "
          f"{args.eligibility}): bare insert {bare_cpu * 1000:.3f} ms, ballot {ballot_cpu * 1000:.3f} ms, "
          f"ballot / bare {ballot_cpu / bare_cpu:.2f}")
    print(f"  {'layer':52} {'ballot ms':>9} {'per req':>7} {'bare ms':>8}")
    for _owner, _name, label in layers:
        if label in ballot_spent or label in bare_spent:
            print(f"  {label:52} {ballot_spent.get(label, 0) / n * 1000:9.3f} {ballot_calls.get(label, 0) / n:7.2f} "
                  f"{bare_spent.get(label, 0) / n * 1000:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
