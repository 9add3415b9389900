"""Server time of the idea list and the idea page with 10,000 ideas and 1,000 comments on
one idea, on PostgreSQL.

    python tests/load/bench_ideas.py [--requests 200]

Uses (and fills once) the database named by BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/hoest_bench, which it creates if missing. Requests go
through Django's full request handling in-process (middleware, view, template), so the
figures are server time without the network.
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
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hoest_bench")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.pop("REDIS_URL", None)


def ensure_database() -> None:
    name = URL.rsplit("/", 1)[1]
    server = URL.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
                            capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run(["psql", server, "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)


def fill() -> tuple[int, int]:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from accounts.models import Municipality
    from ideas.models import Campaign, Comment, Idea, Status, Visibility

    municipality, _ = Municipality.objects.get_or_create(slug="aarhus", defaults={"name": "Aarhus Kommune",
                                                                                 "country": "DK"})
    campaign = Campaign.objects.filter(slug="bench").first()
    if campaign is None:
        campaign = Campaign.objects.create(
            municipality=municipality, slug="bench", title="Benchmark", open_to_influence="x", fixed_frame="x",
            decided_by="x", answer_by=timezone.now().date(), opens_at=timezone.now() - timedelta(days=1),
            closes_at=timezone.now() + timedelta(days=365))
    User = get_user_model()
    users = list(User.objects.filter(email__startswith="bench"))
    if len(users) < 50:
        User.objects.bulk_create([User(email=f"bench{n}@example.org", display_name=f"Borger {n}")
                                  for n in range(len(users), 50)])
        users = list(User.objects.filter(email__startswith="bench"))
    have = Idea.objects.filter(campaign=campaign).count()
    if have < 10_000:
        Idea.objects.bulk_create([
            Idea(municipality=municipality, campaign=campaign, author=users[n % 50],
                 title=f"Idé nummer {n} om cykelstier og bænke", body="Tekst " * 40,
                 body_html="<p>" + "Tekst " * 40 + "</p>",
                 status=Status.PUBLISHED, visibility=Visibility.VISIBLE, support_count=n % 97,
                 comment_count=n % 13) for n in range(have, 10_000)], batch_size=2000)
    top = Idea.objects.filter(campaign=campaign).order_by("pk").first()
    comments = Comment.objects.filter(idea=top).count()
    if comments < 1_000:
        Comment.objects.bulk_create([
            Comment(idea=top, author=users[n % 50], body=f"Kommentar {n} med **fed** tekst.",
                    body_html=f"<p>Kommentar {n} med <strong>fed</strong> tekst.</p>",
                    visibility=Visibility.VISIBLE) for n in range(comments, 1_000)], batch_size=1000)
        Idea.objects.filter(pk=top.pk).update(comment_count=1_000)
    from django.db import connection

    from ideas.search import index_ideas

    index_ideas(Idea.objects.filter(campaign=campaign, search_vector__isnull=True))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    return top.pk, Idea.objects.filter(campaign=campaign).count()


def measure(client, path: str, n: int) -> dict:
    for _ in range(5):
        client.get(path)  # warm up caches and connections
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    times.sort()
    return {"p50": statistics.median(times), "p90": times[int(n * 0.9) - 1], "p99": times[int(n * 0.99) - 1]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    top, count = fill()
    client = Client()
    results = {
        f"idea list, newest ({count:,} ideas)": measure(client, "/ideas/", args.requests),
        "idea list, most supported, page 50": measure(client, "/ideas/?sort=supported&page=50", args.requests),
        "idea list, search 'cykelstier'": measure(client, "/ideas/?q=cykelstier", args.requests),
        "idea page, 1,000 comments": measure(client, f"/ideas/{top}/", args.requests // 2),
        "API idea list": measure(client, "/api/v1/ideas/", args.requests),
    }
    print(f"{'page':45} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8}")
    for name, r in results.items():
        print(f"{name:45} {r['p50']:8.1f} {r['p90']:8.1f} {r['p99']:8.1f}")


if __name__ == "__main__":
    main()
