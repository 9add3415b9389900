"""The citizen's whole journey on a phone, in Danish, as issue 18's "done when" says: submit an
idea with a place found by the address search (keyboard only: type, arrow down, Enter), find
the idea on the ideas map (its pin grouped with its neighbours' until the group is opened with
Enter), look at the budget's projects on their map, vote with the ballot's live bar, and see
"Du har stemt" with the date on the budget's page. Against the real ASGI stack, with no
outside network (the address search answers from the places shipped with Høst); not one
console error, failed request or error answer on the way; axe passes where the page changed
under the citizen's hands (the open list of places, the opened group); nothing scrolls
sideways at 390 px."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from budgets.models import Ballot
from ideas import services
from ideas.models import Idea
from tests.asgi_server import serve_asgi
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory

from .test_maps_journey import OVERFLOW, Watched, axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_idea_with_a_searched_place_found_on_the_map_then_a_vote(browser, municipality, screenshot_dir):
    services.idea_settings_update(municipality=municipality, moderation_mode="post")
    campaign = CampaignFactory(municipality=municipality, title="Idékassen", is_general_idea_box=True)
    # Two ideas a few hundred metres from Mølleparken: on the whole municipality's map the
    # three pins are one group.
    IdeaFactory(campaign=campaign, title="Bænke ved åen", latitude=Decimal("56.1560"), longitude=Decimal("10.2060"))
    IdeaFactory(campaign=campaign, title="Cykelstativer ved Rådhuset", latitude=Decimal("56.1530"),
                longitude=Decimal("10.2030"))
    process = BudgetProcessFactory(municipality=municipality, ballot_type="knapsack", total_budget=100_000,
                                   title="Borgerbudget Midtbyen")
    for code, title, cost, place in (("1", "Legeplads i Mølleparken", 60_000, ("56.1568", "10.2040")),
                                     ("2", "Træer på Store Torv", 30_000, ("56.1566", "10.2100")),
                                     ("3", "Udendørs fitness i Viby", 50_000, None)):
        ProjectFactory(process=process, code=code, title=title, cost=cost,
                       **({"latitude": Decimal(place[0]), "longitude": Decimal(place[1])} if place else {}))
    citizen = UserFactory(municipality=municipality, display_name="Karen Borger", birth_year=1985)

    with serve_asgi() as host:
        watched = Watched(browser, f"http://{host}", citizen, viewport=PHONE)
        page = watched.page

        # 1. The idea, its place found by the address search with the keyboard only.
        page.goto("/ideas/new/")
        watched.map_ready(".hoest-pin-map")
        page.get_by_label("Titel").fill("Drikkevand i Mølleparken")
        page.get_by_label("Beskrivelse").fill("En vandpost ved legepladsen, så børnene kan drikke.")
        search = page.get_by_role("combobox", name="Søg efter en adresse")
        search.press_sequentially("moelle")  # typed without an ø, as on a foreign keyboard
        option = page.get_by_role("option", name="Mølleparken, 8000 Aarhus C")
        option.wait_for()
        assert search.get_attribute("aria-expanded") == "true"
        assert page.locator("[data-place-search-status]").inner_text() == \
            "1 sted fundet. Vælg det med pil ned og Enter."
        search.press("ArrowDown")
        assert option.get_attribute("aria-selected") == "true"
        assert search.get_attribute("aria-activedescendant") == option.get_attribute("id")
        assert page.evaluate(OVERFLOW) == 0, "the open list fits the phone"
        assert axe_violations(page) == []
        page.screenshot(path=str(screenshot_dir / "journey-address-search.png"), full_page=True)
        search.press("Enter")  # chooses the place; the form is not sent
        page.locator(".hoest-pin-map .hoest-map-pin").wait_for()
        assert page.url.endswith("/ideas/new/") and search.get_attribute("aria-expanded") == "false"
        assert search.input_value() == "Mølleparken, 8000 Aarhus C"
        assert (page.locator("#id_latitude").input_value(), page.locator("#id_longitude").input_value()) == \
            ("56.156700", "10.203700")
        assert page.locator("[data-pin-status]").inner_text() == \
            "Nålen er sat ved Mølleparken, 8000 Aarhus C: 56.156700, 10.203700."
        with page.expect_navigation():
            page.get_by_role("button", name="Indsend idé").click()
        idea = Idea.objects.get(title="Drikkevand i Mølleparken")
        assert (idea.latitude, idea.longitude) == (Decimal("56.156700"), Decimal("10.203700"))
        assert page.url.endswith(f"/ideas/{idea.pk}/")

        # 2. On the ideas map: in the list beside it, and on the map in a group of three that
        # Enter opens; its own pin leads to its page.
        page.goto("/ideas/map/")
        watched.map_ready("#ideas-map")
        assert page.locator("#map-list").get_by_role("link", name="Drikkevand i Mølleparken").is_visible()
        group = page.get_by_role("button", name="3 steder her. Tryk Enter for at zoome ind.")
        assert group.inner_text() == "3"
        page.screenshot(path=str(screenshot_dir / "journey-idea-map-grouped.png"), full_page=True)
        group.focus()
        page.keyboard.press("Enter")
        pins = page.locator("#ideas-map .leaflet-marker-icon.hoest-map-pin")
        page.wait_for_function("() => document.querySelectorAll('#ideas-map .leaflet-marker-icon.hoest-map-pin')"
                               ".length === 3")
        page.locator("#ideas-map .hoest-map-cluster").wait_for(state="detached")  # after its fade-out
        assert page.evaluate("document.activeElement.id") == "ideas-map", "the focus is back on the map"
        popup_link = page.locator("#ideas-map .leaflet-popup-content a")
        for n in range(3):
            pins.nth(n).click()
            popup_link.wait_for()
            if popup_link.inner_text() == "Drikkevand i Mølleparken":
                break
            # On a phone a popup covers its neighbours: closed before the next pin.
            page.get_by_role("button", name="Luk").click()
            popup_link.wait_for(state="detached")
        else:
            pytest.fail("no pin in the group is the new idea")
        page.wait_for_function("() => getComputedStyle(document.querySelector('#ideas-map .leaflet-popup'))"
                               ".opacity === '1'")
        assert axe_violations(page) == []
        assert page.evaluate(OVERFLOW) == 0
        page.screenshot(path=str(screenshot_dir / "journey-idea-on-map.png"), full_page=True)
        with page.expect_navigation():
            popup_link.click()
        assert page.url.endswith(f"/ideas/{idea.pk}/")

        # 3. The budget: its projects on their map (the two in the centre grouped, the one
        # without a place said so), then the ballot with the live bar, then the receipt.
        page.goto(f"/budgets/{process.pk}/")
        page.get_by_role("link", name="Projekter på kortet").click()
        watched.map_ready("#projects-map")
        assert page.get_by_role("button", name="2 steder her. Tryk Enter for at zoome ind.").is_visible()
        assert "1 mere uden sted" in page.locator(".hoest-results-count").inner_text()
        assert axe_violations(page) == []
        page.screenshot(path=str(screenshot_dir / "journey-projects-map.png"), full_page=True)
        page.goto(f"/budgets/{process.pk}/vote/")
        bar = page.locator("[data-ballot-bar] [data-bar-text]")
        assert bar.inner_text() == "Valgt: 0 kr. af 100.000 kr. Tilbage: 100.000 kr."
        for code in ("1", "2"):
            page.locator(f"#project-{code}").focus()
            page.keyboard.press("Space")
        assert bar.inner_text() == "Valgt: 90.000 kr. af 100.000 kr. Tilbage: 10.000 kr."
        assert page.evaluate(OVERFLOW) == 0
        with page.expect_navigation():
            page.get_by_role("button", name="Afgiv min stemme").click()
        assert page.locator("h1").inner_text() == "Du har stemt"
        assert Ballot.objects.filter(process=process).count() == 1

        # 4. The budget's page says so, with the date, and never what was voted.
        page.goto(f"/budgets/{process.pk}/")
        with translation.override("da"):
            today = date_format(timezone.localdate(), "DATE_FORMAT")
        voted = page.locator("#voted-citywide")
        assert voted.locator(".alert-heading").inner_text() == "Du har stemt"
        assert f"Du stemte første gang den {today}." in voted.inner_text()
        page.screenshot(path=str(screenshot_dir / "journey-voted.png"), full_page=True)
        assert watched.problems == []
        watched.context.close()
