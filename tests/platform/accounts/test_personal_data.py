"""A person can download everything Høst holds about them, and delete it for good."""
import json

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models
from django.urls import reverse

from accounts.models import Membership, Role, deleted_user
from restapi.models import ApiToken
from tests.factories import PASSWORD, DistrictFactory, MembershipFactory, UserFactory, api_token

User = get_user_model()


@pytest.mark.django_db
def test_download_contains_own_data_and_nothing_of_others(client, municipality):
    district = DistrictFactory(municipality=municipality, name="Viby")
    me = UserFactory(municipality=municipality, district=district, display_name="Mette",
                     birth_year=1980)
    MembershipFactory(user=me, municipality=municipality, role=Role.MODERATOR)
    api_token(me)
    other = UserFactory(municipality=municipality, display_name="Ole Andersen")
    client.force_login(me)

    response = client.get(reverse("account-data"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    account = data["account"]
    assert account["email"] == me.email
    assert account["display_name"] == "Mette"
    assert account["birth_year"] == 1980
    assert account["district"] == "Viby"
    assert account["roles"] == [{"municipality": municipality.name, "role": "moderator",
                                 "since": account["roles"][0]["since"]}]
    assert account["email_addresses"][0]["verified"] is True
    assert [t["begins_with"][:4] for t in data["api_tokens"]] == ["hst_"]
    text = response.content.decode()
    assert other.email not in text and "Ole Andersen" not in text


@pytest.mark.django_db
def test_download_needs_login(client):
    response = client.get(reverse("account-data"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.django_db
def test_delete_account_removes_every_trace_of_the_person(client, municipality):
    me = UserFactory(municipality=municipality, email="slet.mig@example.org")
    MembershipFactory(user=me, municipality=municipality, role=Role.STAFF)
    api_token(me)
    other_device = client.__class__()
    other_device.force_login(me)
    client.force_login(me)
    assert Session.objects.count() == 2

    wrong = client.post(reverse("account-delete"), {"password": "forkert", "confirm": "on"})
    assert wrong.status_code == 200 and User.objects.filter(pk=me.pk).exists()

    response = client.post(reverse("account-delete"), {"password": PASSWORD, "confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=me.pk).exists()
    assert not User.objects.filter(email="slet.mig@example.org").exists()
    assert not EmailAddress.objects.filter(email="slet.mig@example.org").exists()
    assert not Membership.objects.filter(user_id=me.pk).exists()
    assert not ApiToken.objects.filter(user_id=me.pk).exists()
    assert Session.objects.count() == 0, "signed out everywhere"
    assert other_device.get(reverse("api-me")).status_code in (401, 403)


@pytest.mark.django_db
def test_deleted_user_placeholder_holds_no_personal_data():
    placeholder = deleted_user()
    assert placeholder == deleted_user(), "one placeholder for all deleted accounts"
    assert not placeholder.is_active
    assert not placeholder.has_usable_password() or not placeholder.check_password("")
    assert placeholder.public_name in {"deleted user", "slettet bruger", "slettet bruker"}
    assert placeholder.municipality is None and placeholder.birth_year is None


# Rows that are the person's own personal data and go with the account. Anything else that
# points at a user is content and must survive deletion, re-attributed to "deleted user".
PERSONAL_DATA_RELATIONS = {
    ("accounts", "Membership", "user"),
    ("account", "EmailAddress", "user"),
    ("restapi", "ApiToken", "user"),
    ("accounts", "Verification", "user"),  # what an e-ID vouched for
    ("socialaccount", "SocialAccount", "user"),  # an e-ID sign-in tied to the account
    ("mfa", "Authenticator", "user"),  # the account's second factors
    ("admin", "LogEntry", "user"),
    ("ideas", "Follow", "user"),
    ("dinners", "Seat", "guest"),
    ("dinners", "MatchRequest", "guest"),
    ("notify", "Notice", "recipient"),
    ("notify", "MailChoice", "user"),  # the person's e-mail choices
}


def test_every_relation_to_a_user_either_is_personal_data_or_survives_deletion():
    problems = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not (field.is_relation and field.concrete and field.related_model is User):
                continue
            key = (model._meta.app_label, model.__name__, field.name)
            if field.many_to_many:
                continue  # through rows vanish with the user; they hold no content
            on_delete = field.remote_field.on_delete
            if key in PERSONAL_DATA_RELATIONS:
                continue
            if on_delete is models.SET_NULL:
                continue  # content kept, belonging to nobody (supports, reports)
            # Content: on_delete=models.SET(deleted_user) keeps it, attributed to the placeholder.
            if getattr(on_delete, "deconstruct", None) and on_delete.deconstruct()[1] == (deleted_user,):
                continue
            problems.append(f"{key}: on_delete={on_delete}")
    assert problems == [], "content relations must use on_delete=models.SET(deleted_user)"
