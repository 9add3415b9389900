"""Role x action for the ideas API, with the same expectations as the pages."""
import pytest
from rest_framework.test import APIClient

from ideas.models import Idea, Visibility
from tests.ideas.factories import IdeaFactory
from tests.ideas.test_pages_permissions import ROLES, make_user

ALLOWED = {
    "list": set(ROLES),
    "retrieve": set(ROLES),
    "retrieve_pending": {"moderator", "staff", "admin"},
    "create": {"citizen", "outsider", "moderator", "staff", "admin"},
    "create_on_behalf": {"staff", "admin"},
    "support": {"citizen", "outsider", "moderator", "staff", "admin"},
    "comment": {"citizen", "outsider", "moderator", "staff", "admin"},
    "flag": {"citizen", "outsider", "moderator", "staff", "admin"},
    "queue": {"moderator", "staff", "admin"},
    "moderate": {"moderator", "staff", "admin"},
    "history": {"moderator", "staff", "admin"},
    "status": {"staff", "admin"},
    "roles": {"staff", "admin"},
    "merge": {"staff", "admin"},
    "campaign_create": {"staff", "admin"},
}


def perform(api, action, idea, other, municipality):
    base = f"/api/v1/ideas/{idea.pk}/"
    slug = {"municipality": municipality.slug}
    return {
        "list": lambda: api.get("/api/v1/ideas/", slug),
        "retrieve": lambda: api.get(base),
        "retrieve_pending": lambda: (Idea.objects.filter(pk=other.pk).update(visibility=Visibility.PENDING),
                                     api.get(f"/api/v1/ideas/{other.pk}/"))[1],
        "create": lambda: api.post("/api/v1/ideas/", {"campaign": idea.campaign_id, "title": "Ny",
                                                      "body": "Tekst"}, format="json"),
        "create_on_behalf": lambda: api.post("/api/v1/ideas/", {"campaign": idea.campaign_id, "title": "Fra brev",
                                                                "body": "Tekst", "source": "paper",
                                                                "citizen_name": "Else"}, format="json"),
        "support": lambda: api.post(base + "support/"),
        "comment": lambda: api.post(base + "comments/", {"body": "Godt"}, format="json"),
        "flag": lambda: api.post(base + "flags/", {"reason": "spam"}, format="json"),
        "queue": lambda: api.get("/api/v1/moderation/queue/", slug),
        "moderate": lambda: api.post(f"/api/v1/moderation/ideas/{idea.pk}/", {"action": "hide", "reason": "x"},
                                     format="json"),
        "history": lambda: api.get(base + "history/"),
        "status": lambda: api.post(base + "status/", {"to_status": "under_review", "answer": "Ja"}, format="json"),
        "roles": lambda: api.patch(base + "roles/", {"citizens_cocreated": True}, format="json"),
        "merge": lambda: api.post(f"/api/v1/ideas/{other.pk}/merge/", {"into": idea.pk}, format="json"),
        "campaign_create": lambda: api.post("/api/v1/campaigns/", {
            "municipality": municipality.slug, "title": "Havnen", "open_to_influence": "x", "fixed_frame": "y",
            "decided_by": "Byrådet", "answer_by": "2027-01-01", "opens_at": "2026-01-01T00:00:00Z",
            "closes_at": "2027-06-01T00:00:00Z"}, format="json"),
    }[action]()


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_api_role_action_matrix(municipality, campaign, idea, role, action):
    other = IdeaFactory(campaign=campaign)
    api = APIClient()
    user = make_user(role, municipality)
    if user:
        api.force_authenticate(user)
    response = perform(api, action, idea, other, municipality)
    if role in ALLOWED[action]:
        assert response.status_code in (200, 201, 204), (role, action, response.status_code, response.content[:300])
    else:
        assert response.status_code in (401, 403, 404), (role, action, response.status_code)
        assert set(response.json()) == {"detail", "code", "fields"}
