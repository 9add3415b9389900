"""MES on an interval of per-voter budgets: the outcome just above a budget ``x0``, and the
next budget at which it can change.

The add1 completion re-runs MES one currency unit per voter at a time; with few voters and a
large budget that is hundreds of thousands of runs. Here MES is run once *symbolically* for
every per-voter budget ``x`` in ``(x0, x0 + d)``, ``d`` small enough that no comparison the
method makes changes its answer. Within such an interval every quantity is affine in ``x``:

* a voter's money is ``x`` minus what they paid, and each payment is either all they had or
  ``w * y`` with the project's price per unit of weight ``y``;
* a price is ``y = (cost - money of the voters who pay all) / (weight of the others)``, and
  ``rho = y / cost``.

So each comparison (a project affordable or not, a supporter paying all or not, one rho
below another, a voter left with money or not) is the sign of an affine function ``f``. Its
sign just above ``x0`` is that of ``f(x0)``, or of the slope if ``f(x0) = 0``; it keeps that
sign up to its root. The smallest root above ``x0`` over all the comparisons made is where
the outcome *can* change next: up to it, MES takes the same decisions and selects the same
projects, at every budget. Ties that hold identically (two projects with the same price at
every ``x``) are broken as :mod:`.mes` breaks them: by rank, and "rich" on equality.

Pure Python and exact (``Fraction``); the work is one pass over the ballots per round, the
cost of one run of :class:`.mes.MesProblem` without its accelerations.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from time import perf_counter_ns

Number = int | Fraction


class _Watch:
    """The smallest root above ``x0`` of the affine functions looked at."""

    __slots__ = ("x0", "next")

    def __init__(self, x0: Fraction):
        self.x0 = x0
        self.next: Fraction | None = None

    def sign(self, v: Number, s: Number) -> int:
        """The sign of ``f`` just above ``x0`` for ``f(x0) = v`` and slope ``s``, noting its
        root if it lies above ``x0``."""
        if s:
            # root x0 - v/s lies above x0 when v and s have opposite signs
            if (v > 0) != (s > 0) and v:
                root = self.x0 - Fraction(v, s)
                if self.next is None or root < self.next:
                    self.next = root
            if v:
                return 1 if v > 0 else -1
            return 1 if s > 0 else -1
        return (v > 0) - (v < 0)


def right_of(
    costs: Sequence[int],
    groups: Sequence[tuple[tuple[int, ...], tuple | None, int]],
    rank: Sequence[int],
    x0: Fraction,
    deadline: int | None = None,
) -> tuple[list[int], Fraction | None] | None:
    """``(selected, next_change)``: the projects MES selects at every per-voter budget in the
    open interval ``(x0, next_change)``, in selection order (``next_change`` None: at every
    budget above ``x0``). ``groups`` as for :class:`.mes.MesProblem`. None if
    ``time.perf_counter_ns()`` passes ``deadline`` first (the caller does better stepping)."""
    watch = _Watch(x0)
    m = len(costs)
    # supporters of each project: (group, weight)
    supporters: list[list[tuple[int, Number]]] = [[] for _ in range(m)]
    for g, (projects, weights, _) in enumerate(groups):
        for i, q in enumerate(projects):
            supporters[q].append((g, 1 if weights is None else weights[i]))
    mult = [mu for _, _, mu in groups]
    # A class of voters: equal money, (value at x0, slope). Class 0 is "spent all".
    money: list[tuple[Number, Number]] = [(0, 0), (x0, 1)]
    cls = [1] * len(groups)
    alive = [costs[q] > 0 and supporters[q] for q in range(m)]
    selected: list[int] = []
    while True:
        best = None  # ((rho value, rho slope, rank), project, rho..., split, y...)
        priced = []
        for q in range(m):
            if not alive[q]:
                continue
            if deadline is not None and perf_counter_ns() > deadline:
                return None
            # supporters by class and weight: (class, weight) -> head count
            entries: dict[tuple[int, Number], int] = {}
            for g, w in supporters[q]:
                c = cls[g]
                if c:
                    entries[(c, w)] = entries.get((c, w), 0) + mult[g]
            cost = costs[q]
            tv = -cost
            ts = 0
            for (c, _), n in entries.items():
                tv += n * money[c][0]
                ts += n * money[c][1]
            if not entries or watch.sign(tv, ts) < 0:
                alive[q] = False  # the supporters cannot afford it: out for good
                continue
            # the poorest per unit of weight pay all; order just above x0
            order = sorted(entries.items(), key=lambda e: (
                Fraction(money[e[0][0]][0], e[0][1]), Fraction(money[e[0][0]][1], e[0][1])))
            total_w = sum(w * n for (_, w), n in order)
            mv = ms = 0  # money of those before k
            wb = 0  # their weight
            k = 0
            for (c, w), n in order:
                bv, bs = money[c]
                rest = total_w - wb
                # rich: (cost - money before) <= (b / w) * rest
                if _sign_above(bv * rest - (cost - mv) * w, bs * rest + ms * w) >= 0:
                    break
                mv += n * bv
                ms += n * bs
                wb += w * n
                k += 1
            rest = total_w - wb
            yv = Fraction(cost - mv, rest)
            ys = Fraction(-ms, rest)
            # the split holds while the poor stay poor and the rich rich
            for (c, w), _ in order:
                bv, bs = money[c]
                watch.sign(bv - w * yv, bs - w * ys)
            rv, rs = Fraction(yv, cost), Fraction(ys, cost)
            priced.append((q, rv, rs))
            key = (rv, rs, rank[q])  # the order just above x0: value, then slope
            if best is None or key < best[0]:
                best = (key, q, rv, rs, order, k, yv, ys)
        if best is None:
            return selected, watch.next
        _, winner, rv, rs, order, k, yv, ys = best
        for q, qv, qs in priced:
            if q != winner:
                watch.sign(qv - rv, qs - rs)
        # the winner's supporters pay: the poor all they have, the rich w * y each
        moved: dict[tuple[int, Number], int] = {}
        for i, ((c, w), _) in enumerate(order):
            if i < k:
                moved[(c, w)] = 0
                continue
            bv, bs = money[c]
            nv, ns = bv - w * yv, bs - w * ys
            if watch.sign(nv, ns) > 0:
                moved[(c, w)] = len(money)
                money.append((nv, ns))
            else:
                moved[(c, w)] = 0
        for g, w in supporters[winner]:
            c = cls[g]
            if c:
                cls[g] = moved[(c, w)]
        alive[winner] = False
        selected.append(winner)


def _sign_above(v: Number, s: Number) -> int:
    """The sign of an affine function just above ``x0``, without watching its root (the split
    it decides is watched as a whole afterwards)."""
    if v:
        return 1 if v > 0 else -1
    return (s > 0) - (s < 0)
