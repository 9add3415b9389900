"""A council member opens the Innovation Barometer in Danish, narrows the selection,
downloads a chart as PNG and SVG, and opens its share link in a fresh browser."""
import pytest
from django.test import Client

from accounts.models import Country, Role
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from tests.reports.generate import headline_rows, save

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="da-DK", accept_downloads=True)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_dashboard_download_png_and_svg_and_share(browser, live_server, municipality, screenshot_dir):
    bergen = MunicipalityFactory(slug="bergen", name="Bergen kommune", country=Country.NORWAY)
    save(headline_rows(), {"aarhus": municipality, "bergen": bergen})
    council = UserFactory(municipality=municipality, display_name="Rådsmedlem")
    MembershipFactory(user=council, municipality=municipality, role=Role.COUNCIL)

    page = signed_in(browser, live_server, council)
    page.goto("/reports/m/aarhus/")
    assert page.locator("html").get_attribute("lang") == "da"
    page.select_option("#id_municipality", "all")
    with page.expect_navigation():
        page.locator(".hoest-selection button[type=submit]").click()
    headline = page.locator("[data-headline]").inner_text()
    assert "63 %" in headline and "1.942" in headline
    page.screenshot(path=str(screenshot_dir / "reports-dashboard.png"), full_page=True)

    figure = page.locator("#figure-values")
    with page.expect_download() as png_download:
        figure.locator("a[data-download=png]").click()
    png = png_download.value
    assert png.suggested_filename == "hoest-aarhus-values.png"
    with open(png.path(), "rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg_download:
        figure.locator("a[data-download=svg]").click()
    with open(svg_download.value.path(), encoding="utf-8") as handle:
        svg = handle.read()
    assert svg_download.value.suggested_filename.endswith(".svg") and "<title" in svg and 'role="img"' in svg

    share = figure.locator("a[data-share]").get_attribute("href")
    assert "municipality=all" in share
    fresh = signed_in(browser, live_server, council)
    fresh.goto(share)
    assert fresh.locator("#id_municipality").input_value() == "all"
    assert fresh.locator("[data-headline]").inner_text() == headline
    fresh.locator("#figure-values img").scroll_into_view_if_needed()
    fresh.wait_for_function("() => { const img = document.querySelector('#figure-values img');"
                            " return img.complete && img.naturalWidth > 0; }")  # the chart really renders
    fresh.screenshot(path=str(screenshot_dir / "reports-shared-values.png"))
