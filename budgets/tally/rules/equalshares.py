"""Completions and comparison around the Method of Equal Shares.

``add1``: MES leaves money unspent. The per-voter budget is raised one currency unit at a
time (``step`` minor units: the election's scale) and MES re-run; the last outcome whose cost
stays within the real budget is kept. Steps at which the outcome is proven not to change are
skipped (:class:`.mes._Certificate`). The
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
    """Steps whose outcome is proven to be the last one's are skipped (``run(x1,
    same_as=...)``, :class:`.mes._Certificate`): the result is the same as stepping through
    every one of them. After a step that changed nothing, steps of 1, 2, 4, ... are tried
    until one cannot be proven, then the longest provable one is found by halving; each try
    costs about one MES run. Where the outcome changes every few steps (large elections with
    close races), tries that prove nothing are spaced out: each doubles the calm steps the
    next one waits for."""
    costs = problem.costs
    supported = [p for p in range(problem.m) if problem.wtotal[p] > 0]
    everything = sum(costs[p] for p in supported)
    if everything <= budget:
        # Every supported project fits: raising the budget ends (from a per-voter budget of
        # `everything` on) with all of them funded, and every step is within the budget.
        top = max(Fraction(everything), start)
        return Add1Result(problem.run(top).selected, top, 1, None)
    current = problem.run(start)
    b = start
    runs = 1
    calm = 0  # steps in a row that selected what the one before did
    patience = 1  # calm steps before the next try; doubled after a try that proved nothing
    while True:
        nxt = problem.run(b + step)
        runs += 1
        if sum(costs[p] for p in nxt.selected) > budget:
            return Add1Result(current.selected, b, runs, b + step)
        calm = calm + 1 if nxt.selected == current.selected else 0
        b += step
        current = nxt
        if calm < patience:
            continue
        # the same outcome up to b + proven * step; `refused` steps could not be proven
        proven, refused = 0, 1
        while True:
            runs += 1
            if problem.run(b + refused * step, same_as=current) is None:
                break
            proven, refused = refused, refused * 2
        while refused - proven > 1:
            middle = (proven + refused) // 2
            runs += 1
            if problem.run(b + middle * step, same_as=current) is None:
                refused = middle
            else:
                proven = middle
        patience = 1 if proven else patience * 2
        if proven:
            b += proven * step
            current = problem.run(b)
            runs += 1
            calm = 0


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
