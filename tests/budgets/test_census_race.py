"""One census person, fifty simultaneous attempts through every channel at once (their
verified e-ID account, their letter code, a paper ballot being confirmed), in the citywide
budget and their district's: PostgreSQL keeps exactly one ballot per election."""
from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from accounts import census
from accounts.models import Verification
from budgets import paper_ballots, services, voting_codes
from budgets.elections import BudgetElection
from budgets.models import Ballot, DistrictBudget, Voters
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import DistrictFactory, UserFactory, api_token
from tests.services import need_postgres
from tests.wsgi_server import serve_wsgi

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow_tier]
CPR = "0101801234"


@pytest.fixture(autouse=True)
def _no_throttles(monkeypatch):
    need_postgres()
    from restapi.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {**WriteRateThrottle.THROTTLE_RATES,
                                                              "write": "100000/min"})


def test_fifty_attempts_by_one_person_through_mixed_channels_store_one_ballot_per_election(municipality):
    viby = DistrictFactory(municipality=municipality, name="Viby", slug="viby")
    census.census_replace(municipality=municipality, data=f"person_id,birth_year,district\n{CPR},1980,Viby\n".encode())
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS)
    district_budget = DistrictBudget.objects.create(process=process, district=viby, name="Viby", slug="viby",
                                                    amount=50_000)
    ProjectFactory(process=process, code="A", cost=10_000)
    ProjectFactory(process=process, code="V", cost=10_000, district_budget=district_budget)
    person = UserFactory(municipality=municipality)
    Verification.objects.create(user=person, person_key=census.person_key(CPR), issuer="test", verified_at=timezone.now())
    [(code, _district)] = voting_codes.codes_for_census(process=process)
    elections = {"": BudgetElection(process), "viby": BudgetElection(process, district_budget)}
    papers = {key: paper_ballots.paper_ballot_enter(process=process, staff=UserFactory(), election=election,
                                               choice={"projects": ["A" if not key else "V"]}, person_id=CPR)
              for key, election in elections.items()}
    colleague = UserFactory()
    token = api_token(person)

    with serve_wsgi() as server:
        url = f"{server}/api/v1/budgets/{process.pk}/ballot/"
        start = threading.Barrier(50)

        def attempt(n: int) -> str:
            key = "viby" if n % 2 else ""
            body = {"projects": ["V" if key else "A"], **({"district": key} if key else {})}
            headers = {"Content-Type": "application/json"}
            if n < 2:  # a colleague confirms the paper ballot typed in for this person
                start.wait()
                try:
                    paper_ballots.paper_ballot_confirm(paper=papers[key], staff=colleague)
                    return f"{key}:paper:ok"
                except services.ValidationError:
                    return f"{key}:paper:refused"
                finally:
                    connection.close()
            if n % 4 < 2:
                body["code"] = code
            else:
                headers["Authorization"] = f"Token {token}"
            request = urllib.request.Request(url, method="POST", data=json.dumps(body).encode(), headers=headers)
            start.wait()
            try:
                with urllib.request.urlopen(request, timeout=60) as answer:
                    return f"{key}:{'code' if 'code' in body else 'eid'}:{answer.status}"
            except urllib.error.HTTPError as error:
                return f"{key}:{'code' if 'code' in body else 'eid'}:{error.code}"

        with ThreadPoolExecutor(max_workers=50) as pool:
            outcomes = list(pool.map(attempt, range(50)))

    assert not [o for o in outcomes if o.endswith(":500")], outcomes
    for key, election in elections.items():
        assert Ballot.objects.filter(process=process, district_budget=election.district_budget).count() == 1, (
            key, outcomes)
        accepted = [o for o in outcomes if o.startswith(f"{key}:") and (o.endswith(":201") or o.endswith(":ok"))]
        channels = {o.split(":")[1] for o in accepted}
        # Only one channel got through; only the e-ID account may re-vote within it.
        assert len(channels) == 1, (key, accepted)
        if channels != {"eid"}:
            assert len(accepted) == 1, (key, accepted)
