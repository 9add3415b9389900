"""Issue 16's "done when": a municipality runs a participatory budget from start to finish
in the browser, in Danish, each step done by the person whose job it is.

Staff upload a census of 50 residents, set up a budget with a knapsack ballot and two
district budgets for the residents on the census, and publish it; staff make three projects
from citizens' ideas during proposals and review them (cost, feasibility); the vote opens on
its date, moved by the scheduled task (budgets.tasks.advance_budget_phases, as Celery beat
runs it), not by a click; staff make the letters as one PDF whose text is checked; a
resident votes with the code from one letter, within the knapsack's limit; staff close
voting; two council members open the ballot box with their shares and approve the result,
which the public page then shows. Every set-up step is photographed in Danish and English
(test-artifacts/setup/{language}/start-to-finish-step-N.png)."""
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from accounts.models import Role
from budgets import ballotbox
from budgets.models import BudgetProcess, Feasibility, Phase, Voters
from budgets.tasks import advance_budget_phases
from tests.factories import DistrictFactory, MembershipFactory, UserFactory
from tests.ideas.factories import IdeaFactory

from .conftest import ARTIFACTS
from .test_budget_setup_journey import browser_page, local
from .test_census_letters_journey import CODE, census_csv

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Borgerbudget Nord og Syd 2027"
STEPS = ["basics", "ballot", "eligibility", "tally", "timeline"]


def da(text: str) -> str:
    """The page's Danish for an English msgid: the labels the pages really show."""
    with translation.override("da"):
        return translation.gettext(text)


