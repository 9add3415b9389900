"""An id in an API path that is not a whole number is a 404 in the error shape, never a 500
(an attacker found `GET /api/v1/ideas/abc/` answered 500: DRF's default lookup pattern let
"abc" reach the query). Every API route with an id is tried, so a new viewset is covered
the day it is registered."""
import pytest

from tests.factories import UserFactory

from .routes import api_id_routes

pytestmark = pytest.mark.django_db

ROUTES = api_id_routes()
NOT_IDS = ["abc", "1abc", "%C2%B2", "-1", "1.0", "%20"]


def test_the_routes_with_an_id_are_found():
    # The walk in routes.py must keep finding them (detail routes, actions, export.pb).
    assert {"api-idea-detail", "api-idea-comments", "api-budget-detail", "api-dinner-detail",
            "api-dinner-programme-detail", "api-campaign-detail", "api-innovation-detail",
            "api-budget-export-pb", "api-moderation-action"} <= set(ROUTES)


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_an_id_that_is_not_a_number_is_not_found(client, municipality, name):
    client.raise_request_exception = False  # a 500 must show as a status, not as an exception
    client.force_login(UserFactory(municipality=municipality, is_staff=True, is_superuser=True))
    for value in NOT_IDS:
        url = ROUTES[name].replace("{id}", value)
        for method in ("get", "post"):
            response = getattr(client, method)(url, HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 404, (method, url, response.status_code)
            body = response.json()
            assert set(body) == {"detail", "code", "fields"}
            assert body["code"] == "not_found", body


@pytest.mark.parametrize("url", ["/api/v1/ideas/99999999999999999999999/",
                                 "/api/v1/budgets/99999999999999999999999/"])
def test_an_id_beyond_the_database_integers_is_not_found(client, municipality, url):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == 404
