"""The front page on a phone, in chromium: a staff member gives a campaign a picture in its
form; a visitor's phone loads the card's small version (lazily), and the cards do not move
when it arrives; a citizen with news sees the bell with its count in the
header bar without opening the menu, and it leads to the notification centre.
Screenshots in test-artifacts/front-page-pictures/."""
import pytest
from django.test import Client
from PIL import Image

from accounts.models import Role
from ideas import services as idea_services
from ideas.models import Campaign, Status
from tests.factories import MembershipFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory
from tests.platform.notify.conftest import status_change

from .conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = ARTIFACTS / "front-page-pictures"
PHONE = {"width": 390, "height": 844}


def context_of(browser, base_url, user=None, viewport=None):
    context = browser.new_context(base_url=base_url, viewport=viewport or {"width": 1280, "height": 900})
    cookies = [{"name": "django_language", "value": "en", "url": base_url}]
    if user is not None:
        client = Client()
        client.force_login(user)
        cookies.append({"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url})
    context.add_cookies(cookies)
    context.set_default_timeout(30_000)  # two shared cores: a first page may be slow
    return context


def test_a_campaign_picture_on_the_phones_front_page_and_the_bell_in_its_header(browser, live_server,
                                                                                municipality, tmp_path):
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Enough campaigns that the pictured one is below the first screen of a phone.
    for n in range(3):
        CampaignFactory(municipality=municipality, title=f"Spørgsmål {n + 1}")
    campaign = CampaignFactory(municipality=municipality, title="Hvordan skal havnen bruges?")
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    photo = tmp_path / "havn.jpg"
    Image.new("RGB", (2400, 1350), (40, 110, 160)).save(photo, "JPEG")

    # Staff add the picture in the campaign's form.
    page = context_of(browser, base, staff).new_page()
    page.goto(f"/ideas/staff/campaigns/{campaign.pk}/edit/")
    assert page.locator("h1").inner_text() == "Edit campaign"
    page.get_by_label("Image (optional)").set_input_files(str(photo))
    page.get_by_label("Image description (optional)").fill("Havnen set fra vandet")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/campaigns/")
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert campaign.image_width == 1600 and campaign.image_small

    # A visitor's phone: it fetches the small version, and the cards keep their places.
    visitor = context_of(browser, base, viewport=PHONE).new_page()
    fetched = []
    visitor.on("request", lambda request: fetched.append(request.url) if "/media/" in request.url else None)
    visitor.goto("/")
    card = visitor.locator("li.hoest-card", has_text="Hvordan skal havnen bruges?")
    picture = card.locator("img.hoest-card-image")
    assert picture.get_attribute("alt") == "Havnen set fra vandet" and picture.get_attribute("loading") == "lazy"
    heading_before = card.locator("h3").bounding_box()["y"]
    picture.scroll_into_view_if_needed()
    visitor.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert visitor.evaluate("img => img.currentSrc", picture.element_handle()).endswith(campaign.image_small.url)
    assert fetched == [base + campaign.image_small.url], "the phone fetched the small version only"
    assert card.locator("h3").bounding_box()["y"] == heading_before, "the card did not move when it loaded"
    box = picture.bounding_box()
    assert box["height"] == 160 and box["width"] > 300
    assert visitor.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    visitor.screenshot(path=str(SHOTS / "front-page-390.png"), full_page=True)

    # A citizen with news: the bell and its count, in the header bar of the phone.
    author = UserFactory(municipality=municipality, preferred_language="en")
    idea = IdeaFactory(campaign=campaign, author=author, title="Badezone ved kajen")
    idea_services.idea_follow(idea=idea, user=author)
    status_change(idea, staff, Status.UNDER_REVIEW)
    phone = context_of(browser, base, author, viewport=PHONE).new_page()
    phone.goto("/")
    # The only such link a screen reader meets here (the menu's is in the closed menu).
    visible = phone.get_by_role("link", name="Notifications (1 unread)")
    assert visible.count() == 1 and visible.is_visible()
    box = visible.bounding_box()
    assert box["y"] + box["height"] <= phone.locator("header").bounding_box()["height"]
    assert box["width"] >= 44 and box["height"] >= 44, "a target a thumb can hit"
    phone.screenshot(path=str(SHOTS / "header-bell-390.png"))
    visible.click()
    assert phone.locator("h1").inner_text() == "My notifications"
