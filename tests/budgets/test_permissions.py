"""Role x phase x action, for pages and API, and the secrecy of ballots."""
import json

import pytest
from django.contrib import admin
from rest_framework.test import APIClient

from accounts.models import Role
from budgets import phases, results, services
from budgets.elections import BudgetElection
from budgets.models import Ballot, BudgetProcess, DistrictBudget, Participation, Phase, VotingCode
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory, open_box
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    UserFactory,
    sign_in_recently,
    totp_code,
)

ROLES = ["anonymous", "citizen", "outsider", "staff", "council", "admin"]
PHASES = ["proposals", "review", "voting", "council_review", "results"]


def allowed(action: str, role: str, phase: str) -> bool:
    signed_in = role != "anonymous"
    staff = role in ("staff", "admin")
    council = role in ("council", "admin")
    return {
        "view": True,
        "propose": signed_in and phase == "proposals",
        "vote": role in ("citizen", "staff", "council", "admin") and phase == "voting",
        "vote_district": role in ("citizen", "staff", "council", "admin") and phase == "voting",
        "turnout": staff or council,
        "turnout_district": staff or council,
        "codes": staff and phase not in ("results",),
        "review_project": staff and phase in ("proposals", "review"),
        "council": council and phase == "council_review",
        "comparison": (council and phase == "council_review") or phase == "results",
        "comparison_district": (council and phase == "council_review") or phase == "results",
        "export": (council and phase == "council_review") or phase == "results",
        "export_district": (council and phase == "council_review") or phase == "results",
    }[action]


DISTRICT = "nordby"


def _district(municipality):
    return municipality.districts.get_or_create(slug=DISTRICT, defaults={"name": "Nordby"})[0]


def make(role, municipality):
    if role == "anonymous":
        return None
    if role == "outsider":
        return UserFactory(municipality=MunicipalityFactory(), birth_year=1980)
    # Every resident lives in the district that has a district budget in the process.
    user = UserFactory(municipality=municipality, district=_district(municipality), birth_year=1980)
    if role != "citizen":
        MembershipFactory(user=user, municipality=municipality, role=Role(role))
    return user


def setup_process(municipality, phase):
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.VOTING)
    for code in "ABC":
        ProjectFactory(process=process, code=code, cost=30_000)
    budget = DistrictBudget.objects.create(process=process, district=_district(municipality), name="Nordby",
                                           slug=DISTRICT, amount=50_000)
    for code in "XY":
        ProjectFactory(process=process, code=code, cost=20_000, district_budget=budget)
    resident = UserFactory(municipality=municipality, district=budget.district)
    services.ballot_cast(process=process, user=resident, choice={"projects": ["A"]})
    services.ballot_cast(process=process, user=resident, choice={"projects": ["X"]},
                         election=BudgetElection(process, budget))
    if phase in ("council_review", "results"):
        phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
        open_box(process, make("council", municipality))
    if phase == "results":
        results.council_review(process=process, member=make("council", municipality), decision="approved")
    elif phase not in ("voting", "council_review"):
        BudgetProcess.objects.filter(pk=process.pk).update(phase=phase)
    process.refresh_from_db()
    return process


