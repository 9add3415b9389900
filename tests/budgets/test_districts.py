"""District budgets: each tallied as its own election (as in pabulib), voted in by the
district's residents besides the citywide vote."""
import hashlib
import json
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from budgets import phases, results, selectors, services, voting_codes
from budgets.elections import BudgetElection, election_get
from budgets.models import (
    Ballot,
    BudgetProcess,
    CountedBallots,
    DistrictBudget,
    Participation,
    Phase,
    Project,
    VotingCode,
)
from budgets.pabulib import process_export, process_import
from budgets.tally import read_pb
from tests.budgets.factories import ProjectFactory, open_box, unsealed
from tests.budgets.tally.pabulib_files import require_pabulib
from tests.factories import DistrictFactory, UserFactory, sign_in_recently

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def north(municipality):
    return DistrictFactory(municipality=municipality, name="Nordby", slug="nordby")


@pytest.fixture
def south(municipality):
    return DistrictFactory(municipality=municipality, name="Sydby", slug="sydby")


@pytest.fixture
def districts(process, north, south):
    """The process (citywide A-D, 100,000 kr.) plus Nordby (N1-N3, 40,000 kr.) and Sydby (S1-S2)."""
    BudgetProcess.objects.filter(pk=process.pk).update(ballot_type="knapsack")
    process.refresh_from_db()
    budgets = {}
    for district, amount, projects in ((north, 40_000, {"N1": 30_000, "N2": 20_000, "N3": 10_000}),
                                       (south, 50_000, {"S1": 50_000, "S2": 25_000})):
        budget = DistrictBudget.objects.create(process=process, district=district, name=district.name,
                                               slug=district.slug, amount=amount)
        for code, cost in projects.items():
            ProjectFactory(process=process, district_budget=budget, district=district, code=code, cost=cost,
                           title=f"Projekt {code}")
        budgets[district.slug] = BudgetElection(process, budget)
    return budgets


@pytest.fixture
def resident(municipality, north):
    return UserFactory(municipality=municipality, district=north, birth_year=1980)


def _receipt(page) -> str:
    return re.search(r'id="receipt-code"><strong>([A-Z0-9-]+)<', page.content.decode()).group(1)


def test_a_resident_votes_citywide_and_in_their_district_once_each(process, districts, resident):
    nordby = districts["nordby"]
    services.ballot_cast(process=process, user=resident, choice={"projects": ["A"]})
    first = services.ballot_cast(process=process, user=resident, choice={"projects": ["N1"]}, election=nordby)
    again = services.ballot_cast(process=process, user=resident, choice={"projects": ["N2", "N3"]}, election=nordby)
    assert again.replaced and not first.replaced
    assert Ballot.objects.filter(process=process, district_budget=None).count() == 1
    assert unsealed(Ballot.objects.filter(district_budget=nordby.district_budget)) == [{"projects": ["N2", "N3"]}]
    assert Participation.objects.filter(process=process).count() == 2
    # Each ballot is checked against its own election: a citywide project is not on the
    # district ballot, and the district's own limit applies.
    with pytest.raises(ValidationError, match="not on this ballot"):
        services.ballot_cast(process=process, user=resident, choice={"projects": ["A"]}, election=nordby)
    with pytest.raises(ValidationError, match="for 50,000 kr., more than the limit of 40,000 kr.:"):
        services.ballot_cast(process=process, user=resident, choice={"projects": ["N1", "N2"]}, election=nordby)
    with pytest.raises(PermissionDenied, match="Sydby"):
        services.ballot_cast(process=process, user=resident, choice={"projects": ["S2"]}, election=districts["sydby"])


def test_without_revotes_the_database_refuses_a_second_district_ballot(process, districts, resident):
    BudgetProcess.objects.filter(pk=process.pk).update(allow_revote=False)
    process.refresh_from_db()
    nordby = BudgetElection(process, districts["nordby"].district_budget)
    services.ballot_cast(process=process, user=resident, choice={"projects": ["N1"]}, election=nordby)
    services.ballot_cast(process=process, user=resident, choice={"projects": ["B"]})
    with pytest.raises(ValidationError, match="already voted"):
        services.ballot_cast(process=process, user=resident, choice={"projects": ["N3"]}, election=nordby)
    assert Ballot.objects.filter(district_budget=nordby.district_budget).count() == 1


