"""The elections of a process: the citywide budget and each district budget are tallied
apart, as pabulib keeps one file per district next to the citywide one.

A `BudgetElection` names one of them; everything that counts, checks or exports ballots
takes one, so no query ever mixes the ballots of two elections.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import BudgetProcess, DistrictBudget


@dataclass(frozen=True)
class BudgetElection:
    process: BudgetProcess
    district_budget: DistrictBudget | None = None

    @property
    def is_citywide(self) -> bool:
        return self.district_budget is None

    @property
    def key(self) -> str:
        """"" for the citywide election, else the district budget's slug (URLs, exports)."""
        return self.district_budget.slug if self.district_budget else ""

    @property
    def district(self):
        return self.district_budget.district if self.district_budget else None

    @property
    def name(self) -> str:
        return self.district_budget.name if self.district_budget else _("Citywide")

    @property
    def amount(self) -> int:
        return self.district_budget.amount if self.district_budget else self.process.total_budget

    @property
    def knapsack_limit(self) -> int:
        return self.district_budget.knapsack_limit if self.district_budget else self.process.knapsack_limit

    @property
    def hash_scope(self) -> str:
        """What sets this election's voter hashes apart from the other elections' ones."""
        return f"district-budget:{self.district_budget.pk}" if self.district_budget else ""

    @property
    def filter(self) -> dict:
        """Keyword filter of the election's projects, ballots and participations."""
        return {"process_id": self.process.pk, "district_budget": self.district_budget}


def process_elections(process: BudgetProcess) -> list[BudgetElection]:
    """The citywide election first (if the process has one), then the district budgets."""
    elections = [BudgetElection(process)] if process.citywide else []
    # .all(): the process selectors prefetch district_budgets__district
    elections += [BudgetElection(process, d) for d in process.district_budgets.all()]
    return elections


def election_get(process: BudgetProcess, key: str | None) -> BudgetElection | None:
    """The election named by `key` ("" or None: the citywide one), or None if there is none."""
    if not key:
        return BudgetElection(process) if process.citywide else None
    found = process.district_budgets.select_related("district").filter(slug=key).first()
    return BudgetElection(process, found) if found else None


def election_default(process: BudgetProcess) -> BudgetElection | None:
    """The citywide election, or the first district budget of a process without one."""
    elections = process_elections(process)
    return elections[0] if elections else None
