"""A citizen chooses projects on a knapsack ballot in Danish, on a phone and on a desktop,
with the keyboard only: the bar says what is chosen and what is left as they go, warns
(before anything is sent) when they are over the limit, and lets the ballot go once they
are within it. Without JavaScript the bar is not there and the server says the same."""
import re

import pytest
from django.test import Client

from budgets.models import Ballot
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def knapsack(municipality):
    process = BudgetProcessFactory(municipality=municipality, ballot_type="knapsack", total_budget=100_000,
                                   title="Borgerbudget Viby")
    for code, title, cost in (("1", "Legeplads i parken", 60_000), ("2", "Bænke ved søen", 30_000),
                              ("3", "Træer på torvet", 50_000)):
        ProjectFactory(process=process, code=code, title=title, cost=cost,
                       description="Et **godt** projekt for hele bydelen.")
    return process


def signed_in(browser, live_server, user, *, width: int, javascript: bool = True, language: str = "da"):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="da-DK", java_script_enabled=javascript,
                                  viewport={"width": width, "height": 844})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
                         {"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def toggle_with_keyboard(page, code: str) -> None:
    page.locator(f"#project-{code}").focus()
    page.keyboard.press("Space")


@pytest.mark.parametrize("width", [390, 1280])
def test_the_bar_counts_warns_and_lets_a_ballot_within_the_limit_go(browser, live_server, knapsack, municipality,
                                                                     screenshot_dir, width):
    page = signed_in(browser, live_server, UserFactory(municipality=municipality, birth_year=1985), width=width)
    page.goto(f"/budgets/{knapsack.pk}/vote/")
    bar = page.locator("[data-ballot-bar]")
    text = bar.locator("[data-bar-text]")
    assert bar.is_visible()
    assert bar.locator("[aria-live=polite]").count() == 1
    assert text.inner_text() == "Valgt: 0 kr. af 100.000 kr. Tilbage: 100.000 kr."

    toggle_with_keyboard(page, "1")
    assert text.inner_text() == "Valgt: 60.000 kr. af 100.000 kr. Tilbage: 40.000 kr."
    toggle_with_keyboard(page, "3")
    warning = bar.locator("[data-bar-warning]")
    assert warning.is_visible()
    assert "Du er 10.000 kr. over grænsen på 100.000 kr." in warning.inner_text()
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"), "fits the screen"
    page.screenshot(path=str(screenshot_dir / f"ballot-bar-over-{width}.png"), full_page=True)

    # Sending it anyway: nothing is sent, the warning takes the focus.
    page.get_by_role("button", name="Afgiv min stemme").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.hasAttribute('data-bar-warning')")
    assert "/vote/" in page.url and Ballot.objects.count() == 0

    toggle_with_keyboard(page, "3")
    toggle_with_keyboard(page, "2")
    assert text.inner_text() == "Valgt: 90.000 kr. af 100.000 kr. Tilbage: 10.000 kr."
    assert not warning.is_visible()
    page.screenshot(path=str(screenshot_dir / f"ballot-bar-within-{width}.png"), full_page=True)
    page.get_by_role("button", name="Afgiv min stemme").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#receipt-code").is_visible() and Ballot.objects.count() == 1


def test_the_project_links_on_the_ballot_open_the_project_page(browser, live_server, knapsack, municipality,
                                                               screenshot_dir):
    page = signed_in(browser, live_server, UserFactory(municipality=municipality), width=390)
    page.goto(f"/budgets/{knapsack.pk}/vote/")
    toggle_with_keyboard(page, "2")
    with page.context.expect_page() as opened:
        page.get_by_role("link", name=re.compile(r"^Om projektet\s+Bænke ved søen")).click()
    project = opened.value
    project.wait_for_load_state()
    assert project.locator("h1").inner_text() == "Bænke ved søen"
    assert "30.000 kr." in project.locator("#project-cost").inner_text()
    assert project.get_by_role("link", name="Gå til stemmesedlen").is_visible()
    assert page.locator("#project-2").is_checked(), "the ballot keeps what was chosen"
    for language, width in (("da", 390), ("da", 1280), ("en", 390), ("en", 1280)):
        view = signed_in(browser, live_server, UserFactory(municipality=municipality), width=width, language=language)
        view.goto(f"/budgets/{knapsack.pk}/projects/2/")
        assert view.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
        view.screenshot(path=str(screenshot_dir / f"budget-project-{language}-{width}.png"), full_page=True)
        view.goto(f"/budgets/{knapsack.pk}/vote/")
        view.screenshot(path=str(screenshot_dir / f"ballot-{language}-{width}.png"), full_page=True)


def test_without_javascript_the_server_says_it(browser, live_server, knapsack, municipality):
    page = signed_in(browser, live_server, UserFactory(municipality=municipality), width=390, javascript=False)
    page.goto(f"/budgets/{knapsack.pk}/vote/")
    assert not page.locator("[data-ballot-bar]").is_visible()
    page.locator("#project-1").check()
    page.locator("#project-3").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Afgiv min stemme").click()
    assert "mere end grænsen på 100.000 kr." in page.locator("#error-summary").inner_text()
    assert page.locator("#project-1").is_checked() and page.locator("#project-3").is_checked()
    assert Ballot.objects.count() == 0


def test_points_and_places_are_counted_too(browser, live_server, municipality, screenshot_dir):
    user = UserFactory(municipality=municipality)
    cumulative = BudgetProcessFactory(municipality=municipality, ballot_type="cumulative", points=5,
                                      max_points_per_project=5)
    ranked = BudgetProcessFactory(municipality=municipality, ballot_type="ranked", max_projects=2)
    for process in (cumulative, ranked):
        for code in ("a", "b", "c"):
            ProjectFactory(process=process, code=code, title=f"Projekt {code}", cost=10_000)
    page = signed_in(browser, live_server, user, width=390)
    page.goto(f"/budgets/{cumulative.pk}/vote/")
    page.locator("#id_points_a").fill("3")
    page.locator("#id_points_b").fill("3")
    assert page.locator("[data-bar-text]").inner_text() == "Givne point: 6 af 5. Tilbage: 0."
    assert "Du har givet 1 point for meget" in page.locator("[data-bar-warning]").inner_text()
    page.screenshot(path=str(screenshot_dir / "ballot-cumulative-390.png"), full_page=True)
    page.goto(f"/budgets/{ranked.pk}/vote/")
    page.locator("#id_rank_1").select_option("a")
    assert page.locator("[data-bar-text]").inner_text() == "Udfyldte pladser: 1 af 2. Tilbage: 1."
    page.locator("#id_rank_2").select_option("a")
    assert "mere end én plads" in page.locator("[data-bar-warning]").inner_text()
    page.screenshot(path=str(screenshot_dir / "ballot-ranked-390.png"), full_page=True)
