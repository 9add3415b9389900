"""The council's decision, a phase change and opening the ballot box need a recent
authentication (accounts.mfa.recently_authenticated): a sign-in with the second factor or a
confirmation of who one is within five minutes. A stale session is sent to allauth's
reauthentication and then goes on; the API wants a recent session or a current code."""
from __future__ import annotations

import time

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from django.urls import reverse
from rest_framework.test import APIClient

from budgets import phases, services
from budgets.models import BudgetProcess, Phase, Result
from tests.budgets.factories import open_box, share_texts
from tests.factories import PASSWORD, UserFactory, api_token, sign_in_recently, totp_code

pytestmark = pytest.mark.django_db


def age(client, seconds: int) -> None:
    """Move every authentication recorded in the session `seconds` into the past."""
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {**record, "at": record["at"] - seconds} for record in session[AUTHENTICATION_METHODS_SESSION_KEY]]
    session.save()


def confirm_with_password(client, response):
    """Follow a redirect to allauth's reauthentication and confirm with the password."""
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    return client.post(response["Location"], {"password": PASSWORD})


@pytest.fixture
def reviewing(process, council, municipality):
    for codes in (["A"], ["A", "C"], ["C"]):
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    process.refresh_from_db()
    return process


def test_a_stale_session_confirms_who_it_is_before_the_council_approves(client, reviewing, council):
    client.force_login(council)  # signed in long ago: no recent authentication in the session
    url = reverse("budgets:council", args=[reviewing.pk])
    assert client.get(url).status_code == 200, "reading the comparison needs nothing more"
    asked = client.post(url, {"decision": "approved"})
    assert asked["Location"] == reverse("account_reauthenticate") + f"?next=%2Fbudgets%2F{reviewing.pk}%2Fcouncil%2F"
    assert not Result.objects.filter(process=reviewing).exists()
    wrong = client.post(asked["Location"], {"password": "not-the-password"})
    assert wrong.status_code == 200 and not Result.objects.filter(process=reviewing).exists()
    resumed = confirm_with_password(client, asked)
    # allauth replays the decision that was asked for.
    assert resumed.status_code == 302 and resumed["Location"] == reverse("budgets:detail", args=[reviewing.pk])
    assert Result.objects.filter(process=reviewing, approved_by=council).exists()


def test_the_confirmation_lasts_five_minutes(client, reviewing, council):
    sign_in_recently(client, council)
    age(client, 301)
    url = reverse("budgets:council", args=[reviewing.pk])
    asked = client.post(url, {"decision": "sent_back", "comment": "Vi vil se på det igen."})
    assert reverse("account_reauthenticate") in asked["Location"]
    sign_in_recently(client, council)
    age(client, 240)
    assert client.post(url, {"decision": "sent_back", "comment": "Igen."}).status_code == 302
    assert reviewing.council_reviews.count() == 1


def test_a_phase_change_needs_a_recent_authentication(client, process, budget_staff):
    client.force_login(budget_staff)
    url = reverse("budgets:phase", args=[process.pk])
    assert client.get(url).status_code == 200
    asked = client.post(url, {"phase": "council_review", "reason": "Afstemningen er slut."})
    assert BudgetProcess.objects.get(pk=process.pk).phase == Phase.VOTING
    resumed = confirm_with_password(client, asked)
    assert resumed.status_code == 302 and resumed["Location"] == reverse("budgets:detail", args=[process.pk])
    assert BudgetProcess.objects.get(pk=process.pk).phase == Phase.COUNCIL_REVIEW
    # Extending voting is a change of the process's phases too.
    other = type(process).objects.create(
        municipality=process.municipality, title="Andet", slug="andet", total_budget=1, phase=Phase.VOTING,
        proposals_start=process.proposals_start, review_start=process.review_start,
        voting_start=process.voting_start, voting_end=process.voting_end, results_date=process.results_date)
    age(client, 600)
    asked = client.post(reverse("budgets:phase", args=[other.pk]), {"extend-voting_end": "2099-01-01T12:00",
                                                                    "extend-reason": "Posten er forsinket"})
    assert reverse("account_reauthenticate") in asked["Location"]


