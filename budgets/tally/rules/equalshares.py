"""Completions and comparison around the Method of Equal Shares.

``add1``: MES leaves money unspent. The per-voter budget is raised one currency unit at a
time (``step`` minor units: the election's scale) and MES re-run; the last outcome whose cost
stays within the real budget is kept. Steps at which the outcome cannot change are skipped
(``interval``, see :mod:`.mes_interval`). The
loop does *not* stop at the first exhaustive outcome: on Wieliczka 2023 stopping there
(budget 302 per voter) funds 3 projects differently from the official result, while going on
until the next step overspends (315 per voter) reproduces it exactly. No greedy completion
follows: on Assen 2024 a greedy completion would add a project the city did not fund.

``comparison``: the add1 outcome is compared with the greedy outcome (by votes); each voter
prefers the outcome that funds more of the projects on their ballot; greedy replaces MES
only if strictly more voters prefer it (Wieliczka's rule, as on equalshares.net).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from time import perf_counter_ns

from .mes import MesProblem


@dataclass
class Add1Result:
    selected: list[int]
    per_voter_budget: Fraction
    runs: int
    #: per-voter budget at which the next outcome would have overspent (None: all fit)
    overspent_at: Fraction | None


def add1(
    problem: MesProblem, budget: int, start: Fraction, step: int = 1,
    interval: Callable[..., tuple[list[int], Fraction | None] | None] | None = None,
) -> Add1Result:
    """``interval(b, deadline=t)``: the outcome for every per-voter budget just above ``b`` and
    the next budget at which it can change (:func:`.mes_interval.right_of`). With it, the steps
    whose outcome cannot differ from the last one are skipped: the result is the same as
    stepping through all of them, only sooner.

    Finding the next change costs far more than one MES run on a large election, and there
    the outcome often changes within a few steps anyway. So a jump is tried only after the
    outcome has stayed put for as long as the last jump took to find, and it is given up
    when it takes longer than that calm: stepping is never more than a few times slower than
    it was without jumps (the ski-rental rule), while few voters with a large budget take a
    handful of runs instead of hundreds of thousands."""
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
    calm = 0  # nanoseconds of runs since the outcome last changed
    required = 0  # calm after which the next jump is tried
    while True:
        began = perf_counter_ns()
        nxt = problem.run(b + step).selected
        took = perf_counter_ns() - began
        runs += 1
        if sum(costs[p] for p in nxt) > budget:
            return Add1Result(current, b, runs, b + step)
        calm = calm + took if nxt == current else 0
        b += step
        current = nxt
        if interval is None or not calm or calm < required:
            continue
        began = perf_counter_ns()
        found = interval(b, deadline=began + calm)
        searched = perf_counter_ns() - began
        runs += 1
        steps = _steps_before(found[1] - b, step) if found and found[1] is not None else 0
        # worth it when it skipped more runs than it cost; else wait for a longer calm
        required = searched if steps * took >= searched else 2 * max(required, searched)
        if steps < 1:
            continue
        if sum(costs[p] for p in found[0]) > budget:
            return Add1Result(current, b, runs, b + step)
        b += steps * step
        current = found[0]
        calm = 0


def _steps_before(distance: Fraction, step: int) -> int:
    """How many steps of ``step`` fit strictly inside ``distance``."""
    whole = int(distance // step)
    return whole - 1 if distance % step == 0 else whole


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
