"""Role x action for the idea pages: anonymous, citizen, citizen of another municipality,
moderator, staff and admin, each against every action, with the outcome written down."""
import pytest
from django.urls import reverse

from accounts.models import Role
from ideas.models import Idea, Visibility
from tests.factories import UserFactory
from tests.ideas.conftest import member

ROLES = ["anonymous", "citizen", "outsider", "moderator", "staff", "admin"]
# action -> roles that succeed; everyone else is refused (login redirect, 403 or 404).
ALLOWED = {
    "view_list": set(ROLES),
    "view_idea": set(ROLES),
    "view_pending_idea": {"moderator", "staff", "admin"},
    "submit_form": {"citizen", "outsider", "moderator", "staff", "admin"},
    "support": {"citizen", "outsider", "moderator", "staff", "admin"},
    "comment": {"citizen", "outsider", "moderator", "staff", "admin"},
    "flag": {"citizen", "outsider", "moderator", "staff", "admin"},
    "moderation_queue": {"moderator", "staff", "admin"},
    "moderate": {"moderator", "staff", "admin"},
    "change_status": {"staff", "admin"},
    "record_roles": {"staff", "admin"},
    "merge": {"staff", "admin"},
    "enter_for_citizen": {"staff", "admin"},
}


def make_user(role, municipality):
    if role == "anonymous":
        return None
    if role == "citizen":
        return UserFactory(municipality=municipality)
    if role == "outsider":
        from tests.factories import MunicipalityFactory

        return UserFactory(municipality=MunicipalityFactory())
    return member(municipality, {"moderator": Role.MODERATOR, "staff": Role.STAFF, "admin": Role.ADMIN}[role])


def perform(client, action, idea, other):
    detail = reverse("ideas:detail", args=[idea.pk])
    if action == "view_list":
        return client.get(reverse("ideas:list"))
    if action == "view_idea":
        return client.get(detail)
    if action == "view_pending_idea":
        Idea.objects.filter(pk=other.pk).update(visibility=Visibility.PENDING)
        return client.get(reverse("ideas:detail", args=[other.pk]))
    if action == "submit_form":
        return client.get(reverse("ideas:submit"))
    if action == "support":
        return client.post(reverse("ideas:support", args=[idea.pk]))
    if action == "comment":
        return client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "Godt!"})
    if action == "flag":
        return client.post(reverse("ideas:flag", args=[idea.pk]), {"reason": "spam"})
    if action == "moderation_queue":
        return client.get(reverse("ideas:moderation"))
    if action == "moderate":
        return client.post(reverse("ideas:moderate", args=[idea.pk]), {"action": "hide", "reason": "Test"})
    if action == "change_status":
        return client.post(reverse("ideas:status", args=[idea.pk]),
                           {"to_status": "under_review", "answer": "Vi kigger på den."})
    if action == "record_roles":
        return client.post(reverse("ideas:roles", args=[idea.pk]), {"citizens_cocreated": "on"})
    if action == "merge":
        return client.post(reverse("ideas:merge", args=[other.pk]), {"into": idea.pk})
    if action == "enter_for_citizen":
        return client.get(reverse("ideas:enter-for-citizen"))
    raise AssertionError(action)


def effect_happened(action, idea, other) -> bool:
    idea.refresh_from_db()
    other.refresh_from_db()
    return {
        "support": idea.support_count == 1,
        "comment": idea.comment_count == 1,
        "flag": idea.flag_count == 1,
        "moderate": idea.visibility == Visibility.HIDDEN,
        "change_status": idea.status == "under_review",
        "record_roles": idea.citizens_cocreated,
        "merge": other.merged_into_id == idea.pk,
    }.get(action, True)


@pytest.mark.django_db
@pytest.mark.parametrize("action", list(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_role_action_matrix(client, municipality, idea, campaign, role, action):
    from tests.ideas.factories import IdeaFactory

    other = IdeaFactory(campaign=campaign)
    user = make_user(role, municipality)
    if user:
        client.force_login(user)
    response = perform(client, action, idea, other)
    allowed = role in ALLOWED[action]
    if allowed:
        assert response.status_code in (200, 302), (role, action, response.status_code)
        if response.status_code == 302:
            assert "/accounts/login/" not in response["Location"], (role, action)
        assert effect_happened(action, idea, other), (role, action)
    else:
        refused = response.status_code in (403, 404) or (
            response.status_code == 302 and "/accounts/login/" in response["Location"])
        assert refused, (role, action, response.status_code)
        if action not in ("view_pending_idea", "view_list", "view_idea", "submit_form",
                          "moderation_queue", "enter_for_citizen"):
            assert not effect_happened(action, idea, other), (role, action)