def test_opening_the_ballot_box_confirms_first_and_never_keeps_the_shares(client, process, council):
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    url = reverse("budgets:ballot-box-open", args=[process.pk])
    client.force_login(council)
    asked = client.get(url)
    assert reverse("account_reauthenticate") in asked["Location"], "before the form is shown"
    back = confirm_with_password(client, asked)
    assert back["Location"] == url
    assert client.get(url).status_code == 200
    shares = share_texts(process, 2)
    data = {"words_1": shares[0], "words_2": shares[1]}
    # Too long on the page: the shares are not kept to be replayed; the person confirms and
    # presents them again.
    age(client, 600)
    refused = client.post(url, data)
    assert refused["Location"] == reverse("account_reauthenticate") + f"?next=%2Fbudgets%2F{process.pk}%2Fballot-box%2Fopen%2F"
    assert "account_reauthentication_state" not in client.session
    # Three words in a row: one short word alone can turn up by chance in a hash in the session.
    words = " ".join(shares[0].split()[1:4])
    assert not any(words in str(value) for value in client.session.values())
    process.ballot_box.refresh_from_db()
    assert process.ballot_box.opened_at is None
    assert confirm_with_password(client, refused)["Location"] == url
    opened = client.post(url, data)
    assert opened.status_code == 302 and opened["Location"] == reverse("budgets:council", args=[process.pk])
    process.ballot_box.refresh_from_db()
    assert process.ballot_box.opened_at is not None


# --- The API --------------------------------------------------------------------------------

def test_the_api_decision_needs_a_current_code_from_a_token_client(reviewing, council):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(council)}", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/budgets/{reviewing.pk}/council/"
    without = api.post(url, {"decision": "approved"}, format="json")
    assert without.status_code == 403 and without.json()["code"] == "reauthentication_required"
    wrong = api.post(url, {"decision": "approved", "code": "999999" if totp_code() != "999999" else "999998"},
                     format="json")
    assert wrong.status_code == 403 and wrong.json()["code"] == "reauthentication_required"
    assert not Result.objects.filter(process=reviewing).exists()
    assert api.post(url, {"decision": "approved", "code": totp_code()}, format="json").status_code == 204
    assert Result.objects.filter(process=reviewing).exists()


def test_the_api_decision_in_a_recent_session_needs_no_code(client, reviewing, council):
    sign_in_recently(client, council)
    url = f"/api/v1/budgets/{reviewing.pk}/council/"
    age(client, 600)
    stale = client.post(url, {"decision": "approved"}, content_type="application/json")
    assert stale.status_code == 403 and stale.json()["code"] == "reauthentication_required"
    sign_in_recently(client, council)
    assert client.post(url, {"decision": "approved"}, content_type="application/json").status_code == 204


def test_a_code_is_no_way_around_the_role(reviewing, municipality):
    """The code confirms who one is; it gives no right: a citizen with an authenticator app
    is refused as before."""
    from tests.factories import second_factor_add

    citizen = UserFactory(municipality=municipality)
    second_factor_add(citizen)
    api = APIClient()
    api.force_authenticate(citizen)
    response = api.post(f"/api/v1/budgets/{reviewing.pk}/council/", {"decision": "approved", "code": totp_code()},
                        format="json")
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_recent_means_within_the_timeout(rf, council):
    from accounts import mfa

    request = rf.get("/")
    request.user = council
    from django.contrib.sessions.backends.cache import SessionStore

    request.session = SessionStore()
    assert not mfa.recently_authenticated(request)
    from allauth.account.internal.flows.login import record_authentication

    record_authentication(request, council, method="password")
    assert not mfa.recently_authenticated(request), "a password sign-in is not a confirmation"
    record_authentication(request, council, method="password", reauthenticated=True)
    assert mfa.recently_authenticated(request)
    request.session[AUTHENTICATION_METHODS_SESSION_KEY][-1]["at"] = time.time() - 301
    assert not mfa.recently_authenticated(request)
