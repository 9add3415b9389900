"""“My activity” on the account: a person's ideas, supports, follows, dinners and the budgets
they voted in — that they voted, never what — in a constant number of queries."""
import pytest
from django.urls import reverse

from budgets import services as budget_services
from dinners import services as dinner_services
from ideas.models import Follow, Support, Visibility
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.dinners.conftest import make_dinner, make_programme
from tests.factories import DistrictFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(municipality):
    district = DistrictFactory(municipality=municipality, name="Trøjborg", slug="trojborg")
    return UserFactory(municipality=municipality, district=district, birth_year=1980)


def activity(client, person) -> str:
    client.force_login(person)
    html = client.get(reverse("account-profile")).content.decode()
    return html[html.index('id="activity"'):html.index('id="activity-title"') + 6000]


def test_an_empty_account_says_so(client, person):
    html = activity(client, person)
    assert "Min aktivitet" in html and "Du har ikke indsendt en idé endnu." in html
    assert "Du har ikke stemt i et borgerbudget endnu." in html


def test_everything_i_did_and_nothing_of_my_ballot(client, person, municipality):
    campaign = CampaignFactory(municipality=municipality)
    IdeaFactory(campaign=campaign, author=person, title="Min idé om cykelstier")
    supported = IdeaFactory(campaign=campaign, title="Bænke ved åen")
    hidden = IdeaFactory(campaign=campaign, title="Skjult idé", visibility=Visibility.HIDDEN)
    for idea in (supported, hidden):
        Support.objects.create(idea=idea, user=person)
    Follow.objects.create(idea=supported, user=person)
    process = BudgetProcessFactory(municipality=municipality, title="Borgerbudget Viby")
    ProjectFactory(process=process, code="A", title="Hemmelig legeplads", cost=10_000)
    budget_services.ballot_cast(process=process, user=person, choice={"projects": ["A"]})
    programme = make_programme(municipality)
    make_dinner(programme, person, district=person.district, title="Suppe hos mig")
    other = make_dinner(programme, UserFactory(municipality=municipality), district=person.district,
                        title="Lasagne i Viby")
    dinner_services.seat_book(dinner=other, guest=person)

    html = activity(client, person)
    assert "Min idé om cykelstier" in html
    assert html.count("Bænke ved åen") == 2, "supported and followed"
    assert "Skjult idé" not in html, "a hidden idea is not listed as supported"
    assert "Borgerbudget Viby" in html and "Du stemte den" in html
    assert "Hemmelig legeplads" not in html, "that I voted, never what"
    assert "Suppe hos mig" in html and "Lasagne i Viby" in html


def test_the_queries_do_not_grow_with_what_i_did(client, person, municipality, django_assert_max_num_queries):
    campaign = CampaignFactory(municipality=municipality)
    client.force_login(person)
    url = reverse("account-profile")
    IdeaFactory(campaign=campaign, author=person)
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    for n in range(12):
        idea = IdeaFactory(campaign=campaign, **({"author": person} if n % 2 else {}))
        Support.objects.create(idea=idea, user=person)
        Follow.objects.create(idea=idea, user=person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url).content.decode()
    assert "De seneste ti vises" in html


def test_my_comments_on_ideas_and_projects_link_to_the_comment_and_say_when_others_cannot_see_it(
        client, person, municipality):
    from budgets.models import ProjectComment
    from ideas.models import Comment

    campaign = CampaignFactory(municipality=municipality)
    idea = IdeaFactory(campaign=campaign, title="Bænke ved åen")
    hidden_idea = IdeaFactory(campaign=campaign, title="Skjult idé", visibility=Visibility.HIDDEN)
    published = Comment.objects.create(idea=idea, author=person, body="God idé", visibility=Visibility.VISIBLE)
    Comment.objects.create(idea=idea, author=person, body="Og en til", visibility=Visibility.HIDDEN)
    Comment.objects.create(idea=hidden_idea, author=person, body="Væk", visibility=Visibility.VISIBLE)
    Comment.objects.create(idea=idea, author=UserFactory(municipality=municipality), body="Ikke min",
                           visibility=Visibility.VISIBLE)
    process = BudgetProcessFactory(municipality=municipality, title="Borgerbudget Viby")
    project = ProjectFactory(process=process, code="A", title="Legeplads i parken", cost=10_000)
    on_project = ProjectComment.objects.create(project=project, author=person, body="Ja tak",
                                               visibility=Visibility.PENDING)
    draft = BudgetProcessFactory(municipality=municipality, title="Kladde", draft=True)
    ProjectComment.objects.create(project=ProjectFactory(process=draft, code="B", title="Kladdeprojekt", cost=1),
                                  author=person, body="Tidligt", visibility=Visibility.VISIBLE)

    html = activity(client, person)
    assert "Mine kommentarer" in html
    assert f'/ideas/{idea.pk}/#comment-{published.pk}' in html, "a comment links to itself on the idea's page"
    assert html.count("Bænke ved åen") == 2, "both of my comments there, not the neighbour's"
    assert "Skjult af en moderator" in html, "the hidden comment says so"
    assert "Skjult idé" not in html, "nor a comment on an idea nobody else can see"
    assert f'/budgets/{process.pk}/projects/A/#comment-{on_project.pk}' in html
    assert "Legeplads i parken" in html and "Venter på moderering" in html
    assert "Kladdeprojekt" not in html, "a draft's project is not listed"


def test_no_comments_yet_in_english(client, person):
    client.cookies["django_language"] = "en"
    html = activity(client, person)
    assert "You have not commented on an idea yet." in html
    assert "You have not commented on a budget project yet." in html