def press(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def shoot_setup(browser, live_server, staff, process) -> None:
    for language in ("da", "en"):
        viewer = browser_page(browser, live_server, staff, language)
        folder = ARTIFACTS / "setup" / language
        folder.mkdir(parents=True, exist_ok=True)
        for n, step in enumerate([*STEPS, "check"], start=1):
            viewer.goto(f"/budgets/{process.pk}/setup/{step}/")
            assert viewer.locator("html").get_attribute("lang") == language
            viewer.screenshot(path=str(folder / f"start-to-finish-step-{n}.png"), full_page=True)
        viewer.context.close()


def test_staff_run_a_census_budget_from_start_to_finish_and_the_council_approves(
        browser, live_server, municipality, tmp_path):
    for slug, name in (("nord", "Nord"), ("syd", "Syd")):
        DistrictFactory(municipality=municipality, slug=slug, name=name)
    staff_member = UserFactory(municipality=municipality, display_name="Sara Staff")
    MembershipFactory(user=staff_member, municipality=municipality, role=Role.STAFF)
    council = []
    for name in ("Anna", "Bo", "Carl"):
        member = UserFactory(municipality=municipality, display_name=name)
        MembershipFactory(user=member, municipality=municipality, role=Role.COUNCIL)
        council.append(member)
    # Citizens' ideas, submitted earlier (the ideas journey covers submitting one).
    ideas = [IdeaFactory(municipality=municipality, campaign__municipality=municipality, title=title)
             for title in ("Legeplads i parken", "Bænke ved åen", "Frugttræer på torvet")]
    # Everyone arrives signed in (browser_page: a session made by Django's test client, with a
    # recent second factor): signing in is the foundation journeys' point, not this one's.
    staff = browser_page(browser, live_server, staff_member, "da")

    # The census: 50 residents, uploaded as CSV.
    staff.goto(f"/account/census/{municipality.slug}/")
    staff.locator("#id_file").set_input_files({"name": "census.csv", "mimeType": "text/csv", "buffer": census_csv()})
    press(staff, da("Upload the census"))
    assert "50 borgere på valglisten" in staff.locator("main").inner_text()

    # The set-up, step by step: basics with two district budgets.
    staff.goto("/budgets/setup/new/")
    staff.locator("#id_title").fill(TITLE)
    staff.locator("#id_description").fill("Pengene går til idéer fra borgerne i Nord og Syd.")
    staff.locator("#id_total_budget").fill("400000")
    press(staff, da("Save and continue"))
    process = BudgetProcess.objects.get(title=TITLE)
    assert process.draft
    for district, amount in (("Nord", "150000"), ("Syd", "100000")):
        staff.locator("#id_district-district").select_option(label=district)
        staff.locator("#id_district-amount").fill(amount)
        press(staff, da("Add the district budget"))
    assert staff.locator("#setup-district-budgets tbody tr").count() == 2
    press(staff, da("Save and continue"))
    # A knapsack ballot, limited by the budget, previewed as a citizen will see it.
    staff.locator('input[name="ballot_type"][value="knapsack"]').check()
    staff.locator("#id_spending_limit").fill("")
    press(staff, da("Show the preview"))
    assert "400.000" in staff.locator("#ballot-preview-section").inner_text()
    press(staff, da("Save and continue"))
    # Who may vote: the residents on the census, whose status the step shows.
    assert "50 borgere på valglisten" in staff.locator("#setup-census").inner_text()
    staff.locator('input[name="voters"][value="census"]').check()
    staff.locator("#id_min_age").fill("16")
    press(staff, da("Save and continue"))
    press(staff, da("Save and continue"))  # the counting rule, as it stands
    now = timezone.now()
    for field, moment in (("proposals_start", now - timedelta(hours=1)), ("review_start", now + timedelta(days=7)),
                          ("voting_start", now + timedelta(days=14)), ("voting_end", now + timedelta(days=28)),
                          ("results_date", now + timedelta(days=35))):
        staff.locator(f"#id_{field}").fill(local(moment))
    press(staff, da("Save and check"))
    assert "Intet at rette" in staff.locator("#setup-ready").inner_text()
    shoot_setup(browser, live_server, staff_member, process)
    press(staff, da("Publish the budget"))
    assert urlsplit(staff.url).path == f"/budgets/{process.pk}/"
    process.refresh_from_db()
    assert not process.draft and process.phase == Phase.PROPOSALS
    assert process.ballot_type == "knapsack" and process.voters == Voters.CENSUS
    assert process.district_budgets.count() == 2

    # Proposals: three projects made from the ideas.
    for idea, cost in zip(ideas, (150_000, 120_000, 200_000), strict=True):
        staff.goto(f"/budgets/{process.pk}/from-idea/")
        staff.locator("#id_idea").fill(str(idea.pk))
        staff.locator("#id_cost").fill(str(cost))
        press(staff, da("Add project"))
        assert urlsplit(staff.url).path == f"/budgets/{process.pk}/"
    projects = {p.idea_id: p for p in process.projects.all()}
    assert sorted(projects) == sorted(idea.pk for idea in ideas)

    # Review begins on its date: the date is moved to the past and the scheduled task runs.
    # (The ORM only stands in for the calendar; the move itself is the task's.)
    BudgetProcess.objects.filter(pk=process.pk).update(review_start=timezone.now() - timedelta(minutes=30))
    assert advance_budget_phases() == 1
    process.refresh_from_db()
    assert process.phase == Phase.REVIEW

    # Staff review each project: the cost as estimated, feasible or not with a public reason.
    reviews = {ideas[0].pk: (140_000, Feasibility.FEASIBLE, "Parken har plads."),
               ideas[1].pk: (90_000, Feasibility.FEASIBLE, "Kommunen har bænkene på lager."),
               ideas[2].pk: (200_000, Feasibility.NOT_FEASIBLE, "Torvet er fredet.")}
    for idea_pk, (cost, feasibility, reason) in reviews.items():
        staff.goto(f"/budgets/projects/{projects[idea_pk].pk}/review/")
        staff.locator("#id_cost").fill(str(cost))
        staff.locator("#id_feasibility").select_option(feasibility)
        staff.locator("#id_feasibility_reason").fill(reason)
        press(staff, da("Save"))
    staff.goto(f"/budgets/{process.pk}/")
    assert "Torvet er fredet." in staff.locator("main").inner_text()

    # The ballot box, prepared and its shares collected through the services: the browser
    # steps of collecting a share are budgets' own journey (test_budget_journey.py).
    ballotbox.box_prepare(process=process, actor=staff_member, members=council, threshold=2)
    shares = [ballotbox.share_collect(process=process, member=member).share for member in council]

    # Voting opens on its date, moved by the scheduled task.
    BudgetProcess.objects.filter(pk=process.pk).update(voting_start=timezone.now() - timedelta(minutes=1))
    assert advance_budget_phases() == 1
    process.refresh_from_db()
    assert process.phase == Phase.VOTING

    # The letters: one PDF, one page per resident, in Danish, with the municipality's name,
    # the code, the sentence on the code being personal and the deadline.
    staff.goto(f"/budgets/{process.pk}/codes/")
    with staff.expect_download() as download:
        staff.get_by_role("button", name=da("Make the letters (PDF)")).click()
    pdf = tmp_path / "letters.pdf"
    download.value.save_as(pdf)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages]
    assert len(pages) == 50
    codes = [CODE.findall(text) for text in pages]
    assert all(len(found) == 1 for found in codes) and len({found[0] for found in codes}) == 50
    with translation.override("da"):
        deadline = date_format(timezone.localtime(process.voting_end), "DATETIME_FORMAT")
    personal = " ".join(da("The code is personal: it is meant for you alone and gives you one vote in each budget "
                           "you may vote in. Do not give it to anyone, and keep the letter until the vote has "
                           "closed. The letter has no name on it because the municipality's voter list for the "
                           "vote holds no names.").split())
    for text in pages:
        assert municipality.name in text and TITLE in text
        assert da("Your personal voting code") in text
        assert personal in text, text
        assert deadline in text, (deadline, text)

    # A resident votes with the code in one letter, within the knapsack's limit (400.000).
    resident = browser_page(browser, live_server, None, "da")
    resident.goto(f"/budgets/{process.pk}/vote/code/")
    resident.locator("#id_code").fill(codes[7][0].lower())
    chosen = [projects[ideas[0].pk], projects[ideas[1].pk]]  # 140.000 + 90.000
    for project in chosen:
        resident.locator(f"#project-{project.code}").check()
    with resident.expect_navigation():
        resident.get_by_role("button", name="Afgiv min stemme").click()
    receipt = resident.locator("#receipt-code").inner_text().strip()
    assert len(receipt) == 19
    resident.context.close()

    # Staff close voting on the phase page.
    staff.goto(f"/budgets/{process.pk}/phase/")
    staff.locator("#id_reason").fill("Afstemningsperioden er slut.")
    with staff.expect_navigation():
        staff.get_by_role("button", name="Gå videre til “Byrådets behandling”").click()
    process.refresh_from_db()
    assert process.phase == Phase.COUNCIL_REVIEW
    staff.context.close()

    # Two of the three council members open the box together (Anna's page, both typing
    # their words), then approve the result.
    anna = browser_page(browser, live_server, council[0], "da")
    anna.goto(f"/budgets/{process.pk}/ballot-box/open/")
    anna.locator("#id_words_1").fill(f"{shares[0].index} {shares[0].words()}")
    anna.locator("#id_words_2").fill(f"{shares[1].index} {shares[1].words()}")
    with anna.expect_navigation():
        anna.locator('main form button[type="submit"]').last.click()
    assert f"/budgets/{process.pk}/council/" in anna.url, anna.locator("main").inner_text()
    anna.locator('input[name="decision"][value="approved"]').check()
    with anna.expect_navigation():
        anna.locator('main form button[type="submit"]').last.click()
    process.refresh_from_db()
    assert process.phase == Phase.RESULTS
    anna.context.close()

    # The public page shows the result: the resident's two projects funded, the third not.
    public = browser_page(browser, live_server, None, "da")
    public.goto(f"/budgets/{process.pk}/")
    assert public.locator("#result-title").is_visible()
    cards = public.locator(".hoest-card", has=public.locator(".badge")).all_inner_texts()
    funded = [text for text in cards if "Finansieret" in text]
    assert any(chosen[0].title in text for text in funded) and any(chosen[1].title in text for text in funded)
    assert not any(projects[ideas[2].pk].title in text for text in funded), cards
    assert process.result.ballots == 1
    public.goto(f"/budgets/{process.pk}/verify/")
    public.locator("#id_receipt").fill(receipt)
    with public.expect_navigation():
        public.locator("#id_receipt").press("Enter")
    assert "talt med" in public.locator("main").inner_text()
    public.context.close()
