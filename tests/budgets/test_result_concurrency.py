"""Real concurrent approvals against PostgreSQL: two council members at once through the API,
a double click on the page, and two service calls on two connections. One approval, one
result, every other request refused with the reason, no server error."""
import json
import re
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from accounts.models import Role
from budgets import phases, results, services
from budgets.models import CouncilReview, Phase, Result
from tests.budgets.factories import open_box
from tests.factories import MembershipFactory, UserFactory, api_token, sign_in_recently, totp_code
from tests.services import need_postgres
from tests.wsgi_server import serve_wsgi

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow_tier]


@pytest.fixture(autouse=True)
def _postgres_and_no_throttles(monkeypatch):
    need_postgres()
    from restapi.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {**WriteRateThrottle.THROTTLE_RATES,
                                                              "write": "100000/min"})


@pytest.fixture
def ready(process, council, municipality):
    """A process in council review with its box opened: ready for the council's decision."""
    for codes in (["A"], ["A", "C"], ["B", "C"], ["C", "D"]):
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    process.refresh_from_db()
    return process


def council_member(municipality):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=Role.COUNCIL)
    return user


def post_all(requests: list[tuple[str, bytes, dict]]) -> list[tuple[int, bytes]]:
    """POST every (url, body, headers) at the same moment; (status, body) of each answer."""
    start = threading.Barrier(len(requests))

    def post(item):
        url, body, headers = item
        request = urllib.request.Request(url, method="POST", data=body, headers=headers)
        start.wait()
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(post, requests))


def test_two_council_members_approving_through_the_api_at_once_make_one_result(ready, council, municipality):
    # Eight members: each decision carries a current code of its member's authenticator app (the
    # recent authentication it needs), and a code counts once per member.
    members = [council] + [council_member(municipality) for _ in range(7)]
    tokens = [api_token(u) for u in members]
    body = json.dumps({"decision": "approved", "code": totp_code()}).encode()
    with serve_wsgi(workers=8) as server:
        answers = post_all([(f"{server}/api/v1/budgets/{ready.pk}/council/", body,
                             {"Content-Type": "application/json", "Authorization": f"Token {tokens[n]}"})
                            for n in range(8)])
    statuses = sorted(status for status, _body in answers)
    assert statuses == [204] + [409] * 7, statuses
    for status, content in answers:
        if status == 409:
            assert list(json.loads(content)["fields"]) == ["decision"], "the reason, on the decision"
    assert Result.objects.filter(process=ready).count() == 1
    assert CouncilReview.objects.filter(process=ready).count() == 1
    assert results.result_check(ready).verified


def test_a_double_click_on_the_council_page_makes_one_result(ready, council):
    client = Client()
    sign_in_recently(client, council)  # the decision asks for a recent authentication
    session = client.cookies["sessionid"].value
    with serve_wsgi(workers=4) as server:
        url = f"{server}/budgets/{ready.pk}/council/"
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Cookie": f"sessionid={session}"})) as page:
            html = page.read().decode()
            csrf_cookie = re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        headers = {"Cookie": f"sessionid={session}; csrftoken={csrf_cookie}",
                   "Content-Type": "application/x-www-form-urlencoded"}
        body = f"csrfmiddlewaretoken={token}&decision=approved".encode()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        urllib.request.install_opener(urllib.request.build_opener(NoRedirect))
        try:
            answers = post_all([(url, body, headers), (url, body, headers)])
        finally:
            urllib.request.install_opener(None)
    statuses = sorted(status for status, _body in answers)
    assert statuses == [200, 302], statuses
    refused = next(content.decode() for status, content in answers if status == 200)
    assert 'role="alert"' in refused and 'name="decision"' not in refused
    assert Result.objects.filter(process=ready).count() == 1


def test_two_approvals_on_two_connections_make_one_result(ready, council, municipality):
    """The service itself, without a server: each thread has its own database connection."""
    members = [council, council_member(municipality)]
    start = threading.Barrier(2)

    def approve(member):
        start.wait()
        try:
            results.council_review(process=ready, member=member, decision="approved")
            return "approved"
        except Exception as exc:  # noqa: BLE001 - the kind of refusal is the point
            return type(exc).__name__, getattr(exc, "message_dict", None)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(approve, members))
    assert outcomes.count("approved") == 1, outcomes
    refused = [o for o in outcomes if o != "approved"]
    assert len(refused) == 1 and refused[0][0] == "AlreadyApproved" and list(refused[0][1]) == ["decision"]
    assert Result.objects.filter(process=ready).count() == 1
