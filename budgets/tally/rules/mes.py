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
* rho can only grow from round to round, so projects are kept in a heap keyed by their last
  rho (a lower bound) and only the top ones are re-priced ("lazy" evaluation).

Exactness: money is kept as Python integers in units of ``1/D``. ``D`` starts as the
denominator of ``b0`` and is multiplied by the paying weight ``W`` of each selected project,
so every payment ``R / W`` stays an integer in the new unit; rho values are ``Fraction``.
No floating-point number is computed anywhere.

Two interchangeable implementations give identical results (the tests run both):

* ``_NumpyMes`` (numpy importable, the default): an alive voter has paid ``w_j * y_j`` for
  every selected project ``j`` on their ballot, so budgets need no per-voter bookkeeping:
  the exact money of any set of voters is ``N * b0 - sum_j C_j * y_j`` with integer counts
  ``C_j``. numpy keeps int64 *coarse keys* (``floor(budget * 2**s)`` up to a proven error)
  that order a project's supporters and place most of them on the poor or rich side of the
  price; the price itself and every supporter the keys cannot place are computed in Python
  integers. See the class docstring.
* ``MesProblem.run`` with ``_DictBook`` (pure Python): voters whose ballots agree on
  the projects selected so far have the same budget and form a *class*; prices are
  computed from (class, weight, count) triples by an exact pass over the classes. Also used
  when the weights are too diverse for 61-bit keys.
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
        if accelerate is None:
            accelerate = _np is not None
        if accelerate and _np is None:
            raise RuntimeError("numpy is not installed")
        self._fast: _NumpyMes | None = None
        if accelerate:
            try:
                self._fast = _NumpyMes(self, groups)
            except _Unsuited:
                pass  # weights too diverse for 61-bit keys: the pure-Python bookkeeping
            else:
                #: total weight of each project's supporters (0: nobody supports it)
                self.wtotal = self._fast.wtotal
                return
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
        self.book = _DictBook(self)
        #: total weight of each project's supporters (0: nobody supports it)
        self.wtotal = self.book.wtotal

    # ------------------------------------------------------------------------------------
    def run(self, b0: Fraction | int, same_as: MesRun | None = None) -> MesRun | None:
        """MES with ``b0`` per voter. ``same_as``: the run at a smaller budget ``x0``; the
        run then answers None unless it proves that MES selects what ``same_as`` did at
        *every* budget in ``[x0, b0]`` (:class:`_Certificate`)."""
        b0 = Fraction(b0)
        if self._fast is not None:
            return self._fast.run(b0, same_as)
        check = None if same_as is None else _Certificate(same_as, self.rank, 1, lambda t: (t,))
        try:
            return self._run(b0, check)
        except _Unproven:
            return None

    def _run(self, b0: Fraction, check: _Certificate | None) -> MesRun | None:
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
        heap = [
            (Fraction(1, self.wtotal[q]), rank[q], q, -1)
            for q in range(self.m)
            if costs[q] > 0 and self.wtotal[q] > 0
        ]
        heapq.heapify(heap)
        if check is not None:
            check.open_round(heap, 0)
        priced: dict[int, tuple] = {}
        step = 0
        while heap:
            _, rk, q, stamp = heap[0]
            chosen = _take(heap, q, stamp, step, check)
            if chosen is _AGAIN:
                continue
            if chosen is not None:
                rho, q = chosen[0], chosen[2]
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
                for c, wi, b in zip(cl, wl, bs, strict=True):
                    new_budget = b * W - R * wvals[wi]
                    if new_budget > 0:
                        mapping[c * nw + wi] = len(budget)
                        budget.append(new_budget)
                        born.append(step)
                    else:
                        mapping[c * nw + wi] = DEAD
                book.retire(q)
                book.split(q, mapping, len(budget))
                selected.append(q)
                rhos.append(rho)
                priced.clear()
                if check is not None:
                    check.open_round(heap, step)
                continue
            heapq.heappop(heap)
            cost = costs[q] * scale[step]
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
                if len(bs) == 1:
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
        if check is not None and selected != check.expected:
            raise _Unproven
        return MesRun(selected=selected, rhos=rhos)


