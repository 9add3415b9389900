"""Every benchmark in tests/load/ in one command, with one table at the end.

    .venv/bin/python tests/load/run_all.py [--quick] [--only NAME ...] [--logs DIR]

NAME is one of: tally, ideas, reports, vote, dinners, fanout. Each benchmark runs as its own
subprocess (its CLI is documented in its file) on databases of its own
(postgres://postgres@127.0.0.1:5432/hoest_scale_<name>, created and filled on first use;
set BENCH_PG to use another server prefix) and Redis db 7 (BENCH_REDIS_URL). Its full
output is written to --logs (default var/bench-<time>/), and the figures are read from it.

`--quick` runs smaller sizes (noted in the table's last column); without it the sizes are
those documented in docs/BENCHMARKS.md (the whole run takes ~20-30 min on 2 cores, most of it
filling the databases the first time). The table says `ok`, `MISSED` (a goal not reached)
or `FAILED` (a correctness check failed or the script broke). Exit status: 1 if anything
FAILED, else 0 (a missed performance goal is reported, not failed).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PY = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/7")


def number(text: str) -> float:
    return float(text.replace(",", ""))


class Bench:
    name = ""
    db = ""

    def argv(self, quick: bool, json_path: Path) -> list[str]:
        raise NotImplementedError

    def size(self, quick: bool) -> str:
        return ""

    def rows(self, out: str, code: int, json_path: Path) -> list[tuple[str, str, str, str]]:
        """(metric, goal, measured, verdict) rows read from the benchmark's output."""
        raise NotImplementedError


class Tally(Bench):
    name = "tally"

    def argv(self, quick, json_path):
        extra = ["--quick", "--only", "Lodz", "Wieliczka", "Cambridge", "Amsterdam_285", "--no-multiprofile"] if quick else []
        return [PY, str(HERE / "bench_tally.py"), *extra]

    def size(self, quick):
        return "4 files, pabutools only < 20,000 voters" if quick else "all shared pabulib files"

    def rows(self, out, code, json_path):
        rows = []
        for m in re.finditer(r"^\s+(\S+\.pb)\s+(\S+)\s+([\d.]+) s \(goal < (\d+) s\) (ok|MISSED)", out, re.M):
            rows.append((f"{m[1].removesuffix('.pb')} {m[2]} (parse + tally)", f"< {m[4]} s", f"{m[3]} s",
                         "ok" if m[5] == "ok" else "MISSED"))
        big = [(m[1], int(m[3])) for m in re.finditer(
            r"^(\S+)\s+([\d,]+)\s+[\d.]+\s+[\d.]+\s+[\d.]+\s+(\d+)x", out, re.M) if number(m[2]) >= 5000]
        if big:
            worst = min(big, key=lambda x: x[1])
            rows.append(("mes vs pabutools, files >= 5,000 voters (worst)", ">= 50x faster",
                         f"{worst[1]}x ({worst[0][:28]})", "ok" if worst[1] >= 50 else "MISSED"))
        if re.search(r"outcomes differ", out):
            rows.append(("same outcome as pabutools", "all files", "differs", "FAILED"))
        return rows


class Add1(Bench):
    name = "add1"

    def argv(self, quick, json_path):
        return [PY, str(HERE / "bench_add1.py"), *(["--only", "Assen"] if quick else [])]

    def size(self, quick):
        return "six voters and Assen 2024" if quick else "six voters and every shared pabulib file"

    def rows(self, out, code, json_path):
        rows = []
        for m in re.finditer(r"^six voters, budget 1,000,000\s+(\S+)\s+\S+\s+stepping\s+[\d]+ runs\s+([\d.]+) s"
                             r"\s+engine\s+(\d+) runs\s+([\d.]+) s", out, re.M):
            rows.append((f"{m[1]}, six voters, 1,000,000 (stepping: {m[2]} s)", "< 1 s", f"{m[4]} s ({m[3]} runs)",
                         "ok" if float(m[4]) < 1 else "MISSED"))
        same = "all the same" in out
        rows.append(("same outcome as stepping", "every election", "yes" if same else "differs",
                     "ok" if same else "FAILED"))
        return rows


