"""Something happens to my idea: the header says I have unread notifications, the centre
lists them, opening one takes me to the idea and marks it read, and "Mark all as read"
clears the rest. Then I choose the daily digest for status news with the keyboard only."""
import pytest
from django.db import transaction
from django.test import Client

from accounts.models import Role
from ideas import services as idea_services
from ideas.models import Status
from notify.models import MailChoice, Notice
from tests.factories import MembershipFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory
from tests.platform.notify.conftest import status_change

from .test_dinners_journey import press_until_focused

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_news_of_my_idea_in_the_centre_then_a_digest_chosen_by_keyboard(page, live_server, municipality,
                                                                          screenshot):
    author = UserFactory(municipality=municipality, display_name="Karen Borger", preferred_language="en")
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    idea = IdeaFactory(campaign=CampaignFactory(municipality=municipality), author=author,
                       title="Frugttræer i skolegården")
    idea_services.idea_follow(idea=idea, user=author)
    status_change(idea, staff, Status.UNDER_REVIEW)
    status_change(idea, staff, Status.ACCEPTED)

    client = Client()
    client.force_login(author)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto("/")
    link = page.locator("header .portal-user a.hoest-notifications-link")
    assert "(2 unread)" in link.inner_text()
    link.click()
    assert page.locator("h1").inner_text() == "My notifications"
    notices = page.locator("main li.hoest-notice")
    assert notices.count() == 2 and page.locator("main .hoest-notice-unread").count() == 2
    assert "“Frugttræer i skolegården” is now: Accepted" in notices.first.inner_text()
    screenshot("centre-unread")

    notices.first.get_by_role("link").click()
    page.wait_for_url(f"**/ideas/{idea.pk}/")
    assert "Frugttræer i skolegården" in page.locator("h1").inner_text()
    assert "(1 unread)" in page.locator("header .portal-user a.hoest-notifications-link").inner_text()

    page.goto("/account/notifications/")
    assert page.locator("main .hoest-notice-unread").count() == 1
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_load_state()
    assert "1 notification marked as read." in page.locator(".hoest-messages").inner_text()
    assert page.locator("main .hoest-notice-unread").count() == 0
    assert "unread" not in page.locator("header .portal-user a.hoest-notifications-link").inner_text()
    assert not Notice.objects.filter(recipient=author, read_at__isnull=True).exists()

    # The e-mail choices, keyboard only: Tab to the status group, an arrow key to the digest.
    page.goto("/account/notifications/email/")
    press_until_focused(page, "input[name='kind-ideas-status_changed'][value='at_once']")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == "digest"
    press_until_focused(page, "main form button.button-primary[type=submit]")
    screenshot("choices-keyboard")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Your e-mail choices have been saved." in page.locator(".hoest-messages").inner_text()
    assert page.locator("input[name='kind-ideas-status_changed'][value='digest']").is_checked()
    assert MailChoice.objects.get(user=author, kind="ideas.status_changed").delivery == "digest"
    # The next news waits for the digest, and is in the centre at once.
    with transaction.atomic():
        idea_services.idea_status_change(actor=staff, idea=idea, to_status=Status.IN_PROGRESS, answer="I gang.")
    page.goto("/account/notifications/")
    assert page.locator("main .hoest-notice-unread").count() == 1
