"""Figures a council compares rules by. All exact (``Fraction``); format for display only.

For each outcome: money spent, number of projects, the share of voters with at least one
funded project on their ballot, and the average satisfaction per voter measured by cost
(money spent on projects the voter supported) and by cardinality (how many of them).
For two outcomes: how many voters prefer each (more funded projects from their ballot;
by ``measure="cost"``, more money spent on them). Money figures are in the election's minor
units (``scale`` of them to a currency unit, 1 for whole-unit files).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from .model import Election
from .outcome import Outcome


@dataclass(frozen=True)
class OutcomeStats:
    rule: str
    spent: int
    budget: int
    projects: int
    voters: int
    voters_with_a_funded_project: int
    avg_cost_satisfaction: Fraction
    avg_cardinality_satisfaction: Fraction
    #: minor units per currency unit of ``spent``, ``budget`` and the cost satisfaction
    scale: int = 1

    @property
    def share_with_a_funded_project(self) -> Fraction:
        return (
            Fraction(self.voters_with_a_funded_project, self.voters) if self.voters else Fraction(0)
        )


def _ballot_sets(election: Election) -> list[tuple[frozenset[int], int]]:
    merged: dict[frozenset[int], int] = {}
    for ballot, _, mult in election.groups():
        key = frozenset(ballot)
        merged[key] = merged.get(key, 0) + mult
    return list(merged.items())


def outcome_stats(outcome: Outcome) -> OutcomeStats:
    e = outcome.election
    costs = e.costs
    chosen = set(outcome.selected)
    reached = 0
    cost_sat = 0
    card_sat = 0
    for ballot, mult in _ballot_sets(e):
        funded = ballot & chosen
        if funded:
            reached += mult
            card_sat += mult * len(funded)
            cost_sat += mult * sum(costs[p] for p in funded)
    n = e.num_voters
    return OutcomeStats(
        rule=outcome.rule,
        spent=outcome.spent,
        budget=e.budget,
        projects=len(outcome.selected),
        voters=n,
        voters_with_a_funded_project=reached,
        avg_cost_satisfaction=Fraction(cost_sat, n) if n else Fraction(0),
        avg_cardinality_satisfaction=Fraction(card_sat, n) if n else Fraction(0),
        scale=e.scale,
    )


def preference(a: Outcome, b: Outcome, *, measure: str = "cardinality") -> tuple[int, int]:
    """(voters who prefer ``a``, voters who prefer ``b``); indifferent voters count for neither."""
    if a.election is not b.election:
        raise ValueError("outcomes of different elections cannot be compared")
    if measure not in ("cardinality", "cost"):
        raise ValueError(f"unknown measure {measure!r} (cardinality or cost)")
    costs = a.election.costs
    sa, sb = set(a.selected), set(b.selected)
    prefer_a = prefer_b = 0
    for ballot, mult in _ballot_sets(a.election):
        if measure == "cardinality":
            ua, ub = len(ballot & sa), len(ballot & sb)
        else:
            ua = sum(costs[p] for p in ballot & sa)
            ub = sum(costs[p] for p in ballot & sb)
        if ua > ub:
            prefer_a += mult
        elif ub > ua:
            prefer_b += mult
    return prefer_a, prefer_b


def pairwise(
    outcomes: Sequence[Outcome], *, measure: str = "cardinality"
) -> dict[tuple[str, str], int]:
    """``{(rule_a, rule_b): voters preferring a's outcome to b's}`` for every ordered pair."""
    table: dict[tuple[str, str], int] = {}
    for i, a in enumerate(outcomes):
        for b in outcomes[i + 1 :]:
            pa, pb = preference(a, b, measure=measure)
            table[(a.rule, b.rule)] = pa
            table[(b.rule, a.rule)] = pb
    return table
