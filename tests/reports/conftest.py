import pytest

from accounts.models import Country, Role
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory


@pytest.fixture(autouse=True)
def _english(settings, client):
    """These tests read the English source texts; Danish is what the browser journey and
    the translation tests check."""
    settings.LANGUAGE_CODE = "en"
    client.cookies["django_language"] = "en"


def member(municipality, role):
    user = UserFactory(municipality=municipality, preferred_language="en")
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
