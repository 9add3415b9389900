"""A staff member sets up a participatory budget in the browser: the basics with two district
budgets, a knapsack ballot (with its preview), eligibility, the counting rule and the dates;
the check finds nothing to fix and the budget is published. Citizens saw nothing of the
draft; once published it is on the public list. Every set-up step is photographed in Danish
and English (test-artifacts/setup/{language}/step-N.png)."""
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from budgets.models import BudgetProcess
from tests.factories import DistrictFactory, MembershipFactory, UserFactory, sign_in_recently

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Borgerbudget Nord 2027"


def browser_page(browser, live_server, user, language):
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    cookies = [{"name": "django_language", "value": language, "url": live_server.url}]
    if user is not None:
        client = Client()
        sign_in_recently(client, user)
        cookies.append({"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url})
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(30_000)  # a busy shared machine
    return page


def shoot(page, language: str, n: int) -> None:
    folder = ARTIFACTS / "setup" / language
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"step-{n}.png"), full_page=True)


def save(page, name="Save and continue"):
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_staff_set_up_a_budget_with_two_district_budgets_and_publish_it(browser, live_server, municipality):
    for slug, name in (("nord", "Nord"), ("syd", "Syd")):
        DistrictFactory(municipality=municipality, slug=slug, name=name)
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    page = browser_page(browser, live_server, staff, "en")

    page.goto("/budgets/")
    with page.expect_navigation():
        page.get_by_role("link", name="Set up a participatory budget").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Start a new budget").click()

    # Step 1: basics; a missing amount is said in plain words and what was typed stays.
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_description").fill("Pengene går til idéer fra borgerne i Nord og Syd.")
    page.locator("#id_total_budget").fill("0")
    save(page)
    assert "A citywide budget needs an amount above zero." in page.locator("#error-summary").inner_text()
    assert page.locator("#id_title").input_value() == TITLE
    page.locator("#id_total_budget").fill("400000")
    save(page)
    process = BudgetProcess.objects.get(title=TITLE)
    assert process.draft
    for district, amount in (("Nord", "150000"), ("Syd", "100000")):
        page.locator("#id_district-district").select_option(label=district)
        page.locator("#id_district-amount").fill(amount)
        with page.expect_navigation():
            page.get_by_role("button", name="Add the district budget").click()
    assert page.locator("#setup-district-budgets tbody tr").count() == 2
    shoot(page, "en", 1)
    save(page)

    # Step 2: a knapsack ballot, previewed as a citizen will see it.
    page.get_by_label("Knapsack: choose projects within the budget").check()
    page.locator("#id_spending_limit").fill("")
    save(page, "Show the preview")
    preview = page.locator("#ballot-preview-section").inner_text()
    assert "Choose the projects you want, for at most 400,000" in preview.replace("\xa0", " ").replace(".", ",")
    save(page)

    # Step 3: who may vote (accounts here), beside the census's status.
    assert "No census has been uploaded yet." in page.locator("#setup-census").inner_text()
    page.locator("#id_min_age").fill("15")
    save(page)

    # Step 4: the counting rule, with the worked example.
    assert "Equal Shares funds A, B, D" in page.locator("#tally-example").inner_text()
    page.get_by_label("Equal shares: every voter gets an equal part of the budget").check()
    save(page)

    # Step 5: the dates, on one timeline with what happens at each change.
    now = timezone.now()
    for field, moment in (("proposals_start", now - timedelta(hours=1)), ("review_start", now + timedelta(days=21)),
                          ("voting_start", now + timedelta(days=35)), ("voting_end", now + timedelta(days=49)),
                          ("results_date", now + timedelta(days=63))):
        page.locator(f"#id_{field}").fill(local(moment))
    save(page, "Save and check")

    # Step 6: nothing to fix.
    assert "Nothing to fix" in page.locator("#setup-ready").inner_text()

    # Citizens see nothing of the draft.
    citizen = browser_page(browser, live_server, UserFactory(municipality=municipality), "en")
    citizen.goto("/budgets/")
    assert TITLE not in citizen.locator("main").inner_text()
    assert citizen.goto(f"/budgets/{process.pk}/").status == 404

    # Every step, photographed in both languages, before it goes live.
    steps = ["basics", "ballot", "eligibility", "tally", "timeline"]
    for language in ("da", "en"):
        viewer = browser_page(browser, live_server, staff, language)
        for n, step in enumerate(steps, start=1):
            viewer.goto(f"/budgets/{process.pk}/setup/{step}/")
            assert viewer.locator("html").get_attribute("lang") == language
            shoot(viewer, language, n)
        viewer.goto(f"/budgets/{process.pk}/setup/check/")
        shoot(viewer, language, 6)
        viewer.context.close()

    with page.expect_navigation():
        page.get_by_role("button", name="Publish the budget").click()
    assert urlsplit(page.url).path == f"/budgets/{process.pk}/"
    process.refresh_from_db()
    assert not process.draft and process.ballot_type == "knapsack" and process.district_budgets.count() == 2
    citizen.goto("/budgets/")
    assert TITLE in citizen.locator("main").inner_text()
    citizen.context.close()
    page.context.close()
