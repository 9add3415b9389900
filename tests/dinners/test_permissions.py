"""Who may do what with dinners, as a role x action matrix for pages and the API, and what a
role sees of the private parts (address, guest list)."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from dinners import services
from dinners.models import Dinner
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory

from .conftest import make_dinner

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "citizen", "elsewhere", "host", "guest", "waiting", "moderator", "staff", "council", "admin"]
ADDRESS = "Hemmeligvej 7"


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The dinners and people of this module's 241 tests, made once per module and worker and
    rolled back after it (each test runs in a savepoint inside it): their primary keys."""
    from django.db import transaction
    from django.test import override_settings

    from tests.factories import DistrictFactory

    from .conftest import make_programme

    with django_db_blocker.unblock(), transaction.atomic(), \
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        municipality = MunicipalityFactory(slug="aarhus", name="Aarhus Kommune")
        district = DistrictFactory(municipality=municipality, name="Trøjborg", slug="trojborg")
        programme = make_programme(municipality)
        host = UserFactory(municipality=municipality, district=district, birth_year=1970, display_name="Vera Vært")
        users, dinner, pending, past = _people(municipality, programme, host, district)
        yield {"municipality": municipality.pk, "district": district.pk,
               "users": {role: user and user.pk for role, user in users.items()},
               "dinners": (dinner.pk, pending.pk, past.pk)}
        transaction.set_rollback(True)


@pytest.fixture
def municipality(world):
    from accounts.models import Municipality

    return Municipality.objects.get(pk=world["municipality"])


@pytest.fixture
def district(world):
    from accounts.models import District

    return District.objects.get(pk=world["district"])


@pytest.fixture
def people(world):
    """The module's people and dinners, read again for each test: a test may change its copies."""
    from accounts.models import User

    found = User.objects.in_bulk([pk for pk in world["users"].values() if pk])
    users = {role: pk and found[pk] for role, pk in world["users"].items()}
    dinners = Dinner.objects.in_bulk(world["dinners"])
    return (users, *(dinners[pk] for pk in world["dinners"]))


def _people(municipality, programme, host, district):
    dinner = make_dinner(programme, host, district=district, seats=1)
    guest, waiting = UserFactory(municipality=municipality), UserFactory(municipality=municipality)
    services.seat_book(dinner=dinner, guest=guest)
    services.seat_book(dinner=dinner, guest=waiting)
    users = {"anonymous": None, "citizen": UserFactory(municipality=municipality), "host": host, "guest": guest,
             "waiting": waiting, "elsewhere": UserFactory(municipality=MunicipalityFactory(slug="bergen"))}
    for role in ("moderator", "staff", "council", "admin"):
        users[role] = UserFactory(municipality=municipality)
        MembershipFactory(user=users[role], municipality=municipality, role=role)
    pending = services.dinner_offer(programme=programme, host=host, title="Venter", venue_type="home",
                                    starts_at=timezone.now() + timedelta(days=4), district=district, seats=4,
                                    address=ADDRESS)
    Dinner.objects.filter(pk=pending.pk).update(status="pending")
    past = make_dinner(programme, host, district=district, title="Holdt")
    Dinner.objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    return users, dinner, pending, past


def client_for(client, user):
    if user is not None:
        client.force_login(user)
    return client


ALL = set(ROLES)
SIGNED_IN = ALL - {"anonymous"}
STAFF = {"staff", "admin"}
PAGE_MATRIX = {
    # name: (url builder, roles answered 200; anonymous others are sent to sign in, the rest 403/404)
    "programme list": (lambda d, p, x: reverse("dinners:list"), ALL),
    "programme": (lambda d, p, x: reverse("dinners:programme", args=[d.programme_id]), ALL),
    "host form": (lambda d, p, x: reverse("dinners:host", args=[d.programme_id]), SIGNED_IN),
    "any dinner form": (lambda d, p, x: reverse("dinners:any", args=[d.programme_id]), SIGNED_IN),
    "staff overview": (lambda d, p, x: reverse("dinners:overview", args=[d.programme_id]), STAFF),
    "overview csv": (lambda d, p, x: reverse("dinners:overview-csv", args=[d.programme_id]), STAFF),
    "new programme": (lambda d, p, x: reverse("dinners:programme-new"), STAFF),
    "dinner": (lambda d, p, x: reverse("dinners:dinner", args=[d.pk]), ALL),
    "pending dinner": (lambda d, p, x: reverse("dinners:dinner", args=[p.pk]), {"host", "moderator", "staff", "admin"}),
    "edit": (lambda d, p, x: reverse("dinners:edit", args=[d.pk]), {"host", "staff", "admin"}),
    "cancel": (lambda d, p, x: reverse("dinners:cancel", args=[d.pk]), {"host", "staff", "admin"}),
    "calendar": (lambda d, p, x: reverse("dinners:calendar", args=[d.pk]), {"host", "guest"}),
    "report": (lambda d, p, x: reverse("dinners:report", args=[x.pk]), {"host"}),
    "my dinners": (lambda d, p, x: reverse("dinners:mine"), SIGNED_IN),
}


