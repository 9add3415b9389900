"""Sign-ups and password resets are limited per address, and a client cannot pick its
address with X-Forwarded-For (config.middleware.ClientAddressMiddleware trusts only the
proxies named in TRUSTED_PROXIES)."""
import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_rotating_forwarded_for_does_not_lift_the_sign_up_limit(client):
    codes = [client.post(reverse("account_signup"), {"email": f"fake{n}@nonexistent.invalid",
                                                     "password1": "a long password 2026!", "password2": "a long password 2026!"},
                         HTTP_X_FORWARDED_FOR=f"10.3.{n}.1").status_code for n in range(24)]
    assert 429 in codes, codes
    assert codes.index(429) <= 20


def test_rotating_forwarded_for_does_not_lift_the_password_reset_limit(client):
    user = UserFactory()
    codes = [client.post(reverse("account_reset_password"), {"email": user.email},
                         HTTP_X_FORWARDED_FOR=f"10.4.{n}.1").status_code for n in range(8)]
    assert 429 in codes, codes
