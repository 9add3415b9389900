"""A citizen answers a comment on a budget project with the keyboard only, on a phone-sized
screen: the "Reply" link brings the keyboard to the form (not to the top of a long thread),
and the reply is posted and shown in its thread. The page's answers themselves are in
tests/budgets/test_project_comments.py."""
import pytest

from budgets.comments import services as comment_services
from budgets.models import ProjectComment
from tests.asgi_server import serve_asgi
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import UserFactory

from .test_dinners_journey import press_until_focused
from .test_ideas_journey import signed_in_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_citizen_replies_to_a_comment_on_a_project_by_keyboard(browser, municipality, screenshot_dir):
    project = ProjectFactory(process=BudgetProcessFactory(municipality=municipality), code="A",
                             title="Gynger i Mølleparken")
    neighbour = UserFactory(municipality=municipality, display_name="Nabo Nielsen")
    for n in range(6):  # a thread to get past
        comment_services.project_comment_add(project=project, author=neighbour, body=f"Tanke nummer {n}")
    first = ProjectComment.objects.order_by("pk").first()
    citizen = UserFactory(municipality=municipality, display_name="Karen Borger")
    with serve_asgi() as server:
        page = signed_in_context(browser, f"http://{server}", citizen).new_page()
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(project.get_absolute_url())
        press_until_focused(page, f"#comment-{first.pk} a[href*='reply_to']")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Du svarer Nabo Nielsen." in page.locator("#comment-form").inner_text()
        # The link's #comment-form moved the keyboard there: the form is a few Tabs away.
        press_until_focused(page, "textarea[name=body]", limit=3)
        page.keyboard.type("Enig, og gerne med skygge.")
        press_until_focused(page, "#comment-form button[type=submit]", limit=2)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.screenshot(path=str(screenshot_dir / "project-comment-reply-keyboard-phone.png"), full_page=True)
        reply = ProjectComment.objects.get(author=citizen)
        assert reply.parent_id == first.pk
        assert "Enig, og gerne med skygge." in page.locator(f"#comment-{first.pk} .hoest-replies").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
