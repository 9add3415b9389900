"""The council's page while the ballots are being counted, in chromium: it says so, tells the
member when the count is done without reloading under their typing, and then shows the
comparison; with the keyboard only."""
import pytest
from django.utils import translation

from accounts.models import Role
from budgets import counting, phases, services
from budgets.models import Phase
from budgets.tasks import count_election
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory, open_box
from tests.factories import MembershipFactory, UserFactory

from .conftest import ARTIFACTS
from .test_budget_setup_journey import browser_page

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def da(text: str) -> str:
    with translation.override("da"):
        return translation.gettext(text)


def test_the_council_is_told_when_the_count_is_done_and_keeps_what_it_typed(browser, live_server, municipality,
                                                                            monkeypatch):
    council = UserFactory(municipality=municipality)
    MembershipFactory(user=council, municipality=municipality, role=Role.COUNCIL)
    process = BudgetProcessFactory(municipality=municipality)
    for code, cost in (("A", 60_000), ("B", 50_000), ("C", 30_000)):
        ProjectFactory(process=process, code=code, cost=cost, title=f"Projekt {code}")
    for codes in (["A"], ["A", "C"], ["B", "C"]):
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    process.refresh_from_db()
    open_box(process, council)
    # As in production: the count goes to a worker; this test is the worker.
    monkeypatch.setitem(count_election.app.conf, "task_always_eager", False)
    queued = []
    monkeypatch.setattr(counting, "enqueue_now", lambda task, *args, countdown=None: queued.append(args[0]) or True)

    page = browser_page(browser, live_server, council, "da")
    page.goto(f"/budgets/{process.pk}/council/")
    status = page.get_by_role("status").filter(has_text=da("The ballots are being counted"))
    assert status.is_visible() and len(queued) == 1
    assert page.get_by_role("table").count() == 0
    comment = page.locator("#id_comment")
    comment.focus()
    page.keyboard.type("Vi venter på optællingen.")

    count_election.run(queued[0])  # the worker
    done = status.locator("[data-count-done]")
    done.wait_for(state="visible", timeout=20_000)
    assert da("The count is done.") in done.inner_text()
    assert comment.input_value() == "Vi venter på optællingen.", "nothing typed is lost"
    (ARTIFACTS / "counting").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "counting" / "council-count-done-da.png"), full_page=True)

    link = done.get_by_role("link", name=da("Show the comparison"))
    for _ in range(40):  # to the link with the keyboard
        page.keyboard.press("Tab")
        if link.evaluate("element => element === document.activeElement"):
            break
    else:
        raise AssertionError("the link cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name=da("The rules side by side")).is_visible()
    assert page.get_by_role("table").count() == 3  # the rules, the projects, the preferences
    page.context.close()
