import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from budgets import phases, results, services, voting_codes
from budgets.models import Ballot, BudgetProcess, Phase, rule_label
from tests.budgets.factories import open_box, unsealed
from tests.factories import UserFactory, sign_in_recently

pytestmark = pytest.mark.django_db


def test_vote_receipt_once_and_verify(client, process, voter):
    client.force_login(voter)
    page = client.get(reverse("budgets:vote", args=[process.pk]))
    assert page.status_code == 200 and 'name="projects" value="A"' in page.content.decode()
    receipt_page = client.post(reverse("budgets:vote", args=[process.pk]), {"projects": ["A", "C"]})
    assert receipt_page.status_code == 200 and receipt_page["Cache-Control"] == "no-store"
    receipt = re.search(r'id="receipt-code"><strong>([A-Z0-9-]+)<', receipt_page.content.decode()).group(1)
    assert receipt.replace("-", "") not in str(dict(client.session)), "the receipt is in no session"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the sentence below, in English
    with translation.override("en"):  # and Danish again afterwards, for the next tests in this thread
        checked = client.post(reverse("budgets:verify", args=[process.pk]), {"receipt": receipt}).content.decode()
    assert "is in the ballot box" in checked
    assert "Projekt A" not in checked and "Projekt C" not in checked, "a receipt proves inclusion, never content"


def test_knapsack_error_keeps_the_choice(client, process, voter):
    BudgetProcess.objects.filter(pk=process.pk).update(ballot_type="knapsack")
    client.force_login(voter)
    response = client.post(reverse("budgets:vote", args=[process.pk]), {"projects": ["A", "B"]})
    html = response.content.decode()
    assert response.status_code == 200 and "110.000 kr." in html and "100.000 kr." in html
    assert html.count("checked") == 2
    assert not Ballot.objects.exists()


def test_voting_with_a_code_needs_no_account(client, process):
    code = voting_codes.codes_generate(process=process, count=1)[0]
    response = client.post(reverse("budgets:vote-code", args=[process.pk]), {"code": code.lower(), "projects": ["D"]})
    assert response.status_code == 200 and 'id="receipt-code"' in response.content.decode()
    again = client.post(reverse("budgets:vote-code", args=[process.pk]), {"code": code, "projects": ["D"]})
    assert again.status_code == 200 and Ballot.objects.count() == 1


def test_outsiders_are_told_why_they_cannot_vote(client, process):
    client.force_login(UserFactory())
    response = client.get(reverse("budgets:vote", args=[process.pk]))
    assert response.status_code == 403 and process.municipality.name in response.content.decode()


def test_council_reviews_then_everyone_sees_the_result(client, process, council, municipality):
    for codes in (["A"], ["A", "C"], ["C"]):
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    sign_in_recently(client, council)  # the decision asks for a recent authentication
    page = client.get(reverse("budgets:council", args=[process.pk])).content.decode()
    with translation.override("da"):  # the rules in plain words, in the page's language
        labels = [escape(rule_label(rule)) for rule in ("greedy", "mes", "equalshares/add1")]
    assert all(label in page for label in labels), labels
    assert "equalshares/add1" not in page  # the engine's code is not for the council
    response = client.post(reverse("budgets:council", args=[process.pk]), {"decision": "approved"})
    assert response.status_code == 302
    public = client.__class__().get(reverse("budgets:detail", args=[process.pk])).content.decode()
    assert "Fingerprint" in public or "Fingeraftryk" in public
    assert public.count('<span class="badge badge-') >= 3  # phase + two funded projects


@pytest.mark.django_db(transaction=True)
def test_turnout_is_live_for_staff_and_refused_to_citizens(process, budget_staff, voter, municipality):
    import asyncio
    import json

    from asgiref.sync import sync_to_async
    from django.test import Client
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    from tests.asgi_server import serve_asgi

    def cookie(user):
        c = Client()
        c.force_login(user)
        return f"sessionid={c.cookies['sessionid'].value}"

    staff_cookie, voter_cookie = cookie(budget_staff), cookie(voter)

    async def scenario(host):
        path = f"ws://{host}/ws/budgets/{process.pk}/turnout/"
        with pytest.raises(InvalidStatus):
            async with connect(path, additional_headers={"Origin": f"http://{host}", "Cookie": voter_cookie}):
                pass
        async with connect(path, additional_headers={"Origin": f"http://{host}", "Cookie": staff_cookie}) as ws:
            await sync_to_async(services.ballot_cast)(process=process, user=voter, choice={"projects": ["A"]})
            message = json.loads(await asyncio.wait_for(ws.recv(), 3))
            assert message == {"event": "turnout.changed", "payload": {"process": process.pk, "voters": 1}}

    with serve_asgi() as host:
        asyncio.run(scenario(host))


