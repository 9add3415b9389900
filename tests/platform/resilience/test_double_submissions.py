"""Double submissions — a double-click, a retried request — of the idea form and the ballot
form make one object. The concurrent cases send real simultaneous HTTP requests from one
browser session (same cookies, same form) to a threaded server on PostgreSQL."""
import http.client
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client

from budgets import services as budget_services
from budgets.ballotbox import receipt_status
from budgets.models import Ballot, BudgetProcess, Participation
from ideas import services as idea_services
from ideas.models import Idea
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory, unsealed
from tests.factories import UserFactory
from tests.ideas.factories import CampaignFactory
from tests.services import need_postgres
from tests.wsgi_server import serve_wsgi

pytestmark = pytest.mark.slow_tier  # starts servers or processes


@pytest.fixture
def campaign(municipality):
    return CampaignFactory(municipality=municipality)


@pytest.fixture(autouse=True)
def _generous_page_rates(settings):
    # These tests are about one person's repeated requests, not about rate limits.
    settings.IDEA_SUBMIT_RATE = "1000/h"


def submit_form_key(client) -> str:
    html = client.get("/ideas/new/").content.decode()
    return re.search(r'name="submission_key" value="([0-9a-f-]{36})"', html).group(1)


# --- ideas, one request after another --------------------------------------------------------

@pytest.mark.django_db
def test_each_empty_submit_form_has_a_new_key(citizen_client):
    assert submit_form_key(citizen_client) != submit_form_key(citizen_client)


@pytest.mark.django_db
def test_the_same_idea_form_sent_twice_makes_one_idea(citizen_client, citizen, campaign):
    data = {"campaign": campaign.pk, "title": "Benches by the river", "body": "Somewhere to rest.",
            "submission_key": submit_form_key(citizen_client)}
    first = citizen_client.post("/ideas/new/", data)
    again = citizen_client.post("/ideas/new/", data)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]  # the retry lands on the idea the first made
    assert Idea.objects.filter(author=citizen).count() == 1
    assert Idea.objects.get().submission_key == uuid.UUID(data["submission_key"])


@pytest.mark.django_db
def test_a_redisplayed_form_keeps_its_key(citizen_client, campaign):
    key = submit_form_key(citizen_client)
    # "Check for similar ideas" shows the form again: the key must survive it.
    html = citizen_client.post("/ideas/new/", {"campaign": campaign.pk, "title": "Benches", "body": "x",
                                               "submission_key": key, "check": "1"}).content.decode()
    assert f'value="{key}"' in html


@pytest.mark.django_db
def test_the_same_form_sent_again_with_other_words_is_a_new_idea(citizen_client, citizen, campaign):
    """Back, edit, send: that is a second idea, not a retry, and must not be swallowed."""
    key = submit_form_key(citizen_client)
    citizen_client.post("/ideas/new/", {"campaign": campaign.pk, "title": "Benches", "body": "By the river.",
                                        "submission_key": key})
    citizen_client.post("/ideas/new/", {"campaign": campaign.pk, "title": "Trees", "body": "By the river.",
                                        "submission_key": key})
    assert sorted(Idea.objects.filter(author=citizen).values_list("title", flat=True)) == ["Benches", "Trees"]


@pytest.mark.django_db
def test_the_key_belongs_to_its_author(citizen, campaign, municipality):
    key = uuid.uuid4()
    other = UserFactory(municipality=municipality)
    mine = idea_services.idea_submit(author=citizen, campaign=campaign, title="A", body="B", submission_key=key)
    theirs = idea_services.idea_submit(author=other, campaign=campaign, title="A", body="B", submission_key=key)
    assert mine.pk != theirs.pk


@pytest.mark.django_db
def test_forms_without_a_key_still_submit(citizen_client, citizen, campaign):
    for _ in range(2):
        citizen_client.post("/ideas/new/", {"campaign": campaign.pk, "title": "Benches", "body": "x"})
    assert Idea.objects.filter(author=citizen).count() == 2


# --- simultaneous requests against PostgreSQL ------------------------------------------------

class BrowserSession:
    """One signed-in browser: its session and CSRF cookies, sending raw HTTP requests."""

    def __init__(self, base_url: str, user):
        client = Client()
        client.force_login(user)
        self.host = urlsplit(base_url).netloc
        self.cookies = {"sessionid": client.cookies["sessionid"].value, "django_language": "en"}

    def request(self, method: str, path: str, data: dict | None = None):
        connection = http.client.HTTPConnection(self.host, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        connection.close()
        return response.status, response.getheader("Location"), text

    def form(self, path: str) -> dict:
        """The hidden fields of the form on `path`, as a browser would send them back."""
        _status, _location, html = self.request("GET", path)
        return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))

    def double_click(self, path: str, data: dict, times: int = 2):
        start = threading.Barrier(times)

        def send(_):
            start.wait()
            return self.request("POST", path, data)

        with ThreadPoolExecutor(max_workers=times) as pool:
            return list(pool.map(send, range(times)))


