import pytest

from accounts.models import Role
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory


@pytest.fixture
def campaign(municipality):
    return CampaignFactory(municipality=municipality)


@pytest.fixture
def idea(campaign):
    return IdeaFactory(campaign=campaign)


def member(municipality, role):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def moderator(municipality):
    return member(municipality, Role.MODERATOR)


@pytest.fixture
def staff(municipality):
    return member(municipality, Role.STAFF)


@pytest.fixture
def outsider(db):
    """A citizen of another municipality."""
    return UserFactory(municipality=MunicipalityFactory(slug="bergen", name="Bergen kommune"))


@pytest.fixture
def pre_moderated(municipality):
    from ideas import services

    return services.idea_settings_update(municipality=municipality, moderation_mode="pre")
