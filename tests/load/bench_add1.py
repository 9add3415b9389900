"""Benchmark and check: add1 with its proven skips (mes._Certificate) against stepping one
currency unit per voter at a time (tests/budgets/tally/stepping.py), the engine before them.

Run from the repository root:

    .venv/bin/python tests/load/bench_add1.py                  # every shared file (~30 min)
    .venv/bin/python tests/load/bench_add1.py --only Assen Zurich   # some of them

Budapest 2024 takes minutes a rule either way.

For the six-voter election with a budget of 1,000,000 (the issue's case) and for every
shared pabulib file, both ``mes-add1`` and ``equalshares/add1`` are run by the engine and by
stepping, on the same parsed ballots. It prints both times, the runs each took, and whether
the outcome, the per-voter budget reached and the budget that overspent are the same; it
exits 1 on any difference. Stepping the six-voter election takes 20 s a rule.

Not a pytest module (no ``test_`` prefix): it is a script.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "platform")]

from budgets.tally import Prepared, parse_pb_text, read_pb, tally  # noqa: E402
from tests.budgets.tally.stepping import fits_entirely, stepping  # noqa: E402

PABULIB = Path(os.environ.get("HOEST_PABULIB_DIR", REPO.parent / "shared" / "pabulib"))
RULES = ("mes-add1", "equalshares/add1")

SIX_VOTERS = """META
key;value
budget;1000000
vote_type;approval
PROJECTS
project_id;cost
p0;400000
p1;350000
p2;300000
p3;200000
p4;150000
p5;120000
p6;90000
VOTES
voter_id;vote
0;p0,p1
1;p0,p2,p3
2;p1,p4
3;p2,p5,p6
4;p3,p4,p6
5;p0,p5
"""


def compare(name: str, election) -> bool:
    same = True
    for rule in RULES:
        prep = Prepared(election)
        assert prep.mes_problem is not None  # built once, outside both timings
        began = time.perf_counter()
        jumped = tally(election, rule, prep)
        t_jump = time.perf_counter() - began
        if fits_entirely(prep):
            print(f"{name[:44]:44} {rule:17} every supported project fits: no steps", flush=True)
            continue
        began = time.perf_counter()
        stepped = stepping(prep, rule)
        t_step = time.perf_counter() - began
        ok = (jumped.selected, jumped.notes["per_voter_budget"], jumped.notes["overspent_at"]) == (
            stepped.selected, stepped.per_voter_budget, stepped.overspent_at)
        same &= ok
        print(f"{name[:44]:44} {rule:17} {'same' if ok else 'DIFFERENT':9} "
              f"stepping {stepped.runs:>6} runs {t_step:8.3f} s   engine {jumped.notes['mes_runs']:>6} runs "
              f"{t_jump:8.3f} s", flush=True)
    return same


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="file name parts to keep (default: all)")
    parser.add_argument("--no-six", action="store_true", help="skip the six-voter election")
    args = parser.parse_args()
    print(f"# {platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} CPUs")
    same = True
    if not args.no_six:
        same &= compare("six voters, budget 1,000,000", parse_pb_text(SIX_VOTERS))
    for path in sorted(PABULIB.glob("*.pb")):
        if args.only and not any(part in path.stem for part in args.only):
            continue
        election = read_pb(path)
        if election.num_voters:
            same &= compare(path.stem, election)
    print("all the same" if same else "DIFFERENCES FOUND")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
