import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from ideas.models import Idea, Visibility
from tests.factories import MunicipalityFactory, UserFactory
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


def en(response):
    assert response.status_code == 400, response.content[:300]
    return response.json()["fields"]


def test_an_idea_takes_only_what_the_submit_page_offers(api, campaign, municipality, citizen):
    from datetime import timedelta

    from django.utils import timezone

    from tests.factories import DistrictFactory
    from tests.ideas.factories import CampaignFactory, CategoryFactory

    elsewhere = MunicipalityFactory(slug="odense")
    api.force_authenticate(citizen)
    idea = {"campaign": campaign.pk, "title": "Grønne tage", "body": "Sedum på alle skoletage"}
    fields = en(api.post("/api/v1/ideas/", {**idea, "category": CategoryFactory(municipality=elsewhere).pk,
                                            "district": DistrictFactory(municipality=elsewhere).pk},
                         format="json", HTTP_ACCEPT_LANGUAGE="en"))
    assert fields == {"category": ["Choose a category of this municipality."],
                      "district": ["Choose a district of this municipality."]}
    closed = CampaignFactory(municipality=municipality, closes_at=timezone.now() - timedelta(days=1),
                             opens_at=timezone.now() - timedelta(days=9))
    fields = en(api.post("/api/v1/ideas/", {**idea, "campaign": closed.pk}, format="json", HTTP_ACCEPT_LANGUAGE="en"))
    assert fields == {"campaign": ["Choose a campaign that is open for ideas."]}
    assert not Idea.objects.filter(title="Grønne tage").exists()
    mine = CategoryFactory(municipality=municipality)
    created = api.post("/api/v1/ideas/", {**idea, "category": mine.pk, "latitude": 56.15, "longitude": 10.2},
                       format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["category"] == mine.name


def test_a_reply_is_to_a_comment_on_the_same_idea(api, idea, campaign, citizen):
    from tests.ideas.factories import IdeaFactory

    api.force_authenticate(citizen)
    other = api.post(f"/api/v1/ideas/{IdeaFactory(campaign=campaign).pk}/comments/", {"body": "Godt"},
                     format="json").json()
    fields = en(api.post(f"/api/v1/ideas/{idea.pk}/comments/", {"body": "Enig", "parent": other["id"]},
                         format="json", HTTP_ACCEPT_LANGUAGE="en"))
    assert fields == {"parent": ["You can only reply to a comment on the same idea."]}
    assert en(api.post(f"/api/v1/ideas/{idea.pk}/comments/", {"body": "x" * 3001}, format="json",
                       HTTP_ACCEPT_LANGUAGE="en")) == {"body": ["Ensure this value has at most 3000 characters (it has 3001)."]}


def test_a_status_change_says_where_the_idea_can_go(api, idea, staff):
    api.force_authenticate(staff)
    url = f"/api/v1/ideas/{idea.pk}/status/"
    fields = en(api.post(url, {"to_status": "submitted", "answer": "Tilbage"}, format="json", HTTP_ACCEPT_LANGUAGE="en"))
    assert fields == {"to_status": ["An idea that is “Published” can become: Under review, Accepted, In progress, "
                                    "Implemented, Not pursued."]}
    assert en(api.post(url, {"to_status": "not_pursued"}, format="json", HTTP_ACCEPT_LANGUAGE="en")) == {
        "answer": ["Explain why the idea is not pursued."]}
    assert en(api.post(url, {"to_status": "accepted", "answer": " "}, format="json", HTTP_ACCEPT_LANGUAGE="en")) == {
        "answer": ["Write the public answer that goes with the new status."]}


def test_hiding_needs_a_reason_for_the_author(api, idea, moderator):
    api.force_authenticate(moderator)
    fields = en(api.post(f"/api/v1/moderation/ideas/{idea.pk}/", {"action": "hide", "reason": "  "}, format="json",
                         HTTP_ACCEPT_LANGUAGE="en"))
    assert fields == {"reason": ["Tell the author why it is hidden."]}
    assert en(api.post(f"/api/v1/moderation/ideas/{idea.pk}/", {"action": "delete"}, format="json",
                       HTTP_ACCEPT_LANGUAGE="en")) == {
        "action": ["Select a valid choice. delete is not one of the available choices."]}


def test_roles_keep_what_a_request_leaves_out(api, idea, staff):
    api.force_authenticate(staff)
    url = f"/api/v1/ideas/{idea.pk}/roles/"
    assert api.patch(url, {"citizens_promoted": True, "citizens_promoted_note": "Underskrifter"},
                     format="json").status_code == 200
    answer = api.put(url, {"citizens_cocreated": "true"}, format="json").json()
    assert (answer["citizens_initiated"], answer["citizens_promoted"], answer["citizens_cocreated"]) == (True, True, True)
    assert answer["citizens_promoted_note"] == "Underskrifter"
    answer = api.patch(url, {"citizens_promoted": False}, format="json").json()
    assert answer["citizens_promoted"] is False and answer["citizens_cocreated"] is True
    assert en(api.patch(url, {"citizens_promoted_note": "x" * 301}, format="json", HTTP_ACCEPT_LANGUAGE="en")) == {
        "citizens_promoted_note": ["Ensure this value has at most 300 characters (it has 301)."]}


def test_a_campaign_closes_after_it_opens(api, municipality, staff):
    api.force_authenticate(staff)
    payload = {"municipality": municipality.slug, "title": "Havnen", "open_to_influence": "x", "fixed_frame": "y",
               "decided_by": "Byrådet", "answer_by": "2027-06-01", "opens_at": "2027-01-01T00:00:00Z",
               "closes_at": "2026-01-01T00:00:00Z"}
    assert en(api.post("/api/v1/campaigns/", payload, format="json", HTTP_ACCEPT_LANGUAGE="en")) == {
        "closes_at": ["The campaign must close after it opens."]}
    assert en(api.post("/api/v1/campaigns/", {**payload, "municipality": "nowhere", "opens_at": 5}, format="json",
                       HTTP_ACCEPT_LANGUAGE="en")) == {"municipality": ["Object with slug=nowhere does not exist."],
                                                       "opens_at": ["Enter a valid date/time."]}