class Ideas(Bench):
    name = "ideas"
    db = "hoest_scale_ideas"
    goals = {"idea list, newest": ("p50 < 50 ms", 50.0), "idea page, 1,000 comments": ("p50 < 150 ms", 150.0)}

    def argv(self, quick, json_path):
        return [PY, str(HERE / "bench_ideas.py"), "--requests", "60" if quick else "200"]

    def size(self, quick):
        return "10,000 ideas, " + ("60 requests each" if quick else "200 requests each")

    def rows(self, out, code, json_path):
        rows = []
        for m in re.finditer(r"^(idea list, newest|idea page, 1,000 comments|idea list, search|API idea list)"
                             r".*?\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", out, re.M):
            goal = self.goals.get(m[1])
            measured = f"p50 {m[2]} / p99 {m[4]} ms"
            rows.append((m[1], goal[0] if goal else "-", measured,
                         ("ok" if number(m[2]) < goal[1] else "MISSED") if goal else "-"))
        return rows


class Reports(Bench):
    name = "reports"
    db = "hoest_scale_reports"

    def argv(self, quick, json_path):
        return [PY, str(HERE / "bench_reports.py"), "--records", "100000", "--requests", "8" if quick else "20"]

    def size(self, quick):
        return "100,000 innovations, " + ("8 requests each" if quick else "20 requests each")

    def rows(self, out, code, json_path):
        rows = []
        for m in re.finditer(r"^(dashboard, all [\d,]+ records, fresh|dashboard, one municipality, fresh|"
                             r"API barometer, all records, fresh|dashboard, all records, cached)\s+([\d.]+)\s+([\d.]+)$",
                             out, re.M):
            fresh_all = m[1].startswith("dashboard, all") and m[1].endswith("fresh")
            rows.append((m[1], "p50 < 2 s" if fresh_all else "-", f"p50 {m[2]} / max {m[3]} ms",
                         ("ok" if number(m[2]) < 2000 else "MISSED") if fresh_all else "-"))
        return rows


class Vote(Bench):
    name = "vote"
    db = "hoest_scale_vote"

    def argv(self, quick, json_path):
        return [PY, str(HERE / "bench_vote_surge.py"), "--voters", "600" if quick else "1500",
                "--configs", "granian:2x2/redis", "--no-profile"]

    def size(self, quick):
        return (("600" if quick else "1,500") + " census voters eligible through their e-ID verification, granian 2 "
                "workers x 2 threads (as production), Redis")

    def rows(self, out, code, json_path):
        rows = []
        m = re.search(r"^(granian:2x2/redis)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(-?\d+)\s+(\d+)",
                      out, re.M)
        if m:
            rate, p99, stored, lost, errors = number(m[2]), number(m[4]), m[7], int(m[8]), int(m[9])
            rows.append(("ballots/s and p99 (vote surge)", ">= 500/s, p99 < 300 ms", f"{rate:.0f}/s, p99 {p99:.0f} ms",
                         "ok" if rate >= 500 and p99 < 300 else "MISSED"))
            rows.append(("lost ballots (201 without a stored ballot)", "0", f"{lost} ({stored} stored, {errors} errors)",
                         "ok" if lost == 0 and code == 0 else "FAILED"))
        return rows


class Dinners(Bench):
    name = "dinners"
    db = "hoest_scale_dinners"

    def argv(self, quick, json_path):
        return [PY, str(HERE / "bench_dinner_signup.py"), "--guests", "200" if quick else "500",
                "--dinners", "20" if quick else "50", "--json", str(json_path)]

    def size(self, quick):
        return "200 guests / 20 dinners" if quick else "500 guests / 50 dinners of 8 seats"

    def rows(self, out, code, json_path):
        r = json.loads(json_path.read_text())
        return [("sign-ups/s and p99 (all at once)", "-", f"{r['rate']:.0f}/s, p99 {r['latency']['p99']:.0f} ms", "-"),
                ("dinners over their seats / lost / errors", "0 / 0 / 0",
                 f"{r['over_seats']} / {r['lost']} / {r['errors']}", "ok" if r["correct"] else "FAILED")]


