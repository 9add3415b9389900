import pytest
from django.db import transaction

from accounts.models import Role
from ideas import services as idea_services
from ideas.models import Status
from tests.factories import MembershipFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory


@pytest.fixture
def staff(municipality):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=Role.STAFF)
    return user


@pytest.fixture
def author(municipality):
    return UserFactory(municipality=municipality, preferred_language="en")


@pytest.fixture
def idea(municipality, author):
    idea = IdeaFactory(campaign=CampaignFactory(municipality=municipality), author=author, title="Bænke ved åen")
    idea_services.idea_follow(idea=idea, user=author)  # as submitting does
    return idea


STEPS = [Status.UNDER_REVIEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.IMPLEMENTED]


def status_change(idea, staff, to_status=Status.UNDER_REVIEW):
    """Something happens to the idea: staff give it a new status (the author hears of it)."""
    with transaction.atomic():
        return idea_services.idea_status_change(actor=staff, idea=idea, to_status=to_status,
                                                answer="Vi kigger på det.")
