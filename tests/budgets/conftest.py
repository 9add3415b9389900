import pytest

from accounts.models import Role
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import MembershipFactory, UserFactory


@pytest.fixture
def process(municipality):
    process = BudgetProcessFactory(municipality=municipality)
    for code, cost in (("A", 60_000), ("B", 50_000), ("C", 30_000), ("D", 20_000)):
        ProjectFactory(process=process, code=code, cost=cost, title=f"Projekt {code}")
    return process


@pytest.fixture
def voter(municipality):
    return UserFactory(municipality=municipality, birth_year=1980)


@pytest.fixture
def council(municipality):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=Role.COUNCIL)
    return user


@pytest.fixture
def budget_staff(municipality):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=Role.STAFF)
    return user
