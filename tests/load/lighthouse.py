"""Lighthouse on the citizens' pages, as a phone sees them (issue 18).

    .venv/bin/python tests/load/lighthouse.py [--runs 1] [--json FILE] [--pages front ballot ...]

What it does (everything on 127.0.0.1, no outside network):

1. Installs Lighthouse 12.2.3 into var/lighthouse/ with npm the first time (it is not one
   of the site's assets, so `./hoest setup` does not install it; 12.2.3 is the last release
   that runs on Node 20).
2. Creates and migrates BENCH_DATABASE_URL (default
   postgres://postgres@127.0.0.1:5432/hoest_lighthouse) and seeds the demo data there.
3. Serves the site with uvicorn (config.asgi, pages and websockets in one process), Redis
   BENCH_REDIS_URL (default redis://127.0.0.1:6379/12), with the production settings
   (`--mode production`, the default: static files collected, compressed and cached as a
   deployment serves them; HTTPS redirect and HSTS off, as behind a TLS proxy on
   127.0.0.1) or the embedded defaults of `./hoest serve` (`--mode embedded`: static files
   straight from the source folders, uncompressed).
4. Runs Lighthouse with Debian's chromium (mobile form factor, simulated throttling: the
   defaults) on the front page, the idea list, an idea, a budget project, the ballot (signed
   in as a demo citizen with a session cookie made here), a dinner programme and the public
   outcome figures, --runs times each, and prints each category's score (the median of the
   runs) with the audits that cost points.

Exits 1 when a page misses the goals: accessibility, best practices and SEO 100,
performance at least 90.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadkit  # noqa: E402

from tests.platform.scaling.processes import ROOT, VENV_BIN, free_port, running, server_env  # noqa: E402

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hoest_lighthouse")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
VERSION = "12.2.3"
INSTALL = ROOT / "var" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
GOALS = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100}


def lighthouse_bin() -> Path:
    binary = INSTALL / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        INSTALL.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(INSTALL), "--no-audit", "--no-fund", "--loglevel=error",
                        "-E", f"lighthouse@{VERSION}"], check=True)
    return binary


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("Lighthouse needs chromium (apt-get install chromium).")


def pages_and_cookie() -> tuple[dict[str, str], str]:
    """The demo's pages to audit, and a session cookie of a demo citizen for the ballot."""
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import reverse

    from budgets.models import BudgetProcess, Phase, Project
    from dinners.models import Programme
    from ideas.models import Idea, Status

    process = BudgetProcess.objects.filter(phase=Phase.VOTING, municipality__slug="aarhus").first()
    project = Project.objects.filter(process=process).order_by("code").first()
    idea = Idea.objects.filter(municipality__slug="aarhus", status=Status.PUBLISHED).order_by("pk").first()
    programme = Programme.objects.filter(municipality__slug="aarhus").order_by("pk").first()
    voter = get_user_model().objects.get(email="borger@example.dk")
    session = SessionStore()
    session["_auth_user_id"] = str(voter.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = voter.get_session_auth_hash()
    session.create()
    pages = {
        "front": "/",
        "ideas": reverse("ideas:list"),
        "idea": reverse("ideas:detail", args=[idea.pk]),
        "project": reverse("budgets:project", args=[process.pk, project.code]),
        "ballot": reverse("budgets:vote", args=[process.pk]),
        "dinners": reverse("dinners:programme", args=[programme.pk]),
        "outcomes": reverse("reports:dashboard", args=["aarhus"]),
    }
    return pages, session.session_key


def audit(binary: Path, url: str, cookie: str | None) -> dict:
    with tempfile.TemporaryDirectory(prefix="hoest-lh-") as folder:
        out = Path(folder) / "report.json"
        argv = [str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
                f"--only-categories={','.join(CATEGORIES)}"]
        if cookie is None:
            argv += [f"--chrome-path={chromium()}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"]
            subprocess.run(argv, check=True, env={**os.environ, "CHROME_PATH": chromium()})
        else:
            with signed_in_browser(url, cookie) as port:
                # Lighthouse clears the site's storage, cookies included, unless told not to.
                subprocess.run([*argv, f"--port={port}", "--disable-storage-reset"], check=True)
        return json.loads(out.read_text())


@contextlib.contextmanager
def signed_in_browser(url: str, cookie: str):
    """A chromium that Lighthouse drives over its debugging port, with the session cookie set
    as a browser holds it (a request header would not reach the page's websocket)."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="hoest-lh-profile-") as profile:
        browser = subprocess.Popen([chromium(), "--headless=new", "--no-sandbox", "--disable-gpu",
                                    f"--remote-debugging-port={port}", f"--user-data-dir={profile}", "about:blank"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with sync_playwright() as playwright:
                for _ in range(100):
                    try:
                        connected = playwright.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
                        break
                    except Exception:  # noqa: BLE001 - still starting
                        time.sleep(0.1)
                # For the whole site (a cookie given the page's URL would get the page's path).
                root = urllib.parse.urljoin(url, "/")
                connected.contexts[0].add_cookies([{"name": "sessionid", "value": cookie, "url": root}])
                yield port
        finally:
            browser.terminate()
            browser.wait(10)


def lost_points(report: dict, category: str) -> list[str]:
    refs = report["categories"][category]["auditRefs"]
    audits = report["audits"]
    return [f"{ref['id']} ({audits[ref['id']]['score']})" for ref in refs
            if ref["weight"] and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--pages", nargs="+")
    parser.add_argument("--mode", choices=["production", "embedded"], default="production")
    parser.add_argument("--json")
    parser.add_argument("--reports", help="a folder to keep each page's last full report in")
    args = parser.parse_args()
    binary = lighthouse_bin()
    # The demo citizen's session is made here: its signature and the account's session hash
    # must be made with the key the server runs with.
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(60)
    loadkit.ensure_database(URL)
    loadkit.django_setup(URL)
    port = free_port()
    env = server_env(database_url=URL, redis_url=REDIS_URL, CELERY_TASK_ALWAYS_EAGER="true", PORT=str(port))
    subprocess.run([str(VENV_BIN / "python"), "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    if args.mode == "production":
        env = {**env, "DJANGO_ENV": "production",
               "ALLOWED_HOSTS": "127.0.0.1", "RESULT_SIGNING_KEY": secrets.token_hex(32),
               "SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0", "LOG_FORMAT": "plain",
               "ACCESS_LOG_LEVEL": "WARNING",
               # The demo's pictures: nginx serves /media/ in production (deploy/nginx.conf),
               # which is not run here.
               "SERVE_MEDIA": "true"}
        subprocess.run([str(VENV_BIN / "python"), "manage.py", "collectstatic", "--noinput"], cwd=ROOT, env=env,
                       check=True, stdout=subprocess.DEVNULL)
    pages, cookie = pages_and_cookie()
    wanted = {name: path for name, path in pages.items() if not args.pages or name in args.pages}
    spec = ("web", [str(VENV_BIN / "uvicorn"), "config.asgi:application", "--host", "127.0.0.1", "--port", str(port),
                    "--lifespan", "off", "--no-access-log", "--log-level", "info"], env, "Uvicorn running on")
    results: dict[str, dict] = {}
    with running([spec]):
        base = f"http://127.0.0.1:{port}"
        for name, path in wanted.items():
            reports = [audit(binary, base + path, cookie if name == "ballot" else None) for _ in range(args.runs)]
            if reports[-1]["finalDisplayedUrl"] != base + path:
                raise SystemExit(f"{name}: {base + path} ended at {reports[-1]['finalDisplayedUrl']}")
            if args.reports:
                Path(args.reports).mkdir(parents=True, exist_ok=True)
                (Path(args.reports) / f"{name}.json").write_text(json.dumps(reports[-1]))
            scores = {c: statistics.median(round(r["categories"][c]["score"] * 100) for r in reports)
                      for c in CATEGORIES}
            results[name] = {"path": path, "scores": scores, "console": [i.get("description") or i.get("source") for i in reports[-1]["audits"]["errors-in-console"]["details"].get("items", [])],
                             "lost": {c: lost_points(reports[-1], c) for c in CATEGORIES if scores[c] < 100}}
    print(f"\nLighthouse {VERSION}, mobile, {args.mode} settings, {args.runs} run(s) per page (median), load average now "
          f"{loadkit.load_average():.1f}")
    print(f"{'page':10} {'perf':>5} {'a11y':>5} {'best':>5} {'seo':>5}  path")
    missed = False
    for name, result in results.items():
        s = result["scores"]
        print(f"{name:10} {s['performance']:5.0f} {s['accessibility']:5.0f} {s['best-practices']:5.0f} "
              f"{s['seo']:5.0f}  {result['path']}")
        for category, audits in result["lost"].items():
            print(f"{'':10}   {category}: {', '.join(audits)}")
        missed |= any(s[c] < goal for c, goal in GOALS.items())
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
