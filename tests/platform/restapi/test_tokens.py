"""API tokens as an attacker meets them: an unconfirmed sign-up gets none, a reader of the
database cannot use one, a token dies when it expires, is revoked or the password changes,
and the web login's lockout holds on the API, whatever X-Forwarded-For says."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import passwords
from restapi.models import ApiToken
from tests.factories import PASSWORD, UserFactory, api_token

pytestmark = pytest.mark.django_db


def obtain(client, email, password=PASSWORD, **headers):
    return client.post(reverse("api-token"), {"email": email, "password": password}, format="json",
                       HTTP_ACCEPT_LANGUAGE="en", **headers)


def me(token):
    return APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}")


def test_an_unconfirmed_sign_up_gets_no_token_and_is_told_why():
    user = UserFactory(email="x@nonexistent.invalid", verified=False)
    response = obtain(APIClient(), user.email)
    assert response.status_code == 403
    assert "Confirm your e-mail address" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_wrong_password_never_reveals_whether_the_address_is_confirmed():
    user = UserFactory(verified=False)
    response = obtain(APIClient(), user.email, password="wrong password")
    assert response.status_code == 400
    assert "Confirm" not in response.content.decode()


def test_the_database_holds_no_usable_token():
    user = UserFactory()
    token = obtain(APIClient(), user.email).json()["token"]
    assert me(token).status_code == 200
    with connection.cursor() as cursor:  # what someone with read access to the tables sees
        cursor.execute("SELECT * FROM restapi_apitoken")
        rows = cursor.fetchall()
    assert rows and not any(token in str(value) for row in rows for value in row)
    stolen_digest = ApiToken.objects.get(user=user).digest
    assert me(stolen_digest).status_code in (401, 403)


def test_a_token_stops_working_when_it_expires():
    user = UserFactory()
    response = obtain(APIClient(), user.email)
    expires = response.json()["expires_at"]
    assert timezone.now() + timedelta(days=29) < timezone.datetime.fromisoformat(expires.replace("Z", "+00:00"))
    token = response.json()["token"]
    ApiToken.objects.filter(user=user).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert me(token).status_code in (401, 403)


def test_a_token_is_shown_once_and_revoked_by_its_holder():
    user = UserFactory()
    response = obtain(APIClient(), user.email)
    assert response["Cache-Control"] == "no-store"
    token = response.json()["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    listed = client.get(reverse("api-tokens")).json()
    assert [t["prefix"] for t in listed] == [token[:8]]
    assert token not in client.get(reverse("api-tokens")).content.decode()
    assert client.delete(reverse("api-token")).status_code == 204
    assert me(token).status_code in (401, 403)


def test_nobody_revokes_another_persons_token():
    owner, intruder = UserFactory(), UserFactory()
    owner_token = api_token(owner)
    row = ApiToken.objects.get(user=owner)
    client = APIClient(HTTP_AUTHORIZATION=f"Token {api_token(intruder)}")
    assert client.delete(reverse("api-token-detail", args=[row.pk])).status_code == 404
    assert me(owner_token).status_code == 200
    assert client.delete(reverse("api-tokens")).status_code == 204  # "all mine"
    assert me(owner_token).status_code == 200


def test_changing_the_password_revokes_every_token():
    user = UserFactory()
    tokens = [api_token(user), api_token(user)]
    assert all(me(t).status_code == 200 for t in tokens)
    user.set_password("a brand new password 2026")
    user.save()
    assert all(me(t).status_code in (401, 403) for t in tokens)
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_password_reset_through_the_site_revokes_every_token(client, mailoutbox):
    user = UserFactory()
    token = api_token(user)
    client.post(reverse("account_reset_password"), {"email": user.email})
    link = next(line for line in mailoutbox[-1].body.splitlines() if "/password/reset/key/" in line).strip()
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0] if form.redirect_chain else link,
                {"password1": "another long password 77", "password2": "another long password 77"})
    user.refresh_from_db()
    assert user.check_password("another long password 77")
    assert me(token).status_code in (401, 403)


def test_an_account_locked_on_the_web_gets_no_token_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(5):  # LOGIN_RATE_LIMIT: five failures per account in five minutes
        client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    locked = obtain(APIClient(REMOTE_ADDR="203.0.113.9"), user.email)
    assert locked.status_code == 429
    assert not ApiToken.objects.filter(user=user).exists()


def test_a_refused_attempt_costs_no_password_hash(monkeypatch):
    user = UserFactory()
    api = APIClient()
    for _ in range(5):
        obtain(api, user.email, password="wrong")
    import allauth.account.adapter as allauth_adapter

    checked = []
    real = allauth_adapter.authenticate
    monkeypatch.setattr(allauth_adapter, "authenticate", lambda *a, **k: checked.append(1) or real(*a, **k))
    assert obtain(APIClient(REMOTE_ADDR="198.51.100.7"), user.email).status_code == 429
    assert checked == []


@pytest.mark.parametrize("header", ["HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP"])
def test_a_forged_forwarded_address_does_not_escape_the_limits(header):
    api = APIClient()
    codes = [obtain(api, UserFactory().email, password="wrong", **{header: f"10.0.{n}.1"}).status_code
             for n in range(40)]
    assert codes.count(429) >= 30, codes


def test_a_flood_finds_the_password_slots_taken_and_is_refused_at_once():
    user = UserFactory()
    with override_settings(PASSWORD_CHECK_SLOTS=1):
        passwords._slots = None
        try:
            with passwords.check_slot():  # another request is checking a password right now
                busy = obtain(APIClient(), user.email)
            assert busy.status_code == 429
            assert "try again" in busy.json()["detail"]
            assert obtain(APIClient(), user.email).status_code == 200
        finally:
            passwords._slots = None


@override_settings(TRUSTED_PROXIES=["172.30.57.0/24"])
def test_behind_the_trusted_proxy_each_client_is_counted_by_its_own_address():
    """nginx appends the address it saw: that one counts, whatever the client wrote before it."""
    proxy = "172.30.57.5"
    attacker = APIClient(REMOTE_ADDR=proxy)
    codes = [obtain(attacker, UserFactory().email, password="wrong",
                    HTTP_X_FORWARDED_FOR=f"10.9.{n}.1, 203.0.113.66").status_code for n in range(11)]
    assert codes[:10] == [400] * 10 and codes[10] == 429
    # Another client behind the same proxy is not punished for the attacker.
    neighbour = obtain(APIClient(REMOTE_ADDR=proxy), UserFactory().email,
                       HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert neighbour.status_code == 200


@override_settings(TRUSTED_PROXIES=["172.30.57.0/24"])
def test_a_client_that_is_not_the_proxy_cannot_name_its_address():
    codes = [obtain(APIClient(REMOTE_ADDR="203.0.113.66"), UserFactory().email, password="wrong",
                    HTTP_X_FORWARDED_FOR=f"172.30.57.{n}").status_code for n in range(11)]
    assert codes[10] == 429


def test_forty_wrong_passwords_for_one_account_with_rotating_forwarded_for_are_refused_from_the_sixth():
    """The attack of issue 14: a rotating X-Forwarded-For escaped every limit. Now the
    account locks after five failures, whatever the header says, and stays locked for the
    right password too."""
    user = UserFactory()
    codes = [obtain(APIClient(), user.email, password=f"guess {n}", HTTP_X_FORWARDED_FOR=f"10.1.{n}.7").status_code
             for n in range(40)]
    assert codes[:5] == [400] * 5
    assert set(codes[5:]) == {429}, codes
    assert obtain(APIClient(), user.email, HTTP_X_FORWARDED_FOR="10.2.0.1").status_code == 429
    assert not ApiToken.objects.filter(user=user).exists()
