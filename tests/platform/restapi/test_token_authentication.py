"""API tokens: the right person, and a clear translated refusal for a wrong or dead token."""
import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory, api_token

pytestmark = pytest.mark.django_db


def me(key, language="en"):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE=language)
    return api.get("/api/v1/me/")


def test_a_token_signs_in_its_owner_and_nobody_else():
    owner, other = UserFactory(display_name="Ejer"), UserFactory(display_name="Anden")
    api_token(other)
    response = me(api_token(owner))
    assert response.status_code == 200
    assert response.json()["display_name"] == "Ejer"


def test_an_unknown_token_is_refused_in_the_readers_language():
    response = me("0" * 40, language="da")
    assert response.status_code == 403  # session auth comes first, so DRF answers 403, not 401
    assert response.json()["code"] == "authentication_failed"
    assert response.json()["detail"] == "Ugyldigt token."  # DRF's own Danish


def test_the_token_of_a_deactivated_account_is_refused():
    user = UserFactory()
    key = api_token(user)
    user.is_active = False
    user.save()
    response = me(key)
    assert response.status_code == 403  # session auth comes first, so DRF answers 403, not 401
    assert "inactive" in response.json()["detail"]


def test_the_token_user_is_read_in_one_query_and_a_left_out_field_still_loads(django_assert_num_queries):
    from restapi.authentication import DEFERRED, TokenAuthentication

    owner = UserFactory(display_name="Ejer")
    owner.set_password("a long enough password")
    owner.save()
    key = api_token(owner)
    with django_assert_num_queries(1):
        user, token = TokenAuthentication().authenticate_credentials(key)
        assert (user.pk, user.display_name, user.is_active, token) == (owner.pk, "Ejer", True, key)
    assert user.get_deferred_fields() == DEFERRED
    with django_assert_num_queries(1):
        assert user.date_joined == owner.date_joined
    assert user.check_password("a long enough password")
