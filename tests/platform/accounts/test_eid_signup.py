"""A person who has never had a Høst account, on their way to a census vote, signs in with
their national e-ID (a real OpenID provider on 127.0.0.1, tests/oidc): they get an account
whose identity is confirmed (the verification keeps only the keyed hash of their identity
number, as every table does), land on the ballot they were going to and vote where the
census says they live. The same e-ID reaches the same account again, from this
municipality's provider or another's; a second person gets an account of their own; and one
who voted with their letter code gets no second ballot through the e-ID."""
from __future__ import annotations

import html
import re

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import translation

from accounts import census
from accounts.models import Verification
from budgets import services, voting_codes
from budgets.models import Ballot, DistrictBudget, Participation, Voters
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import DistrictFactory, MunicipalityFactory
from tests.oidc import provider as oidc
from tests.platform.accounts.test_eid import APP_ID, CPR, at_the_provider, eid_app_of
from tests.services import need_oidc_provider

pytestmark = [pytest.mark.django_db, pytest.mark.slow_tier]
SECOND_PERSON = "0303851234"
OTHER_APP_ID = "mitid-odense"


@pytest.fixture(scope="module")
def idp():
    need_oidc_provider()
    started = oidc.start([f"http://testserver/accounts/eid/{app}/login/callback/" for app in (APP_ID, OTHER_APP_ID)])
    yield started
    started.stop()


@pytest.fixture
def eid_app(idp, municipality):
    return eid_app_of(idp, municipality)


@pytest.fixture
def vote(municipality):
    """A census vote: a citywide budget and Viby's and Brabrand's; the census lists the
    first person in Viby, the second in Brabrand."""
    viby = DistrictFactory(municipality=municipality, name="Viby", slug="viby")
    brabrand = DistrictFactory(municipality=municipality, name="Brabrand", slug="brabrand")
    census.census_replace(municipality=municipality, data=(
        f"person_id,birth_year,district\n{CPR},1980,Viby\n{SECOND_PERSON},1985,Brabrand\n").encode())
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS, title="Borgerbudget 2027")
    for district in (viby, brabrand):
        budget = DistrictBudget.objects.create(process=process, district=district, name=district.name,
                                               slug=district.slug, amount=50_000)
        ProjectFactory(process=process, code=district.slug[0].upper(), cost=10_000, district_budget=budget)
    ProjectFactory(process=process, code="A", cost=10_000)
    return process


def ballot_url(process, district=""):
    return (reverse("budgets:vote-district", args=[process.pk, district]) if district
            else reverse("budgets:vote", args=[process.pk]))


def sign_in_from_the_ballot(client, app, idp, going_to: str, person_id=CPR):
    """As a person does it: open the ballot, be sent to the sign-in page, choose the e-ID
    there, say yes to leaving for it, sign in at the provider. The answer of Høst's callback."""
    asked = client.get(going_to)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("account_login")), asked
    page = client.get(asked["Location"]).content.decode()
    found = re.search(rf'href="(/accounts/eid/{app.provider_id}/login/[^"]*)"', page)
    assert found, "the sign-in page offers the e-ID"
    link = html.unescape(found.group(1))
    assert client.get(link).status_code == 200  # allauth asks before leaving (no sign-in on a GET)
    leave = client.post(link)
    assert leave.status_code == 302 and leave["Location"].startswith(idp.url), leave
    return at_the_provider(client, idp, leave["Location"], person_id)


def sign_up(client, back, email: str):
    """A new person's last steps: their e-mail address, then the link in the e-mail."""
    assert back.status_code == 302 and back["Location"] == reverse("socialaccount_signup"), back
    form = client.get(back["Location"]).content.decode()
    assert 'name="email"' in form and 'name="password1"' not in form  # no password: the e-ID signs them in
    sent = client.post(back["Location"], {"email": email})
    assert sent.status_code == 302 and sent["Location"] == reverse("account_email_verification_sent"), sent
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+)", mail.outbox[-1].body).group(1)
    assert client.get(link).status_code == 200
    return client.post(link)


