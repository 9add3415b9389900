import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from ideas.models import Idea, Visibility
from tests.factories import UserFactory
from tests.ideas.conftest import member

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_list_search_and_detail_for_anonymous(api, idea, municipality):
    listing = api.get("/api/v1/ideas/", {"municipality": municipality.slug, "q": idea.title})
    assert listing.status_code == 200
    assert [i["id"] for i in listing.json()["results"]] == [idea.pk]
    detail = api.get(f"/api/v1/ideas/{idea.pk}/").json()
    assert detail["title"] == idea.title and detail["support_count"] == 0
    assert "<p>" in detail["body_html"]


def test_support_and_withdraw_through_the_api(api, idea, citizen):
    api.force_authenticate(citizen)
    assert api.post(f"/api/v1/ideas/{idea.pk}/support/").json()["support_count"] == 1
    assert api.post(f"/api/v1/ideas/{idea.pk}/support/").json()["support_count"] == 1
    assert api.delete(f"/api/v1/ideas/{idea.pk}/support/").json()["support_count"] == 0


def test_submit_validation_errors_name_the_fields(api, campaign, citizen):
    api.force_authenticate(citizen)
    response = api.post("/api/v1/ideas/", {"campaign": campaign.pk, "title": "", "latitude": 200},
                        format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert {"title", "body", "latitude"} <= set(body["fields"])
    assert body["code"] == "invalid"


def test_submit_then_comment_and_reply(api, campaign, citizen):
    api.force_authenticate(citizen)
    created = api.post("/api/v1/ideas/", {"campaign": campaign.pk, "title": "Grønne tage",
                                          "body": "Sedum på alle skoletage"}, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    first = api.post(f"/api/v1/ideas/{pk}/comments/", {"body": "Godt"}, format="json").json()
    api.post(f"/api/v1/ideas/{pk}/comments/", {"body": "Enig", "parent": first["id"]}, format="json")
    thread = api.get(f"/api/v1/ideas/{pk}/comments/").json()
    assert [c["body"] for c in thread] == ["Godt"]
    assert [r["body"] for r in thread[0]["replies"]] == ["Enig"]


def test_status_change_needs_staff_and_an_answer(api, idea, citizen, staff):
    api.force_authenticate(citizen)
    assert api.post(f"/api/v1/ideas/{idea.pk}/status/", {"to_status": "accepted", "answer": "Ja"},
                    format="json").status_code == 403
    api.force_authenticate(staff)
    missing = api.post(f"/api/v1/ideas/{idea.pk}/status/", {"to_status": "not_pursued", "answer": ""},
                       format="json")
    assert missing.status_code == 400 and "answer" in missing.json()["fields"]
    done = api.post(f"/api/v1/ideas/{idea.pk}/status/", {"to_status": "accepted", "answer": "Ja tak"},
                    format="json")
    assert done.status_code == 200
    assert done.json()["answers"][-1]["answer"] == "Ja tak"


def test_moderation_queue_and_actions(api, idea, municipality, moderator, citizen):
    Idea.objects.filter(pk=idea.pk).update(visibility=Visibility.PENDING)
    api.force_authenticate(citizen)
    assert api.get("/api/v1/moderation/queue/", {"municipality": municipality.slug}).status_code == 403
    api.force_authenticate(moderator)
    queue = api.get("/api/v1/moderation/queue/", {"municipality": municipality.slug}).json()
    assert [(i["kind"], i["id"]) for i in queue] == [("idea", idea.pk)]
    hide = api.post(f"/api/v1/moderation/ideas/{idea.pk}/", {"action": "hide"}, format="json")
    assert hide.status_code == 400, "hiding needs a reason"
    assert api.post(f"/api/v1/moderation/ideas/{idea.pk}/", {"action": "approve"},
                    format="json").status_code == 204
    history = api.get(f"/api/v1/ideas/{idea.pk}/history/").json()
    assert history[0]["action"] == "approve"


def test_roles_and_merge_for_staff(api, idea, campaign, staff):
    from tests.ideas.factories import IdeaFactory

    duplicate = IdeaFactory(campaign=campaign)
    api.force_authenticate(staff)
    roles = api.patch(f"/api/v1/ideas/{idea.pk}/roles/", {"citizens_cocreated": True,
                                                           "citizens_cocreated_note": "Borgere byggede"},
                      format="json")
    assert roles.status_code == 200 and roles.json()["citizens_cocreated"] is True
    merged = api.post(f"/api/v1/ideas/{duplicate.pk}/merge/", {"into": idea.pk}, format="json")
    assert merged.status_code == 200 and merged.json()["id"] == idea.pk
    assert api.get(f"/api/v1/ideas/{duplicate.pk}/").json()["merged_into"] == idea.pk


def test_pending_idea_is_not_found_for_others(api, idea, municipality):
    Idea.objects.filter(pk=idea.pk).update(visibility=Visibility.PENDING)
    assert api.get(f"/api/v1/ideas/{idea.pk}/").status_code == 404
    outsider_moderator = member(UserFactory().municipality, Role.MODERATOR)
    api.force_authenticate(outsider_moderator)
    assert api.get(f"/api/v1/ideas/{idea.pk}/").status_code == 404, "moderators only see their own municipality"


def test_campaign_creation_is_for_staff_of_that_municipality(api, municipality, staff, citizen):
    payload = {"municipality": municipality.slug, "title": "Hvad skal byen bruge havnen til?",
               "open_to_influence": "Brugen af kajen", "fixed_frame": "Lokalplanen", "decided_by": "Byrådet",
               "answer_by": "2027-06-01", "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2027-01-01T00:00:00Z"}
    api.force_authenticate(citizen)
    assert api.post("/api/v1/campaigns/", payload, format="json").status_code == 403
    api.force_authenticate(staff)
    created = api.post("/api/v1/campaigns/", payload, format="json")
    assert created.status_code == 201 and created.json()["is_open"] is True
    assert api.get("/api/v1/campaigns/", {"municipality": municipality.slug}).json()["count"] == 1
