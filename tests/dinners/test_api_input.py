"""The dinners API takes what the pages' forms take: the same limits, checks and messages
(restapi.forms.FormSerializer), in the API's error shape."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from dinners import services
from dinners.models import Dinner, HarvestedIdea, MatchRequest
from tests.dinners.test_reports import answers_for, held_dinner  # noqa: F401  (a fixture)
from tests.factories import DistrictFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def refused(response) -> dict:
    assert response.status_code == 400, response.content[:500]
    return response.json()["fields"]


def dinner_offer(district, **changes) -> dict:
    starts = (timezone.now() + timedelta(days=5)).isoformat()
    return {"title": "Suppe og snak", "venue_type": "home", "starts_at": starts, "district": district.pk,
            "seats": 6, "address": "Hemmeligvej 7", **changes}


def test_a_dinner_is_offered_as_the_host_page_takes_it(programme, host, district):
    api = api_for(host)
    url = f"/api/v1/dinners/programmes/{programme.pk}/dinners/"
    elsewhere = DistrictFactory(municipality=MunicipalityFactory(slug="odense"))
    fields = refused(api.post(url, dinner_offer(elsewhere, seats=9, private_seats=3), format="json",
                              HTTP_ACCEPT_LANGUAGE="en"))
    assert fields == {"district": ["Choose one of the programme's districts."],
                      "seats": ["A dinner in this programme has at most 8 guests."]}
    fields = refused(api.post(url, dinner_offer(district, seats=4, private_seats=5), format="json",
                              HTTP_ACCEPT_LANGUAGE="en"))
    assert fields == {"private_seats": ["You cannot reserve more seats than the dinner has."]}
    created = api.post(url, dinner_offer(district), format="json")
    assert created.status_code == 201, created.json()
    dinner = Dinner.objects.get(pk=created.json()["id"])
    assert (dinner.duration_minutes, dinner.private_seats, dinner.language) == (120, 0, "da"), "the page's defaults"


def test_the_host_page_says_the_same_beside_the_field(client, programme, host, district):
    client.force_login(host)
    data = {**dinner_offer(district, seats=4, private_seats=5, duration_minutes=120, language="da"),
            "starts_at": (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")}
    page = client.post(reverse("dinners:host", args=[programme.pk]), data)  # in Danish, the host's language
    assert page.status_code == 200
    assert page.context["form"].errors == {"private_seats": ["Du kan ikke reservere flere pladser, end middagen har."]}


def test_a_change_keeps_what_it_does_not_send_and_tells_guests_only_of_news(dinner, host, guests):
    services.seat_book(dinner=dinner, guest=guests[0])
    api = api_for(host)
    sequence = dinner.ics_sequence
    changed = api.patch(f"/api/v1/dinners/dinners/{dinner.pk}/", {"menu": "Lasagne"}, format="json")
    assert changed.status_code == 200, changed.json()
    dinner.refresh_from_db()
    assert (dinner.menu, dinner.title, dinner.seats, dinner.ics_sequence) == ("Lasagne", "Suppe og snak", 6, sequence)
    assert refused(api.patch(f"/api/v1/dinners/dinners/{dinner.pk}/", {"seats": 0}, format="json",
                             HTTP_ACCEPT_LANGUAGE="en")) == {"seats": ["Ensure this value is greater than or equal to 1."]}
    moved = api.patch(f"/api/v1/dinners/dinners/{dinner.pk}/", {"address": "Nyvej 1"}, format="json")
    assert moved.status_code == 200
    dinner.refresh_from_db()
    assert dinner.ics_sequence == sequence + 1, "a new place is news for the guests"


def test_a_declined_dinner_needs_a_reason_for_the_host(programme, host, district, staff, client):
    programme.hosts_need_approval = True
    programme.save()
    pending = services.dinner_offer(programme=programme, host=host, title="Suppe", venue_type="home",
                                    starts_at=timezone.now() + timedelta(days=5), district=district, seats=4,
                                    address="Hemmeligvej 7")
    api = api_for(staff)
    url = f"/api/v1/dinners/dinners/{pending.pk}/decide/"
    assert refused(api.post(url, {"approve": False}, format="json", HTTP_ACCEPT_LANGUAGE="en")) == {
        "reason": ["Tell the host why the dinner is declined."]}
    assert refused(api.post(url, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")) == {
        "approve": ["This field is required."]}
    client.force_login(staff)
    page = client.post(reverse("dinners:decide", args=[pending.pk]), {"approve": "false"})
    assert page.status_code == 400 and page.context["form"].errors == {
        "reason": ["Fortæl værten, hvorfor middagen er afvist."]}
    assert api.post(url, {"approve": False, "reason": "Uden for kommunen"}, format="json").json()["status"] == "declined"


def test_any_dinner_asks_for_a_window_that_ends_after_it_starts(programme, guests):
    api = api_for(guests[0])
    url = f"/api/v1/dinners/programmes/{programme.pk}/any/"
    start = timezone.now() + timedelta(days=3)
    fields = refused(api.post(url, {"earliest": start.isoformat(), "latest": (start - timedelta(hours=1)).isoformat(),
                                    "district": DistrictFactory(municipality=MunicipalityFactory(slug="odense")).pk},
                              format="json", HTTP_ACCEPT_LANGUAGE="en"))
    assert fields == {"district": ["Choose one of the programme's districts."],
                      "latest": ["The end of the time window must come after its start."]}
    assert not MatchRequest.objects.exists()
    made = api.post(url, {"earliest": start.isoformat(), "latest": (start + timedelta(hours=4)).isoformat()},
                    format="json")
    assert made.status_code == 201 and made.json()["district"] is None


def test_a_seat_takes_the_pages_fields_and_the_invitation_token(dinner, guests):
    api = api_for(guests[0])
    url = f"/api/v1/dinners/dinners/{dinner.pk}/seats/"
    assert refused(api.post(url, {"diet": "x" * 301}, format="json", HTTP_ACCEPT_LANGUAGE="en")) == {
        "diet": ["Ensure this value has at most 300 characters (it has 301)."]}
    seat = api.post(url, {"diet": "Vegetar", "invite_token": dinner.invite_token}, format="json")
    assert seat.status_code == 201 and seat.json()["kind"] == "invited" and seat.json()["diet"] == "Vegetar"
    assert api_for(guests[1]).post(url, {"invite_token": "forkert"}, format="json").status_code == 403


def test_a_report_is_checked_as_the_report_page_checks_it(held_dinner, host):  # noqa: F811
    api = api_for(host)
    url = f"/api/v1/dinners/dinners/{held_dinner.pk}/report/"
    answers = {str(pk): text for pk, text in answers_for(held_dinner).items()}
    first_pk, first_question = next((q.pk, q.text) for q in held_dinner.programme.questions.all())
    fields = refused(api.post(url, {"participants": 22, "answers": {**answers, str(first_pk): " "},
                                    "ideas": [{"title": "Fællesværksted"}, {"title": "", "body": ""}]},
                              format="json", HTTP_ACCEPT_LANGUAGE="en"))
    assert fields == {
        "participants": ["Ensure this value is less than or equal to 21."],
        "answers": [f"{first_question}: Answer this question (a few words are enough)."],
        "ideas": ["Idea 1: description: Describe the idea in a sentence or two."],
    }
    assert refused(api.post(url, {"participants": 5, "answers": "alt godt"}, format="json",
                            HTTP_ACCEPT_LANGUAGE="en"))["answers"] == ['Expected a dictionary of items but got type "str".']
    filed = api.post(url, {"participants": 5, "answers": answers, "themes": "Naboskab",
                           "ideas": [{"title": "Fællesværksted", "body": "Et sted at låne værktøj."},
                                     {"title": "", "body": ""}]}, format="json")
    assert filed.status_code == 201, filed.json()
    assert [h.idea.title for h in HarvestedIdea.objects.filter(report_id=filed.json()["id"])] == ["Fællesværksted"]