def database_dump() -> str:
    """Every row of the tables an e-ID sign-up writes to, as someone with the database sees it."""
    dump = ""
    with connection.cursor() as cursor:
        for table in ("accounts_user", "accounts_verification", "socialaccount_socialaccount", "account_emailaddress",
                      "django_session", "budgets_participation", "budgets_ballot", "notify_notice"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            dump += repr(cursor.fetchall())
    return dump


def test_a_person_new_to_hoest_signs_up_with_the_e_id_lands_on_the_ballot_and_votes_where_they_live(
        client, idp, eid_app, vote):
    assert not get_user_model().objects.exists()
    back = sign_in_from_the_ballot(client, eid_app, idp, ballot_url(vote, "viby"))
    landed = sign_up(client, back, "ny@example.org")
    assert landed.status_code == 302 and landed["Location"] == ballot_url(vote, "viby")

    [person] = get_user_model().objects.all()
    assert client.get(reverse("api-me")).json()["email"] == "ny@example.org"
    verification = Verification.objects.get(user=person)
    assert verification.person_key == census.person_key(CPR) and verification.level_of_assurance == "substantial"
    assert person.birth_year == 1980  # the e-ID's
    assert not person.has_usable_password()
    assert SocialAccount.objects.get(user=person).extra_data.keys() <= {"iss", "acr"}

    ballot = client.get(landed["Location"])
    assert ballot.status_code == 200 and 'value="V"' in ballot.content.decode()
    receipt = client.post(landed["Location"], {"projects": ["V"]})
    assert receipt.status_code == 200 and Ballot.objects.filter(process=vote).count() == 1
    assert client.post(ballot_url(vote), {"projects": ["A"]}).status_code == 200  # and the citywide one
    assert Participation.objects.filter(user=person).count() == 2
    # Brabrand's budget is not theirs: the census says Viby, whatever they try.
    with translation.override("en"):
        refused = client.get(ballot_url(vote, "brabrand"), HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403
    assert Ballot.objects.filter(process=vote).count() == 2

    dump = database_dump()
    for form in (CPR, f"{CPR[:6]}-{CPR[6:]}"):
        assert form not in dump, dump[max(0, dump.find(form) - 300):dump.find(form) + 100]


def test_signing_in_again_with_the_same_e_id_reaches_the_same_account(client, idp, eid_app, vote):
    sign_up(client, sign_in_from_the_ballot(client, eid_app, idp, ballot_url(vote)), "ny@example.org")
    [person] = get_user_model().objects.all()
    client.logout()
    again = sign_in_from_the_ballot(client, eid_app, idp, ballot_url(vote))
    assert again.status_code == 302 and again["Location"] == ballot_url(vote)  # no sign-up form this time
    assert client.get(reverse("api-me")).json()["id"] == person.pk
    assert get_user_model().objects.count() == 1 and SocialAccount.objects.count() == 1


def test_the_same_person_through_another_municipalitys_e_id_reaches_their_one_account(
        client, idp, eid_app, vote):
    # Another municipality's app, at the same broker client (both apps share its client id).
    other = eid_app_of(idp, MunicipalityFactory(slug="odense"), provider_id=OTHER_APP_ID, name="MitID (Odense)")
    sign_up(client, sign_in_from_the_ballot(client, eid_app, idp, ballot_url(vote)), "ny@example.org")
    [person] = get_user_model().objects.all()
    client.logout()
    again = sign_in_from_the_ballot(client, other, idp, ballot_url(vote))
    assert again.status_code == 302 and again["Location"] == ballot_url(vote), again
    assert client.get(reverse("api-me")).json()["id"] == person.pk
    assert get_user_model().objects.count() == 1
    assert set(SocialAccount.objects.values_list("user", "provider")) == {(person.pk, APP_ID),
                                                                          (person.pk, OTHER_APP_ID)}
    assert Verification.objects.get().user == person


def test_a_second_person_gets_an_account_of_their_own(client, idp, eid_app, vote):
    sign_up(client, sign_in_from_the_ballot(client, eid_app, idp, ballot_url(vote)), "foerste@example.org")
    client.logout()
    landed = sign_up(client, sign_in_from_the_ballot(client, eid_app, idp, ballot_url(vote, "brabrand"),
                                                     person_id=SECOND_PERSON), "anden@example.org")
    assert landed["Location"] == ballot_url(vote, "brabrand")
    first, second = get_user_model().objects.order_by("pk")
    assert client.get(reverse("api-me")).json()["id"] == second.pk
    assert Verification.objects.get(user=first).person_key == census.person_key(CPR)
    assert Verification.objects.get(user=second).person_key == census.person_key(SECOND_PERSON)
    assert second.birth_year == 1985
    assert client.post(landed["Location"], {"projects": ["B"]}).status_code == 200
    assert Participation.objects.get(user=second).district.name == "Brabrand"


def test_one_who_voted_with_their_letter_gets_no_second_ballot_through_a_new_e_id_account(
        client, idp, eid_app, vote):
    letters = dict((district, code) for code, district in voting_codes.codes_for_census(process=vote))
    services.ballot_cast(process=vote, choice={"projects": ["A"]}, code=letters["Viby"])
    client.cookies["django_language"] = "en"
    landed = sign_up(client, sign_in_from_the_ballot(client, eid_app, idp, ballot_url(vote)), "ny@example.org")
    assert landed["Location"] == ballot_url(vote)
    refused = client.post(landed["Location"], {"projects": ["A"]})
    assert refused.status_code == 200
    assert "You have already voted with the code in your letter" in html.unescape(refused.content.decode())
    assert Ballot.objects.filter(process=vote).count() == 1
    assert not Participation.objects.filter(user__isnull=False).exists()
