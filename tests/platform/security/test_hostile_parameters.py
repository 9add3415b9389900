"""What schemathesis found: a NUL byte in a municipality slug (query string or path) made
PostgreSQL refuse the query and the API answer 500. It names no municipality: 404."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/v1/ideas/?municipality=aar%00hus",
    "/api/v1/campaigns/?municipality=%00",
    "/api/v1/budgets/?municipality=%00",
    "/api/v1/dinners/programmes/?municipality=%00",
    "/api/v1/innovations/?municipality=%00",
    "/api/v1/reports/aar%00hus/funnel/",
])
def test_a_nul_byte_in_a_municipality_slug_is_not_found(client, municipality, citizen, url):
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "code", "fields"}


@pytest.fixture
def superuser(municipality):
    from tests.factories import UserFactory

    return UserFactory(municipality=municipality, is_staff=True, is_superuser=True)


@pytest.mark.parametrize("query", [
    "/api/v1/ideas/?campaign=%C2%B2", "/api/v1/ideas/?district=%C2%B2", "/api/v1/ideas/?category=%C2%B2",
    "/api/v1/reports/aarhus/cocreation/?innovation=%C2%B2", "/api/v1/reports/aarhus/barometer/?year_from=%C2%B2",
    "/reports/m/aarhus/?year_from=%C2%B2", "/reports/m/aarhus/?year_to=%C2%B2",
])
def test_a_digit_sign_that_is_no_number_is_no_server_error(client, superuser, query):
    """"²" passes str.isdigit() but int() refuses it: such a parameter (the attacker's next
    try after "abc") is ignored or not found, never a 500."""
    client.raise_request_exception = False
    client.force_login(superuser)
    assert client.get(query).status_code in (200, 404)


def test_a_dinner_district_filter_that_is_a_digit_sign_is_ignored(client, municipality):
    from tests.dinners.conftest import make_programme

    programme = make_programme(municipality)
    client.raise_request_exception = False
    assert client.get(f"/dinners/{programme.pk}/?district=%C2%B2").status_code == 200


def test_a_comment_replying_to_a_digit_sign_shows_the_form_again(client, citizen):
    from tests.ideas.factories import IdeaFactory

    idea = IdeaFactory(campaign__municipality=citizen.municipality)
    client.raise_request_exception = False
    client.force_login(citizen)
    assert client.get(f"/ideas/{idea.pk}/?reply_to=%C2%B2").status_code == 200
    assert client.post(f"/ideas/{idea.pk}/comment/", {"body": "", "parent": "\u00b2"}).status_code == 400


def test_a_csv_id_or_year_that_is_a_digit_sign_is_a_line_error():
    from ideas import innovation_csv

    header = ",".join(innovation_csv.COLUMNS + ["year"])
    row = ["\u00b2", "aarhus", "DK", "municipality", "schools", "service", "1"] + ["0"] * 8 + ["\u00b2"]
    parsed = innovation_csv.parse(header + "\n" + ",".join(row) + "\n")
    assert {error.column for error in parsed.errors} == {"id", "year"}


def test_a_key_share_numbered_with_a_digit_sign_is_refused():
    from budgets import sealing

    with pytest.raises(sealing.ShareError):
        sealing.share_read("\u00b2 " + " ".join(["abandon"] * 24))
