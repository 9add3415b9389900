"""A citizen votes (knapsack) in Danish by keyboard, keeps the receipt and checks it; a
council member compares the rules and signs the result off; the public sees it."""
import pytest
from django.test import Client

from accounts.models import Role
from budgets import services
from budgets.models import BudgetProcess, Phase
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_vote_verify_sign_off_and_publish(browser, live_server, municipality, screenshot_dir):
    process = BudgetProcessFactory(municipality=municipality, ballot_type="knapsack", total_budget=100_000,
                                   tally_rule="equalshares/add1", title="Borgerbudget Viby")
    for code, title, cost in (("1", "Legeplads", 60_000), ("2", "Bænke", 30_000), ("3", "Træer", 50_000)):
        ProjectFactory(process=process, code=code, title=title, cost=cost)
    for choice in (["1", "2"], ["3", "2"], ["1"]):
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": choice})
    citizen = UserFactory(municipality=municipality, birth_year=1985)
    council = UserFactory(municipality=municipality, display_name="Rådsmedlem")
    MembershipFactory(user=council, municipality=municipality, role=Role.COUNCIL)

    page = signed_in(browser, live_server, citizen)
    page.goto(f"/budgets/{process.pk}/vote/")
    assert page.locator("html").get_attribute("lang") == "da"
    # Over the limit first: the message says so in plain words and the ticks stay.
    for code in ("1", "3"):
        page.locator(f"#project-{code}").focus()
        page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    summary = page.locator("#error-summary")
    assert "110.000 kr." in summary.inner_text() and "100.000 kr." in summary.inner_text()
    assert page.locator("#project-1").is_checked() and page.locator("#project-3").is_checked()
    page.locator("#project-3").focus()
    page.keyboard.press("Space")  # untick Træer
    page.locator("#project-2").focus()
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert len(receipt) == 19
    page.screenshot(path=str(screenshot_dir / "budget-receipt.png"), full_page=True)

    page.goto(f"/budgets/{process.pk}/verify/")
    page.locator("#id_receipt").fill(receipt)
    with page.expect_navigation():
        page.locator("#id_receipt").press("Enter")
    checked = page.locator("main").inner_text()
    assert "Legeplads" in checked and "Bænke" in checked and "Træer" not in checked.split(receipt)[-1]

    services.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    council_page = signed_in(browser, live_server, council)
    council_page.goto(f"/budgets/{process.pk}/council/")
    table = council_page.locator("table").first.inner_text()
    assert "greedy" in table and "equalshares/add1" in table and "mes" in table
    council_page.screenshot(path=str(screenshot_dir / "budget-council.png"), full_page=True)
    council_page.locator('input[name="decision"][value="approved"]').check()
    with council_page.expect_navigation():
        council_page.locator('form button[type="submit"]').last.click()
    process.refresh_from_db()
    assert process.phase == Phase.RESULTS

    public = browser.new_context(base_url=live_server.url, locale="da-DK").new_page()
    public.goto(f"/budgets/{process.pk}/")
    result = public.locator("#result-title")
    assert result.is_visible()
    funded = public.locator(".hoest-card", has=public.locator(".badge")).all_inner_texts()
    assert any("Legeplads" in text for text in funded) and any("Bænke" in text for text in funded)
    public.screenshot(path=str(screenshot_dir / "budget-result.png"), full_page=True)
    assert BudgetProcess.objects.get(pk=process.pk).result.ballots == 4
