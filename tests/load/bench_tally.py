"""Benchmark: Høst's tally engine against pabutools on the shared pabulib files.

Run from the repository root:

    .venv/bin/python tests/load/bench_tally.py            # everything (~5 minutes)
    .venv/bin/python tests/load/bench_tally.py --quick    # skip pabutools on files > 20,000 voters
    .venv/bin/python tests/load/bench_tally.py --only Lodz Wieliczka

For every approval/cumulative file it times, on the same parsed ballots,
  * Høst ``mes`` (rule data preparation + the run; parsing excluded),
  * pabutools ``method_of_equal_shares`` with cost satisfaction, on the plain profile that
    ``parse_pabulib`` gives (its default usage) and on the multiprofile (its faster mode),
checks that both select the same projects (pabutools breaks ties in Høst's order) and prints
the ratios. It then times the goals: ``equalshares/add1`` on Lodz 2022 and the official
rule of Wieliczka 2023, each including parsing the file. Best of ``--repeat`` runs for Høst;
pabutools runs once (it takes seconds to minutes).

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

from budgets.tally import Prepared, read_pb, tally  # noqa: E402
from budgets.tally.model import APPROVAL_TYPES, POINT_TYPES  # noqa: E402
from budgets.tally.rules import mes as mes_module  # noqa: E402

PABULIB = Path(os.environ.get("HOEST_PABULIB_DIR", REPO.parent / "shared" / "pabulib"))


def best_of(repeat, fn):
    best = None
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def pabutools_mes_timed(election, ranks, multiprofile):
    from pabutools.rules import method_of_equal_shares

    from tests.budgets.tally.reference import rank_tie_breaking, to_pabutools

    instance, profile, sat_class = to_pabutools(election, multiprofile=multiprofile)
    start = time.perf_counter()
    out = method_of_equal_shares(
        instance, profile, sat_class=sat_class, tie_breaking=rank_tie_breaking(ranks)
    )
    return time.perf_counter() - start, {p.name for p in out}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="no pabutools on files > 20,000 voters"
    )
    parser.add_argument("--only", nargs="*", help="substrings of file names to include")
    parser.add_argument("--repeat", type=int, default=3, help="best of N for Høst (default 3)")
    parser.add_argument(
        "--no-multiprofile", action="store_true", help="skip pabutools' multiprofile run"
    )
    args = parser.parse_args()
    if not PABULIB.is_dir():
        print(f"pabulib folder not found: {PABULIB} (set HOEST_PABULIB_DIR)")
        return 2

    files = sorted(PABULIB.glob("*.pb"), key=lambda p: p.stat().st_size)
    if args.only:
        files = [f for f in files if any(s in f.name for s in args.only)]
    numpy_state = "numpy bookkeeping" if mes_module._np is not None else "pure-Python bookkeeping"
    print(
        f"Python {platform.python_version()} on {os.cpu_count()} cores; Høst MES uses {numpy_state}"
    )
    print()
    header = (
        f"{'file':44} {'voters':>7} {'parse':>6} {'Høst mes':>9} {'pabu plain':>10} "
        f"{'ratio':>6} {'pabu multi':>10} {'ratio':>6} same"
    )
    print(header)
    print("-" * len(header))
    failures = []
    for path in files:
        election = read_pb(path)
        if election.vote_type not in APPROVAL_TYPES | POINT_TYPES:
            continue
        parse_t, _ = best_of(args.repeat, lambda p=path: read_pb(p))

        def host_mes(e=election):
            prep = Prepared(e)
            return prep, tally(e, "mes", prep)

        host_t, (prep, outcome) = best_of(args.repeat, host_mes)
        ours = set(outcome.selected_ids)
        ranks = {election.project_ids[i]: r for i, r in enumerate(prep.rank)}
        n = election.num_voters
        row = f"{path.stem[:44]:44} {n:7,} {parse_t:6.3f} {host_t:9.4f} "
        if args.quick and n > 20_000:
            print(row + f"{'(skipped)':>10}")
            continue
        plain_t, plain = pabutools_mes_timed(election, ranks, multiprofile=False)
        same = plain == ours
        row += f"{plain_t:10.2f} {plain_t / host_t:5.0f}x "
        if not args.no_multiprofile:
            multi_t, multi = pabutools_mes_timed(election, ranks, multiprofile=True)
            same = same and multi == ours
            row += f"{multi_t:10.2f} {multi_t / host_t:5.0f}x "
        row += " yes" if same else " NO"
        print(row, flush=True)
        if not same:
            failures.append(f"{path.stem}: outcomes differ")
        if n >= 5000 and plain_t / host_t < 50:
            failures.append(
                f"{path.stem}: mes only {plain_t / host_t:.0f}x faster than pabutools (goal 50x)"
            )

    print()
    print("Goals (parse + tally, best of", args.repeat, "runs):")
    goals = [
        ("Poland_Lodz_2022.pb", "equalshares/add1", 2.0),
        ("Poland_Wieliczka_2023_Green_Budget.pb", "official", 1.0),
    ]
    for name, rule, limit in goals:
        path = PABULIB / name
        if args.only and not any(s in name for s in args.only):
            continue

        def run(p=path, r=rule):
            e = read_pb(p)
            return tally(e, r)

        t, outcome = best_of(args.repeat, run)
        verdict = "ok" if t < limit else "MISSED"
        print(
            f"  {name:40} {rule:28} {t:6.3f} s (goal < {limit:.0f} s) {verdict}; "
            f"{len(outcome.selected)} projects, spent {outcome.spent:,}; "
            f"{outcome.notes.get('mes_runs')} MES runs up to {outcome.notes.get('per_voter_budget')} per voter"
        )
        if t >= limit:
            failures.append(f"{name} {rule}: {t:.2f} s")
    print()
    if failures:
        print("Not met:")
        for f in failures:
            print("  -", f)
        return 1
    print("All goals met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
