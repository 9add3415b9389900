from datetime import timedelta

import factory
from django.utils import timezone

from budgets.models import BudgetProcess, Phase, Project
from tests.factories import MunicipalityFactory


def _at(days: int):
    return factory.LazyFunction(lambda: timezone.now() + timedelta(days=days))


class BudgetProcessFactory(factory.django.DjangoModelFactory):
    """A process in its voting phase, with dates to match."""

    class Meta:
        model = BudgetProcess

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Borgerbudget {n}")
    slug = factory.Sequence(lambda n: f"borgerbudget-{n}")
    currency = "DKK"
    total_budget = 100_000
    tally_rule = "greedy"
    ballot_type = "approval"
    phase = Phase.VOTING
    proposals_start = _at(-30)
    review_start = _at(-20)
    voting_start = _at(-1)
    voting_end = _at(10)
    results_date = _at(20)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    process = factory.SubFactory(BudgetProcessFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    title = factory.Sequence(lambda n: f"Projekt {n}")
    cost = 30_000
    feasibility = "feasible"
