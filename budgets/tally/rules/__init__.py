"""The rules a council can apply, by their contract names, and ``tally(election, rule)``.

Tie-breaking (one order for every rule, documented in docs/TALLY.md): higher score first,
then lower cost, then the project listed earlier in the file.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction

from ..errors import UnknownRuleError, UnsupportedElectionError
from ..model import Election
from ..outcome import Outcome
from ..scores import Scores, compute_scores, utility_ballots
from .equalshares import add1, prefer_counts
from .greedy import greedy, threshold_mask
from .mes import MesProblem

THRESHOLD_KEY = "min_project_score_threshold"
#: pabulib's mark for a project withdrawn after the vote: its cost is set to this many
#: currency units so that no greedy rule funds it (Katowice 2024 Murcki's comment)
WITHDRAWN_COST = 999_999_999


class Prepared:
    """Everything rule-independent about one election, computed once and shared by rules
    (a council comparing five rules pays for the ballots' grouping once)."""

    def __init__(self, election: Election):
        self.election = election
        self.scores: Scores = compute_scores(election)
        costs = election.costs
        score = self.scores.score
        self.order = sorted(range(len(costs)), key=lambda i: (-score[i], costs[i], i))
        self.rank = [0] * len(costs)
        for r, i in enumerate(self.order):
            self.rank[i] = r
        self._mes: MesProblem | None = None

    @property
    def mes_problem(self) -> MesProblem:
        if self._mes is None:
            self._mes = MesProblem(self.election.costs, utility_ballots(self.election), self.rank)
        return self._mes

    def outcome(self, rule: str, selected: list[int], **notes) -> Outcome:
        return Outcome(rule, self.election, selected, list(self.scores.score), notes)


def _greedy(prep: Prepared) -> Outcome:
    e = prep.election
    return prep.outcome("greedy", greedy(e.costs, prep.order, e.budget))


def _greedy_no_skip(prep: Prepared) -> Outcome:
    """Stops at the first project that does not fit, except a withdrawn one: it was never
    really on the list, and pabulib's checker walks past it too."""
    e = prep.election
    withdrawn = WITHDRAWN_COST * e.scale
    costs = e.costs
    eligible = [c != withdrawn for c in costs] if withdrawn in costs else None
    selected = greedy(costs, prep.order, e.budget, skip=False, eligible=eligible)
    return prep.outcome("greedy-no-skip", selected)


def _greedy_threshold(prep: Prepared) -> Outcome:
    e = prep.election
    try:
        threshold = e.meta_number(THRESHOLD_KEY)
    except ValueError:
        raise UnsupportedElectionError(
            f"META {THRESHOLD_KEY} is not a number: {e.meta[THRESHOLD_KEY]!r}"
        ) from None
    if threshold is None:
        raise UnsupportedElectionError(
            f"greedy-threshold needs META {THRESHOLD_KEY}, which this file does not have"
        )
    eligible = threshold_mask(prep.scores.score, threshold)
    selected = greedy(e.costs, prep.order, e.budget, eligible=eligible)
    return prep.outcome("greedy-threshold", selected, threshold=threshold)


def _per_voter(e: Election) -> Fraction:
    return Fraction(e.budget, e.num_voters)


def _mes(prep: Prepared) -> Outcome:
    e = prep.election
    if not e.num_voters:
        return prep.outcome("mes", [])
    run = prep.mes_problem.run(_per_voter(e))
    return prep.outcome("mes", run.selected, per_voter_budget=_per_voter(e))


def _add1(prep: Prepared, name: str, start: Fraction) -> Outcome:
    e = prep.election
    result = add1(prep.mes_problem, e.budget, start, step=e.scale)
    return prep.outcome(
        name,
        result.selected,
        per_voter_budget=result.per_voter_budget,
        mes_runs=result.runs,
        overspent_at=result.overspent_at,
    )


def _mes_add1(prep: Prepared) -> Outcome:
    """Textbook add1 (as pabutools): start from budget/voters, +1 currency unit per voter
    each step."""
    e = prep.election
    if not e.num_voters:
        return prep.outcome("mes-add1", [])
    return _add1(prep, "mes-add1", _per_voter(e))


def _equalshares_add1(prep: Prepared) -> Outcome:
    """equalshares.net's add1: per-voter budget starts at floor(budget/voters) currency units,
    +1 a step."""
    e = prep.election
    if not e.num_voters:
        return prep.outcome("equalshares/add1", [])
    start = e.budget // (e.num_voters * e.scale) * e.scale
    return _add1(prep, "equalshares/add1", Fraction(start))


def _equalshares_add1_comparison(prep: Prepared) -> Outcome:
    e = prep.election
    name = "equalshares/add1-comparison"
    mes = _equalshares_add1(prep)
    greedy_sel = greedy(e.costs, prep.order, e.budget)
    ballots = [(tuple(set(b)), m) for b, _, m in e.groups()]
    prefer_mes, prefer_greedy = prefer_counts(ballots, mes.selected, greedy_sel)
    winner = "greedy" if prefer_greedy > prefer_mes else "mes"
    selected = greedy_sel if winner == "greedy" else mes.selected
    return prep.outcome(
        name,
        selected,
        **mes.notes,
        prefer_mes=prefer_mes,
        prefer_greedy=prefer_greedy,
        comparison_winner=winner,
    )


RULES: dict[str, Callable[[Prepared], Outcome]] = {
    "greedy": _greedy,
    "greedy-no-skip": _greedy_no_skip,
    "greedy-threshold": _greedy_threshold,
    "mes": _mes,
    "mes-add1": _mes_add1,
    "equalshares/add1": _equalshares_add1,
    "equalshares/add1-comparison": _equalshares_add1_comparison,
}

RULE_NAMES = ("official", *RULES)


def official_rule(election: Election) -> str:
    """The rule named in the file's META, if the engine implements it."""
    name = election.rule
    if name in RULES:
        return name
    if not name or name == "unknown":
        raise UnsupportedElectionError(
            "the file does not name the rule that decided it (META rule: "
            f"{name or 'missing'}); choose one of: {', '.join(RULES)}"
        )
    raise UnsupportedElectionError(
        f"the file names rule {name!r}, which the engine does not implement "
        f"(see the META comment); choose one of: {', '.join(RULES)}"
    )


def tally(election: Election, rule: str, prepared: Prepared | None = None) -> Outcome:
    """Apply ``rule`` (a contract name, or ``official``) to ``election``."""
    if rule == "official":
        rule = official_rule(election)
    try:
        fn = RULES[rule]
    except KeyError:
        raise UnknownRuleError(
            f"unknown rule {rule!r}; choose one of: {', '.join(RULE_NAMES)}"
        ) from None
    prep = prepared if prepared is not None else Prepared(election)
    return fn(prep)
