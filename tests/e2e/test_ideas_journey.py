"""The ideas journey in real browsers against the real ASGI stack (pages + websockets):
a citizen submits an idea in Danish and is shown a similar one, supports another idea and a
second person sees the count change live; a moderator approves the new idea from the live
queue."""
import pytest
from django.test import Client

from accounts.models import Role
from ideas import services
from tests.asgi_server import serve_asgi
from tests.factories import MembershipFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in_context(browser, base_url, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=base_url, locale="da-DK")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                          "url": base_url}])
    context.set_default_timeout(10_000)
    return context


def test_submit_similar_support_live_and_approve_from_live_queue(browser, municipality, screenshot_dir):
    services.idea_settings_update(municipality=municipality, moderation_mode="pre")
    campaign = CampaignFactory(municipality=municipality, title="Hvordan bliver landsbyerne bedre?")
    IdeaFactory(campaign=campaign, title="Delebus kørt af frivillige")
    benches = IdeaFactory(campaign=campaign, title="Flere bænke langs åen")
    citizen = UserFactory(municipality=municipality, display_name="Karen Borger")
    neighbour = UserFactory(municipality=municipality)
    moderator = UserFactory(municipality=municipality)
    MembershipFactory(user=moderator, municipality=municipality, role=Role.MODERATOR)

    with serve_asgi() as host:
        base = f"http://{host}"
        mod = signed_in_context(browser, base, moderator).new_page()
        mod.goto("/ideas/moderation/")
        assert mod.locator("[data-live-queue]").is_hidden()

        page = signed_in_context(browser, base, citizen).new_page()
        page.goto("/ideas/new/")
        assert page.locator("html").get_attribute("lang") == "da"
        page.get_by_label("Titel").fill("Delebus til landsbyen")
        suggestion = page.locator("#similar-ideas").get_by_role("link", name="Delebus kørt af frivillige")
        suggestion.wait_for()
        page.screenshot(path=str(screenshot_dir / "ideas-similar.png"), full_page=True)
        page.get_by_label("Beskrivelse").fill("En bus, som borgerne selv kører.")
        # No standing idea box here: nothing is chosen for the citizen (ideas.forms.IdeaForm).
        page.get_by_label("Kampagne").select_option(label="Hvordan bliver landsbyerne bedre?")
        with page.expect_navigation():
            page.get_by_role("button", name="Indsend idé").click()
        assert "moderator" in page.locator(".hoest-messages").inner_text().lower()

        # The moderator's queue hears about it without a reload.
        mod.locator("[data-live-queue]").wait_for(state="visible")
        mod.reload()
        with mod.expect_navigation():
            mod.locator(".hoest-card", has_text="Delebus til landsbyen").get_by_role(
                "button", name="Godkend").click()
        mod.screenshot(path=str(screenshot_dir / "ideas-queue-approved.png"), full_page=True)
        assert "Delebus til landsbyen" not in mod.locator("main").inner_text()

        # Live support count in a second browser context.
        watcher = signed_in_context(browser, base, neighbour).new_page()
        watcher.goto(f"/ideas/{benches.pk}/")
        count = watcher.locator(f'[data-count="support"][data-idea="{benches.pk}"]').first
        assert count.inner_text() == "0"
        watcher.wait_for_timeout(300)  # let the websocket connect
        page.goto(f"/ideas/{benches.pk}/")
        with page.expect_navigation():
            page.get_by_role("button", name="Støt idéen").click()
        watcher.wait_for_function(
            f"document.querySelector('[data-count=\"support\"][data-idea=\"{benches.pk}\"]').textContent === '1'")
        assert count.inner_text() == "1"