PAGE = {
    "view": lambda c, p: c.get(f"/budgets/{p.pk}/"),
    "propose": lambda c, p: c.post(f"/budgets/{p.pk}/propose/", {"title": "Bænke", "cost": 1000}),
    "vote": lambda c, p: c.post(f"/budgets/{p.pk}/vote/", {"projects": ["B"]}),
    "vote_district": lambda c, p: c.post(f"/budgets/{p.pk}/vote/district/{DISTRICT}/", {"projects": ["Y"]}),
    "turnout": lambda c, p: c.get(f"/budgets/{p.pk}/turnout/"),
    "codes": lambda c, p: c.post(f"/budgets/{p.pk}/codes/", {"count": 2}),
    "review_project": lambda c, p: c.post(f"/budgets/projects/{p.projects.first().pk}/review/",
                                          {"cost": 25_000, "feasibility": "feasible"}),
    "council": lambda c, p: c.post(f"/budgets/{p.pk}/council/", {"decision": "sent_back", "comment": "Nej"}),
}
API = {
    "view": lambda a, p: a.get(f"/api/v1/budgets/{p.pk}/"),
    "propose": lambda a, p: a.post(f"/api/v1/budgets/{p.pk}/projects/", {"title": "Bænke", "cost": 1000}, format="json"),
    "vote": lambda a, p: a.post(f"/api/v1/budgets/{p.pk}/ballot/", {"projects": ["B"]}, format="json"),
    "vote_district": lambda a, p: a.post(f"/api/v1/budgets/{p.pk}/ballot/", {"projects": ["Y"], "district": DISTRICT},
                                         format="json"),
    "turnout": lambda a, p: a.get(f"/api/v1/budgets/{p.pk}/turnout/"),
    "turnout_district": lambda a, p: a.get(f"/api/v1/budgets/{p.pk}/turnout/?district={DISTRICT}"),
    # With a current code from the authenticator app: the decision needs a recent authentication.
    "council": lambda a, p: a.post(f"/api/v1/budgets/{p.pk}/council/",
                                   {"decision": "sent_back", "comment": "Nej", "code": totp_code()}, format="json"),
    "comparison": lambda a, p: a.get(f"/api/v1/budgets/{p.pk}/comparison/"),
    "comparison_district": lambda a, p: a.get(f"/api/v1/budgets/{p.pk}/comparison/?district={DISTRICT}"),
    "export": lambda a, p: a.get(f"/api/v1/budgets/{p.pk}/export.pb"),
    "export_district": lambda a, p: a.get(f"/api/v1/budgets/{p.pk}/export.pb?district={DISTRICT}"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_pages_role_phase_matrix(client, municipality, role, phase):
    process = setup_process(municipality, phase)
    user = make(role, municipality)
    if user:
        sign_in_recently(client, user)  # signed in with the second factor just now
    for action, call in PAGE.items():
        response = call(client, process)
        ok = response.status_code in (200, 302) and not any(
            refusal in response.get("Location", "") for refusal in ("/accounts/login/", "/reauthenticate/", "/2fa/"))
        if action == "codes" and ok:
            ok = response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        if action in ("vote", "vote_district") and response.status_code == 200:
            ok = 'id="receipt-code"' in response.content.decode()  # the receipt, or the form again
        elif action in ("propose", "review_project", "council") and response.status_code == 200:
            ok = False  # a form shown again means the action did not happen
        assert ok == allowed(action, role, phase), (role, phase, action, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_api_role_phase_matrix(municipality, role, phase):
    process = setup_process(municipality, phase)
    api = APIClient()
    user = make(role, municipality)
    if user:
        api.force_authenticate(user)
    for action, call in API.items():
        response = call(api, process)
        ok = response.status_code in (200, 201, 204)
        assert ok == allowed(action, role, phase), (role, phase, action, response.status_code)
        if not ok and response["Content-Type"].startswith("application/json"):
            assert set(response.json()) == {"detail", "code", "fields"}


@pytest.mark.django_db
@pytest.mark.parametrize("phase", ["proposals", "review", "voting", "council_review"])
def test_no_per_project_counts_before_publication(client, municipality, phase):
    process = setup_process(municipality, phase)
    staff = make("staff", municipality)
    for user in (None, make("citizen", municipality), staff, make("admin", municipality) if phase != "council_review" else staff):
        api = APIClient()
        if user:
            api.force_authenticate(user)
            client.force_login(user)
        for path in (f"/api/v1/budgets/{process.pk}/", f"/api/v1/budgets/{process.pk}/projects/"):
            body = json.dumps(api.get(path).json())
            assert '"votes"' not in body and '"score"' not in body
        assert api.get(f"/api/v1/budgets/{process.pk}/result/").status_code == 404
        if user is not staff or phase != "council_review":
            for key in ("", DISTRICT):  # every election, the district budget's too
                assert api.get(f"/api/v1/budgets/{process.pk}/comparison/?district={key}").status_code == 403
                assert api.get(f"/api/v1/budgets/{process.pk}/export.pb?district={key}").status_code == 403
        if user is not staff or phase != "council_review":
            html = client.get(f"/budgets/{process.pk}/").content.decode()
            assert "Funded" not in html and "Finansieret" not in html


@pytest.mark.django_db
def test_no_link_between_voters_and_ballots_anywhere(client, municipality, django_capture_on_commit_callbacks):
    process = setup_process(municipality, "voting")
    voter = UserFactory(municipality=municipality, email="hemmelig@example.org", display_name="Hemmelig Vælger")
    receipt = services.ballot_cast(process=process, user=voter, choice={"projects": ["C"]}).receipt
    ballot = Ballot.objects.get(receipt=receipt.replace("-", ""))
    nordby = BudgetElection(process, process.district_budgets.get())
    voter.district = nordby.district
    voter.save()
    district_receipt = services.ballot_cast(process=process, user=voter, choice={"projects": ["Y"]},
                                            election=nordby).receipt
    district_ballot = Ballot.objects.get(receipt=district_receipt.replace("-", ""))
    assert district_ballot.voter_hash != ballot.voter_hash, "no hash links one voter's ballots across elections"
    # Nothing in the ballot row names or points to the voter, and it carries no time.
    # (district_budget names the election, which every voter of a district shares.)
    # The content is sealed: the ciphertext is all the row holds of it.
    assert {f.name for f in Ballot._meta.fields} == {"id", "process", "district_budget", "voter_hash", "receipt",
                                                     "ciphertext"}
    assert voter.email.encode() not in bytes(ballot.ciphertext) and b'"C"' not in bytes(ballot.ciphertext)
    # Who voted is recorded apart, with nothing of the content.
    assert {f.name for f in Participation._meta.fields} == {"id", "process", "district_budget", "user", "channel",
                                                            "district", "age_band", "voted_on"}
    # No admin page for ballots, participations or codes.
    for model in (Ballot, Participation, VotingCode):
        assert model not in admin.site._registry
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    council = make("council", municipality)
    open_box(process, council)
    assert not Ballot.objects.exists(), "the opening erases the sealed ballots"
    results.council_review(process=process, member=council, decision="approved")
    export = "".join(APIClient().get(f"/api/v1/budgets/{process.pk}/export.pb?district={key}").content.decode()
                     for key in ("", DISTRICT))
    assert "Nordby" in export
    for secret in (ballot.voter_hash, ballot.receipt, receipt, district_ballot.voter_hash,
                   district_ballot.receipt, district_receipt, voter.email, "Hemmelig"):
        assert secret not in export
    for path in (f"/budgets/{process.pk}/result.csv", f"/api/v1/budgets/{process.pk}/result/",
                 f"/api/v1/budgets/{process.pk}/comparison/?district={DISTRICT}"):
        body = APIClient().get(path).content.decode("utf-8-sig")
        for secret in (district_ballot.voter_hash, district_receipt, voter.email, "Hemmelig"):
            assert secret not in body
    for path in (f"/budgets/{process.pk}/", f"/budgets/{process.pk}/turnout/", f"/budgets/{process.pk}/council/"):
        client.force_login(make("admin", municipality))
        page = client.get(path).content.decode()
        assert ballot.voter_hash not in page and district_ballot.voter_hash not in page and "Hemmelig" not in page