def test_a_voting_code_votes_once_in_each_election_and_is_bound_to_the_first_district(process, districts):
    code = voting_codes.codes_generate(process=process, count=1)[0]
    services.ballot_cast(process=process, code=code, choice={"projects": ["B"]})
    services.ballot_cast(process=process, code=code, choice={"projects": ["N1"]}, election=districts["nordby"])
    assert VotingCode.objects.get().district.slug == "nordby"
    with pytest.raises(ValidationError, match="already been used"):
        services.ballot_cast(process=process, code=code, choice={"projects": ["N2"]}, election=districts["nordby"])
    with pytest.raises(ValidationError, match="already been used"):
        services.ballot_cast(process=process, code=code, choice={"projects": ["C"]})
    with pytest.raises(ValidationError, match="another district"):
        services.ballot_cast(process=process, code=code, choice={"projects": ["S2"]}, election=districts["sydby"])
    letters = voting_codes.codes_generate(process=process, count=1, district=districts["sydby"].district)[0]
    with pytest.raises(ValidationError, match="another district"):
        services.ballot_cast(process=process, code=letters, choice={"projects": ["N1"]}, election=districts["nordby"])
    services.ballot_cast(process=process, code=letters, choice={"projects": ["S1"]}, election=districts["sydby"])
    assert Ballot.objects.count() == 3
    sydby = Participation.objects.get(district_budget=districts["sydby"].district_budget)
    assert sydby.channel == "code" and sydby.district.slug == "sydby"


def test_council_approval_tallies_each_election_and_fingerprints_them_all(process, districts, resident, council,
                                                                          municipality, south):
    services.ballot_cast(process=process, user=resident, choice={"projects": ["A"]})
    services.ballot_cast(process=process, user=resident, choice={"projects": ["N1", "N3"]}, election=districts["nordby"])
    neighbour = UserFactory(municipality=municipality, district=south)
    services.ballot_cast(process=process, user=neighbour, choice={"projects": ["S2"]}, election=districts["sydby"])
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    assert open_box(process, council).ballots == {"": 1, "nordby": 1, "sydby": 1}
    results.council_review(process=process, member=council, decision="approved")
    result = process.result
    by_key = {e["key"]: e for e in result.elections}
    assert set(by_key) == {"", "nordby", "sydby"}
    assert "A" in by_key[""]["selected_codes"] and by_key[""]["budget"] == 100_000
    assert sorted(by_key["nordby"]["selected_codes"]) == ["N1", "N3"] and by_key["nordby"]["spent"] == 40_000
    assert by_key["sydby"]["selected_codes"] == ["S2"] and by_key["sydby"]["ballots"] == 1
    assert set(Project.objects.filter(selected=True).values_list("code", flat=True)) == {
        *by_key[""]["selected_codes"], "N1", "N3", "S2"}
    assert result.ballots == 3 and result.spent == by_key[""]["spent"] + 40_000 + 25_000
    # Anyone holding the three .pb exports recomputes every election's ballot fingerprint,
    # which the signed result document holds.
    document = json.loads(result.document)
    signed = {e["key"]: e for e in document["elections"]}
    api = APIClient()
    for key, expected in by_key.items():
        response = api.get(f"/api/v1/budgets/{process.pk}/export.pb" + (f"?district={key}" if key else ""))
        assert response.status_code == 200
        election = read_pb(response.content.decode())
        ballots = sorted(",".join(election.project_ids[i] for i in b) for b in election.ballots)
        assert hashlib.sha256("\n".join(ballots).encode()).hexdigest() == expected["fingerprint"]
        assert signed[key]["ballots"] == {"count": len(ballots), "sha256": expected["fingerprint"]}
        assert signed[key]["budget"] == election.budget and signed[key]["spent"] == expected["spent"]
        if key:
            assert election.meta["district"] == expected["name"] and election.meta["subunit"] == expected["name"]
            assert election.budget == districts[key].amount
        else:
            assert "district" not in election.meta
    assert hashlib.sha256(result.document.encode()).hexdigest() == result.fingerprint
    assert api.get(f"/api/v1/budgets/{process.pk}/export.pb?district=nowhere").status_code == 404
    public = APIClient().get(f"/api/v1/budgets/{process.pk}/result/").json()
    assert {e["key"] for e in public["elections"]} == {"", "nordby", "sydby"}


