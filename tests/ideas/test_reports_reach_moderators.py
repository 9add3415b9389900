"""A citizen's report reaches the moderators: a flagged idea or comment that is still
published (below the threshold that hides it) waits in the moderation queue, page and API,
with the number of open reports and their reasons, until a moderator decides."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ideas import services
from ideas.models import Flag, Visibility
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(idea):
    return services.comment_add(idea=idea, author=UserFactory(municipality=idea.municipality),
                                body="Det her er reklame for min butik")


def english_client(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_a_flagged_comment_waits_in_the_queue_with_its_count_and_reasons(client, idea, comment, citizen, moderator):
    citizen_client = english_client(client, citizen)
    response = citizen_client.post(reverse("ideas:flag-comment", args=[comment.pk]),
                                   {"reason": "spam", "explanation": "Reklame"}, follow=True)
    assert "A moderator will look at it" in response.content.decode()
    services.flag_add(user=UserFactory(municipality=idea.municipality), reason="offensive", comment=comment)
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE, "below the threshold it stays published"

    page = english_client(client, moderator).get(reverse("ideas:moderation")).content.decode()
    card = page.split(f'id="queue-comment-{comment.pk}"')[1].split("</li>\n")[0]
    assert "Reported 2 times" in card and "still published" in card
    assert "Spam or advertising" in card and "Offensive or discriminating" in card
    assert "Reklame" in card
    assert "Keep published (dismiss the reports)" in card and "Hide" in card

    api = APIClient()
    api.force_authenticate(moderator)
    items = api.get("/api/v1/moderation/queue/?municipality=aarhus").json()
    item = next(i for i in items if i["kind"] == "comment" and i["id"] == comment.pk)
    assert item["flag_count"] == 2 and item["visibility"] == "visible"
    assert sorted(item["flags"]) == ["offensive", "spam"]
    assert {r["explanation"] for r in item["reports"]} == {"Reklame", ""}


def test_a_flagged_idea_is_in_the_queue_and_leaves_it_when_kept(client, idea, citizen, moderator):
    services.flag_add(user=citizen, reason="off_topic", idea=idea)
    moderator_client = english_client(client, moderator)
    page = moderator_client.get(reverse("ideas:moderation")).content.decode()
    assert f'id="queue-idea-{idea.pk}"' in page and "Reported 1 time" in page

    response = moderator_client.post(reverse("ideas:moderate", args=[idea.pk]),
                                     {"action": "approve", "reason": "", "next": reverse("ideas:moderation")})
    assert response.status_code == 302
    assert not Flag.objects.filter(idea=idea, resolved=False).exists()
    assert f'id="queue-idea-{idea.pk}"' not in moderator_client.get(reverse("ideas:moderation")).content.decode()
    idea.refresh_from_db()
    assert idea.visibility == Visibility.VISIBLE


def test_an_unflagged_published_idea_is_not_in_the_queue(client, idea, moderator):
    page = english_client(client, moderator).get(reverse("ideas:moderation")).content.decode()
    assert f'id="queue-idea-{idea.pk}"' not in page
