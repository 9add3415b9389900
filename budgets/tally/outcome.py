"""The result of applying a rule to an election."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .model import Election, Number


def json_number(value: Number) -> int | float:
    """Scores are exact; JSON gets an int, or (only for fractional points) a float for display."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


@dataclass
class Outcome:
    rule: str
    election: Election = field(repr=False, compare=False)
    #: project indices in the order the rule selected them
    selected: list[int]
    #: per-project score used by the rule's ranking (approvals / points / positional points)
    scores: list[Number] = field(repr=False)
    #: rule-specific facts worth showing (per-voter budget reached by add1, comparison counts…)
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def spent(self) -> int:
        costs = self.election.costs
        return sum(costs[i] for i in self.selected)

    @property
    def selected_ids(self) -> list[str]:
        ids = self.election.project_ids
        return [ids[i] for i in self.selected]

    def as_json(self) -> dict[str, Any]:
        """The ``pb_tally --json`` document."""
        ids = self.election.project_ids
        return {
            "selected": self.selected_ids,
            "spent": self.spent,
            "scores": {ids[i]: json_number(s) for i, s in enumerate(self.scores)},
        }
