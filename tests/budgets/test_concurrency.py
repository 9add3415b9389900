"""Real concurrent requests against PostgreSQL: one ballot per voter, codes used once,
knapsack limits kept."""
import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from budgets import voting_codes
from budgets.models import Ballot, BudgetProcess, Participation, VotingCode
from tests.budgets.factories import unsealed
from tests.factories import api_token
from tests.services import need_postgres
from tests.wsgi_server import serve_wsgi

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow_tier]


@pytest.fixture(autouse=True)
def _no_throttles(monkeypatch):
    need_postgres()
    # This test is about one voter's simultaneous requests, not about throttling them: DRF
    # binds rates at import, so raise the write rate on the class itself.
    from restapi.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {**WriteRateThrottle.THROTTLE_RATES,
                                                              "write": "100000/min"})


def hammer(url: str, bodies: list[dict], headers: dict) -> list[int]:
    start = threading.Barrier(len(bodies))

    def post(body):
        request = urllib.request.Request(url, method="POST", data=json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json", **headers})
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(post, bodies))


@pytest.fixture
def server():
    with serve_wsgi() as url:
        yield url


def test_two_hundred_simultaneous_ballots_of_one_voter_leave_one(server, process, voter):
    token = api_token(voter)
    choices = [["A"], ["B"], ["C", "D"], ["A", "C"]]
    statuses = hammer(f"{server}/api/v1/budgets/{process.pk}/ballot/",
                      [{"projects": choices[n % 4]} for n in range(200)], {"Authorization": f"Token {token}"})
    assert set(statuses) == {201}, "every request answered, none failed"
    assert Ballot.objects.filter(process=process).count() == 1
    assert Participation.objects.filter(process=process).count() == 1
    assert unsealed(Ballot.objects.get())[0]["projects"] in choices


def test_racing_knapsack_ballots_never_exceed_the_limit(server, process, voter):
    BudgetProcess.objects.filter(pk=process.pk).update(ballot_type="knapsack", allow_revote=True)
    token = api_token(voter)
    within, over = {"projects": ["A", "C"]}, {"projects": ["A", "B"]}  # 90,000 and 110,000
    statuses = hammer(f"{server}/api/v1/budgets/{process.pk}/ballot/",
                      [within if n % 2 else over for n in range(60)], {"Authorization": f"Token {token}"})
    assert statuses.count(201) == 30 and statuses.count(400) == 30
    assert unsealed(Ballot.objects.all()) == [{"projects": ["A", "C"]}]


def test_a_voting_code_is_never_used_twice(server, process):
    code = voting_codes.codes_generate(process=process, count=1)[0]
    statuses = hammer(f"{server}/api/v1/budgets/{process.pk}/ballot/",
                      [{"code": code, "projects": ["A"]} for _ in range(50)], {})
    assert statuses.count(201) == 1 and statuses.count(400) == 49
    assert Ballot.objects.filter(process=process).count() == 1
    assert VotingCode.objects.get().used


@pytest.fixture
def district_election(process, voter):
    from accounts.models import District
    from budgets.elections import BudgetElection
    from budgets.models import DistrictBudget
    from tests.budgets.factories import ProjectFactory

    district = District.objects.create(municipality=process.municipality, name="Nordby", slug="nordby")
    budget = DistrictBudget.objects.create(process=process, district=district, name="Nordby", slug="nordby",
                                           amount=40_000)
    for code, cost in (("N1", 30_000), ("N2", 20_000), ("N3", 10_000)):
        ProjectFactory(process=process, district_budget=budget, code=code, cost=cost)
    voter.district = district
    voter.save()
    return BudgetElection(process, budget)


def test_one_voter_racing_in_the_citywide_and_their_district_election_keeps_one_ballot_in_each(
        server, process, voter, district_election):
    token = api_token(voter)
    bodies = [{"projects": ["N1"], "district": "nordby"}, {"projects": ["N2", "N3"], "district": "nordby"},
              {"projects": ["A"]}, {"projects": ["B", "C"]}]
    statuses = hammer(f"{server}/api/v1/budgets/{process.pk}/ballot/", [bodies[n % 4] for n in range(200)],
                      {"Authorization": f"Token {token}"})
    assert set(statuses) == {201}
    budget = district_election.district_budget
    assert Ballot.objects.filter(district_budget=budget).count() == 1
    assert Ballot.objects.filter(process=process, district_budget=None).count() == 1
    assert Participation.objects.filter(district_budget=budget, user=voter).count() == 1
    assert Participation.objects.filter(process=process, district_budget=None, user=voter).count() == 1
    assert unsealed(Ballot.objects.get(district_budget=budget))[0] in ({"projects": ["N1"]}, {"projects": ["N2", "N3"]})


def test_without_revotes_racing_district_ballots_of_one_voter_leave_one(server, process, voter, district_election):
    BudgetProcess.objects.filter(pk=process.pk).update(allow_revote=False)
    token = api_token(voter)
    statuses = hammer(f"{server}/api/v1/budgets/{process.pk}/ballot/",
                      [{"projects": ["N1"] if n % 2 else ["N2"], "district": "nordby"} for n in range(100)],
                      {"Authorization": f"Token {token}"})
    assert statuses.count(201) == 1 and statuses.count(400) == 99
    assert Ballot.objects.filter(district_budget=district_election.district_budget).count() == 1


def test_a_voting_code_is_used_once_per_district_election(server, process, district_election):
    code = voting_codes.codes_generate(process=process, count=1)[0]
    bodies = [{"code": code, "projects": ["N3"], "district": "nordby"} for _ in range(40)]
    bodies += [{"code": code, "projects": ["A"]} for _ in range(40)]
    statuses = hammer(f"{server}/api/v1/budgets/{process.pk}/ballot/", bodies, {})
    assert statuses.count(201) == 2 and statuses.count(400) == 78
    assert Ballot.objects.filter(district_budget=district_election.district_budget).count() == 1
    assert Ballot.objects.filter(process=process, district_budget=None).count() == 1
    assert VotingCode.objects.get().district == district_election.district
