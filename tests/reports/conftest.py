import pytest

from accounts.models import Country, Role
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory


def member(municipality, role):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def bergen(db):
    return MunicipalityFactory(slug="bergen", name="Bergen kommune", country=Country.NORWAY)


@pytest.fixture
def staff(municipality):
    return member(municipality, Role.STAFF)


@pytest.fixture
def council(municipality):
    return member(municipality, Role.COUNCIL)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client
