"""Shared pieces of the load scripts in tests/load/ (not a benchmark itself).

Everything here talks only to 127.0.0.1: a database of the script's own on the local
PostgreSQL, a Redis database of its own, servers started as subprocesses."""
from __future__ import annotations

import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
for entry in (str(ROOT), str(ROOT / "platform")):
    if entry not in sys.path:
        sys.path.insert(0, entry)

VENV_BIN = Path(sys.executable).parent


def ensure_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(["psql", server, "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
                            capture_output=True, text=True, check=True).stdout.strip()
    if not exists:
        subprocess.run(["psql", server, "-c", f'CREATE DATABASE "{name}"'], check=True, capture_output=True)


def django_setup(url: str) -> None:
    """Django in this process, on the bench database, embedded cache (the servers under
    test get Redis; the script only fills and checks the database)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    for name in ("REDIS_URL", "DJANGO_ENV", "DJANGO_DEBUG"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def raise_file_limit(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(max(soft, wanted), hard)
    if target != soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def load_average() -> float:
    return os.getloadavg()[0]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); with 20 samples p99 is the largest."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def summary(values: list[float]) -> dict:
    return {"n": len(values), "p50": percentile(values, 50), "p99": percentile(values, 99),
            "max": max(values) if values else float("nan"),
            "mean": statistics.fmean(values) if values else float("nan")}


def municipality(slug: str = "bench-load"):
    from accounts.models import Municipality

    found, _ = Municipality.objects.get_or_create(slug=slug, defaults={"name": "Bench Kommune", "country": "DK"})
    return found


def campaign(municipality_obj, slug: str):
    from datetime import timedelta

    from django.utils import timezone

    from ideas.models import Campaign

    found = Campaign.objects.filter(municipality=municipality_obj, slug=slug).first()
    if found is None:
        found = Campaign.objects.create(
            municipality=municipality_obj, slug=slug, title="Benchmark", open_to_influence="x", fixed_frame="x",
            decided_by="x", answer_by=timezone.now().date(), opens_at=timezone.now() - timedelta(days=1),
            closes_at=timezone.now() + timedelta(days=365))
    return found


def new_idea(campaign_obj, author, title: str):
    from ideas.models import Idea, Status, Visibility

    return Idea.objects.create(municipality=campaign_obj.municipality, campaign=campaign_obj, author=author,
                               title=title, body="Tekst", body_html="<p>Tekst</p>",
                               status=Status.PUBLISHED, visibility=Visibility.VISIBLE)


def bench_token(user_id: int) -> str:
    """A benchmark voter's API token, derived from the user's id: the table keeps only digests
    (restapi.tokens), so a benchmark that is run again finds its tokens by computing them."""
    import hashlib

    return "hst_bench" + hashlib.sha256(f"hoest-bench:{user_id}".encode()).hexdigest()[:34]


def tokens_ensure(user_ids) -> None:
    """API token rows (bench_token's) for these users, made once, valid for a year."""
    from datetime import timedelta

    from django.utils import timezone

    from restapi import tokens as api_tokens
    from restapi.models import ApiToken

    user_ids = list(user_ids)
    have = set(ApiToken.objects.filter(user_id__in=user_ids, prefix="hst_benc").values_list("user_id", flat=True))
    expires = timezone.now() + timedelta(days=365)
    ApiToken.objects.bulk_create(
        [ApiToken(user_id=pk, digest=api_tokens.digest(bench_token(pk)), prefix="hst_benc", expires_at=expires)
         for pk in user_ids if pk not in have], batch_size=2000)


def users_with_tokens(prefix: str, count: int, municipality_obj, **fields) -> list[tuple[int, str]]:
    """`count` citizens called {prefix}{n}@example.org with API tokens, made once."""
    from django.contrib.auth import get_user_model

    User = get_user_model()
    have = User.objects.filter(email__startswith=prefix).count()
    if have < count:
        User.objects.bulk_create([User(email=f"{prefix}{n}@example.org", display_name=f"Borger {n}",
                                       municipality=municipality_obj, **fields)
                                  for n in range(have, count)], batch_size=2000)
    users = list(User.objects.filter(email__startswith=prefix).order_by("pk")[:count])
    tokens_ensure(u.pk for u in users)
    return [(u.pk, bench_token(u.pk)) for u in users]


async def http_request(host: str, method: str, path: str, *, token: str | None = None,
                       body: bytes | None = None, timeout: float = 30.0) -> tuple[int, bytes]:
    """One HTTP/1.1 request on its own connection (Connection: close)."""
    hostname, port = host.split(":")
    reader, writer = await asyncio.wait_for(asyncio.open_connection(hostname, int(port)), timeout)
    try:
        head = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: close", "Accept: application/json"]
        if token:
            head.append(f"Authorization: Token {token}")
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + (body or b""))
        await writer.drain()
        raw = await asyncio.wait_for(reader.read(), timeout)
    finally:
        writer.close()
    status_line, _, rest = raw.partition(b"\r\n")
    status = int(status_line.split()[1]) if status_line else 0
    headers, _, content = rest.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in headers.lower():
        content = _dechunk(content)
    return status, content


def _dechunk(data: bytes) -> bytes:
    out, pos = bytearray(), 0
    while True:
        end = data.find(b"\r\n", pos)
        if end < 0:
            return bytes(out)
        size = int(data[pos:end].split(b";")[0], 16)
        if size == 0:
            return bytes(out)
        out += data[end + 2:end + 2 + size]
        pos = end + 2 + size + 2


def cpu_seconds(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def now() -> float:
    return time.perf_counter()
