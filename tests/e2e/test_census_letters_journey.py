"""A census vote run by staff without a developer (issue 16): staff upload a census of 50
residents, set up and publish a budget whose voters are the residents on the census, make
the letters as one PDF (one page per resident, each with its code), and a resident votes
online with the code from one letter. The pages touched are photographed in Danish and
English, wide and narrow (test-artifacts/letters/)."""
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import Role
from budgets import phases
from budgets.models import BudgetProcess, Phase, Voters
from tests.budgets.factories import ProjectFactory, ballot_box_for
from tests.factories import DistrictFactory, MembershipFactory, UserFactory

from .conftest import ARTIFACTS
from .test_budget_setup_journey import browser_page, local, save

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Borgerbudget Nord og Syd"
CODE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b")


def census_csv() -> bytes:
    rows = [f"0101{60 + n % 40:02d}-{2000 + n:04d},{1950 + n},{('Nord', 'Syd', '')[n % 3]}" for n in range(50)]
    return ("person_id,birth_year,district\n" + "\n".join(rows) + "\n").encode()


def shoot_all(browser, live_server, staff, path: str, name: str) -> None:
    """The page in Danish and English, at a desktop's width and a phone's."""
    folder = ARTIFACTS / "letters"
    folder.mkdir(parents=True, exist_ok=True)
    for language in ("da", "en"):
        viewer = browser_page(browser, live_server, staff, language)
        for width in (1280, 390):
            viewer.set_viewport_size({"width": width, "height": 900})
            viewer.goto(path)
            viewer.screenshot(path=str(folder / f"{name}-{language}-{width}.png"), full_page=True)
        viewer.context.close()


def test_staff_run_a_census_vote_with_letters_and_a_resident_votes_with_a_code(
        browser, live_server, municipality, tmp_path):
    for slug, name in (("nord", "Nord"), ("syd", "Syd")):
        DistrictFactory(municipality=municipality, slug=slug, name=name)
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    page = browser_page(browser, live_server, staff, "en")

    # The census: 50 residents, uploaded as CSV.
    page.goto(f"/account/census/{municipality.slug}/")
    page.locator("#id_file").set_input_files({"name": "census.csv", "mimeType": "text/csv", "buffer": census_csv()})
    save(page, "Upload the census")
    assert "50 residents on the census" in page.locator("main").inner_text()

    # The set-up: basics, ballot, then who may vote, where the census's status is shown.
    page.goto("/budgets/setup/new/")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_description").fill("Pengene går til idéer fra borgerne.")
    page.locator("#id_total_budget").fill("100000")
    save(page)
    save(page)  # the basics again: no district budgets
    save(page)  # an approval ballot, as it stands
    census_section = page.locator("#setup-census").inner_text()
    assert "50 residents on the census" in census_section and "Nord" in census_section
    page.get_by_label("The residents on the municipality's census", exact=False).check()
    page.locator("#id_min_age").fill("16")
    save(page)
    save(page)  # the counting rule, as it stands
    now = timezone.now()
    for field, moment in (("proposals_start", now - timedelta(hours=1)), ("review_start", now + timedelta(days=7)),
                          ("voting_start", now + timedelta(days=14)), ("voting_end", now + timedelta(days=28)),
                          ("results_date", now + timedelta(days=35))):
        page.locator(f"#id_{field}").fill(local(moment))
    save(page, "Save and check")
    process = BudgetProcess.objects.get(title=TITLE)
    assert process.voters == Voters.CENSUS
    shoot_all(browser, live_server, staff, f"/budgets/{process.pk}/setup/eligibility/", "setup-eligibility")
    save(page, "Publish the budget")
    assert urlsplit(page.url).path == f"/budgets/{process.pk}/"

    # The letters: one PDF, one page per resident, each with its own code.
    page.goto(f"/budgets/{process.pk}/codes/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Make the letters (PDF)").click()
    pdf = tmp_path / "letters.pdf"
    download.value.save_as(pdf)
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages]
    assert len(pages) == 50
    codes = [CODE.findall(text) for text in pages]
    assert all(len(found) == 1 for found in codes) and len({found[0] for found in codes}) == 50
    assert all("Your personal voting code" in text and TITLE in text for text in pages)
    shoot_all(browser, live_server, staff, f"/budgets/{process.pk}/codes/", "codes")
    page.context.close()

    # Voting opens (review, the ballot box, voting), and a resident votes with a letter's code.
    for code in ("A", "B"):
        ProjectFactory(process=process, code=code, title=f"Projekt {code}", cost=40_000)
    phases.phase_set(process=process, phase=Phase.REVIEW, actor=staff, reason="Forslagene vurderes.")
    ballot_box_for(process)
    phases.phase_set(process=process, phase=Phase.VOTING, actor=staff, reason="Afstemningen åbner.")
    resident = browser_page(browser, live_server, None, "da")
    resident.goto(f"/budgets/{process.pk}/vote/code/")
    resident.locator("#id_code").fill(codes[7][0].lower())
    resident.locator("#project-A").check()
    with resident.expect_navigation():
        resident.get_by_role("button", name="Afgiv min stemme").click()
    assert len(resident.locator("#receipt-code").inner_text().strip()) == 19
    resident.context.close()
