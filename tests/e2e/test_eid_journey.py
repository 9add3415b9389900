"""A citizen verifies their account with the demo's stand-in e-ID (Test-ID) in chromium:
from the profile to Test-ID's page, where they type a demo resident's identity number, and
back, verified; the census then lets them vote online in a census process, and the
profile's birth year is the e-ID's. Every page on the way passes axe (WCAG 2.1 A and AA)."""
from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp

from accounts import census
from accounts.models import Verification
from budgets.models import Voters
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.e2e.test_second_factor_journey import AXE, RECORD_VIOLATIONS, audit
from tests.factories import PASSWORD, DistrictFactory, UserFactory
from tests.services import need

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CPR = "010180-1234"


@pytest.mark.parametrize("language", ["da", "en"])
def test_a_citizen_verifies_with_test_id_and_votes_in_a_census_process(browser, live_server, municipality,
                                                                        screenshot_dir, language):
    need(AXE.exists(), "needs axe-core from npm (./hoest setup installs it)")
    DistrictFactory(municipality=municipality, name="Viby", slug="viby")
    census.census_replace(municipality=municipality, data=f"person_id,birth_year,district\n{CPR},1980,Viby\n".encode())
    SocialApp.objects.create(provider="eid", provider_id=f"test-id-{municipality.slug}", name="Test-ID",
                             client_id="hoest-demo", secret="demo-secret",
                             settings={"server_url": "/test-id", "municipality": municipality.slug,
                                       "claims": {"person_id": "person_id", "loa": "acr"},
                                       "accepted_loa": ["substantial", "high"]})
    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS, title="Borgerbudget 2027")
    ProjectFactory(process=process, code="A", title="Legeplads i Viby", cost=20_000)
    citizen = UserFactory(municipality=municipality, preferred_language=language, birth_year=2001)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems: list[str] = []

    def shot(name: str) -> None:
        page.screenshot(path=str(screenshot_dir / f"eid-{language}-{name}.png"), full_page=True)

    page.goto("/accounts/login/")
    page.locator("#id_login").fill(citizen.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    page.goto("/account/")
    problems += audit(page)
    shot("profile")
    verify = page.get_by_role("button", name="Test-ID")
    with page.expect_navigation():
        verify.click()
    if "/accounts/eid/" in page.url:  # allauth's own confirmation step, when it shows one
        with page.expect_navigation():
            page.locator("form button[type=submit], form [type=submit]").last.click()
    assert "/test-id/authorize" in page.url, page.url
    problems += audit(page)
    shot("test-id")
    page.locator("#id_person_id").fill(CPR)
    page.locator("#id_birthdate").fill("1980-01-01")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto("/account/")
    assert Verification.objects.filter(user=citizen).exists()
    assert page.locator("#id_birth_year").is_disabled()
    assert page.locator("#id_birth_year").input_value() == "1980"
    problems += audit(page)
    shot("verified")

    page.goto(f"/budgets/{process.pk}/")
    problems += audit(page)
    shot("census-process")
    with page.expect_navigation():
        page.locator(f"a[href='/budgets/{process.pk}/vote/']").click()
    page.locator("input[value='A']").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").last.click()
    problems += audit(page)
    shot("voted")
    from budgets.models import Ballot

    assert Ballot.objects.filter(process=process).count() == 1
    assert problems == []
    context.close()
