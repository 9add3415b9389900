import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory


@pytest.mark.django_db
def test_signup_requires_email_verification_then_logs_in(client, municipality):
    response = client.post(reverse("account_signup"), {
        "email": "Ny.Borger@Example.org", "password1": "en-god-adgangskode-42",
        "password2": "en-god-adgangskode-42", "display_name": "Ny Borger",
        "municipality": municipality.pk,
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    # Not signed in until the address is confirmed.
    assert client.get(reverse("api-me")).status_code in (401, 403)

    assert len(mail.outbox) == 1
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    confirm_path = link.split("testserver", 1)[1]
    assert client.post(confirm_path).status_code == 302

    me = client.get(reverse("api-me")).json()
    assert me["email"] == "ny.borger@example.org"
    assert me["display_name"] == "Ny Borger"
    assert me["municipality"] == municipality.slug


@pytest.mark.django_db
def test_signup_with_errors_keeps_what_was_typed_and_summarises_errors(client):
    response = client.post(reverse("account_signup"), {
        "email": "keep.me@example.org", "password1": "kort", "password2": "anderledes",
        "display_name": "Behold Mig",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert 'value="keep.me@example.org"' in html
    assert 'value="Behold Mig"' in html
    assert 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_login_and_logout(client):
    user = UserFactory()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("api-me")).json()["email"] == user.email
    client.post(reverse("account_logout"))
    assert client.get(reverse("api-me")).status_code in (401, 403)


@pytest.mark.django_db
def test_repeated_failed_logins_are_throttled_even_with_the_right_password(client):
    user = UserFactory()
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
        assert response.status_code == 200
        assert "Too many failed" not in response.content.decode()
    # The account is now locked for a while: even the right password is refused.
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert client.get(reverse("api-me")).status_code in (401, 403)


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client):
    user = UserFactory()
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(form_url, {"password1": "helt-ny-kode-1234", "password2": "helt-ny-kode-1234"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("helt-ny-kode-1234")
