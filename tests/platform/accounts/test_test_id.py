"""Test-ID, the demo's stand-in e-ID (accounts.eid.test_provider): a resident of the demo
census verifies their account through it, served by a real server; it wants PKCE and a
nonce, returns only to this site's own callback, is off when switched off and refused by
the production settings."""
from __future__ import annotations

import os
import subprocess  # noqa: S404
import sys
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialApp
from django.urls import reverse

from accounts import census
from accounts.models import Verification
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow_tier]
CPR = "0101801234"


@pytest.fixture
def test_id_app(live_server, municipality):
    return SocialApp.objects.create(
        provider="eid", provider_id=f"test-id-{municipality.slug}", name="Test-ID", client_id="hoest-test-id",
        secret="test-secret", settings={"server_url": f"{live_server.url}/test-id", "municipality": municipality.slug,
                                        "accepted_loa": ["substantial", "high"]})


def start(client, app):
    start = client.post(reverse("eid_login", args=[app.provider_id]), {"process": "connect"})
    assert start.status_code == 302
    return urlsplit(start["Location"])


def test_a_demo_resident_verifies_with_test_id(client, test_id_app, municipality):
    citizen = UserFactory(municipality=municipality)
    client.force_login(citizen)
    authorize = start(client, test_id_app)
    client.cookies["django_language"] = "en"
    page = client.get(f"{authorize.path}?{authorize.query}")
    assert "This is not a real e-ID" in page.content.decode()
    chosen = client.post(f"{authorize.path}?{authorize.query}",
                         {"person_id": CPR, "birthdate": "1980-01-01", "level": "substantial"})
    back = urlsplit(chosen["Location"])
    client.get(f"{back.path}?{back.query}")
    assert Verification.objects.get(user=citizen).person_key == census.person_key(CPR)


def test_test_id_wants_pkce_and_returns_only_to_this_sites_callback(client, test_id_app):
    client.force_login(UserFactory())
    authorize = start(client, test_id_app)
    query = {k: v[0] for k, v in parse_qs(authorize.query).items()}
    for broken in ({"code_challenge": ""}, {"nonce": ""}, {"redirect_uri": "https://evil.example/cb/"}):
        assert client.get(authorize.path, {**query, **broken}).status_code == 400


def test_a_stolen_code_without_the_pkce_verifier_gets_no_token(live_server, client, test_id_app):
    client.force_login(UserFactory())
    authorize = start(client, test_id_app)
    chosen = client.post(f"{authorize.path}?{authorize.query}",
                         {"person_id": CPR, "birthdate": "1980-01-01", "level": "high"})
    code = parse_qs(urlsplit(chosen["Location"]).query)["code"][0]
    stolen = requests.post(f"{live_server.url}/test-id/token", timeout=10, data={
        "grant_type": "authorization_code", "code": code, "client_id": "hoest-test-id",
        "client_secret": "test-secret", "code_verifier": "guessed",
        "redirect_uri": parse_qs(authorize.query)["redirect_uri"][0]})
    assert stolen.status_code == 400 and "id_token" not in stolen.text


def test_test_id_is_off_when_switched_off(client, settings):
    settings.EID_TEST_PROVIDER = False
    assert client.get("/test-id/.well-known/openid-configuration").status_code == 404


def test_production_refuses_to_start_with_test_id():
    env = {**os.environ, "DJANGO_ENV": "production", "EID_TEST_PROVIDER": "true", "SECRET_KEY": "x" * 60,
           "ALLOWED_HOSTS": "example.org", "RESULT_SIGNING_KEY": "ab" * 32}
    result = subprocess.run([sys.executable, "-c", "import django; from django.conf import settings; "  # noqa: S603
                             "settings.INSTALLED_APPS"], env=env, capture_output=True, text=True, timeout=60,
                            cwd=os.getcwd())
    assert result.returncode != 0 and "EID_TEST_PROVIDER" in result.stderr
