"""The main pages under the real Content-Security-Policy in chromium: no violation is
reported (no inline script, no inline style, nothing from elsewhere) while the pages still
work — DKFDS starts, live support counts arrive over the websocket, similar ideas are
fetched while typing, Swagger UI draws the API."""
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.asgi_server import serve_asgi
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import UserFactory, second_factor_add
from tests.ideas.factories import CampaignFactory, IdeaFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# Registered before any page script runs: every violation the browser reports lands here.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber);
});
"""


class CSPWatch:
    """A browser context whose pages record CSP violations from both the DOM event and the
    console (chromium also logs 'Refused to ...' there)."""

    def __init__(self, browser, base_url, user=None):
        self.context = browser.new_context(base_url=base_url, locale="en-GB")
        self.context.set_default_timeout(15_000)
        # Pages speak the municipality's language until a person picks one: pick English.
        self.context.add_cookies([{"name": "django_language", "value": "en", "url": base_url}])
        if user is not None:
            client = Client()
            client.force_login(user)
            self.context.add_cookies([{"name": "sessionid", "url": base_url,
                                       "value": client.cookies["sessionid"].value}])
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.console: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", self._on_console)

    def _on_console(self, message):
        text = message.text
        if "Content Security Policy" in text or "Refused to" in text:
            self.console.append(text)

    def goto(self, path: str):
        response = self.page.goto(path)
        assert response is not None and response.status == 200, (path, response and response.status)
        policy = response.headers.get("content-security-policy", "")
        assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, (path, policy)
        assert "unsafe-inline" not in policy.split("style-src")[0], policy  # never for scripts
        return response

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__cspViolations") + self.console


@pytest.fixture
def site(municipality):
    campaign = CampaignFactory(municipality=municipality, title="Greener streets")
    IdeaFactory(campaign=campaign, title="Shared bikes for the villages")
    idea = IdeaFactory(campaign=campaign, title="More benches along the river")
    process = BudgetProcessFactory(municipality=municipality, title="Citizens' budget Viby")
    ProjectFactory(process=process, title="Playground")
    citizen = UserFactory(municipality=municipality)
    neighbour = UserFactory(municipality=municipality)
    return {"idea": idea, "process": process, "citizen": citizen, "neighbour": neighbour}


def test_main_pages_report_no_violation_and_still_work(browser, site, screenshot_dir):
    idea, process = site["idea"], site["process"]
    with serve_asgi() as host:
        base = f"http://{host}"
        anonymous = CSPWatch(browser, base)
        page = anonymous.page

        anonymous.goto("/")
        assert page.locator("h1").first.is_visible()
        # DKFDS and app.js are external files and ran (DKFDS defines its global on load).
        page.wait_for_function("typeof window.DKFDS === 'object'")

        anonymous.goto("/ideas/")
        assert page.get_by_role("link", name="More benches along the river").is_visible()

        anonymous.goto(f"/budgets/{process.pk}/")
        assert "Playground" in page.locator("main").inner_text()

        anonymous.goto("/accounts/login/")
        assert page.locator("input[type=password]").is_visible()

        anonymous.goto("/api/docs/")
        # Swagger UI's bundle and its init script (a file, not inline) drew the operations.
        page.locator(".opblock").first.wait_for()
        assert page.locator(".opblock").count() > 5
        page.screenshot(path=str(screenshot_dir / "csp-api-docs.png"), full_page=False)
        assert anonymous.violations() == []

        # The idea page's script: a support given in another browser arrives live.
        watcher = CSPWatch(browser, base, site["neighbour"])
        watcher.goto(f"/ideas/{idea.pk}/")
        count = watcher.page.locator(f'[data-count="support"][data-idea="{idea.pk}"]').first
        assert count.inner_text() == "0"
        watcher.page.wait_for_timeout(300)  # let the websocket connect
        supporter = CSPWatch(browser, base, site["citizen"])
        supporter.goto(f"/ideas/{idea.pk}/")
        with supporter.page.expect_navigation():
            supporter.page.get_by_role("button", name="Support this idea").click()
        watcher.page.wait_for_function(
            f"document.querySelector('[data-count=\"support\"][data-idea=\"{idea.pk}\"]')"
            ".textContent === '1'")

        # The submit page's script fetches similar ideas while the title is typed.
        supporter.goto("/ideas/new/")
        supporter.page.get_by_label("Title").fill("Shared bikes")
        supporter.page.locator("#similar-ideas").get_by_role(
            "link", name="Shared bikes for the villages").wait_for()

        assert watcher.violations() == []
        assert supporter.violations() == []

        # The recorder is not blind: an inline script the policy forbids is reported.
        supporter.page.evaluate(
            "var s = document.createElement('script'); s.textContent = 'window.__ran = 1';"
            "document.body.appendChild(s)")
        supporter.page.wait_for_function("window.__cspViolations.length > 0")
        assert supporter.page.evaluate("window.__ran") is None
        for watch in (anonymous, watcher, supporter):
            watch.context.close()


def test_admin_pages_work_under_their_policy(browser):
    admin = get_user_model().objects.create_superuser(email="root@example.dk", password="x" * 20)
    second_factor_add(admin)  # the admin site needs a second factor (accounts.mfa)
    with serve_asgi() as host:
        watch = CSPWatch(browser, f"http://{host}", admin)
        watch.goto("/admin/")
        watch.goto("/admin/accounts/user/")
        assert "root@example.dk" in watch.page.locator("#changelist").inner_text()
        watch.goto("/admin/accounts/user/add/")
        assert watch.violations() == []
        watch.context.close()


def test_browsable_api_works_under_its_relaxed_style_policy(browser, municipality):
    IdeaFactory(campaign=CampaignFactory(municipality=municipality), title="Benches")
    with serve_asgi() as host:
        watch = CSPWatch(browser, f"http://{host}", UserFactory(municipality=municipality))
        response = watch.goto("/api/v1/ideas/")
        assert "'unsafe-inline'" in response.headers["content-security-policy"].split("style-src")[1]
        assert "Benches" in watch.page.locator(".response-info").inner_text()
        # Its scripts (files) ran: the format dropdown opens.
        watch.page.locator(".format-selection .dropdown-toggle").click()
        assert watch.page.locator(".format-selection .dropdown-menu").is_visible()
        assert watch.violations() == []
        watch.context.close()
