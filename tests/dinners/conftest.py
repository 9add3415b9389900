from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from dinners import services
from dinners.models import DinnerStatus
from tests.factories import DistrictFactory, MembershipFactory, UserFactory

QUESTIONS = ["Hvad er et godt liv her?", "Hvad kan du selv gøre?", "Hvad skal kommunen holde op med?"]


def make_programme(municipality, **overrides):
    now = timezone.now()
    values = dict(
        municipality=municipality, title="Kommunen forfra", theme="Hvis vi startede forfra",
        host_instructions="Inviter 5-8 mennesker.", privacy_text="Adressen ses kun af gæsterne.",
        signup_opens=now - timedelta(days=5), signup_closes=now + timedelta(days=5),
        dinners_from=now - timedelta(days=10), dinners_until=now + timedelta(days=30),
        questions=QUESTIONS, max_seats=8, hosts_need_approval=False)
    values.update(overrides)
    return services.programme_create(**values)


def make_dinner(programme, host, *, district, seats=6, private_seats=0, days=7, **overrides):
    values = dict(title="Suppe og snak", venue_type="home", starts_at=timezone.now() + timedelta(days=days),
                  district=district, seats=seats, private_seats=private_seats,
                  address="Hemmeligvej 7, 8000 Aarhus C", menu="Suppe", diets="Vegetar")
    values.update(overrides)
    dinner = services.dinner_offer(programme=programme, host=host, **values)
    if dinner.status == DinnerStatus.PENDING:
        staff = UserFactory(municipality=programme.municipality)
        MembershipFactory(user=staff, municipality=programme.municipality, role=Role.STAFF)
        services.dinner_decide(dinner=dinner, actor=staff, approve=True)
        dinner.refresh_from_db()
    return dinner


@pytest.fixture
def district(municipality):
    return DistrictFactory(municipality=municipality, name="Trøjborg", slug="trojborg")


@pytest.fixture
def programme(municipality, district):
    return make_programme(municipality)


@pytest.fixture
def host(municipality, district):
    return UserFactory(municipality=municipality, district=district, birth_year=1970, display_name="Vera Vært")


@pytest.fixture
def dinner(programme, host, district):
    return make_dinner(programme, host, district=district)


@pytest.fixture
def staff(municipality):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=Role.STAFF)
    return user


@pytest.fixture
def moderator(municipality):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=Role.MODERATOR)
    return user


@pytest.fixture
def guests(municipality):
    return [UserFactory(municipality=municipality, birth_year=1950 + 7 * n) for n in range(10)]
