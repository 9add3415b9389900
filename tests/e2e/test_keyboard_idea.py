"""A citizen submits an idea with the keyboard only, in Danish, on a phone-sized screen
(the ballot and the dinner sign-up have their keyboard journeys in test_budget_journey.py and
test_dinners_journey.py)."""
import pytest

from ideas.models import Idea
from tests.asgi_server import serve_asgi
from tests.factories import UserFactory
from tests.ideas.factories import CampaignFactory

from .test_dinners_journey import press_until_focused
from .test_ideas_journey import signed_in_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_citizen_submits_an_idea_by_keyboard(browser, municipality, screenshot_dir):
    campaign = CampaignFactory(municipality=municipality, title="Hvordan bliver byen grønnere?")
    citizen = UserFactory(municipality=municipality, display_name="Karen Borger")
    with serve_asgi() as server:
        page = signed_in_context(browser, f"http://{server}", citizen).new_page()
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"/ideas/campaigns/{campaign.pk}/")
        press_until_focused(page, "a[href^='/ideas/new/']")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        press_until_focused(page, "input[name=title]")
        page.keyboard.type("Frugttræer i skolegården")
        press_until_focused(page, "textarea[name=body]")
        page.keyboard.type("Børnene kan plukke æbler om efteråret.")
        press_until_focused(page, "main form button.button-primary[type=submit]")
        page.screenshot(path=str(screenshot_dir / "ideas-submit-keyboard-phone.png"), full_page=True)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        idea = Idea.objects.get(author=citizen)
        assert idea.title == "Frugttræer i skolegården" and idea.campaign == campaign
        assert "Frugttræer i skolegården" in page.locator("main").inner_text()
