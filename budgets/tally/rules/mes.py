"""Method of Equal Shares (MES) with cost utilities, in exact arithmetic.

Every voter starts with the same budget ``b0``. A voter's utility for a project is
``weight * cost`` (weight 1 for an approval, the points for cumulative/scoring ballots, the
positional points for ordinal ballots). In each round every remaining project ``p`` is priced:
its supporters pay ``min(budget_i, y * weight_i)`` where ``y`` is the smallest amount that
covers ``cost(p)``; the project's *rho* is ``y / cost(p)`` (price per unit of utility, the
inverse of equalshares.net's "effective vote count"). The project with the smallest rho wins
the round (ties: the election's tie-breaking rank), its supporters pay, and the rounds go on
until no project is affordable. A project that costs nothing gives no cost utility and is
never selected (as in pabutools and equalshares.net).

Speed (a 90,000-voter election is decided in milliseconds per run):

* identical ballots are one *group* with a multiplicity;
* voters whose ballots agree on the projects selected so far have, at every moment, the same
  budget: they form a *class*, and prices are computed from (class, weight, count) triples
  rather than per voter;
* rho can only grow from round to round, so projects are kept in a heap keyed by their last
  rho (a lower bound) and only the top ones are re-priced ("lazy" evaluation).

Exactness: money is kept as Python integers in units of ``1/D``. ``D`` starts as the
denominator of ``b0`` and is multiplied by the paying weight ``W`` of each selected project,
so every payment ``R / W`` stays an integer in the new unit; rho values are ``Fraction``.
No floating-point number is computed anywhere.

The class bookkeeping has two interchangeable implementations: ``_DictBook`` (pure Python,
always available) and ``_NumpyBook`` (used when numpy is importable and the election is large;
numpy only moves integer class ids and counts, never money). Both give identical results; the
tests run both.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import accumulate, chain
from operator import itemgetter, mul

try:  # optional accelerator for the integer bookkeeping of large elections
    import numpy as _np
except ImportError:  # pragma: no cover - exercised when numpy is absent
    _np = None

DEAD = 0  # class of voters whose budget is spent (they pay nothing more)
ROOT = 1  # class of voters who have paid for nothing yet


@dataclass
class MesRun:
    """The outcome of one MES run with a fixed per-voter budget."""

    selected: list[int]
    #: rho of each selected project, in selection order
    rhos: list[Fraction] = field(default_factory=list)


class MesProblem:
    """Budget-independent data for MES on one election; ``run(b0)`` can be called many times
    (the add1 completion does) at the cost of one run each."""

    def __init__(
        self,
        costs: Sequence[int],
        groups: Sequence[tuple[tuple[int, ...], tuple | None, int]],
        rank: Sequence[int],
        *,
        accelerate: bool | None = None,
    ):
        """``groups``: ``(projects, weights or None for all-1, multiplicity)``, as returned by
        :func:`budgets.tally.scores.utility_ballots`."""
        self.costs = list(costs)
        self.rank = list(rank)
        self.m = len(self.costs)
        wset = set()
        for _, weights, _ in groups:
            if weights:
                wset.update(weights)
        self.wvals = sorted(wset) or [1]
        self.nw = len(self.wvals)
        widx = {w: i for i, w in enumerate(self.wvals)}
        # per group: its projects, the index of each weight in wvals, its multiplicity
        self.groups = [
            (projects, None if weights is None else tuple(widx[w] for w in weights), mult)
            for projects, weights, mult in groups
        ]
        # Ordering classes by budget/weight without fractions: b * (L / w), L = lcm(weights).
        if self.nw == 1 and self.wvals[0] == 1:
            self.sort_mult = None
        elif all(isinstance(w, int) for w in self.wvals):
            lcm = math.lcm(*self.wvals)
            self.sort_mult = [lcm // w for w in self.wvals]
        else:
            # fractional points: multiply by the exact inverse of the weight
            self.sort_mult = [
                Fraction(Fraction(w).denominator, Fraction(w).numerator) for w in self.wvals
            ]
        if accelerate is None:
            accelerate = _np is not None
        if accelerate and _np is None:
            raise RuntimeError("numpy is not installed")
        self.book = _NumpyBook(self) if accelerate else _DictBook(self)
        #: total weight of each project's supporters (0: nobody supports it)
        self.wtotal = self.book.wtotal

    # ------------------------------------------------------------------------------------
    def run(self, b0: Fraction | int) -> MesRun:
        b0 = Fraction(b0)
        costs, rank, wvals = self.costs, self.rank, self.wvals
        sort_mult = self.sort_mult
        book = self.book
        book.reset()
        # Class budgets are integers in the unit 1/scale[t] of some round t <= now;
        # factor[t] = scale[now] // scale[t] brings them to the current unit.
        budget = [0, b0.numerator]
        born = [0, 0]  # the round in whose unit budget[c] is currently expressed
        scale = [b0.denominator]
        factor = [1]
        selected: list[int] = []
        rhos: list[Fraction] = []
        # Coarse integer sort keys floor(budget * 2**shift) (exact integers, monotone in the
        # budget) let numpy order a project's classes; equal keys fall back to an exact sort.
        shift = None
        if sort_mult is None and isinstance(book, _NumpyBook):
            ceiling = -(-b0.numerator // b0.denominator)
            if ceiling.bit_length() <= 60:
                shift = 62 - ceiling.bit_length()
                book.set_keys(0, [0, (b0.numerator << shift) // b0.denominator])
        heap = [
            (Fraction(1, self.wtotal[q]), rank[q], q, -1)
            for q in range(self.m)
            if costs[q] > 0 and self.wtotal[q] > 0
        ]
        heapq.heapify(heap)
        priced: dict[int, tuple] = {}
        step = 0
        while heap:
            _, rk, q, stamp = heap[0]
            if stamp == step:
                rho = heapq.heappop(heap)[0]
                R, W, cl, wl, bs = priced.pop(q)
                # Class c of weight w pays y*w = R*w/W (unit 1/D): its new budget is
                # b*W - R*w in the unit 1/(D*W). The poorest pay all and die.
                # y = R/W in lowest terms keeps the unit (and every integer) smaller
                g = math.gcd(R, W)
                R //= g
                W //= g
                step += 1
                scale.append(scale[-1] * W)
                factor = [W * f for f in factor]
                factor.append(1)
                mapping = {}
                nw = self.nw
                first_new = len(budget)
                for c, wi, b in zip(cl, wl, bs, strict=True):
                    new_budget = b * W - R * wvals[wi]
                    if new_budget > 0:
                        mapping[c * nw + wi] = len(budget)
                        budget.append(new_budget)
                        born.append(step)
                    else:
                        mapping[c * nw + wi] = DEAD
                if shift is not None:
                    unit = scale[step]
                    book.set_keys(first_new, [(b << shift) // unit for b in budget[first_new:]])
                book.retire(q)
                book.split(q, mapping, len(budget))
                selected.append(q)
                rhos.append(rho)
                priced.clear()
                continue
            heapq.heappop(heap)
            cost = costs[q] * scale[step]
            presorted = book.sorted_entries(q) if shift is not None else None
            if presorted is not None:
                cl, cs = presorted
                wl = [0] * len(cl)
            else:
                cl, wl, cs = book.entries(q)
            if not cl:  # every supporter has spent all
                book.retire(q)
                continue
            # bring the budgets of these classes to the current unit (once per round)
            for c in [c for c in cl if born[c] != step]:
                budget[c] *= factor[born[c]]
                born[c] = step
            bs = [budget[c] for c in cl]
            # Supporters in order of budget per unit of weight; the poorest pay all they have
            # until the others can share the rest equally per unit of weight. Class i is
            # "rich" when it can pay that share; rich-ness is monotone along the order, so the
            # first rich class is found by bisection over prefix sums (all loops in C).
            # If nobody is rich, the supporters cannot afford the project: out for good.
            if sort_mult is None:
                if len(bs) == 1 or presorted is not None:
                    sb, sn = bs, cs
                else:  # sort positions by budget (C-level key), then gather
                    gather = itemgetter(*sorted(range(len(bs)), key=bs.__getitem__))
                    sb, sn = gather(bs), gather(cs)
                sw = None
            else:
                keyed = sorted(
                    zip(
                        [b * sort_mult[wi] for b, wi in zip(bs, wl, strict=True)],
                        bs,
                        [wvals[wi] for wi in wl],
                        cs,
                        strict=True,
                    )
                )
                _, sb, sw, sn = zip(*keyed, strict=True)
            money = list(accumulate(map(mul, sb, sn), initial=0))
            if sw is None:  # every weight is 1
                weight = list(accumulate(sn, initial=0))
            else:
                weight = list(accumulate(map(mul, sw, sn), initial=0))
            total_w = weight[-1]
            lo, hi = 0, len(sb)
            while lo < hi:
                mid = (lo + hi) // 2
                share = cost - money[mid]
                if sw is not None:
                    share *= sw[mid]
                if share <= sb[mid] * (total_w - weight[mid]):
                    hi = mid
                else:
                    lo = mid + 1
            if lo == len(sb):
                book.retire(q)
                continue
            R = cost - money[lo]
            W = total_w - weight[lo]
            priced[q] = (R, W, cl, wl, bs)
            heapq.heappush(heap, (Fraction(R, W * cost), rk, q, step))
        return MesRun(selected=selected, rhos=rhos)


class _DictBook:
    """Pure-Python bookkeeping: for every project, a dict (class*nw + weight) -> count."""

    def __init__(self, problem: MesProblem):
        self.p = problem
        nw, wvals = problem.nw, problem.wvals
        self.items = [
            [(p, 0) for p in projects] if wis is None else list(zip(projects, wis, strict=True))
            for projects, wis, _ in problem.groups
        ]
        self.mult = [mult for _, _, mult in problem.groups]
        self.supporters: list[list[tuple[int, int]]] = [[] for _ in range(problem.m)]
        self.wtotal = [0] * problem.m
        base = [dict() for _ in range(problem.m)]
        for g, its in enumerate(self.items):
            mu = self.mult[g]
            for q, qi in its:
                self.supporters[q].append((g, qi))
                self.wtotal[q] += mu * wvals[qi]
                k = ROOT * nw + qi
                d = base[q]
                d[k] = d.get(k, 0) + mu
        self.base = base

    def reset(self) -> None:
        self.dist = [d.copy() for d in self.base]
        self.cls = [ROOT] * len(self.items)
        self.alive = [True] * self.p.m

    def retire(self, q: int) -> None:
        self.alive[q] = False

    def entries(self, q: int) -> tuple[list[int], list[int], list[int]]:
        nw = self.p.nw
        d = self.dist[q]
        if nw == 1:
            return list(d), [0] * len(d), list(d.values())
        cl, wl = [], []
        for k in d:
            c, wi = divmod(k, nw)
            cl.append(c)
            wl.append(wi)
        return cl, wl, list(d.values())

    def split(self, s: int, mapping: dict[int, int], _n_classes: int) -> None:
        nw, items, mult = self.p.nw, self.items, self.mult
        cls, dist, alive = self.cls, self.dist, self.alive
        for g, wi in self.supporters[s]:
            c = cls[g]
            if c == DEAD:
                continue
            c2 = mapping[c * nw + wi]
            cls[g] = c2
            mu = mult[g]
            base_old = c * nw
            base_new = c2 * nw
            for q, qi in items[g]:
                if not alive[q]:
                    continue
                d = dist[q]
                k = base_old + qi
                v = d[k] - mu
                if v:
                    d[k] = v
                else:
                    del d[k]
                if c2 != DEAD:
                    k = base_new + qi
                    d[k] = d.get(k, 0) + mu


class _NumpyBook:
    """numpy bookkeeping: one class id per group; counts per class are gathered on demand
    with integer ``np.add.at`` (numpy never sees money, only ids and head counts)."""

    def __init__(self, problem: MesProblem):
        np = _np
        self.p = problem
        groups = problem.groups
        n_groups = self.n_groups = len(groups)
        lens = np.fromiter((len(g[0]) for g in groups), dtype=np.int64, count=n_groups)
        total = int(lens.sum())
        flat_p = np.fromiter(chain.from_iterable(g[0] for g in groups), dtype=np.int64, count=total)
        if problem.nw == 1:
            flat_w = np.zeros(total, dtype=np.int64)
        else:
            flat_w = np.fromiter(
                chain.from_iterable(g[1] for g in groups), dtype=np.int64, count=total
            )
        mults = np.fromiter((g[2] for g in groups), dtype=np.int64, count=n_groups)
        flat_g = np.repeat(np.arange(n_groups, dtype=np.int64), lens)
        flat_m = np.repeat(mults, lens)
        order = np.argsort(flat_p, kind="stable")
        bounds = np.cumsum(np.bincount(flat_p, minlength=problem.m))[:-1]
        self.sup_g = np.split(flat_g[order], bounds)
        self.sup_w = np.split(flat_w[order], bounds)
        self.sup_m = np.split(flat_m[order], bounds)
        # total supporting weight per project, exactly (weights may be fractions)
        wvals = problem.wvals
        self.wtotal = [
            sum(wvals[w] * n for w, n in zip(ws.tolist(), ms.tolist(), strict=True))
            if problem.nw > 1
            else int(ms.sum()) * wvals[0]
            for ws, ms in zip(self.sup_w, self.sup_m, strict=True)
        ]

    def reset(self) -> None:
        self.cls = _np.full(self.n_groups, ROOT, dtype=_np.int64)
        self.n_classes = 2
        self.keys = _np.zeros(1024, dtype=_np.int64)

    def set_keys(self, start: int, keys: list[int]) -> None:
        end = start + len(keys)
        if end > len(self.keys):
            grown = _np.zeros(max(end, 2 * len(self.keys)), dtype=_np.int64)
            grown[: len(self.keys)] = self.keys
            self.keys = grown
        self.keys[start:end] = keys

    def sorted_entries(self, q: int) -> tuple[list[int], list[int]] | None:
        """Classes (and counts) of q's paying supporters in increasing budget, or None when
        two classes share a coarse key (the caller then sorts the exact budgets)."""
        np = _np
        keys = self.cls[self.sup_g[q]]
        counts = np.zeros(self.n_classes, dtype=np.int64)
        np.add.at(counts, keys, self.sup_m[q])
        counts[DEAD] = 0
        nz = np.flatnonzero(counts)
        ck = self.keys[nz]
        order = np.argsort(ck, kind="stable")
        ck = ck[order]
        if len(ck) > 1 and bool((ck[1:] == ck[:-1]).any()):
            return None
        nz = nz[order]
        return nz.tolist(), counts[nz].tolist()

    def retire(self, q: int) -> None:
        pass

    def entries(self, q: int):
        np = _np
        nw = self.p.nw
        keys = self.cls[self.sup_g[q]] * nw + self.sup_w[q]
        counts = np.zeros(self.n_classes * nw, dtype=np.int64)
        np.add.at(counts, keys, self.sup_m[q])
        counts[:nw] = 0  # the DEAD class pays nothing
        nz = np.flatnonzero(counts)
        cs = counts[nz].tolist()
        if nw == 1:
            return nz.tolist(), [0] * len(cs), cs
        return (nz // nw).tolist(), (nz % nw).tolist(), cs

    def split(self, s: int, mapping: dict[int, int], n_classes: int) -> None:
        np = _np
        nw = self.p.nw
        g = self.sup_g[s]
        keys = self.cls[g] * nw + self.sup_w[s]
        lookup = np.zeros(self.n_classes * nw, dtype=np.int64)  # DEAD stays DEAD
        for k, c2 in mapping.items():
            lookup[k] = c2
        self.cls[g] = lookup[keys]
        self.n_classes = n_classes
