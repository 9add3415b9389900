"""Server time of the Innovation Barometer report over 100,000 innovation records, on
PostgreSQL: the dashboard page and the API, computed afresh (empty cache) and cached, and
one chart illustration.

    python tests/load/bench_reports.py [--requests 20] [--records 100000]

Uses (and fills once) the database named by BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/hoest_bench_reports, which it creates if missing.
Requests go through Django's full request handling in-process (middleware, view, template).
Exits non-zero if the fresh report misses the goal (p50 < 2 s).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hoest_bench_reports")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("REDIS_URL", None)
GOAL_SECONDS = 2.0


def ensure_database() -> None:
    name = URL.rsplit("/", 1)[1]
    server = URL.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
                            capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run(["psql", server, "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)


def fill(records: int):
    from django.contrib.auth import get_user_model

    from accounts.models import Membership, Municipality, Role
    from reports.models import Innovation
    from tests.reports.generate import records as generate

    places = [("aarhus", "Aarhus Kommune", "DK"), ("odense", "Odense Kommune", "DK"), ("bergen", "Bergen kommune", "NO"),
              ("oslo", "Oslo kommune", "NO")]
    municipalities = {slug: Municipality.objects.get_or_create(slug=slug, defaults={"name": name, "country": country})[0]
                      for slug, name, country in places}
    have = Innovation.objects.count()
    if have < records:
        per = (records - have) // len(places) + 1
        for i, (slug, _name, country) in enumerate(places):
            rows = generate(per, seed=100 + i + have, municipality=slug, country=country)
            Innovation.objects.bulk_create([
                Innovation(municipality=municipalities[slug], title=f"Innovation {n}", year=2015 + n % 10,
                           **{k: v for k, v in row.items() if k not in ("id", "municipality", "country")})
                for n, row in enumerate(rows)], batch_size=5000)
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    User = get_user_model()
    user, created = User.objects.get_or_create(email="bench-council@example.org")
    Membership.objects.get_or_create(user=user, municipality=municipalities["aarhus"], role=Role.COUNCIL)
    return user, Innovation.objects.count()


def measure(client, path: str, n: int, *, fresh: bool) -> dict:
    from django.core.cache import cache

    client.get(path)  # warm up connections and imports
    times = []
    for _ in range(n):
        if fresh:
            cache.clear()
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return {"p50": statistics.median(times) * 1000, "max": times[-1] * 1000}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    user, count = fill(args.records)
    client = Client()
    client.force_login(user)
    everything = "/reports/m/aarhus/?municipality=all"
    results = {
        f"dashboard, all {count:,} records, fresh": measure(client, everything, args.requests, fresh=True),
        "dashboard, one municipality, fresh": measure(client, "/reports/m/aarhus/", args.requests, fresh=True),
        "API barometer, all records, fresh": measure(client, "/api/v1/reports/aarhus/barometer/?municipality=all",
                                                     args.requests, fresh=True),
        "dashboard, all records, cached": measure(client, everything, args.requests, fresh=False),
        "chart values.png, cached figures": measure(client, "/reports/m/aarhus/chart/values.png?municipality=all",
                                                    args.requests, fresh=False),
    }
    print(f"{'request':45} {'p50 ms':>8} {'max ms':>8}")
    for name, r in results.items():
        print(f"{name:45} {r['p50']:8.1f} {r['max']:8.1f}")
    fresh = results[f"dashboard, all {count:,} records, fresh"]["p50"]
    if fresh > GOAL_SECONDS * 1000:
        print(f"goal missed: fresh report p50 {fresh:.0f} ms > {GOAL_SECONDS * 1000:.0f} ms")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
