"""The host's address and the guest list never leave through a public page, the API for a
non-guest, an export, a live event or an e-mail to someone not confirmed."""
import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from dinners import selectors, services
from tests.factories import UserFactory

from .conftest import make_dinner

pytestmark = pytest.mark.django_db

ADDRESS = "Løngangstræde 21"


@pytest.fixture
def full_dinner(programme, host, district, municipality, django_capture_on_commit_callbacks):
    dinner = make_dinner(programme, host, district=district, seats=2, address=ADDRESS)
    people = [UserFactory(municipality=municipality, display_name=f"Gæst Nummer{n}") for n in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        for person in people:
            services.seat_book(dinner=dinner, guest=person, diet="hemmelig-diæt")
    return dinner, people


def test_no_public_page_shows_the_address(client, full_dinner):
    dinner, people = full_dinner
    pages = [reverse("dinners:list"), reverse("dinners:programme", args=[dinner.programme_id]),
             reverse("dinners:dinner", args=[dinner.pk]), "/", reverse("ideas:list")]
    for viewer in (None, UserFactory(municipality=dinner.programme.municipality), people[3]):  # people[3] waits
        if viewer is not None:
            client.force_login(viewer)
        for url in pages:
            page = client.get(url).content.decode()
            assert ADDRESS not in page, (viewer, url)
            assert "hemmelig-diæt" not in page
            assert people[0].public_name not in page or viewer == people[0]


def test_no_api_answer_for_a_non_guest_has_the_address(full_dinner):
    dinner, people = full_dinner
    for viewer in (None, UserFactory(municipality=dinner.programme.municipality), people[2]):
        api = APIClient()
        if viewer is not None:
            api.force_authenticate(viewer)
        for url in (f"/api/v1/dinners/programmes/{dinner.programme_id}/",
                    f"/api/v1/dinners/programmes/{dinner.programme_id}/dinners/",
                    f"/api/v1/dinners/dinners/{dinner.pk}/", "/api/v1/dinners/seats/",
                    f"/api/v1/dinners/dinners/{dinner.pk}/guests/", "/api/schema/"):
            body = api.get(url).content.decode()
            assert ADDRESS not in body, (viewer, url)
            assert "hemmelig-diæt" not in body or url.endswith("/seats/") and viewer in people


def test_the_staff_export_has_no_personal_data(client, full_dinner, staff):
    dinner, people = full_dinner
    client.force_login(staff)
    body = client.get(reverse("dinners:overview-csv", args=[dinner.programme_id])).content.decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["district", "venue_type", "dinners", "seats_offered", "seats_taken", "waiting", "reports"]
    assert rows[1][2:] == ["1", "2", "2", "2", "0"]
    for secret in (ADDRESS, "hemmelig-diæt", people[0].public_name, people[0].email, dinner.host.email):
        assert secret not in body


def test_only_confirmed_guests_get_the_address_by_email(full_dinner):
    dinner, people = full_dinner
    for message in mail.outbox:
        confirmed = message.to[0] in {people[0].email, people[1].email}
        assert (ADDRESS in message.body) == confirmed, message.subject
        calendars = "".join(str(a[1]) for a in message.attachments)
        assert (ADDRESS in calendars) == confirmed


def test_a_waiting_guest_queued_an_email_gets_no_address_even_if_it_is_sent_later(full_dinner,
                                                                                   django_capture_on_commit_callbacks):
    dinner, people = full_dinner
    seat = dinner.seats_taken.get(guest=people[0])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.seat_cancel(seat=seat, actor=people[0])
    # people[2] was promoted and gets the address; people[0] (gone) gets nothing.
    assert [m.to[0] for m in mail.outbox] == [people[2].email]
    assert ADDRESS in mail.outbox[0].body


def test_live_events_carry_counts_only(full_dinner):
    dinner, _people = full_dinner
    assert set(selectors.seat_figures(dinner.pk)) == {"seats", "confirmed", "free", "waiting", "status"}


def test_the_data_download_has_my_dinner_data_and_nobody_elses(client, full_dinner):
    dinner, people = full_dinner
    client.force_login(people[3])
    data = client.get(reverse("account-data")).json()
    assert data["dinners"]["seats"][0]["status"] == "waiting"
    text = str(data)
    assert ADDRESS not in text and people[0].email not in text
    client.force_login(dinner.host)
    assert client.get(reverse("account-data")).json()["dinners"]["hosted"][0]["address"] == ADDRESS


def test_deleting_the_hosts_account_removes_the_address_and_tells_the_guests(client, full_dinner,
                                                                           django_capture_on_commit_callbacks):
    from accounts.services import user_delete
    from dinners.models import Dinner

    dinner, people = full_dinner
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=dinner.host)
    dinner = Dinner.objects.get(pk=dinner.pk)
    assert dinner.address == "" and dinner.status == "cancelled"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
