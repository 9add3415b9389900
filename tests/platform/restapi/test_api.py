import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from restapi import errors
from tests.factories import PASSWORD, UserFactory

ERROR_KEYS = {"detail", "code", "fields"}


@pytest.fixture
def api():
    return APIClient()


@pytest.mark.django_db
def test_token_login_then_me_with_token(api, municipality):
    user = UserFactory(municipality=municipality, display_name="Token Tove")
    response = api.post(reverse("api-token"), {"email": user.email.upper(), "password": PASSWORD},
                        format="json")
    assert response.status_code == 200
    token = response.json()["token"]

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/").json()
    assert me["email"] == user.email
    assert me["display_name"] == "Token Tove"
    assert me["municipality"] == "aarhus"
    assert me["roles"] == []


@pytest.mark.django_db
def test_me_without_a_home_municipality_or_district_is_null_as_the_schema_says(api):
    """A staff member, or a new account, lives in no district: the answer has null there and
    the schema allows it (schemathesis found a staff member's null against a plain string)."""
    user = UserFactory(municipality=None, district=None)
    api.force_authenticate(user)
    me = api.get("/api/v1/me/").json()
    assert me["municipality"] is None and me["district"] is None
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    properties = schema["components"]["schemas"]["Me"]["properties"]
    assert properties["municipality"]["nullable"] is True
    assert properties["district"]["nullable"] is True


@pytest.mark.django_db
def test_wrong_password_gets_the_error_shape_with_a_translated_message(api):
    user = UserFactory()
    response = api.post(reverse("api-token"), {"email": user.email, "password": "nope"},
                        format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == ERROR_KEYS
    assert body["code"] == "invalid"
    assert body["fields"]["non_field_errors"]
    # Danish by default.
    assert body["detail"] != "Some fields need your attention."


@pytest.mark.django_db
def test_missing_fields_are_named(api):
    response = api.post(reverse("api-token"), {"email": "not-an-email"}, format="json",
                        HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert response.status_code == 400
    assert set(body["fields"]) == {"email", "password"}


@pytest.mark.django_db
def test_me_needs_authentication(api):
    response = api.get("/api/v1/me/")
    assert response.status_code in (401, 403)
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_unknown_api_route_answers_404_in_the_error_shape(api):
    response = api.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert set(response.json()) == ERROR_KEYS


@pytest.mark.django_db
def test_method_not_allowed_in_the_error_shape(api):
    response = api.delete("/api/v1/me/")
    assert response.status_code in (401, 403, 405)
    assert set(response.json()) == ERROR_KEYS


def test_server_error_and_forbidden_handlers_answer_json_under_api():
    request = RequestFactory().get("/api/v1/anything/")
    for response, status in ((errors.server_error(request), 500),
                             (errors.permission_denied(request, Exception()), 403),
                             (errors.bad_request(request, Exception()), 400)):
        assert response.status_code == status
        import json

        assert set(json.loads(response.content)) == ERROR_KEYS


@pytest.mark.django_db
def test_an_unexpected_exception_answers_500_json_not_a_traceback(api, settings, monkeypatch):
    from accounts import api as accounts_api

    def boom(**kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr(accounts_api, "user_for_api", boom)
    user = UserFactory()
    api.force_authenticate(user)
    api.raise_request_exception = False
    response = api.get("/api/v1/me/")
    assert response.status_code == 500
    body = response.json()
    assert set(body) == ERROR_KEYS and body["code"] == "server_error"
    assert "fire" not in response.content.decode()


@pytest.mark.django_db
def test_token_endpoint_is_throttled_per_address(api):
    # Ten tries per address a minute, whichever accounts they name (each account locks after
    # five failures of its own: tests/platform/restapi/test_tokens.py).
    codes = [api.post(reverse("api-token"), {"email": UserFactory().email, "password": "x"},
                      format="json").status_code for _ in range(11)]
    assert codes[:10] == [400] * 10
    assert codes[10] == 429
    user = UserFactory()
    throttled = api.post(reverse("api-token"), {"email": user.email, "password": PASSWORD},
                         format="json")
    assert throttled.status_code == 429
    assert throttled.json()["code"] == "throttled"
    assert "Retry-After" in throttled


@pytest.mark.django_db
def test_openapi_schema_is_valid_openapi_3(api):
    from drf_spectacular.validation import validate_schema

    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)
    assert "/api/v1/auth/token/" in schema["paths"]
    assert "/api/v1/me/" in schema["paths"]


@pytest.mark.django_db
def test_api_docs_page_serves_without_a_cdn(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr" not in html


def test_schema_generates_without_warnings(tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    assert "/api/v1/ideas/{id}/support/" in (tmp_path / "schema.yml").read_text()
