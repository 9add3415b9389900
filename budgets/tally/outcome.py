"""The result of applying a rule to an election."""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from .model import Election, Number
from .pbformat import format_money


def json_number(value: Number) -> int | float:
    """Scores are exact; JSON gets an int, or (only for fractional points) a float for display."""
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else float(value)
    return value


def json_money(amount: int, scale: int) -> int | float | str:
    """``amount`` minor units in currency units for JSON: an int when whole (every amount of
    a whole-unit file), else the number the file's notation writes (``1794579.57``). A float
    prints as its shortest round-trip text, which is that notation for any amount of up to
    15 significant digits; a longer one is given as the exact text instead."""
    if amount % scale == 0:
        return amount // scale
    text = format_money(amount, scale)
    number = float(text)
    return number if repr(number) == text else text


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
        """Money spent, in minor units (``election.format_money(outcome.spent)`` to show it)."""
        costs = self.election.costs
        return sum(costs[i] for i in self.selected)

    @property
    def spent_text(self) -> str:
        """Money spent in the file's notation (``"1794579.57"``)."""
        return self.election.format_money(self.spent)

    @property
    def selected_ids(self) -> list[str]:
        ids = self.election.project_ids
        return [ids[i] for i in self.selected]

    def as_json(self) -> dict[str, Any]:
        """The ``pb_tally --json`` document; ``spent`` in currency units."""
        ids = self.election.project_ids
        return {
            "selected": self.selected_ids,
            "spent": json_money(self.spent, self.election.scale),
            "scores": {ids[i]: json_number(s) for i, s in enumerate(self.scores)},
        }
