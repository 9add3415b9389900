"""Completions and comparison around the Method of Equal Shares.

``add1``: MES leaves money unspent. The per-voter budget is raised one currency unit at a
time (``step`` minor units: the election's scale) and MES re-run; the last outcome whose cost stays within the real budget is kept. The
loop does *not* stop at the first exhaustive outcome: on Wieliczka 2023 stopping there
(budget 302 per voter) funds 3 projects differently from the official result, while going on
until the next step overspends (315 per voter) reproduces it exactly. No greedy completion
follows: on Assen 2024 a greedy completion would add a project the city did not fund.

``comparison``: the add1 outcome is compared with the greedy outcome (by votes); each voter
prefers the outcome that funds more of the projects on their ballot; greedy replaces MES
only if strictly more voters prefer it (Wieliczka's rule, as on equalshares.net).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .mes import MesProblem


@dataclass
class Add1Result:
    selected: list[int]
    per_voter_budget: Fraction
    runs: int
    #: per-voter budget at which the next outcome would have overspent (None: all fit)
    overspent_at: Fraction | None


def add1(problem: MesProblem, budget: int, start: Fraction, step: int = 1) -> Add1Result:
    costs = problem.costs
    supported = [p for p in range(problem.m) if problem.wtotal[p] > 0]
    everything = sum(costs[p] for p in supported)
    if everything <= budget:
        # Every supported project fits: raising the budget ends (from a per-voter budget of
        # `everything` on) with all of them funded, and every step is within the budget.
        top = max(Fraction(everything), start)
        return Add1Result(problem.run(top).selected, top, 1, None)
    current = problem.run(start).selected
    b = start
    runs = 1
    while True:
        nxt = problem.run(b + step).selected
        runs += 1
        if sum(costs[p] for p in nxt) > budget:
            return Add1Result(current, b, runs, b + step)
        b += step
        current = nxt


def prefer_counts(
    ballots: Sequence[tuple[tuple[int, ...], int]], a: Sequence[int], b: Sequence[int]
) -> tuple[int, int]:
    """(voters preferring ``a``, voters preferring ``b``): each voter counts the projects of
    their ballot funded by each outcome; ties prefer neither."""
    sa, sb = set(a), set(b)
    prefer_a = prefer_b = 0
    for ballot, mult in ballots:
        na = sum(1 for p in ballot if p in sa)
        nb = sum(1 for p in ballot if p in sb)
        if na > nb:
            prefer_a += mult
        elif nb > na:
            prefer_b += mult
    return prefer_a, prefer_b
