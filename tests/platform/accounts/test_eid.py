"""National e-ID sign-in over OpenID Connect, against a real provider started on 127.0.0.1
(npm's oidc-provider, tests/oidc): PKCE, state and nonce, claim mapping, a forged ID token
refused, only a keyed hash of the identity number kept, one account per person, and a
verified account voting in a census process as the census says, once whatever the channel."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.messages import get_messages
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from accounts import census
from accounts.models import Verification
from budgets import paper_ballots, services, voting_codes
from budgets.models import Voters
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import DistrictFactory, UserFactory
from tests.oidc import provider as oidc
from tests.services import need_oidc_provider

pytestmark = [pytest.mark.django_db, pytest.mark.slow_tier]
CPR = "0101801234"
APP_ID = "mitid-test"


@pytest.fixture(scope="module")
def idp():
    need_oidc_provider()
    started = oidc.start([f"http://testserver/accounts/eid/{APP_ID}/login/callback/"])
    yield started
    started.stop()


@pytest.fixture
def eid_app(idp, municipality):
    return eid_app_of(idp, municipality)


def eid_app_of(idp, municipality, provider_id=APP_ID, name="MitID"):
    """The municipality's e-ID provider (an allauth SocialApp), at the test provider."""
    idp.forge = {}
    return SocialApp.objects.create(
        provider="eid", provider_id=provider_id, name=name, client_id=oidc.CLIENT_ID, secret=oidc.CLIENT_SECRET,
        settings={"server_url": idp.url, "municipality": municipality.slug, "scope": ["openid", "cpr"],
                  "claims": {"person_id": "cpr", "birthdate": "birthdate", "loa": "loa"},
                  "accepted_loa": ["substantial", "high"],
                  # The token answer passes through the test's relay, which can forge its ID token.
                  "openid_configuration_overrides": {"token_endpoint": idp.relay_url}})


def sign_in_with_eid(client, app, idp, *, person_id=CPR, connect=True):
    """The browser's part: start at Høst, type the identity number at the provider, come back."""
    start = client.post(reverse("eid_login", args=[app.provider_id]), {"process": "connect"} if connect else {})
    assert start.status_code == 302, start.content[:300]
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and query["nonce"][0] and query["state"][0]
    return at_the_provider(client, idp, start["Location"], person_id)


def at_the_provider(client, idp, authorize_url, person_id=CPR):
    """The person types their identity number at the provider and is sent back to Høst."""
    browser = requests.Session()
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    while answer.is_redirect:
        answer = browser.get(urljoin(idp.url, answer.headers["Location"]), allow_redirects=False, timeout=10)
    action = re.search(r'<form[^>]*action="([^"]+)"', answer.text).group(1)
    answer = browser.post(urljoin(idp.url, action), data={"prompt": "login", "login": person_id, "password": "x"},
                          allow_redirects=False, timeout=10)
    while answer.is_redirect and not answer.headers["Location"].startswith("http://testserver"):
        answer = browser.get(urljoin(idp.url, answer.headers["Location"]), allow_redirects=False, timeout=10)
    back = urlsplit(answer.headers["Location"])
    return client.get(f"{back.path}?{back.query}")


