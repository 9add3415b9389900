"""The staff home: what needs a staff member of one municipality today, each block linking
to where the work is done, at a constant number of queries however much is waiting."""
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Role
from budgets.models import Phase
from dinners import services as dinner_services
from ideas import services as idea_services
from ideas.models import Idea, Visibility
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.dinners.conftest import make_programme
from tests.factories import DistrictFactory, MembershipFactory, MunicipalityFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory

ROLES = ["anonymous", "citizen", "moderator", "staff", "council", "admin", "other_staff"]
ALLOWED = {"staff", "admin"}


def member(municipality, role):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user


def fill(municipality, n: int, *, tag: str = "") -> dict:
    """n of everything the staff home shows, made through the apps' services where a person
    would make them."""
    campaign = CampaignFactory(municipality=municipality)
    now = timezone.now()
    waiting = [IdeaFactory(campaign=campaign, title=f"{tag}Venter {i}", created_at=now - timedelta(days=10 + i))
               for i in range(n)]
    for i in range(n):
        idea = IdeaFactory(campaign=campaign, title=f"{tag}Afventer moderation {i}")
        Idea.objects.filter(pk=idea.pk).update(visibility=Visibility.PENDING, status="submitted")
    reported = IdeaFactory(campaign=campaign, title=f"{tag}Anmeldt idé", status="under_review")
    for i in range(n):
        comment = idea_services.comment_add(idea=reported, author=UserFactory(municipality=municipality),
                                            body=f"Kommentar {i}")
        idea_services.flag_add(user=UserFactory(municipality=municipality), comment=comment, reason="offensive")
    # Reported as often as the threshold (3): hidden until a moderator looks, so in the queue too.
    for _i in range(n):
        idea_services.flag_add(user=UserFactory(municipality=municipality), idea=reported, reason="spam")
    for i in range(n):
        process = BudgetProcessFactory(
            municipality=municipality, phase=Phase.PROPOSALS, title=f"{tag}Budget {i}",
            proposals_start=now - timedelta(days=10), review_start=now + timedelta(days=2, hours=i),
            voting_start=now + timedelta(days=20), voting_end=now + timedelta(days=30),
            results_date=now + timedelta(days=40))
        ProjectFactory(process=process, feasibility="pending", title=f"{tag}Projekt {i}")
    programme = make_programme(municipality, hosts_need_approval=True, slug=slugify(f"{tag}middage"))
    district = DistrictFactory(municipality=municipality)
    for i in range(n):
        dinner_services.dinner_offer(
            programme=programme, host=UserFactory(municipality=municipality), title=f"{tag}Middag {i}",
            venue_type="home", starts_at=now + timedelta(days=7), district=district, seats=6,
            address="Hemmeligvej 7")
    return {"waiting": waiting, "reported": reported}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_staff_home(client, municipality, role):
    if role == "other_staff":
        user = member(MunicipalityFactory(slug="bergen"), Role.STAFF)
    elif role == "citizen":
        user = UserFactory(municipality=municipality)
    elif role != "anonymous":
        user = member(municipality, {"moderator": Role.MODERATOR, "staff": Role.STAFF, "council": Role.COUNCIL,
                                     "admin": Role.ADMIN}[role])
    if role != "anonymous":
        client.force_login(user)
    response = client.get(reverse("staff-home", args=[municipality.slug]))
    if role in ALLOWED:
        assert response.status_code == 200
        # The menu links here for them only.
        assert f'href="{reverse("staff-home", args=[municipality.slug])}"' in client.get("/").content.decode()
    elif role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403
        assert 'href="/staff/' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_staff_home_lists_what_waits_oldest_first_with_links(client, municipality):
    made = fill(municipality, 3)
    fill(MunicipalityFactory(slug="bergen"), 2, tag="Bergen ")
    # Neither a phase change next month nor a project past the review phases is today's work.
    later = BudgetProcessFactory(municipality=municipality, phase=Phase.PROPOSALS, title="Senere budget",
                                 proposals_start=timezone.now() - timedelta(days=1),
                                 review_start=timezone.now() + timedelta(days=12),
                                 voting_start=timezone.now() + timedelta(days=20),
                                 voting_end=timezone.now() + timedelta(days=30),
                                 results_date=timezone.now() + timedelta(days=40))
    ProjectFactory(process=BudgetProcessFactory(municipality=municipality), feasibility="pending",
                   title="Projekt i afstemning")
    staff = member(municipality, Role.STAFF)
    client.force_login(staff)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("staff-home", args=[municipality.slug])).content.decode()
    assert "Bergen" not in html  # another municipality's work is not here
    # Ideas without an answer, the longest waiting first, with how long.
    oldest, middle, newest = (html.index(f"Venter {i}") for i in (2, 1, 0))
    assert oldest < middle < newest
    assert "Waiting for 1\xa0week, 5\xa0days" in html
    assert f'href="{reverse("ideas:detail", args=[made["waiting"][2].pk])}"' in html
    assert "Ideas waiting for an answer (3)" in html
    # The moderation queue: its size and link; reported items with their number of reports.
    assert re.search(r'<a href="/ideas/moderation/">4 ideas wait in the moderation queue</a>', html)
    assert re.search(r'Anmeldt idé</a> · 3 reports', html)
    assert html.count("A comment on “Anmeldt idé”") == 3
    # Budget phases the calendar changes this week, projects to review, dinners to approve.
    assert html.count("to “Review”") == 3
    assert len(re.findall(r'<a href="/budgets/\d+/phase/">Budget \d</a>', html)) == 3
    assert "Projects waiting for review (3)" in html and "/budgets/projects/" in html
    assert later.title not in html and "Projekt i afstemning" not in html
    assert "Dinners waiting for approval (3)" in html and "Hemmeligvej" not in html
    assert html.count('href="/dinners/dinner/') == 3


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_staff_home_reads_a_constant_number_of_queries(client, municipality, django_assert_max_num_queries):
    staff = member(municipality, Role.STAFF)
    client.force_login(staff)
    url = reverse("staff-home", args=[municipality.slug])
    fill(municipality, 1)
    few = _queries(client, url)
    fill(municipality, 4, tag="Flere ")
    with django_assert_max_num_queries(few):
        response = client.get(url)
    assert response.content.decode().count("Flere Venter") == 4
    assert few <= 20, few  # the session, the user, the roles, and one or two per block


@pytest.mark.django_db
def test_staff_index_goes_to_the_municipality_shown(client, municipality):
    client.force_login(member(municipality, Role.STAFF))
    response = client.get(reverse("staff-home-index"))
    assert response.status_code == 302 and response["Location"] == reverse("staff-home", args=[municipality.slug])
