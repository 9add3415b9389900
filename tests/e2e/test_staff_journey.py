"""Staff run the idea box without a developer, in chromium: a staff member creates a
campaign with its frame (after a mistake the form points out), sees it public, closes it,
switches to pre-moderation, and finds a citizen's new idea in the queue on the staff home.
Screenshots of the staff pages at 1280 and 390 px, in Danish and English, go to
test-artifacts/staff/."""
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import Role
from ideas.models import Campaign, IdeaSettings
from tests.factories import MembershipFactory, UserFactory
from tests.ideas.factories import CampaignFactory

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS / "staff"
WIDTHS = {1280: 900, 390: 844}


def signed_in(browser, base_url, user, language="en"):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=base_url, locale="en-GB")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url},
                         {"name": "django_language", "value": language, "url": base_url}])
    context.set_default_timeout(30_000)  # two shared cores: a first page may be slow
    return context


def set_language(page, base_url, language):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])


def shoot(page, name: str, language: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(SHOTS / f"{name}-{language}-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_staff_create_publish_close_a_campaign_and_switch_to_pre_moderation(browser, live_server, municipality):
    base = live_server.url
    CampaignFactory(municipality=municipality, title="Idékassen", is_general_idea_box=True)
    staff = UserFactory(municipality=municipality, display_name="Sofie Sagsbehandler")
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    citizen = UserFactory(municipality=municipality, display_name="Karen Borger")
    now = timezone.now()

    page = signed_in(browser, base, staff).new_page()
    page.goto("/")
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Staff home").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Staff home: Aarhus Kommune"
    page.get_by_role("link", name="Campaigns", exact=True).click()
    page.get_by_role("link", name="New campaign").click()

    # A campaign that closes before it opens: the form says so and keeps what was typed.
    page.get_by_label("Question").fill("Hvordan skal havnen bruges?")
    page.get_by_label("What is open to influence").fill("Hvad der skal være på kajen.")
    page.get_by_label("What is fixed").fill("Budgettet er 2 mio. kr.; kajen bevares.")
    page.get_by_label("Who decides").fill("Teknisk udvalg")
    page.get_by_label("Citizens get an answer by").fill((now + timedelta(days=60)).date().isoformat())
    page.get_by_label("Opens", exact=True).fill(local(now + timedelta(days=3)))
    page.get_by_label("Closes", exact=True).fill(local(now + timedelta(days=1)))
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    summary = page.locator("#error-summary")
    assert "The campaign must close after it opens." in summary.inner_text()
    assert page.get_by_label("Question").input_value() == "Hvordan skal havnen bruges?"
    assert page.get_by_label("What is fixed").input_value() == "Budgettet er 2 mio. kr.; kajen bevares."
    shoot(page, "campaign-form-errors", "en")

    page.get_by_label("Opens", exact=True).fill(local(now - timedelta(hours=1)))
    page.get_by_label("Closes", exact=True).fill(local(now + timedelta(days=30)))
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "The campaign is saved." in page.locator(".hoest-messages").inner_text()
    campaign = Campaign.objects.get(title="Hvordan skal havnen bruges?")

    # Public: a signed-out visitor sees the question with its frame and may send ideas.
    visitor = browser.new_context(base_url=base, locale="da-DK").new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name="Hvordan skal havnen bruges?").first.click()
    frame = visitor.locator(".hoest-frame").inner_text()
    assert "Budgettet er 2 mio. kr.; kajen bevares." in frame and "Teknisk udvalg" in frame
    assert visitor.locator("main").get_by_role("link", name="Indsend en idé").count() == 1

    # Closed from the staff list: the public page says so.
    page.locator(f"#campaign-{campaign.pk}").get_by_role("button", name="Close now").click()
    assert "is closed for new ideas" in page.locator(".hoest-messages").inner_text()
    visitor.reload()
    assert "Denne kampagne er lukket for nye idéer." in visitor.locator("main").inner_text()
    assert visitor.locator("main").get_by_role("link", name="Indsend en idé").count() == 0

    # Pre-moderation from the staff pages.
    page.get_by_role("link", name="Staff home").first.click()
    page.get_by_role("link", name="Moderation settings").click()
    page.get_by_label("Pre-moderation: new ideas and comments are hidden until approved").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "The moderation settings are saved." in page.locator(".hoest-messages").inner_text()
    assert IdeaSettings.objects.get(municipality=municipality).moderation_mode == "pre"
    assert "Sofie Sagsbehandler" in page.locator("#history-title + ul").inner_text()

    # A citizen's new idea now waits, and the staff home shows it in the queue.
    citizen_page = signed_in(browser, base, citizen, "da").new_page()
    citizen_page.goto("/ideas/new/")
    citizen_page.get_by_label("Titel").fill("Badezone ved kajen")
    citizen_page.get_by_label("Beskrivelse").fill("En badezone med trapper ned til vandet.")
    with citizen_page.expect_navigation():
        citizen_page.get_by_role("button", name="Indsend idé").click()
    assert "moderator" in citizen_page.locator(".hoest-messages").inner_text().lower()

    page.get_by_role("link", name="Staff home").first.click()
    queue = page.locator("#moderation")
    assert "1 idea waits in the moderation queue" in queue.inner_text()
    queue.get_by_role("link", name="1 idea waits in the moderation queue").click()
    assert page.get_by_role("link", name="Badezone ved kajen").count() == 1

    # The staff pages, in both languages and at both widths.
    for language in ("da", "en"):
        set_language(page, base, language)
        for name, url in (("staff-home", f"/staff/m/{municipality.slug}/"),
                          ("campaigns", f"/ideas/staff/m/{municipality.slug}/campaigns/"),
                          ("campaign-form", f"/ideas/staff/campaigns/{campaign.pk}/edit/"),
                          ("moderation-settings", f"/ideas/staff/m/{municipality.slug}/settings/")):
            page.goto(url)
            assert page.locator("html").get_attribute("lang") == language
            shoot(page, name, language)
    set_language(page, base, "da")
    page.goto(f"/ideas/staff/m/{municipality.slug}/campaigns/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Gem").click()
    assert page.locator("#error-summary").is_visible()
    shoot(page, "campaign-form-errors", "da")
