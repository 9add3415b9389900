"""add1 by its definition: the per-voter budget raised one currency unit at a time, MES run
at every step, until an outcome overspends. The reference the engine's jumps are checked
against (tests and tests/load/bench_add1.py); it is what the engine did before them."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from budgets.tally import Prepared


@dataclass
class Stepped:
    selected: list[int]
    per_voter_budget: Fraction
    overspent_at: Fraction
    runs: int


def stepping(prep: Prepared, rule: str) -> Stepped:
    """The rule by its definition, one currency unit per voter at a time, every step run
    (the engine before jumps)."""
    e = prep.election
    problem = prep.mes_problem
    b = (Fraction(e.budget, e.num_voters) if rule == "mes-add1"
         else Fraction(e.budget // (e.num_voters * e.scale) * e.scale))
    current = problem.run(b).selected
    runs = 1
    while True:
        nxt = problem.run(b + e.scale).selected
        runs += 1
        if sum(e.costs[p] for p in nxt) > e.budget:
            return Stepped(current, b, b + e.scale, runs)
        b += e.scale
        current = nxt


def fits_entirely(prep: Prepared) -> bool:
    """Every supported project fits: add1 funds them all without stepping (stepping would
    never overspend)."""
    problem = prep.mes_problem
    return sum(c for p, c in enumerate(prep.election.costs) if problem.wtotal[p] > 0) <= prep.election.budget
