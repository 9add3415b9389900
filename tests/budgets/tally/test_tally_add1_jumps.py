"""add1 skips the budgets at which MES is proven to select nothing new (mes._Certificate), and
gives exactly what stepping one currency unit per voter at a time gives: on every shared
pabulib file and on 1,000 random elections, many with budgets far above what the voters
need (where the steps are many), with points, ties and money in minor units.
"""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction

import pytest

from budgets.tally import Prepared, parse_pb_text, tally
from budgets.tally.rules.mes import MesProblem
from budgets.tally.scores import utility_ballots
from tests.budgets.tally.pabulib_files import pb_files, prepared, require_pabulib
from tests.budgets.tally.stepping import fits_entirely, stepping

ADD1_RULES = ("mes-add1", "equalshares/add1")


def assert_same_as_stepping(e, rule: str):
    prep = Prepared(e)
    jumped = tally(e, rule, prep)
    if fits_entirely(prep):
        return jumped, None
    stepped = stepping(prep, rule)
    assert jumped.selected == stepped.selected
    assert jumped.notes["per_voter_budget"] == stepped.per_voter_budget
    assert jumped.notes["overspent_at"] == stepped.overspent_at
    return jumped, stepped


def pb(budget: str, costs: list[str], ballots: list[list[int]], points: list[list[int]] | None = None) -> str:
    lines = ["META", "key;value", f"budget;{budget}",
             f"vote_type;{'cumulative' if points else 'approval'}", "PROJECTS", "project_id;cost"]
    lines += [f"p{i};{c}" for i, c in enumerate(costs)]
    lines += ["VOTES", "voter_id;vote" + (";points" if points else "")]
    for v, ballot in enumerate(ballots):
        vote = ",".join(f"p{i}" for i in ballot)
        lines.append(f"{v};{vote}" + (";" + ",".join(map(str, points[v])) if points else ""))
    return "\n".join(lines) + "\n"


SIX_VOTERS = pb("1000000", ["400000", "350000", "300000", "200000", "150000", "120000", "90000"],
                [[0, 1], [0, 2, 3], [1, 4], [2, 5, 6], [3, 4, 6], [0, 5]])