def test_pages_show_each_budget_and_lead_a_resident_through_both_ballots(client, process, districts, resident,
                                                                         council, municipality):
    client.force_login(resident)
    page = client.get(reverse("budgets:detail", args=[process.pk])).content.decode()
    assert "Projekt N1" in page and "Projekt S1" in page and "40.000 kr." in page
    assert reverse("budgets:vote-district", args=[process.pk, "nordby"]) in page
    assert reverse("budgets:vote-district", args=[process.pk, "sydby"]) not in page, "not their district"
    assert client.get(reverse("budgets:vote-district", args=[process.pk, "sydby"])).status_code == 403
    receipt_page = client.post(reverse("budgets:vote", args=[process.pk]), {"projects": ["A"]})
    assert reverse("budgets:vote-district", args=[process.pk, "nordby"]) in receipt_page.content.decode()
    form = client.get(reverse("budgets:vote-district", args=[process.pk, "nordby"])).content.decode()
    assert 'value="N1"' in form and 'value="A"' not in form and "40.000 kr." in form
    over = client.post(reverse("budgets:vote-district", args=[process.pk, "nordby"]), {"projects": ["N1", "N2"]})
    assert over.status_code == 200 and "50.000 kr." in over.content.decode()
    assert not Ballot.objects.filter(district_budget=districts["nordby"].district_budget).exists()
    done = client.post(reverse("budgets:vote-district", args=[process.pk, "nordby"]), {"projects": ["N2"]})
    receipt = _receipt(done)
    checked = client.post(reverse("budgets:verify", args=[process.pk]), {"receipt": receipt}).content.decode()
    assert "Nordby" in checked and "Projekt N2" not in checked, "a receipt proves inclusion, never content"
    # Turnout per budget for staff and council; the council compares rules per budget.
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    client.force_login(council)
    turnout = client.get(reverse("budgets:turnout", args=[process.pk])).content.decode()
    assert "Nordby" in turnout and "Sydby" in turnout
    sealed = client.get(reverse("budgets:council", args=[process.pk])).content.decode()
    assert "Projekt N2" not in sealed and reverse("budgets:ballot-box-open", args=[process.pk]) in sealed
    open_box(process, council)
    review = client.get(reverse("budgets:council", args=[process.pk])).content.decode()
    assert "Projekt N2" in review and "Projekt S1" in review and "Nordby" in review
    with translation.override("da"):  # one comparison of the rules per budget
        assert review.count(translation.gettext("The rules side by side")) == 3
    sign_in_recently(client, council)  # the decision asks for a recent authentication
    client.post(reverse("budgets:council", args=[process.pk]), {"decision": "approved"})
    csv_text = client.get(f"/budgets/{process.pk}/result.csv").content.decode("utf-8-sig")
    assert "Projekt N2,20000,1,1,ja,Nordby" in csv_text.replace("\r", "")


def test_voting_code_holder_picks_their_district_on_the_page(client, process, districts):
    code = voting_codes.codes_generate(process=process, count=1)[0]
    url = reverse("budgets:vote-code-district", args=[process.pk, "sydby"])
    receipt_page = client.post(url, {"code": code, "projects": ["S2"]})
    assert receipt_page.status_code == 200 and 'id="receipt-code"' in receipt_page.content.decode()
    receipt_page = receipt_page.content.decode()
    assert reverse("budgets:vote-code", args=[process.pk]) in receipt_page
    other = client.post(reverse("budgets:vote-code-district", args=[process.pk, "nordby"]),
                        {"code": code, "projects": ["N3"]})
    assert other.status_code == 200 and not Ballot.objects.filter(district_budget__slug="nordby").exists()
    assert Ballot.objects.filter(district_budget__slug="sydby").count() == 1
    start = client.get(reverse("budgets:vote-code", args=[process.pk])).content.decode()
    assert reverse("budgets:vote-code-district", args=[process.pk, "nordby"]) in start, "a holder picks a district"


def test_api_casts_district_ballots_and_lists_the_elections(process, districts, resident):
    api = APIClient()
    api.force_authenticate(resident)
    body = api.get(f"/api/v1/budgets/{process.pk}/").json()
    assert [(e["key"], e["budget"]) for e in body["elections"]] == [("", 100_000), ("nordby", 40_000),
                                                                     ("sydby", 50_000)]
    projects = {p["code"]: p["election"] for p in api.get(f"/api/v1/budgets/{process.pk}/projects/").json()}
    assert projects["A"] == "" and projects["N1"] == "nordby"
    cast = api.post(f"/api/v1/budgets/{process.pk}/ballot/", {"projects": ["N1"], "district": "nordby"}, format="json")
    assert cast.status_code == 201
    verified = api.post(f"/api/v1/budgets/{process.pk}/verify/", {"receipt": cast.json()["receipt"]}, format="json")
    assert verified.json() == {"status": "in_box", "counted": True, "election": "Nordby"}, "never the content"
    refused = api.post(f"/api/v1/budgets/{process.pk}/ballot/", {"projects": ["S1"], "district": "sydby"},
                       format="json")
    assert refused.status_code == 403 and set(refused.json()) == {"detail", "code", "fields"}
    unknown = api.post(f"/api/v1/budgets/{process.pk}/ballot/", {"projects": ["S1"], "district": "x"}, format="json")
    assert unknown.status_code == 404