class _Certificate:
    """Proof, from one run at ``x0`` and one at ``x1 > x0``, that MES selects the same
    projects at every per-voter budget between them (add1 then skips the steps between).

    Along any fixed sequence of selections, a larger per-voter budget leaves every voter with
    at least as much money after each round (by induction: the price ``y`` of a project can
    only fall when its supporters have more, and a voter keeps ``max(0, b - w*y)``). So a
    project's ``rho`` at a round can only fall as the budget rises, and what a project's
    supporters hold can only rise. Hence round ``t``'s winner ``w`` at ``x0`` wins that round
    at every ``x`` in ``[x0, x1]`` if every other project ``q`` has, at ``x1``, ``(rho_q(x1),
    rank_q) > (rho_w(x0), rank_w)``, or cannot afford it at ``x1``: then ``rho_w(x) <=
    rho_w(x0)`` and ``rho_q(x) >= rho_q(x1)``. After the last selection, every project left
    must be unaffordable at ``x1``.

    The run at ``x1`` follows the engine's lazy heap; the threshold ``(rho_w(x0), rank_w)``
    goes into the heap as a sentinel, so every project whose lower bound lies below it is
    priced exactly before the round's winner is accepted. The winner is set aside when it
    reaches the top, and selected when the sentinel does, if no other project came first."""

    def __init__(self, same_as: MesRun, rank, scale, lead):
        self.expected = same_as.selected
        # rho in the heap's unit (the numpy run keeps integer weights, scaled by `scale`)
        self.thresholds = [Fraction(rho, scale) for rho in same_as.rhos]
        self.rank = rank
        self.lead = lead  # the heap entry's leading fields for a rho
        self.sentinel = len(rank)  # after every project id: the winner sorts first on a tie
        self.aside = None

    def open_round(self, heap: list, step: int) -> None:
        if step < len(self.expected):
            theta = self.thresholds[step]
            heapq.heappush(heap, (*self.lead(theta), self.rank[self.expected[step]], self.sentinel, -2))

    def settle(self, heap: list, step: int):
        """At the top of the heap: the sentinel (the round is proven: the winner's entry to
        select) or a project priced in this round (set aside if it is the expected winner,
        else the proof fails: :class:`_Unproven`). ``_AGAIN`` when there is nothing to select
        yet."""
        entry = heapq.heappop(heap)
        if entry[-2] == self.sentinel:
            if self.aside is None:
                raise _Unproven
            chosen, self.aside = self.aside, None
            return chosen
        if self.aside is None and step < len(self.expected) and entry[-2] == self.expected[step]:
            self.aside = entry
            return _AGAIN
        raise _Unproven


class _Unproven(Exception):
    """The run at the larger budget cannot prove that nothing changed."""


_AGAIN = object()  # look at the top of the heap again


def _take(heap: list, q: int, stamp: int, step: int, check: _Certificate | None):
    """What the lazy loop does with the top of the heap (project ``q`` priced in round
    ``stamp``): the entry to select now, None to price ``q`` again, or ``_AGAIN``."""
    if check is not None and (stamp == step or q == check.sentinel):
        return check.settle(heap, step)
    return heapq.heappop(heap) if stamp == step else None


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


class _Unsuited(Exception):
    """The election's weights leave too little precision for the numpy run's coarse keys."""


# keys keep 61 - (bits of the lcm of the weights) - (bits of the largest supporting weight)
# bits
_MAX_LCM_BITS = 16


def _floor_shift(num: int, den: int, s: int) -> int:
    """floor(num * 2**s / den) for den > 0, exactly."""
    return (num << s) // den if s >= 0 else num // (den << -s)