def messages_of(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_citizen_verifies_their_account_and_only_a_keyed_hash_is_kept(client, idp, eid_app, municipality):
    citizen = UserFactory(municipality=municipality, birth_year=1999)
    client.force_login(citizen)
    done = sign_in_with_eid(client, eid_app, idp)
    assert done.status_code == 302
    verification = Verification.objects.get(user=citizen)
    assert verification.person_key == census.person_key(CPR)
    assert verification.level_of_assurance == "substantial" and verification.birth_year == 1980
    citizen.refresh_from_db()
    assert citizen.birth_year == 1980  # the e-ID's, not what the profile said
    assert SocialAccount.objects.get(user=citizen).extra_data.keys() <= {"iss", "acr"}
    with connection.cursor() as cursor:  # nowhere in the database, as read by someone with access
        dump = ""
        for table in ("accounts_verification", "socialaccount_socialaccount", "django_session", "accounts_user"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump += repr(cursor.fetchall())
    assert CPR not in dump, dump[max(0, dump.find(CPR) - 300):dump.find(CPR) + 100]
    # The profile cannot change the verified birth year.
    client.post(reverse("account-profile"), {"display_name": "X", "preferred_language": "da", "birth_year": 2010,
                                             "municipality": municipality.pk})
    citizen.refresh_from_db()
    assert citizen.birth_year == 1980


def test_one_person_verifies_one_account(client, idp, eid_app, municipality):
    first, second = UserFactory(municipality=municipality), UserFactory(municipality=municipality)
    client.force_login(first)
    sign_in_with_eid(client, eid_app, idp)
    client.force_login(second)
    with translation.override("en"):
        sign_in_with_eid(client, eid_app, idp)
    assert not Verification.objects.filter(user=second).exists()
    assert Verification.objects.get(user=first)


def test_a_verified_resident_votes_online_in_a_census_process_once_whatever_the_channel(
        client, idp, eid_app, municipality):
    viby = DistrictFactory(municipality=municipality, name="Viby", slug="viby")
    census.census_replace(municipality=municipality,
                          data=f"person_id,birth_year,district\n{CPR},1980,Viby\n".encode())
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS)
    ProjectFactory(process=process, code="A", cost=10_000)
    ProjectFactory(process=process, code="B", cost=10_000)
    citizen = UserFactory(municipality=municipality)  # no district in the profile
    client.force_login(citizen)
    sign_in_with_eid(client, eid_app, idp)
    citizen.refresh_from_db()
    first = services.ballot_cast(process=process, choice={"projects": ["A"]}, user=citizen)
    again = services.ballot_cast(process=process, choice={"projects": ["B"]}, user=citizen)
    assert again.replaced and first.receipt != again.receipt
    [(code, district)] = voting_codes.codes_for_census(process=process)
    assert district == viby.name
    with pytest.raises(services.ValidationError):
        services.ballot_cast(process=process, choice={"projects": ["A"]}, code=code)
    with pytest.raises(services.ValidationError):
        paper_ballots.paper_ballot_enter(process=process, staff=UserFactory(), choice={"projects": ["A"]}, person_id=CPR)


def test_a_letter_vote_first_makes_the_e_id_ballot_refused(client, idp, eid_app, municipality):
    census.census_replace(municipality=municipality, data=f"person_id,birth_year,district\n{CPR},1980,\n".encode())
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS)
    ProjectFactory(process=process, code="A", cost=10_000)
    [(code, _district)] = voting_codes.codes_for_census(process=process)
    services.ballot_cast(process=process, choice={"projects": ["A"]}, code=code)
    citizen = UserFactory(municipality=municipality)
    client.force_login(citizen)
    sign_in_with_eid(client, eid_app, idp)
    citizen.refresh_from_db()
    with pytest.raises(services.ValidationError) as refused, translation.override("en"):
        services.ballot_cast(process=process, choice={"projects": ["A"]}, user=citizen)
    assert "code in your letter" in " ".join(refused.value.messages)




@pytest.mark.parametrize("forge, why", [
    ({"_resign_with": oidc.new_key()}, "signed with another key"),
    ({"aud": "someone-else"}, "issued to another client"),
    ({"iss": "http://127.0.0.1:1/evil"}, "from another issuer"),
    ({"exp": 1_000_000_000}, "expired"),
    ({"nonce": "replayed-from-another-sign-in"}, "for another sign-in"),
])
def test_a_forged_id_token_is_refused_with_a_clear_message(client, idp, eid_app, municipality, forge, why):
    citizen = UserFactory(municipality=municipality, preferred_language="en")
    client.force_login(citizen)
    idp.forge = forge
    with translation.override("en"):
        done = sign_in_with_eid(client, eid_app, idp)
    assert not Verification.objects.filter(user=citizen).exists(), why
    assert not SocialAccount.objects.filter(user=citizen).exists(), why
    page = done.content.decode() + messages_of(done)
    assert "could not be checked" in page, page[:800]


def test_a_level_of_assurance_below_the_municipalitys_is_refused(client, idp, eid_app, municipality):
    eid_app.settings["accepted_loa"] = ["high"]
    eid_app.save()
    citizen = UserFactory(municipality=municipality, preferred_language="en")
    client.force_login(citizen)
    with translation.override("en"):
        done = sign_in_with_eid(client, eid_app, idp)
    assert "level of assurance" in messages_of(done)
    assert not Verification.objects.filter(user=citizen).exists()


def test_a_provider_that_does_not_give_the_identity_number_verifies_nobody(client, idp, eid_app, municipality):
    eid_app.settings["claims"] = {"person_id": "no_such_claim"}
    eid_app.save()
    citizen = UserFactory(municipality=municipality, preferred_language="en")
    client.force_login(citizen)
    with translation.override("en"):
        done = sign_in_with_eid(client, eid_app, idp)
    assert "did not tell us your identity number" in messages_of(done)
    assert not Verification.objects.filter(user=citizen).exists()


def test_a_verified_person_signs_in_with_the_e_id_alone(client, idp, eid_app, municipality):
    citizen = UserFactory(municipality=municipality)
    client.force_login(citizen)
    sign_in_with_eid(client, eid_app, idp)
    client.logout()
    done = sign_in_with_eid(client, eid_app, idp, connect=False)
    assert done.status_code == 302
    assert client.get(reverse("api-me")).json()["email"] == citizen.email
    assert Verification.objects.get(user=citizen).verified_at > timezone.now() - timezone.timedelta(minutes=1)
