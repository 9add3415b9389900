"""Pages keep a constant number of queries whatever the number of ideas, supports and comments."""
import pytest
from django.urls import reverse

from ideas import services
from ideas.models import Comment, Visibility
from tests.factories import UserFactory
from tests.ideas.factories import CategoryFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def fill(campaign, ideas: int, comments: int):
    category = CategoryFactory(municipality=campaign.municipality)
    district = campaign.municipality.districts.create(name="Viby", slug="viby")
    made = [IdeaFactory(campaign=campaign, category=category, district=district) for _ in range(ideas)]
    people = [UserFactory() for _ in range(3)]
    for person in people:
        services.idea_support(idea=made[0], user=person)
    for n in range(comments):
        top = Comment.objects.create(idea=made[0], author=people[n % 3], body=f"Kommentar {n}",
                                     visibility=Visibility.VISIBLE)
        Comment.objects.create(idea=made[0], author=people[(n + 1) % 3], parent=top, body="Svar",
                               visibility=Visibility.VISIBLE)
    return made


@pytest.mark.parametrize("ideas", [3, 30])
def test_idea_list_queries_are_constant(client, campaign, citizen, ideas, django_assert_max_num_queries):
    fill(campaign, ideas, comments=2)
    client.force_login(citizen)
    # 11: the cards' first images are one query for the page (ideas.selectors.first_images);
    # one counts the header's unread notifications, on a cold cache (notify.selectors).
    with django_assert_max_num_queries(11):
        response = client.get(reverse("ideas:list") + "?sort=supported")
    assert response.status_code == 200
    assert response.content.decode().count('class="hoest-card"') == min(ideas, 20)


@pytest.mark.parametrize("comments", [2, 40])
def test_idea_page_queries_are_constant(client, campaign, staff, comments, django_assert_max_num_queries):
    idea = fill(campaign, 1, comments)[0]
    client.force_login(staff)  # the heaviest view: staff and moderation panels included
    # 14 with the one that finds staff's second factor (accounts.mfa), asked once per request,
    # and the header's count of unread notifications, on a cold cache (notify.selectors).
    with django_assert_max_num_queries(14):
        response = client.get(reverse("ideas:detail", args=[idea.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('class="hoest-comment"') == comments * 2


def test_api_list_queries_are_constant(client, campaign, django_assert_max_num_queries):
    fill(campaign, 30, comments=0)
    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/ideas/", {"municipality": campaign.municipality.slug})
    assert response.json()["count"] == 30
