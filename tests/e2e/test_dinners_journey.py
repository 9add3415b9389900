"""Dinner dialogues in chromium, in Danish, on a phone-sized screen, by keyboard only: a
citizen finds a dinner and takes a seat, and a second person watching the programme page sees
the free seats drop live. (axe-core checks the dinner pages in tests/e2e/test_page_tour.py.)"""

import pytest

from dinners.models import Seat
from tests.asgi_server import serve_asgi
from tests.dinners.conftest import make_dinner, make_programme
from tests.factories import DistrictFactory, UserFactory

from .test_ideas_journey import signed_in_context

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def press_until_focused(page, selector: str, limit: int = 80) -> None:
    """Tab through the page like a keyboard user until `selector` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("sel => document.activeElement && document.activeElement.matches(sel)", selector):
            return
    raise AssertionError(f"{selector} cannot be reached with the Tab key")


def test_a_citizen_joins_a_dinner_by_keyboard_and_the_seats_drop_live(browser, municipality, screenshot_dir):
    district = DistrictFactory(municipality=municipality, name="Trøjborg")
    programme = make_programme(municipality)
    host = UserFactory(municipality=municipality, display_name="Vera Vært")
    dinner = make_dinner(programme, host, district=district, seats=2, title="Suppe og snak i Trøjborg",
                         address="Hemmeligvej 7, 8000 Aarhus C")
    citizen = UserFactory(municipality=municipality, display_name="Karen Borger")
    watcher = UserFactory(municipality=municipality)

    with serve_asgi() as server:
        base = f"http://{server}"
        watching = signed_in_context(browser, base, watcher).new_page()
        watching.goto(f"/dinners/{programme.pk}/")
        free = watching.locator(f'[data-dinner-free="{dinner.pk}"]').first
        assert free.inner_text() == "2"
        watching.locator("[data-live-connected]").wait_for(state="attached")

        context = signed_in_context(browser, base, citizen)
        page = context.new_page()
        page.set_viewport_size({"width": 390, "height": 844})
        page.goto(f"/dinners/{programme.pk}/")
        assert page.locator("html").get_attribute("lang") == "da"
        assert "Hemmeligvej" not in page.content()
        press_until_focused(page, f'a[href="/dinners/dinner/{dinner.pk}/"]')
        with page.expect_navigation():
            page.keyboard.press("Enter")
        press_until_focused(page, "input[name=diet]")
        page.keyboard.type("Vegetar")
        press_until_focused(page, "form[action$='/book/'] button[type=submit]")
        page.screenshot(path=str(screenshot_dir / "dinners-join-phone.png"), full_page=True)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "bekræftet" in page.locator(".hoest-messages").inner_text()
        assert "Hemmeligvej 7" in page.locator("main").inner_text(), "a confirmed guest sees the address"
        page.screenshot(path=str(screenshot_dir / "dinners-joined-phone.png"), full_page=True)

        watching.wait_for_function(
            f"document.querySelector('[data-dinner-free=\"{dinner.pk}\"]').textContent === '1'")
        assert Seat.objects.get(guest=citizen).diet == "Vegetar"