def test_paper_ballots_need_a_second_staff_member(client, process, budget_staff, municipality):
    from accounts.models import Role
    from budgets.models import PaperBallot
    from tests.factories import MembershipFactory

    colleague = UserFactory(municipality=municipality)
    MembershipFactory(user=colleague, municipality=municipality, role=Role.STAFF)
    client.force_login(budget_staff)
    assert client.post(reverse("budgets:paper", args=[process.pk]), {"projects": ["A", "D"]}).status_code == 302
    paper = PaperBallot.objects.get()
    assert b'"A"' not in bytes(paper.sealed_content), "what was typed waits sealed, not readable in the table"
    assert not Ballot.objects.exists(), "not counted before confirmation"
    client.post(reverse("budgets:paper", args=[process.pk]), {"confirm": paper.pk})
    assert not Ballot.objects.exists(), "the one who typed it cannot confirm it"
    client.force_login(colleague)
    client.post(reverse("budgets:paper", args=[process.pk]), {"confirm": paper.pk})
    ballot = Ballot.objects.get()
    assert unsealed(ballot) == [{"projects": ["A", "D"]}]
    from budgets import selectors

    assert selectors.turnout(process=process)["by_channel"] == {"paper": 1}
    citizen = UserFactory(municipality=municipality)
    client.force_login(citizen)
    assert client.get(reverse("budgets:paper", args=[process.pk])).status_code == 403


@pytest.mark.parametrize("confirm", ["abc", "\u00b2", "", "1.0", "-1", "99999999999999999999999"])
def test_confirming_a_paper_ballot_that_is_not_a_number_is_not_found(client, process, budget_staff, municipality,
                                                                   confirm):
    """An attacker's `confirm=abc` reached the query as the id (a 500): now a 404, and the
    waiting ballot is untouched."""
    from accounts.models import Role
    from budgets.models import PaperBallot
    from tests.factories import MembershipFactory

    client.raise_request_exception = False
    client.force_login(budget_staff)
    client.post(reverse("budgets:paper", args=[process.pk]), {"projects": ["A"]})
    colleague = UserFactory(municipality=municipality)
    MembershipFactory(user=colleague, municipality=municipality, role=Role.STAFF)
    client.force_login(colleague)
    response = client.post(reverse("budgets:paper", args=[process.pk]), {"confirm": confirm})
    assert response.status_code == 404
    assert PaperBallot.objects.filter(confirmed_by__isnull=True).count() == 1
    assert not Ballot.objects.exists()


def test_staff_turn_an_idea_into_a_project_and_followers_hear_it(client, municipality, budget_staff,
                                                                  django_capture_on_commit_callbacks):
    from ideas import services as idea_services
    from tests.budgets.factories import BudgetProcessFactory
    from tests.ideas.factories import IdeaFactory

    process = BudgetProcessFactory(municipality=municipality, phase=Phase.REVIEW)
    idea = IdeaFactory(campaign__municipality=municipality, title="Delebus")
    follower = UserFactory(preferred_language="en")
    idea_services.idea_follow(idea=idea, user=follower)
    client.force_login(budget_staff)
    sent = []
    import realtime.broadcast as broadcast

    original = broadcast.send_now
    broadcast.send_now = lambda group, event, payload: sent.append((group, event, payload)) or True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("budgets:from-idea", args=[process.pk]), {"idea": idea.pk, "cost": 80_000})
    finally:
        broadcast.send_now = original
    assert response.status_code == 302
    project = process.projects.get()
    assert project.idea == idea and project.title == "Delebus" and project.cost == 80_000
    assert (f"user.{follower.pk}", "idea.project") in [(g, e) for g, e, _p in sent]
    message = next(p for g, e, p in sent if e == "idea.project")["message"]
    assert message == f"“Delebus” is now a project in {process.title}"
    assert process.title in client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    again = client.post(reverse("budgets:from-idea", args=[process.pk]), {"idea": idea.pk, "cost": 1})
    assert again.status_code == 200 and process.projects.count() == 1


def test_result_exports_after_publication_only(client, process, council, municipality):
    import io

    from openpyxl import load_workbook

    from budgets.models import Project

    Project.objects.filter(process=process, code="D").update(title="=HYPERLINK(\"http://evil.example\")")
    for codes in (["A"], ["C"]):
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    assert client.get(f"/budgets/{process.pk}/result.csv").status_code == 403
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    results.council_review(process=process, member=council, decision="approved")
    csv_text = client.get(f"/budgets/{process.pk}/result.csv").content.decode("utf-8-sig")
    assert "Projekt A" in csv_text and csv_text.count("\n") == 5
    assert "'=HYPERLINK" in csv_text, "a title is never run as a spreadsheet formula"
    xlsx = client.get(f"/budgets/{process.pk}/result.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[2]][:3] == ["A", "Projekt A", 60_000]


def test_staff_post_progress_on_funded_projects_during_implementation(client, process, council, budget_staff,
                                                                      municipality):
    from budgets.models import Project

    services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": ["C"]})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    results.council_review(process=process, member=council, decision="approved")
    funded = Project.objects.get(process=process, code="C")
    client.force_login(budget_staff)
    url = reverse("budgets:progress", args=[funded.pk])
    assert client.get(url).status_code == 403, "not before implementation"
    phases.phase_set(process=process, phase=Phase.IMPLEMENTATION)
    response = client.post(url, {"milestone": "Legepladsen er åbnet", "text": "Tak til alle, der stemte.",
                                 "happened_on": "2027-05-01"})
    assert response.status_code == 302
    page = client.__class__().get(reverse("budgets:detail", args=[process.pk])).content.decode()
    assert "Legepladsen er åbnet" in page and "Tak til alle" in page
    unfunded = Project.objects.get(process=process, code="A")
    again = client.post(reverse("budgets:progress", args=[unfunded.pk]), {"text": "x", "happened_on": "2027-05-01"})
    assert again.status_code == 200 and unfunded.updates.count() == 0
    client.force_login(UserFactory(municipality=municipality))
    assert client.get(url).status_code == 403
