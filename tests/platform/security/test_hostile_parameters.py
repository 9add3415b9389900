"""Parameters an attacker sends: NUL characters, digit signs that are no numbers.

A NUL byte anywhere in the path, the query or a form (schemathesis found one in a municipality
slug, an attacker then in ?q=, in co-creation and invitation tokens, in ?district=) made
PostgreSQL refuse the query, a 500. restapi.middleware.RefuseNulMiddleware answers 400 for
it before any view: the error shape naming the parameter under /api/, the 400 page elsewhere.
"""
import pytest

from .routes import url_names

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"detail", "code", "fields"}


@pytest.mark.parametrize(("url", "field"), [
    ("/api/v1/ideas/?municipality=aar%00hus", "municipality"),
    ("/api/v1/ideas/?q=%00", "q"),
    ("/api/v1/ideas/?district=%00", "district"),
    ("/api/v1/ideas/similar/?q=cykel%00", "q"),
    ("/api/v1/campaigns/?municipality=%00", "municipality"),
    ("/api/v1/budgets/?municipality=%00", "municipality"),
    ("/api/v1/dinners/programmes/?municipality=%00", "municipality"),
    ("/api/v1/innovations/?municipality=%00", "municipality"),
    ("/api/v1/innovations/?page=1&unknown=%00", "unknown"),
    ("/api/v1/ideas/?a%00b=1", "a\ufffdb"),
])
def test_a_nul_byte_in_an_api_query_is_a_bad_request_naming_the_parameter(client, municipality, citizen, url,
                                                                           field):
    client.force_login(citizen)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == "invalid"
    assert body["fields"] == {field: ["Remove the NUL character: it is not allowed here."]}


@pytest.mark.parametrize("url", ["/api/v1/reports/aar%00hus/funnel/", "/api/v1/ideas/1%00/", "/api/v1/%00/"])
def test_a_nul_byte_in_an_api_path_is_a_bad_request(client, municipality, citizen, url):
    client.force_login(citizen)
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"detail": "The address contains a NUL character, which is not allowed.",
                               "code": "bad_request", "fields": {}}


@pytest.mark.parametrize("url", [
    "/?q=%00", "/ideas/?q=%00", "/ideas/?district=%00", "/budgets/?district=%00", "/reports/cocreation/%00/",
    "/reports/cocreation/abc%00/profile/", "/dinners/invite/%00/", "/ideas/unsubscribe/%00/", "/m/aar%00hus/",
    "/reports/m/aarhus/?municipality=%00", "/accounts/login/?next=%00",
])
def test_a_nul_byte_in_a_page_address_is_the_bad_request_page(client, municipality, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_every_route_refuses_a_nul_in_its_query(client, municipality):
    """Every URL pattern of the project, pages and API (ids as 1, other parts as "x"): the
    middleware answers before any view, so a new route is covered the day it is added."""
    import re

    client.raise_request_exception = False
    part = re.compile(r"\(\?P<\w+>[^)]*\)|<(?:(\w+):)?\w+>")
    for name, pattern in url_names().items():
        path = part.sub(lambda m: "1" if m.group(0).startswith("<int:") or "[0-9]" in m.group(0)
                        or "\\d" in m.group(0) else "x", pattern.replace("^", "").replace("$", ""))
        url = "/" + path.replace("\\.", ".").replace("\\", "")
        for method in ("get", "post"):
            response = getattr(client, method)(url + "?next=%00")
            assert response.status_code == 400, (name, method, url, response.status_code)


def test_a_nul_byte_in_a_form_field_is_a_bad_request(client, municipality, citizen):
    from tests.ideas.factories import IdeaFactory

    idea = IdeaFactory(campaign__municipality=municipality)
    client.force_login(citizen)
    response = client.post(f"/ideas/{idea.pk}/comment/", {"body": "Godt\x00forslag"})
    assert response.status_code == 400
    assert not idea.comments.exists()
    response = client.post("/api/v1/ideas/", {"title": "T\x00", "body": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and list(response.json()["fields"]) == ["title"]


def test_a_nul_byte_in_json_text_is_a_field_message(client, municipality, citizen):
    """JSON bodies are not form fields: the serializers' text fields refuse a NUL themselves."""
    from tests.ideas.factories import CampaignFactory

    campaign = CampaignFactory(municipality=municipality)
    client.force_login(citizen)
    response = client.post("/api/v1/ideas/", {"campaign": campaign.pk, "title": "T\x00", "body": "x"},
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "title" in response.json()["fields"]


def test_a_session_cookie_holding_a_nul_byte_is_dropped(client, municipality):
    """A cookie is sent again and again by the browser: refusing it would lock its owner
    out, so the request goes on without it (signed out)."""
    client.raise_request_exception = False
    client.cookies["sessionid"] = "abcdefghij\x00klmnop"
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 403


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
    from reports import innovation_csv

    header = ",".join(innovation_csv.COLUMNS + ["year"])
    row = ["\u00b2", "aarhus", "DK", "municipality", "schools", "service", "1"] + ["0"] * 8 + ["\u00b2"]
    parsed = innovation_csv.parse(header + "\n" + ",".join(row) + "\n")
    assert {error.column for error in parsed.errors} == {"id", "year"}


def test_a_key_share_numbered_with_a_digit_sign_is_refused():
    from budgets import sealing

    with pytest.raises(sealing.ShareError):
        sealing.share_read("\u00b2 " + " ".join(["abandon"] * 24))
