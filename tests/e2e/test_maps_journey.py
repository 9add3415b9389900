"""Maps in chromium, against the real ASGI stack and without any outside network: a citizen
drops a pin on the submit form's map (typed coordinates move it too), submits, sees the place
on the idea's page and finds the idea on the ideas map; not one console error or failed
request on the way. Without JavaScript the form still takes typed coordinates. The map pages
are photographed at 1280 and 390 px in Danish and English (test-artifacts/maps/), each
checked with axe-core once its map is drawn."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from budgets.models import Phase
from ideas import services
from ideas.models import Idea
from tests.asgi_server import serve_asgi
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory

from .test_page_tour import AUDIT, AXE, TAGS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# How much wider than the window the page is (0: no sideways scrolling).
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


class Watched:
    """A browser context (signed in as `user`, or not) whose pages report every console
    error, uncaught exception, failed request and error answer into `problems`."""

    def __init__(self, browser, base_url: str, user=None, *, language: str = "da",
                 viewport: dict | None = None, javascript: bool = True):
        self.context = browser.new_context(base_url=base_url, locale="da-DK", java_script_enabled=javascript,
                                           viewport=viewport or {"width": 1280, "height": 800})
        self.context.set_default_timeout(15_000)
        cookies = [{"name": "django_language", "value": language, "url": base_url}]
        if user is not None:
            client = Client()
            client.force_login(user)
            cookies.append({"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url})
        self.context.add_cookies(cookies)
        self.problems: list[str] = []
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text} {m.location}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))

    def map_ready(self, selector: str) -> None:
        """The map under `selector` is drawn, with the municipality's shipped outline."""
        self.page.locator(f"{selector}.leaflet-container, {selector} .leaflet-container").first.wait_for()
        self.page.locator(f"{selector} .hoest-map-label").first.wait_for()


def axe_violations(page) -> list:
    """axe-core's WCAG 2.1 A and AA violations on the page as it is now (a map drawn, a pin
    dropped, a popup open), as the page tour checks every page."""
    if not page.evaluate("!!window.axe"):
        page.evaluate(AXE.read_text())
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in page.evaluate(AUDIT, TAGS)["violations"]]


def inputs(page) -> tuple[float, float]:
    return float(page.locator("#id_latitude").input_value()), float(page.locator("#id_longitude").input_value())


def test_drop_a_pin_submit_and_find_the_idea_on_the_map(browser, municipality, screenshot_dir):
    services.idea_settings_update(municipality=municipality, moderation_mode="post")
    campaign = CampaignFactory(municipality=municipality, title="Idékassen", is_general_idea_box=True)
    IdeaFactory(campaign=campaign, title="Bænke ved åen", latitude=Decimal("56.19"), longitude=Decimal("10.12"))
    citizen = UserFactory(municipality=municipality, display_name="Karen Borger")

    with serve_asgi() as host:
        watched = Watched(browser, f"http://{host}", citizen)
        page = watched.page
        page.goto("/ideas/new/")
        watched.map_ready(".hoest-pin-map")
        pin = page.locator(".hoest-pin-map .hoest-map-pin")
        assert pin.count() == 0
        page.get_by_label("Titel").fill("Drikkevand i Mølleparken")
        page.get_by_label("Beskrivelse").fill("En vandpost ved legepladsen, så børnene kan drikke.")

        # Typed coordinates put the pin on the map; "Fjern stedet" takes it away again.
        page.locator("#id_latitude").fill("56.1573")
        page.locator("#id_longitude").fill("10.2040")
        pin.wait_for()
        page.get_by_role("button", name="Fjern stedet").click()
        assert pin.count() == 0 and inputs_empty(page)
        assert "Nålen er fjernet" in page.locator("[data-pin-status]").inner_text()

        # A click on the map drops the pin and fills in the fields.
        canvas = page.locator("[data-map-canvas]")
        box = canvas.bounding_box()
        canvas.click(position={"x": box["width"] * 0.5, "y": box["height"] * 0.5})
        pin.wait_for()
        lat, lng = inputs(page)
        assert 56.0 < lat < 56.3 and 9.9 < lng < 10.4, (lat, lng)  # around Aarhus, where the map opened
        assert "Nålen er sat ved" in page.locator("[data-pin-status]").inner_text()
        assert axe_violations(page) == []

        # Dragging the pin eastwards moves the place east.
        at = pin.bounding_box()
        x, y = at["x"] + at["width"] / 2, at["y"] + at["height"] - 4
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 40, y, steps=8)
        page.mouse.move(x + 80, y, steps=8)
        page.mouse.up()
        page.wait_for_function(f"parseFloat(document.getElementById('id_longitude').value) > {lng + 0.001}")
        moved_lat, moved_lng = inputs(page)
        assert abs(moved_lat - lat) < 0.01 and moved_lng > lng
        page.screenshot(path=str(screenshot_dir / "maps-pin-dropped.png"), full_page=True)

        # The map is no keyboard trap: Tab goes through its controls and out of it.
        canvas.focus()
        for _ in range(6):
            page.keyboard.press("Tab")
            if not page.evaluate("document.querySelector('[data-map-canvas]').contains(document.activeElement)"):
                break
        else:
            pytest.fail("Tab never left the map")

        with page.expect_navigation():
            page.get_by_role("button", name="Indsend idé").click()
        idea = Idea.objects.get(title="Drikkevand i Mølleparken")
        assert (float(idea.latitude), float(idea.longitude)) == (moved_lat, moved_lng)
        place = page.locator("#idea-place")
        assert f"{idea.latitude:.5f}, {idea.longitude:.5f}" in place.inner_text()
        place.locator(".leaflet-container").wait_for()

        # On the ideas map: in the list beside it, and its pin leads to its page.
        page.goto("/ideas/map/")
        watched.map_ready("#ideas-map")
        assert page.locator("#map-list").get_by_role("link", name="Drikkevand i Mølleparken").is_visible()
        pins = page.locator("#ideas-map .leaflet-marker-icon.hoest-map-pin")
        assert pins.count() == 2
        for n in range(pins.count()):
            pins.nth(n).click()
            link = page.locator("#ideas-map .leaflet-popup-content a")
            link.wait_for()
            if link.inner_text() == "Drikkevand i Mølleparken":
                break
            # Closed before the next pin (else the two popups are both there while one fades).
            page.get_by_role("button", name="Luk").click()
            link.wait_for(state="detached")
        else:
            pytest.fail("no pin on the map is the new idea")
        assert page.locator(".leaflet-popup-close-button").get_attribute("aria-label") == "Luk"
        # The popup fades in; axe measures contrast against what is painted at that moment.
        page.wait_for_function("() => getComputedStyle(document.querySelector('#ideas-map .leaflet-popup'))"
                               ".opacity === '1'")
        assert axe_violations(page) == []
        page.screenshot(path=str(screenshot_dir / "maps-idea-found.png"), full_page=True)
        with page.expect_navigation():
            link.click()
        assert page.url.endswith(f"/ideas/{idea.pk}/")
        assert watched.problems == []