def test_six_voters_and_a_million_take_a_few_runs_not_a_million():
    """Stepping would run MES 112,501 times here (about 15 s a rule: tests/load/bench_add1.py
    compares the two). The result must be what stepping gives: every budget from the start to
    the one reached is within the budget, and the next one overspends."""
    e = parse_pb_text(SIX_VOTERS)
    prep = Prepared(e)
    problem = prep.mes_problem
    rng = random.Random(6)
    for rule in ADD1_RULES:
        out = tally(e, rule, prep)
        assert out.notes["mes_runs"] < 1_000, out.notes
        reached, overspent = out.notes["per_voter_budget"], out.notes["overspent_at"]
        assert overspent == reached + 1
        assert problem.run(reached).selected == out.selected and out.spent <= e.budget
        assert sum(e.costs[p] for p in problem.run(overspent).selected) > e.budget
        start = Fraction(e.budget, 6) if rule == "mes-add1" else Fraction(e.budget // 6)
        assert reached - start > 100_000, "far from the start: many steps were skipped"
        for k in rng.sample(range(int(reached - start)), 300):
            assert sum(e.costs[p] for p in problem.run(start + k).selected) <= e.budget


#: Shared files that take seconds to minutes to step through (Budapest 2024: four minutes a
#: rule); tests/load/bench_add1.py compares them, and docs/BENCHMARKS.md has its figures.
STEPPED_ONLY_BY_THE_BENCHMARK = {
    "France_Toulouse_2022", "France_Toulouse_2024", "Hungary_Budapest_2024", "Hungary_Budapest_2025_XI_Ujbuda",
    "Poland_Warszawa_2023_Mokotow", "Poland_Warszawa_2023_Bialoleka", "Poland_Warszawa_2026", "Poland_Krakow_2018",
    "Worldwide_Mechanical_Turk_Utilities_3",
}


def shared_files():
    files = [p for p in pb_files() if p.stem not in STEPPED_ONLY_BY_THE_BENCHMARK]
    return files or [None]


# Stepping is the slow part: a comparison with the engine before jumps, which the whole suite runs.
@pytest.mark.slow_tier
@pytest.mark.parametrize("rule", ADD1_RULES)
@pytest.mark.parametrize("path", shared_files(), ids=lambda p: p.stem if p else "pabulib-folder-missing")
def test_shared_files_give_what_stepping_gives(path, rule):
    if path is None:
        require_pabulib()
    prep = prepared(path)
    e = prep.election
    if not e.num_voters:
        pytest.skip("no ballots")
    jumped = tally(e, rule, prep)
    stepped = stepping(prep, rule)
    assert (jumped.selected, jumped.notes["per_voter_budget"], jumped.notes["overspent_at"]) == (
        stepped.selected, stepped.per_voter_budget, stepped.overspent_at)


def random_election(rng: random.Random) -> str:
    m = rng.randint(1, 8)
    n = rng.randint(1, 12)
    kind = rng.choice(["plain", "ties", "rich", "grosze"])
    if kind == "ties":
        costs = [rng.choice([20, 40]) for _ in range(m)]
        patterns = [sorted(rng.sample(range(m), rng.randint(1, m))) for _ in range(rng.randint(1, 3))]
        ballots = [rng.choice(patterns) for _ in range(n)]
    else:
        costs = [rng.randint(0, 120) for _ in range(m)]
        ballots = [sorted(rng.sample(range(m), rng.randint(0, m))) for _ in range(n)]
    total = sum(costs)
    # "rich": most of what everything costs, so add1 climbs far above the voters' first shares
    budget = rng.randint(0, total) if kind != "rich" else rng.randint(total // 2, total + 50)
    points = [[rng.randint(1, 4) for _ in b] for b in ballots] if rng.random() < 0.4 else None
    if kind == "grosze":
        return pb(f"{budget}.{rng.randint(0, 99):02d}", [f"{c}.{rng.randint(0, 99):02d}" for c in costs],
                  ballots, points)
    return pb(str(budget), [str(c) for c in costs], ballots, points)


@pytest.mark.parametrize("seed", range(10))
def test_a_thousand_random_elections_give_what_stepping_gives(seed):
    rng = random.Random(seed)
    jumps = 0
    for _ in range(100):
        e = parse_pb_text(random_election(rng))
        if not e.num_voters:
            continue
        for rule in ADD1_RULES:
            jumped, stepped = assert_same_as_stepping(e, rule)
            jumps += stepped is not None and jumped.notes["mes_runs"] < stepped.runs
    assert jumps > 20, "the elections must exercise the jumps, not only the steps"


@pytest.mark.parametrize("accelerate", [False, True], ids=["pure-python", "numpy"])
def test_a_proof_that_nothing_changes_holds_at_every_budget_between(accelerate):
    """What add1 skips on: run(x1, same_as=run(x0)) answers only if MES selects the same at
    every budget between, not only at whole units; and it proves often enough to matter."""
    rng = random.Random(15)
    proofs = Counter()
    for _ in range(300):
        e = parse_pb_text(random_election(rng))
        if not e.num_voters:
            continue
        prep = Prepared(e)
        problem = MesProblem(e.costs, utility_ballots(e), prep.rank, accelerate=accelerate)
        x0 = Fraction(rng.randint(0, 3_000), rng.randint(1, 97))
        x1 = x0 + Fraction(rng.randint(1, 400), 7)
        below = problem.run(x0)
        proven = problem.run(x1, same_as=below)
        outcomes = {tuple(problem.run(x0 + (x1 - x0) * Fraction(k, 16)).selected) for k in range(1, 17)}
        if proven is not None:
            assert proven.selected == below.selected
            assert outcomes == {tuple(below.selected)}
        proofs[proven is not None] += 1
    assert proofs[True] > 50 and proofs[False] > 20, proofs