class Fanout(Bench):
    name = "fanout"
    db = "hoest_scale_fanout"

    def argv(self, quick, json_path):
        return [PY, str(HERE / "bench_ws_fanout.py"), "--clients", "1000", "--supports", "8" if quick else "20",
                "--json", str(json_path)]

    def size(self, quick):
        return "1,000 clients, " + ("8" if quick else "20") + " supports, 1 uvicorn"

    def rows(self, out, code, json_path):
        r = json.loads(json_path.read_text())
        return [("support -> last of 1,000 websocket clients", "p99 < 1 s",
                 f"p50 {r['last']['p50']:.0f} / p99 {r['last']['p99']:.0f} ms",
                 "ok" if r["last"]["p99"] < 1000 else "MISSED"),
                ("events not delivered within 5 s", "0", f"{r['missed']} (never: {r['lost']})",
                 "ok" if r["missed"] == 0 else "MISSED")]


BENCHES = [Tally(), Add1(), Ideas(), Reports(), Vote(), Dinners(), Fanout()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (see the table)")
    parser.add_argument("--only", nargs="+", choices=[b.name for b in BENCHES])
    parser.add_argument("--logs", help="folder for the benchmarks' full output")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per benchmark")
    args = parser.parse_args()
    logs = Path(args.logs or ROOT / "var" / time.strftime("bench-%Y%m%d-%H%M%S"))
    logs.mkdir(parents=True, exist_ok=True)
    table: list[tuple[str, str, str, str, str, str]] = []
    failed = False
    for bench in BENCHES:
        if args.only and bench.name not in args.only:
            continue
        json_path = Path(tempfile.mkstemp(suffix=".json", prefix=f"bench-{bench.name}-")[1])
        env = dict(os.environ, BENCH_REDIS_URL=REDIS)
        if bench.db:
            env["BENCH_DATABASE_URL"] = f"{PG}/{bench.db}"
        load = os.getloadavg()[0]
        started = time.monotonic()
        print(f"== {bench.name}: {' '.join(Path(a).name if a == PY else a for a in bench.argv(args.quick, json_path))}"
              f" (load {load:.1f})", flush=True)
        try:
            done = subprocess.run(bench.argv(args.quick, json_path), cwd=ROOT, env=env, capture_output=True,
                                  text=True, timeout=args.timeout)
            out, code = done.stdout + done.stderr, done.returncode
        except subprocess.TimeoutExpired as expired:
            out, code = f"{expired.stdout or ''}\ntimed out after {args.timeout:.0f} s", -1
        seconds = time.monotonic() - started
        (logs / f"{bench.name}.log").write_text(out)
        try:
            rows = bench.rows(out, code, json_path)
        except (OSError, ValueError, KeyError):
            rows = []
        finally:
            json_path.unlink(missing_ok=True)
        if not rows:
            rows = [("(no figures)", "-", f"exit {code}, see {logs / (bench.name + '.log')}", "FAILED")]
        note = f"{bench.size(args.quick)}; {seconds:.0f} s, load {load:.1f}"
        for metric, goal, measured, verdict in rows:
            table.append((bench.name, metric, goal, measured, verdict, note))
            failed |= verdict == "FAILED"
        print(f"   {seconds:.0f} s, exit {code}", flush=True)
    widths = [max(len(str(row[i])) for row in [("benchmark", "metric", "goal", "measured", "ok?", "size; time, load")] + table)
              for i in range(6)]
    print()
    header = ("benchmark", "metric", "goal", "measured", "ok?", "size; time, load")
    for row in [header, tuple("-" * w for w in widths), *table]:
        print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    print(f"\nfull output in {logs}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