def inputs_empty(page) -> bool:
    return page.locator("#id_latitude").input_value() == page.locator("#id_longitude").input_value() == ""


def test_without_javascript_the_form_takes_typed_coordinates(browser, municipality):
    CampaignFactory(municipality=municipality, title="Idékassen", is_general_idea_box=True)
    citizen = UserFactory(municipality=municipality)
    with serve_asgi() as host:
        watched = Watched(browser, f"http://{host}", citizen, javascript=False)
        page = watched.page
        page.goto("/ideas/new/")
        assert page.locator("[data-map='pin']").is_hidden()
        page.get_by_label("Titel").fill("Cykelpumpe ved stationen")
        page.get_by_label("Beskrivelse").fill("En offentlig cykelpumpe.")
        page.get_by_label("Breddegrad").fill("56.150200")
        page.get_by_label("Længdegrad").fill("10.204500")
        with page.expect_navigation():
            page.get_by_role("button", name="Indsend idé").click()
        idea = Idea.objects.get(title="Cykelpumpe ved stationen")
        assert (idea.latitude, idea.longitude) == (Decimal("56.150200"), Decimal("10.204500"))
        assert "56.15020, 10.20450" in page.locator("#idea-place").inner_text()
        assert watched.problems == []


@pytest.mark.parametrize("language", ["da", "en"])
def test_map_pages_at_desktop_and_phone_width(browser, municipality, screenshot_dir, language):
    """Every page with a map, drawn without errors and without sideways scrolling, photographed
    for people to judge (test-artifacts/maps/{language}-{width}-{page}.png)."""
    campaign = CampaignFactory(municipality=municipality, is_general_idea_box=True)
    viby = municipality.districts.create(name="Viby", slug="viby")
    places = [("Bænke ved åen", "56.1560", "10.2030"), ("Cykelstativ ved skolen", "56.1280", "10.1620"),
              ("Delebus mellem landsbyerne", "56.1545", "10.1010")]
    ideas = [IdeaFactory(campaign=campaign, title=title, district=viby, latitude=Decimal(lat), longitude=Decimal(lng))
             for title, lat, lng in places]
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.VOTING, title="Borgerbudget 2027")
    projects = [ProjectFactory(process=process, title=title, latitude=Decimal(lat), longitude=Decimal(lng))
                for title, lat, lng in [("Legeplads i Gellerup", "56.1545", "10.1370"),
                                        ("Træer på Ingerslevs Plads", "56.1480", "10.2080"),
                                        ("Udendørs fitness i Højbjerg", "56.1130", "10.2100")]]
    citizen = UserFactory(municipality=municipality)
    pages = [("ideas-map", "/ideas/map/", "#ideas-map"), ("projects-map", f"/budgets/{process.pk}/map/", "#projects-map"),
             ("idea", f"/ideas/{ideas[0].pk}/", "#idea-place"), ("project", projects[0].get_absolute_url(), "#project"),
             ("submit", "/ideas/new/", ".hoest-pin-map")]
    folder = screenshot_dir / "maps"
    folder.mkdir(exist_ok=True)
    with serve_asgi() as host:
        for width, height in ((1280, 800), (390, 844)):
            watched = Watched(browser, f"http://{host}", citizen, language=language,
                              viewport={"width": width, "height": height})
            for name, path, selector in pages:
                watched.page.goto(path)
                watched.map_ready(selector)
                assert watched.page.evaluate(OVERFLOW) == 0, f"{path} scrolls sideways at {width} px"
                assert axe_violations(watched.page) == [], path
                watched.page.screenshot(path=str(folder / f"{language}-{width}-{name}.png"), full_page=True)
            assert watched.problems == []
            watched.context.close()