def test_a_process_with_district_budgets_only(process, districts, resident, client):
    BudgetProcess.objects.filter(pk=process.pk).update(citywide=False)
    process.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.ballot_cast(process=process, user=resident, choice={"projects": ["A"]})
    client.force_login(resident)
    response = client.get(reverse("budgets:vote", args=[process.pk]))
    assert response["Location"] == reverse("budgets:vote-district", args=[process.pk, "nordby"])
    assert election_get(process, "") is None
    page = client.get(reverse("budgets:detail", args=[process.pk])).content.decode()
    assert "Projekt N1" in page and "Projekt A" not in page


def test_district_budgets_are_added_before_voting_only(process, north):
    with pytest.raises(ValidationError):
        services.district_budget_add(process=process, district=north, amount=10_000)
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.REVIEW)
    process.refresh_from_db()
    budget = services.district_budget_add(process=process, district=north, amount=10_000)
    assert budget.slug == "nordby" and budget.name == "Nordby"
    with pytest.raises(ValidationError):
        services.district_budget_add(process=process, district=DistrictFactory(), amount=10_000)


def test_a_district_file_becomes_a_district_election_and_exports_as_one():
    path = require_pabulib() / "Poland_Katowice_2024_Murcki.pb"
    original = read_pb(path)
    process = process_import(source=path, create_municipality=True)
    assert not process.citywide
    budget = process.district_budgets.get()
    assert budget.name == "Murcki" and budget.district.name == "Murcki"
    assert budget.district.municipality == process.municipality and budget.amount == original.budget
    assert budget.projects.count() == len(original.projects) == process.projects.count()
    assert len(CountedBallots.objects.get(district_budget=budget).contents) == len(original.ballots) \
        == budget.participations.count()
    exported = read_pb(process_export(process=process))
    assert exported.meta["district"] == "Murcki" and exported.meta["subunit"] == "Murcki"
    assert sorted(map(sorted, ([exported.project_ids[i] for i in b] for b in exported.ballots))) == sorted(
        map(sorted, ([original.project_ids[i] for i in b] for b in original.ballots)))
    again = process_import(source=process_export(process=process), create_municipality=True)
    assert again.district_budgets.get().district == budget.district, "the same district, found by name"


def test_the_ballot_path_copy_of_a_process_is_forgotten_when_staff_change_it(process, resident, municipality):
    """The API ballot reads the process and its projects from a short-lived cached copy
    (selectors.ballot_context): a phase change or a project review drops it at once."""
    api = APIClient()
    api.force_authenticate(resident)
    url = f"/api/v1/budgets/{process.pk}/ballot/"
    first = api.post(url, {"projects": ["A"]}, format="json")
    assert first.status_code == 201 and not first.json()["replaced"]
    assert api.post(url, {"projects": ["B"]}, format="json").json()["replaced"]
    services.project_review(project=process.projects.get(code="B"), cost=50_000, feasibility="not_feasible",
                            reason="Ikke muligt")
    assert api.post(url, {"projects": ["B"]}, format="json").status_code == 400, "B is off the ballot at once"
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    assert api.post(url, {"projects": ["A"]}, format="json").status_code == 403, "voting is closed at once"
    assert unsealed(Ballot.objects.filter(process=process)) == [{"projects": ["B"]}]