@pytest.mark.django_db(transaction=True)
def test_simultaneous_idea_submissions_of_one_form_make_one_idea(citizen, campaign):
    need_postgres()
    with serve_wsgi() as base:
        browser = BrowserSession(base, citizen)
        hidden = browser.form("/ideas/new/")
        data = {**hidden, "campaign": campaign.pk, "title": "Benches by the river", "body": "Somewhere to rest."}
        assert "submission_key" in data and "csrfmiddlewaretoken" in data
        answers = browser.double_click("/ideas/new/", data, times=8)
    assert [status for status, _location, _html in answers] == [302] * 8
    idea = Idea.objects.get(author=citizen)
    assert {location for _status, location, _html in answers} == {f"/ideas/{idea.pk}/"}


@pytest.fixture
def vote_process(municipality):
    process = BudgetProcessFactory(municipality=municipality, ballot_type="approval")
    for code in ("A", "B", "C"):
        ProjectFactory(process=process, code=code)
    return process


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("allow_revote", [True, False])
def test_a_double_clicked_ballot_is_counted_once(vote_process, citizen, allow_revote):
    need_postgres()
    BudgetProcess.objects.filter(pk=vote_process.pk).update(allow_revote=allow_revote)
    path = f"/budgets/{vote_process.pk}/vote/"
    with serve_wsgi() as base:
        browser = BrowserSession(base, citizen)
        data = {**browser.form(path), "projects": ["A", "C"]}
        answers = browser.double_click(path, data)
    assert Ballot.objects.filter(process=vote_process).count() == 1
    assert Participation.objects.filter(process=vote_process).count() == 1
    assert unsealed(Ballot.objects.get(process=vote_process)) == [{"projects": ["A", "C"]}]
    # The receipt is in the answer itself (never kept in the session, so no redirect).
    assert sorted(status for status, _location, _html in answers) == [200, 200]
    receipts = [m.group(1) for _s, _l, html in answers
                if (m := re.search(r'id="receipt-code"><strong>([0-9A-Z-]{19})<', html))]
    if allow_revote:
        # Both were cast; the later one replaced the first, so exactly one receipt is in the box.
        assert len(receipts) == 2
        states = sorted(receipt_status(process=vote_process, receipt=r).state for r in receipts)
        assert states == ["absent", "in_box"]
    else:
        # The second is told the vote is already in; the first shows its receipt.
        assert len(receipts) == 1
        assert receipt_status(process=vote_process, receipt=receipts[0]).state == "in_box"
        assert any("already voted" in html for _status, _location, html in answers)


@pytest.mark.django_db
def test_a_revote_replaces_the_sealed_ballot_and_only_the_latest_receipt_is_in_the_box(vote_process, citizen):
    # Sealing is randomised: the same choice twice gives two receipts, so a coercer who kept
    # the first cannot tell whether the voter re-voted the same or something else.
    BudgetProcess.objects.filter(pk=vote_process.pk).update(allow_revote=True)
    vote_process.refresh_from_db()
    first = budget_services.ballot_cast(process=vote_process, user=citizen, choice={"projects": ["A", "C"]})
    second = budget_services.ballot_cast(process=vote_process, user=citizen, choice={"projects": ["A", "C"]})
    assert first.receipt != second.receipt
    assert receipt_status(process=vote_process, receipt=first.receipt).state == "absent"
    assert receipt_status(process=vote_process, receipt=second.receipt).state == "in_box"
    assert unsealed(Ballot.objects.filter(process=vote_process)) == [{"projects": ["A", "C"]}]



@pytest.mark.django_db
def test_a_retried_ballot_is_counted_once(vote_process, citizen):
    for _ in range(2):
        budget_services.ballot_cast(process=vote_process, user=citizen, choice={"projects": ["B"]})
    assert Ballot.objects.filter(process=vote_process).count() == 1


# --- the API: a retried request with an Idempotency-Key ------------------------------------

@pytest.mark.django_db
def test_a_retried_api_request_with_its_idempotency_key_makes_one_idea(citizen, campaign):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(citizen)
    body = {"campaign": campaign.pk, "title": "Benches", "body": "By the river."}
    key = str(uuid.uuid4())
    first = api.post("/api/v1/ideas/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    retry = api.post("/api/v1/ideas/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert first.status_code == retry.status_code == 201
    assert first.json()["id"] == retry.json()["id"]
    fresh = api.post("/api/v1/ideas/", body, format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()))
    assert fresh.json()["id"] != first.json()["id"]
    bad = api.post("/api/v1/ideas/", body, format="json", HTTP_IDEMPOTENCY_KEY="again please")
    assert bad.status_code == 400 and "Idempotency-Key" in bad.json()["fields"]
    assert Idea.objects.filter(author=citizen).count() == 2
