"""The pages a citizen, host and staff member use, without JavaScript."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dinners import services
from dinners.models import Dinner, MatchRequest, Seat
from tests.factories import UserFactory

from .conftest import make_dinner

pytestmark = pytest.mark.django_db


def test_programme_page_queries_do_not_grow_with_the_dinners(client, programme, district, municipality,
                                                             django_assert_max_num_queries):
    hosts = [UserFactory(municipality=municipality) for _ in range(25)]
    for host in hosts[:5]:
        make_dinner(programme, host, district=district)
    url = reverse("dinners:programme", args=[programme.pk])
    with django_assert_max_num_queries(14):
        few = client.get(url)
    for host in hosts[5:]:
        dinner = make_dinner(programme, host, district=district)
        services.seat_book(dinner=dinner, guest=UserFactory(municipality=municipality))
    with django_assert_max_num_queries(14):
        many = client.get(url)
    assert few.status_code == many.status_code == 200
    assert many.content.decode().count('class="hoest-card"') == 25


def test_offering_a_dinner_keeps_what_was_typed_when_something_is_wrong(client, programme, host, district):
    client.force_login(host)
    url = reverse("dinners:host", args=[programme.pk])
    typed = {"title": "Suppe i Trøjborg", "venue_type": "home", "starts_at": "2099-01-01T18:00",
             "duration_minutes": "120", "district": district.pk, "seats": "12", "private_seats": "0",
             "address": "Min adresse 3", "language": "da", "menu": "Suppe"}
    response = client.post(url, typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Suppe i Trøjborg" in page and "Min adresse 3" in page
    assert 'class="form-error-message"' in page or "form-error" in page
    assert not Dinner.objects.exists()
    starts = timezone.localtime(timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {**typed, "seats": "6", "starts_at": starts})
    assert response.status_code == 302
    dinner = Dinner.objects.get()
    assert dinner.host == host and dinner.seats == 6


def test_joining_and_leaving_through_the_pages(client, dinner, municipality):
    person = UserFactory(municipality=municipality)
    client.force_login(person)
    response = client.post(reverse("dinners:book", args=[dinner.pk]), {"diet": "vegetar", "needs": ""}, follow=True)
    assert response.status_code == 200
    seat = Seat.objects.get(guest=person)
    assert seat.status == "confirmed" and seat.diet == "vegetar"
    assert "Hemmeligvej 7" in response.content.decode(), "a confirmed guest sees the address"
    assert client.get(reverse("dinners:calendar", args=[dinner.pk]))["Content-Type"].startswith("text/calendar")
    client.post(reverse("dinners:seat-cancel", args=[seat.pk]))
    seat.refresh_from_db()
    assert seat.status == "cancelled"


def test_invitation_link_gives_a_reserved_seat(client, programme, host, district, municipality):
    dinner = make_dinner(programme, host, district=district, seats=2, private_seats=2)
    stranger = UserFactory(municipality=municipality)
    client.force_login(stranger)
    client.post(reverse("dinners:book", args=[dinner.pk]), {})
    assert Seat.objects.get(guest=stranger).status == "waiting"
    friend = UserFactory(municipality=municipality)
    client.force_login(friend)
    assert client.get(reverse("dinners:invite", args=[dinner.invite_token])).status_code == 200
    client.post(reverse("dinners:invite", args=[dinner.invite_token]), {"diet": ""})
    assert Seat.objects.get(guest=friend).status == "confirmed"
    assert client.get(reverse("dinners:invite", args=["forkert"])).status_code == 404


def test_any_dinner_request_then_staff_plan_and_send(client, programme, district, municipality, staff, host):
    dinner = make_dinner(programme, host, district=district, seats=2)
    people = [UserFactory(municipality=municipality, birth_year=1940 + 20 * n) for n in range(3)]
    for person in people:
        client.force_login(person)
        response = client.post(reverse("dinners:any", args=[programme.pk]), {
            "district": district.pk, "earliest": timezone.localtime(programme.dinners_from).strftime("%Y-%m-%dT%H:%M"),
            "latest": timezone.localtime(programme.dinners_until).strftime("%Y-%m-%dT%H:%M")})
        assert response.status_code == 302
    client.force_login(staff)
    client.post(reverse("dinners:overview", args=[programme.pk]), {"plan": "1"})
    page = client.get(reverse("dinners:overview", args=[programme.pk])).content.decode()
    assert dinner.title in page
    assert Seat.objects.count() == 0, "nothing is sent before staff send the plan"
    client.post(reverse("dinners:overview", args=[programme.pk]), {"send": "1"})
    assert Seat.objects.filter(dinner=dinner, status="confirmed", kind="matched").count() == 2
    assert MatchRequest.objects.filter(status="unplaced").count() == 1


def test_staff_create_a_programme_with_its_questions(client, municipality, district, staff):
    client.force_login(staff)
    response = client.post(reverse("dinners:programme-new"), {
        "title": "Gjestebud 2027", "theme": "Fremtidens by", "host_instructions": "Inviter naboer",
        "privacy_text": "Vi sletter alt", "signup_opens": "2027-01-01T00:00", "signup_closes": "2027-02-01T00:00",
        "dinners_from": "2027-02-01T00:00", "dinners_until": "2027-03-01T00:00", "max_seats": "8",
        "hosts_need_approval": "on", "questions": "Hvad?\nHvorfor?"})
    assert response.status_code == 200, "two questions are too few"
    assert "Gjestebud 2027" in response.content.decode()
    response = client.post(reverse("dinners:programme-new"), {
        "title": "Gjestebud 2027", "theme": "Fremtidens by", "host_instructions": "Inviter naboer",
        "privacy_text": "Vi sletter alt", "signup_opens": "2027-01-01T00:00", "signup_closes": "2027-02-01T00:00",
        "dinners_from": "2027-02-01T00:00", "dinners_until": "2027-03-01T00:00", "max_seats": "8",
        "hosts_need_approval": "on", "questions": "Hvad?\nHvorfor?\nHvordan?"})
    assert response.status_code == 302


def test_the_api_reports_bad_input_field_by_field(programme, host, district):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(host)
    response = api.post(f"/api/v1/dinners/programmes/{programme.pk}/dinners/", {
        "title": "X", "venue_type": "castle", "starts_at": "not a date", "district": district.pk, "seats": 99,
        "address": "A"}, format="json")
    assert response.status_code == 400
    assert {"venue_type", "starts_at", "seats"} <= set(response.json()["fields"])


def test_demo_seeds_dinners_in_every_venue_with_a_waiting_list_and_two_reports():
    from django.core.management import call_command

    from dinners.models import HarvestedIdea, Report, VenueType

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    dinners = Dinner.objects.filter(programme__title="Kommunen forfra")
    assert set(dinners.values_list("venue_type", flat=True)) == set(VenueType.values)
    assert Seat.objects.filter(dinner__in=dinners, status="waiting").exists()
    assert Report.objects.count() == 2 and HarvestedIdea.objects.count() == 3
    assert dinners.filter(status="pending").count() == 1