def test_the_ballot_reads_its_copys_version_in_the_write_throttles_round_trip(process, resident, monkeypatch):
    """The one cache read a ballot needs (is the cached copy current?) comes with the write
    throttle's count (one Redis round trip: tests/platform/health/test_counters.py), not as
    a read of its own; a forgotten version is still noticed at once."""
    from django.core.cache import cache

    api = APIClient()
    api.force_authenticate(resident)
    url = f"/api/v1/budgets/{process.pk}/ballot/"
    given = []
    original = selectors.ballot_context
    monkeypatch.setattr(selectors, "ballot_context", lambda **kw: given.append(kw["version"]) or original(**kw))
    assert api.post(url, {"projects": ["A"]}, format="json").status_code == 201
    assert api.post(url, {"projects": ["B"]}, format="json").status_code == 201
    assert given[0] is None, "nothing cached yet"
    assert given[1] is not selectors.UNREAD and given[1] == cache.get(selectors.ballot_context_key(process.pk))
    cached = selectors._ballot_contexts[str(process.pk)][1]
    cache.delete(selectors.ballot_context_key(process.pk))  # another web process changed the process
    Project.objects.filter(process=process, code="B").update(feasibility="not_feasible")
    assert api.post(url, {"projects": ["B"]}, format="json").status_code == 400, "B is off the ballot at once"
    assert given[2] is None and selectors._ballot_contexts[str(process.pk)][1] is not cached


def test_staff_add_a_district_budget_before_voting(client, process, budget_staff, north, resident):
    url = reverse("budgets:district-budgets", args=[process.pk])
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(budget_staff)
    refused = client.post(url, {"district": north.slug, "amount": 30_000})
    assert refused.status_code == 200 and not DistrictBudget.objects.exists(), "voting is open"
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.REVIEW)
    assert client.post(url, {"district": north.slug, "amount": 30_000}).status_code == 302
    budget = DistrictBudget.objects.get()
    assert (budget.name, budget.slug, budget.amount) == ("Nordby", "nordby", 30_000)
    page = client.get(url).content.decode()
    assert "Nordby" in page and "30.000 kr." in page
    again = client.post(url, {"district": north.slug, "amount": 10_000})
    assert again.status_code == 200 and DistrictBudget.objects.count() == 1, "one slug per process"


def test_a_paper_ballot_names_its_district_budget(client, process, districts, budget_staff, municipality):
    from accounts.models import Role
    from tests.factories import MembershipFactory

    colleague = UserFactory(municipality=municipality)
    MembershipFactory(user=colleague, municipality=municipality, role=Role.STAFF)
    client.force_login(budget_staff)
    url = reverse("budgets:paper", args=[process.pk]) + "?district=sydby"
    form = client.get(url).content.decode()
    assert 'value="S1"' in form and 'value="A"' not in form
    over = client.post(url, {"projects": ["S1", "S2"]})
    assert over.status_code == 200 and "75.000 kr." in over.content.decode(), "Sydby's own limit"
    assert client.post(url, {"projects": ["S2"]}).status_code == 302
    client.force_login(colleague)
    paper = process.paper_ballots.get()
    assert "Sydby" in client.get(reverse("budgets:paper", args=[process.pk])).content.decode()
    client.post(reverse("budgets:paper", args=[process.pk]), {"confirm": paper.pk})
    ballot = Ballot.objects.get(process=process)
    assert ballot.district_budget.slug == "sydby" and unsealed(ballot) == [{"projects": ["S2"]}]
    assert not process.paper_ballots.get().sealed_content, "the typed copy is erased once it is in the box"
    participation = Participation.objects.get(process=process)
    assert participation.district.slug == "sydby" and participation.district_budget == ballot.district_budget
    assert participation.channel == "paper"


def test_the_ballot_path_reads_its_copy_without_queries_until_another_process_forgets_it(
        process, django_assert_num_queries):
    """Each web process keeps the objects; the shared cache says which version is current."""
    from django.core.cache import cache

    first = selectors.ballot_context(pk=process.pk)
    with django_assert_num_queries(0):
        assert selectors.ballot_context(pk=process.pk) is first
    # Another web process changed the process and forgot the version in the shared cache:
    cache.delete(f"budgets:ballot-context:{process.pk}")
    Project.objects.filter(process=process, code="B").update(cost=1)
    with django_assert_num_queries(4):  # process, projects, district budgets, ballot box
        again = selectors.ballot_context(pk=process.pk)
    assert again is not first and again.projects[None]["B"] == 1


def test_a_refused_district_budget_says_what_is_wrong_once_and_keeps_what_was_typed(process, north, budget_staff,
                                                                                  client):
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.REVIEW)
    sign_in_recently(client, budget_staff)
    response = client.post(reverse("budgets:district-budgets", args=[process.pk]),
                           {"district": north.pk, "name": "Små projekter i Nordby", "amount": "-5"})
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('id="error-summary"') == 1
    assert 'value="Små projekter i Nordby"' in page
    assert not DistrictBudget.objects.exists()
