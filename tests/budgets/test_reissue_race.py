"""A returned letter reissued while someone votes with its old code, at the same moment, through
the API on PostgreSQL: either the ballot comes first (the code has voted, so no new letter) or
the reissue does (the old code is void, the new letter's code votes). Never both: one person,
one code to vote with, one ballot."""
from __future__ import annotations

import io
import json
import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from pypdf import PdfReader

from accounts import census
from accounts.models import Role
from budgets import secrecy, voting_codes
from budgets.models import Ballot, Voters, VotingCode
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import MembershipFactory, UserFactory, api_token
from tests.services import need_postgres
from tests.wsgi_server import serve_wsgi

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow_tier]
ROUNDS = 12
VOTES_PER_ROUND = 3
CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


@pytest.fixture(autouse=True)
def _no_throttles(monkeypatch):
    need_postgres()
    from restapi.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {**WriteRateThrottle.THROTTLE_RATES,
                                                              "write": "100000/min"})


def _post(url: str, body: dict, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, method="POST", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_reissuing_and_voting_with_the_old_code_at_once_leave_one_way_to_vote(municipality):
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS)
    ProjectFactory(process=process, code="A", cost=10_000)
    residents = [f"0101{60 + n}-{3000 + n}" for n in range(ROUNDS)]
    census.census_replace(municipality=municipality, data=(
        "person_id,birth_year,district\n" + "".join(f"{pid},1980,\n" for pid in residents)).encode())
    codes = [code for code, _district in voting_codes.codes_for_census(process=process)]
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    staff_headers = {"Authorization": f"Token {api_token(staff)}"}

    with serve_wsgi() as server:
        base = f"{server}/api/v1/budgets/{process.pk}"
        outcomes = []
        for old in codes:
            start = threading.Barrier(1 + VOTES_PER_ROUND)

            def attempt(n: int, old=old, start=start):
                start.wait()
                if n == 0:
                    return "reissue", *_post(f"{base}/returned-letters/reissue/", {"code": old}, staff_headers)
                return "vote", *_post(f"{base}/ballot/", {"projects": ["A"], "code": old})

            with ThreadPoolExecutor(max_workers=1 + VOTES_PER_ROUND) as pool:
                answers = list(pool.map(attempt, range(1 + VOTES_PER_ROUND)))
            assert not [a for a in answers if a[1] >= 500], answers
            reissued = [body for kind, status, body in answers if kind == "reissue" and status == 201]
            voted = [status for kind, status, _body in answers if kind == "vote" and status == 201]
            # One way through, never both: the reissue only if no ballot got in, one ballot else.
            assert len(reissued) + len(voted) == 1, answers
            person = VotingCode.objects.get(code_hash=secrecy.code_hash(old)).person_key
            valid = VotingCode.objects.filter(process=process, person_key=person, returned_at__isnull=True)
            assert valid.count() == 1, "one code the person can vote with"
            if reissued:
                [page] = PdfReader(io.BytesIO(reissued[0])).pages
                new = CODE.search(page.extract_text()).group()
                assert valid.get().code_hash == secrecy.code_hash(new)
                assert _post(f"{base}/ballot/", {"projects": ["A"], "code": new})[0] == 201
                assert _post(f"{base}/ballot/", {"projects": ["A"], "code": old})[0] == 400
                outcomes.append("reissued")
            else:
                assert valid.get().code_hash == secrecy.code_hash(old)
                assert _post(f"{base}/returned-letters/reissue/", {"code": old}, staff_headers)[0] == 400
                outcomes.append("voted")
            # Whichever code is left, it has voted in this election: a second ballot is refused.
            assert _post(f"{base}/ballot/", {"projects": ["A"], "code": old})[0] == 400

    print(outcomes)  # shown when it fails: which way each round went
    assert Ballot.objects.filter(process=process).count() == ROUNDS, outcomes
    assert VotingCode.objects.filter(process=process, returned_at__isnull=True).count() == ROUNDS