@pytest.mark.parametrize("page", PAGE_MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_page_matrix(client, people, page, role):
    users, dinner, pending, past = people
    url_for, allowed = PAGE_MATRIX[page]
    response = client_for(client, users[role]).get(url_for(dinner, pending, past))
    if role in allowed:
        assert response.status_code == 200
    elif role == "anonymous" and page not in {"pending dinner"}:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code in (403, 404)


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_address_and_the_guest_list_on_the_dinner_page(client, people, role):
    users, dinner, _pending, _past = people
    page = client_for(client, users[role]).get(reverse("dinners:dinner", args=[dinner.pk])).content.decode()
    assert (ADDRESS in page) == (role in {"host", "guest", "staff", "admin"})
    other_guest = users["guest" if role == "waiting" else "waiting"]  # not the signed-in person's own name
    assert (other_guest.public_name in page) == (role in {"host", "staff", "admin"})


@pytest.mark.parametrize("role", ROLES)
def test_who_may_decide_on_a_pending_dinner(client, people, role):
    users, _dinner, pending, _past = people
    response = client_for(client, users[role]).post(reverse("dinners:decide", args=[pending.pk]),
                                                    {"approve": "true"})
    pending.refresh_from_db()
    if role in {"moderator", "staff", "admin"}:
        assert response.status_code == 302 and pending.status == "approved"
    else:
        assert response.status_code in (302, 403, 404) and pending.status == "pending"


@pytest.mark.parametrize("role", ROLES)
def test_who_may_book_a_seat(client, people, role):
    users, dinner, _pending, _past = people
    response = client_for(client, users[role]).post(reverse("dinners:book", args=[dinner.pk]), {"diet": ""})
    if role in {"citizen", "elsewhere", "moderator", "staff", "council", "admin"}:
        assert response.status_code == 302
        assert dinner.seats_taken.filter(guest=users[role], status="waiting").exists()
    elif role in {"guest", "waiting"}:
        assert response.status_code == 302  # already holding a place: the same place
        assert dinner.seats_taken.filter(guest=users[role]).count() == 1
    elif role == "host":
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ROLES)
def test_who_may_cancel_someone_elses_seat(client, people, role):
    users, dinner, _pending, _past = people
    seat = dinner.seats_taken.get(guest=users["guest"])
    response = client_for(client, users[role]).post(reverse("dinners:seat-cancel", args=[seat.pk]))
    seat.refresh_from_db()
    assert (seat.status == "cancelled") == (role in {"guest", "staff", "admin"})
    if role not in {"guest", "staff", "admin", "anonymous"}:
        assert response.status_code == 403


API_MATRIX = {
    "dinner": ("get", lambda d: f"/api/v1/dinners/dinners/{d.pk}/", ALL),
    "guests": ("get", lambda d: f"/api/v1/dinners/dinners/{d.pk}/guests/", {"host", "staff", "admin"}),
    "overview": ("get", lambda d: f"/api/v1/dinners/programmes/{d.programme_id}/overview/", STAFF),
    "change": ("patch", lambda d: f"/api/v1/dinners/dinners/{d.pk}/", {"host", "staff", "admin"}),
    "my seats": ("get", lambda d: "/api/v1/dinners/seats/", SIGNED_IN),
}


@pytest.mark.parametrize("action", API_MATRIX)
@pytest.mark.parametrize("role", ROLES)
def test_api_matrix(people, action, role):
    users, dinner, _pending, _past = people
    method, url_for, allowed = API_MATRIX[action]
    api = APIClient()
    if users[role] is not None:
        api.force_authenticate(users[role])
    body = {"menu": "Lasagne"} if method == "patch" else None
    response = getattr(api, method)(url_for(dinner), body, format="json")
    if role in allowed:
        assert response.status_code == 200, response.content
    else:
        assert response.status_code in (401, 403, 404)
        assert set(response.json()) >= {"detail", "code"}


@pytest.mark.parametrize("role", ROLES)
def test_the_api_gives_the_address_only_to_host_confirmed_guests_and_staff(people, role):
    users, dinner, _pending, _past = people
    api = APIClient()
    if users[role] is not None:
        api.force_authenticate(users[role])
    data = api.get(f"/api/v1/dinners/dinners/{dinner.pk}/").json()
    assert ("address" in data) == (role in {"host", "guest", "staff", "admin"})
    listing = api.get(f"/api/v1/dinners/programmes/{dinner.programme_id}/dinners/").content.decode()
    assert ADDRESS not in listing


def test_staff_of_another_municipality_see_nothing_private(people, district):
    users, dinner, _pending, _past = people
    bergen_staff = users["elsewhere"]
    MembershipFactory(user=bergen_staff, municipality=bergen_staff.municipality, role=Role.STAFF)
    api = APIClient()
    api.force_authenticate(bergen_staff)
    assert "address" not in api.get(f"/api/v1/dinners/dinners/{dinner.pk}/").json()
    assert api.get(f"/api/v1/dinners/dinners/{dinner.pk}/guests/").status_code == 403
