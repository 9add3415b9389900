"""axe-core (from npm, run inside chromium) finds no WCAG 2.1 A or AA violation on the
main page types, signed out and signed in, in Danish and English."""
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Role
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import MembershipFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory
from tests.services import need

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page) -> list[str]:
    # Evaluated through the browser's DevTools protocol rather than added as a <script>: the
    # site's Content-Security-Policy rightly refuses inline scripts.
    page.evaluate(AXE.read_text())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]]


@pytest.mark.parametrize("language", ["da", "en"])
def test_main_pages_have_no_wcag_violations(browser, live_server, municipality, language, screenshot_dir):
    need(AXE.exists(), "needs axe-core from npm (./hoest setup installs it)")
    campaign = CampaignFactory(municipality=municipality)
    idea = IdeaFactory(campaign=campaign, body="**Fed** tekst og [et link](https://example.org)")
    process = BudgetProcessFactory(municipality=municipality, ballot_type="knapsack")
    for code in "ABC":
        ProjectFactory(process=process, code=code)
    from budgets.models import DistrictBudget
    from tests.factories import DistrictFactory

    nordby = DistrictFactory(municipality=municipality, name="Nordby", slug="nordby")
    citizen = UserFactory(municipality=municipality, district=nordby, birth_year=1980)
    staff = UserFactory(municipality=municipality)
    council = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    MembershipFactory(user=council, municipality=municipality, role=Role.COUNCIL)
    review = BudgetProcessFactory(municipality=municipality, phase="council_review")
    for code in "AB":
        ProjectFactory(process=review, code=code)
    from ideas.models import Innovation
    from reports.services import invitation_create

    innovation = Innovation.objects.create(municipality=municipality, title="Legeplads", year=2025,
                                           citizens_cocreated=True)
    invitation = invitation_create(innovation=innovation, party="citizen", actor=staff)
    reports = f"/reports/m/{municipality.slug}/"
    for budget_process in (process, review):  # district budgets: pages with one section per election
        budget = DistrictBudget.objects.create(process=budget_process, district=nordby, name="Nordby",
                                               slug="nordby", amount=50_000)
        ProjectFactory(process=budget_process, code="N1", district_budget=budget)

    def context_for(user):
        context = browser.new_context(base_url=live_server.url, locale="da-DK")
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                                  "url": live_server.url}])
        return context

    anonymous, signed_in = context_for(None), context_for(citizen)
    pages = {
        context_for(staff): [f"/ideas/{idea.pk}/", "/ideas/moderation/", "/ideas/staff/new/",
                             f"/budgets/{process.pk}/", f"/budgets/{process.pk}/turnout/",
                             f"/budgets/{process.pk}/codes/", f"/budgets/{process.pk}/paper/",
                             reports + "innovations/", reports + "innovations/new/",
                             f"/reports/innovations/{innovation.pk}/cocreation/",
                             f"/budgets/{process.pk}/district-budgets/"],
        context_for(council): [f"/budgets/{review.pk}/council/", reports],
        anonymous: ["/", "/ideas/", f"/ideas/{idea.pk}/", f"/ideas/campaigns/{campaign.pk}/", "/accounts/login/",
                    "/accounts/signup/", "/budgets/", f"/budgets/{process.pk}/", f"/budgets/{process.pk}/verify/",
                    "/accessibility/", f"/reports/cocreation/{invitation.token}/"],
        signed_in: ["/ideas/new/", f"/ideas/{idea.pk}/", f"/budgets/{process.pk}/vote/",
                    f"/budgets/{process.pk}/vote/district/nordby/", "/account/",
                    f"/ideas/{idea.pk}/flag/"],
    }
    found = {}
    for context, paths in pages.items():
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page = context.new_page()
        for path in paths:
            response = page.goto(path)
            assert response.status == 200, (path, response.status)
            problems = violations(page)
            if problems:
                found[path] = problems
                page.screenshot(path=str(screenshot_dir / f"axe-{language}-{path.strip('/').replace('/', '_') or 'home'}.png"))
    assert found == {}