class _NumpyMes:
    """MES with numpy for integer ids, head counts and coarse keys; no floats anywhere.

    An alive voter has paid ``w_j * y_j`` for every selected project ``j`` of their ballot
    (otherwise they would have paid all and be dead), so their budget is
    ``b0 - sum_j w_j * y_j``. Exactly, in Python integers (unit ``1/D``): the money of a set
    of voters is ``N * b0 - sum_j C_j * y_j`` with integer counts ``C_j`` (numpy counts them).
    Coarse keys ``A = floor(b0 * 2**s) - sum_j w_j * floor(y_j * 2**s)`` (int64 integers,
    no overflow by the choice of ``s``) bound each budget: ``b * 2**s`` lies in
    ``(A - h, A + 1)`` (``[A, A + 1)`` when ``h = 0``), ``h = sum_j w_j``. Pricing a project
    sorts its alive supporters by key and picks the poor/rich split where the coarse figures
    put it; then the split is proven: the price ``y`` it gives is computed in Python
    integers, a supporter whose key bounds lie strictly on the right side of ``y`` needs no
    more, and every other one is compared exactly. Should the proof fail (never seen on the
    shared files), the project is priced by a plain exact pass over all its supporters; a
    project is retired only after its supporters' exact money is found short of the cost."""

    def __init__(self, problem: MesProblem, groups):
        np = _np
        self.p = problem
        m = problem.m
        n_groups = self.n_groups = len(groups)
        projects = list(map(itemgetter(0), groups))
        weights = list(map(itemgetter(1), groups))
        # weights as positive integers: fractional points are scaled by a common factor,
        # which scales every payment per unit of weight by its inverse (outcomes unchanged)
        weight_set = (
            set() if weights.count(None) == n_groups else set().union(*filter(None, weights))
        )
        wscale = math.lcm(*(Fraction(w).denominator for w in weight_set)) if weight_set else 1
        int_w = {w: int(w * wscale) for w in weight_set}
        self.wscale = wscale
        self.unit = wscale == 1 and all(v == 1 for v in int_w.values())
        self.lcm = math.lcm(wscale, *int_w.values())
        if self.lcm.bit_length() > _MAX_LCM_BITS:
            raise _Unsuited
        lens = np.fromiter(map(len, projects), dtype=np.int64, count=n_groups)
        total = int(lens.sum())
        if m <= 256:  # project ids fit in bytes: the quickest conversion
            flat_p = np.frombuffer(bytes(chain.from_iterable(projects)), dtype=np.uint8)
        else:
            flat_p = np.fromiter(chain.from_iterable(projects), dtype=np.int64, count=total)
        self.mult = np.fromiter(map(itemgetter(2), groups), dtype=np.int64, count=n_groups)
        flat_g = np.repeat(np.arange(n_groups, dtype=np.int64), lens)
        # group the (group, project) pairs by project: a stable radix sort on small ints
        small = flat_p if m <= 256 else flat_p.astype(np.int16 if m < 2**15 else np.int32)
        order = np.argsort(small, kind="stable")
        counts = np.bincount(flat_p, minlength=m)
        bounds = np.cumsum(counts)[:-1]
        sorted_g = flat_g[order]
        self.sup_g = np.split(sorted_g, bounds)
        weight_mass = self.mult[sorted_g]  # head count times weight, per supporter
        self.sup_w = self.sup_mw = None
        if not self.unit:
            flat_w = np.fromiter(
                chain.from_iterable(
                    map(int_w.__getitem__, w) if w is not None else (wscale,) * len(ps)
                    for ps, w in zip(projects, weights, strict=True)
                ),
                dtype=np.int64,
                count=total,
            )
            sorted_w = flat_w[order]
            self.sup_w = np.split(sorted_w, bounds)
            self.sup_mw = np.split(self.lcm // sorted_w, bounds)
            weight_mass = weight_mass * sorted_w
        cum = np.concatenate(([0], np.cumsum(weight_mass)))
        ends = np.cumsum(counts)
        wtotal = (cum[ends] - cum[ends - counts]).tolist()
        #: total supporting weight per project, in the scaled integer weights
        self.wtotal_int = wtotal
        self.wtotal = wtotal if wscale == 1 else [Fraction(x, wscale) for x in wtotal]
        self.max_wtotal = max(wtotal, default=0)
        self.candidates = [q for q in range(m) if problem.costs[q] > 0 and wtotal[q] > 0]
        self.positions = np.arange(int(counts.max()) if m else 0, dtype=np.int64)
        #: how many projects were priced by the plain exact pass (the proof failed)
        self.fallbacks = 0
        self.hist_buffer = None

    def run(self, b0: Fraction, same_as: MesRun | None = None) -> MesRun | None:
        state = _NumpyRun(self, b0)
        check = None if same_as is None else _Certificate(same_as, self.p.rank, self.wscale, _numpy_lead)
        try:
            return self._run(state, check)
        except _Unproven:
            return None
        finally:
            state.release()

    def _run(self, state: _NumpyRun, check: _Certificate | None) -> MesRun | None:
        rank = self.p.rank
        # heap entries lead with floor(rho * 2**64), so that Fractions are compared only
        # between equal leads (the order is the same: the floor is monotone)
        heap = [
            ((1 << 64) // self.wtotal_int[q], Fraction(1, self.wtotal_int[q]), rank[q], q, -1)
            for q in self.candidates
        ]
        heapq.heapify(heap)
        if check is not None:
            check.open_round(heap, 0)
        priced: dict[int, tuple] = {}
        selected: list[int] = []
        rhos: list[Fraction] = []
        step = 0
        while heap:
            _, _, rk, q, stamp = heap[0]
            chosen = _take(heap, q, stamp, step, check)
            if chosen is _AGAIN:
                continue
            if chosen is not None:
                rho, q = chosen[1], chosen[3]
                state.select(priced.pop(q))
                step += 1
                selected.append(q)
                rhos.append(rho * self.wscale)
                priced.clear()
                if check is not None:
                    check.open_round(heap, step)
                continue
            heapq.heappop(heap)
            found = state.price(q)
            if found is None:  # the supporters cannot afford it: out for good
                continue
            priced[q] = found
            R, W, cost_u = found[0], found[1], found[5]
            price = W * cost_u
            heapq.heappush(heap, ((R << 64) // price, Fraction(R, price), rk, q, step))
        if check is not None and selected != check.expected:
            raise _Unproven
        return MesRun(selected=selected, rhos=rhos)


def _numpy_lead(rho: Fraction) -> tuple[int, Fraction]:
    """The leading fields of a :class:`_NumpyMes` heap entry: floor(rho * 2**64), rho."""
    return (rho.numerator << 64) // rho.denominator, rho


class _NumpyRun:
    """The state of one run of :class:`_NumpyMes` (see there)."""

    def __init__(self, problem: _NumpyMes, b0: Fraction):
        np = _np
        self.p = problem
        lcm = problem.lcm
        # exact money: integers in the unit 1/D; y[j] = payment per unit of weight of the
        # j-th selected project
        self.D = b0.denominator
        self.b0u = b0.numerator
        self.y: list[int] = []
        # coarse keys: b0 * 2**s * lcm * (largest supporting weight) < 2**61, so no int64
        # expression below can overflow (the largest, the packed sort key, stays < 2**62)
        ceil_b0 = -(-b0.numerator // b0.denominator)
        s = self.s = 61 - ceil_b0.bit_length() - lcm.bit_length() - problem.max_wtotal.bit_length()
        key0 = _floor_shift(b0.numerator, b0.denominator, s)
        self.cost_keys = [_floor_shift(c, 1, s) for c in problem.p.costs]
        self.cost_cap = (1 << 62) // lcm
        n_groups = problem.n_groups
        self.alive = np.ones(n_groups, dtype=bool)
        self.approx = np.full(n_groups, key0, dtype=np.int64)  # A: coarse budget keys
        self.hweight = np.zeros(n_groups, dtype=np.int64)  # h: weight of the projects paid
        self.hcap = 0  # h <= hcap for every group
        # row j: each group's weight for the j-th selected project; the zeroed buffer is
        # kept for the next run (add1 runs MES dozens of times)
        hist, problem.hist_buffer = problem.hist_buffer, None
        if hist is None:
            hist = np.zeros((max(1, len(problem.candidates)), n_groups), dtype=np.int64)
        self.hist = hist
        # each project's supporters still alive when it was last priced
        self.supporters = list(problem.sup_g)
        self.sup_w = problem.sup_w and list(problem.sup_w)
        self.sup_mw = problem.sup_mw and list(problem.sup_mw)

    def release(self) -> None:
        """Give the history buffer, zeroed again, back to the problem."""
        self.hist[: len(self.y) + 1] = 0  # the rows written (one more if interrupted)
        self.p.hist_buffer = self.hist

    def select(self, found: tuple) -> None:
        """Everyone in ``found`` (from :meth:`price`) pays."""
        R, W, dead, keep, wkeep, _ = found
        g = math.gcd(R, W)
        R //= g
        W //= g
        pay = _floor_shift(R, W * self.D, self.s)  # floor(y * 2**s), y = R / (W * D)
        self.alive[dead] = False
        k = len(self.y)
        if wkeep is None:
            self.hist[k, keep] = 1
            self.approx[keep] -= pay
            self.hweight[keep] += 1
            self.hcap += 1
        elif len(keep):
            self.hist[k, keep] = wkeep
            self.approx[keep] -= wkeep * pay
            self.hweight[keep] += wkeep
            self.hcap += int(wkeep.max())
        self.D *= W
        self.b0u *= W
        self.y = [v * W for v in self.y]
        self.y.append(R)

    def money(self, groups, heads, n_heads: int) -> int:
        """Exact money (unit 1/D) of these alive groups with these head counts (in all
        ``n_heads``): each has ``b0`` less what it paid, ``y[j]`` per unit of weight."""
        k = len(self.y)
        if not k:
            return n_heads * self.b0u
        if len(groups) > 1024:  # leave out the many that paid nothing yet (budget b0)
            paid = self.hweight[groups] > 0
            groups, heads = groups[paid], heads[paid]
        counts = (self.hist[:k].take(groups, axis=1) @ heads).tolist()
        return n_heads * self.b0u - sum(map(mul, counts, self.y))

    def price(self, q: int) -> tuple | None:
        """``(R, W, dead, keep, keep's weights, cost)``: the supporters of ``q`` pay
        ``y = R / W`` per unit of weight (unit ``1/D``, cost in that unit), ``dead`` are left
        with nothing, ``keep`` with something; None if they cannot afford ``q``."""
        np = _np
        p = self.p
        lcm = p.lcm
        every = self.supporters[q]
        mask = self.alive[every]
        gq = self.supporters[q] = every[mask]
        n = len(gq)
        if not n:  # every supporter has spent all
            return None
        cost_u = p.p.costs[q] * self.D
        cost_key = self.cost_keys[q]
        approx = self.approx[gq]
        heads = p.mult[gq]
        if p.unit:
            keys = approx
            wq = mw = None
            mass = heads
        else:
            wq = self.sup_w[q] = self.sup_w[q][mask]
            mw = self.sup_mw[q] = self.sup_mw[q][mask]
            keys = approx * mw
            mass = heads * wq
        # money * 2**s < heads @ (approx + 1): surely short of the cost? (checked exactly)
        n_heads = int(heads.sum())
        short = int(heads @ approx) + n_heads <= cost_key
        if short and self.money(gq, heads, n_heads) < cost_u:
            return None
        wsum = n_heads if wq is None else int(mass.sum())
        cost_key = min(cost_key, self.cost_cap)
        # nobody poor? (the poorest can pay an equal share per unit of weight)
        if cost_key * lcm <= int(keys.min()) * wsum:
            found = self._prove_all_rich(gq, wq, mw, approx, wsum, cost_u)
            if found is not None:
                return found
        # supporters in increasing order of coarse key (budget per unit of weight); the
        # keys are < 2**61 / max_wtotal and n <= max_wtotal: (key, position) packs into one
        # int64 below 2**62
        bits = (n - 1).bit_length()
        packed = (keys << bits) | p.positions[:n]
        packed.sort()
        order = packed & ((1 << bits) - 1)
        s_keys = packed >> bits
        s_groups = gq[order]
        s_heads = heads[order]
        if wq is None:
            s_w = s_mw = None
            s_mass = s_heads
            s_money = s_heads * s_keys
        else:
            s_w = wq[order]
            s_mw = mw[order]
            s_mass = mass[order]
            s_money = s_heads * approx[order]
        cum_mass = np.cumsum(s_mass)
        # coarse test of "position i is rich": (cost - money before i) * lcm <=
        # key_i * (weight from i on); the first i that passes is the candidate split
        lhs = cost_key - np.cumsum(s_money)
        lhs += s_money
        if lcm != 1:
            lhs *= lcm
        rhs = wsum - cum_mass
        rhs += s_mass
        rhs *= s_keys
        look = lhs <= rhs
        i = int(look.argmax())
        found = None
        if look[i]:
            found = self._prove(i, s_groups, s_keys, s_heads, s_w, s_mw, cum_mass, wsum, cost_u)
        elif self.money(gq, heads, n_heads) < cost_u:  # nobody looks rich: exactly so?
            return None
        if found is None:
            p.fallbacks += 1
            found = self._exact(s_groups, s_heads, s_w, wsum, cost_u)
        return found

    def _thresholds(self, R: int, W: int) -> tuple[int, int]:
        """y * 2**s * lcm rounded down and up (clamped into int64), y = R / (W * D)."""
        big = 1 << 62
        num, den = R * self.p.lcm, W * self.D
        floor = max(-big, min(big, _floor_shift(num, den, self.s)))
        ceil = max(-big, min(big, -_floor_shift(-num, den, self.s)))
        return floor, ceil

    def _compare(self, groups, weights, R: int, W: int) -> list[int]:
        """For each group: the sign of budget - w * y (y = R / W per unit of weight)."""
        k = len(self.y)
        rows = self.hist[:k].take(groups, axis=1).T.tolist()
        ws = [1] * len(rows) if weights is None else weights.tolist()
        b0u, y = self.b0u, self.y
        out = []
        for row, w in zip(rows, ws, strict=True):
            diff = (b0u - sum(map(mul, row, y))) * W - w * R
            out.append((diff > 0) - (diff < 0))
        return out

    def _prove_all_rich(self, gq, wq, mw, approx, wsum, cost_u):
        """The exact price if every supporter can pay an equal share per unit of weight."""
        np = _np
        R, W = cost_u, wsum
        _, ty_ceil = self._thresholds(R, W)
        # budget * 2**s * lcm / w >= low = (A - h) * lcm / w: sure unless low <= ty_ceil
        low = approx - self.hweight[gq]
        if mw is not None:
            low *= mw
        unsure = np.flatnonzero(low <= ty_ceil)
        equal = []
        if len(unsure):
            signs = self._compare(gq[unsure], None if wq is None else wq[unsure], R, W)
            if -1 in signs:
                return None
            equal = [j for j, sign in zip(unsure.tolist(), signs, strict=True) if sign == 0]
        return self._outcome(R, W, gq, wq, 0, equal, cost_u)

    def _prove(self, i, s_groups, s_keys, s_heads, s_w, s_mw, cum_mass, wsum, cost_u):
        """The exact price if 'the first i supporters in key order are poor' is the right
        split, else None."""
        np = _np
        lcm = self.p.lcm
        if i:
            hp = s_heads[:i]
            R = cost_u - self.money(s_groups[:i], hp, int(hp.sum()))
            W = wsum - int(cum_mass[i - 1])
            if R <= 0:
                return None
        else:
            R, W = cost_u, wsum
        # T = budget * 2**s * lcm / w lies in (low, high): high = key + lcm/w <= key + lcm,
        # low = (A - h) * lcm/w >= key - hcap * lcm (or T >= low when h = 0). Compared with
        # y * 2**s * lcm, rounded down (ty_floor) and up (ty_ceil), most supporters are
        # placed by their key; the others are compared exactly.
        ty_floor, ty_ceil = self._thresholds(R, W)
        big = 1 << 62
        unsure = []
        start = int(s_keys.searchsorted(max(-big, ty_floor - lcm + 1)))
        if start < i:
            high = s_keys[start:i] + (1 if s_mw is None else s_mw[start:i])
            unsure.extend((np.flatnonzero(high > ty_floor) + start).tolist())
        end = int(s_keys.searchsorted(min(big, ty_ceil + self.hcap * lcm), side="right"))
        if end > i:
            g = s_groups[i:end]
            low = self.approx[g] - self.hweight[g]
            if s_mw is not None:
                low *= s_mw[i:end]
            unsure.extend((np.flatnonzero(low <= ty_ceil) + i).tolist())
        equal = []
        if unsure:
            signs = self._compare(s_groups[unsure], None if s_w is None else s_w[unsure], R, W)
            for j, sign in zip(unsure, signs, strict=True):
                if (sign > 0) if j < i else (sign < 0):
                    return None
                if j >= i and sign == 0:
                    equal.append(j)
        return self._outcome(R, W, s_groups, s_w, i, equal, cost_u)

    @staticmethod
    def _outcome(R, W, groups, weights, i, equal, cost_u):
        """``groups[:i]`` and ``groups[equal]`` pay all they have; the others keep some."""
        np = _np
        dead = groups[:i]
        keep = groups[i:]
        wkeep = None if weights is None else weights[i:]
        if equal:
            dead = np.concatenate((dead, groups[equal]))
            drop = np.array(equal, dtype=np.int64) - i
            keep = np.delete(keep, drop)
            if wkeep is not None:
                wkeep = np.delete(wkeep, drop)
        return R, W, dead, keep, wkeep, cost_u

    def _exact(self, s_groups, s_heads, s_w, wsum, cost_u):
        """The plain exact pass: every supporter's budget in integers, sorted exactly."""
        np = _np
        k = len(self.y)
        b0u, y, lcm = self.b0u, self.y, self.p.lcm
        memo: dict[tuple, int] = {}
        budgets = []
        for row in self.hist[:k].take(s_groups, axis=1).T.tolist():
            key = tuple(row)
            b = memo.get(key)
            if b is None:
                b = memo[key] = b0u - sum(map(mul, row, y))
            budgets.append(b)
        hs = s_heads.tolist()
        ws = [1] * len(hs) if s_w is None else s_w.tolist()
        idx = sorted(range(len(hs)), key=lambda j: budgets[j] * (lcm // ws[j]))
        money = 0
        W = wsum
        for j in idx:
            b, w = budgets[j], ws[j]
            if (cost_u - money) * w <= b * W:
                break
            money += hs[j] * b
            W -= hs[j] * w
        else:
            return None
        R = cost_u - money
        die = np.array([b * W <= w * R for b, w in zip(budgets, ws, strict=True)], dtype=bool)
        keep = ~die
        wkeep = None if s_w is None else s_w[keep]
        return R, W, s_groups[die], s_groups[keep], wkeep, cost_u
