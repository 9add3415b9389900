"""Anyone, signed in or not, opens the Innovation Barometer on a phone: the page fits the
screen, the wide tables scroll sideways on their own, and the charts' labels stay readable
when the chart is scaled down to the screen."""
import pytest

from accounts.models import Country
from charts import render
from tests.factories import MunicipalityFactory
from tests.reports.generate import headline_rows, save

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

#: the smallest label size (CSS pixels) we accept on a phone
MIN_LABEL_PX = 11


def test_an_anonymous_visitor_reads_the_barometer_on_a_phone(browser, live_server, municipality, screenshot_dir):
    bergen = MunicipalityFactory(slug="bergen", name="Bergen kommune", country=Country.NORWAY)
    save(headline_rows(), {"aarhus": municipality, "bergen": bergen})
    context = browser.new_context(base_url=live_server.url, locale="da-DK", viewport={"width": 375, "height": 740},
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    response = page.goto("/reports/m/aarhus/")
    assert response.status == 200 and "/accounts/login/" not in page.url, "public, no sign-in"
    assert "N = " in page.locator("[data-headline]").inner_text()

    # The page itself never scrolls sideways ...
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    # ... the wide tables do, each in its own region, which a keyboard can reach.
    values = page.locator("#figure-values .table--responsive-scroll")
    assert values.evaluate("el => getComputedStyle(el).overflowX") == "auto"
    assert values.evaluate("el => el.scrollWidth > el.clientWidth"), "the values table is wider than a phone"
    assert values.get_attribute("tabindex") == "0"
    assert values.evaluate("el => el.getBoundingClientRect().right <= window.innerWidth + 1")

    # Six figures, the participation funnel of ideas and the other ways of taking part apart.
    for name in ("roles", "values", "countries", "municipalities", "funnel", "participation"):
        page.locator(f"#figure-{name} img").scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('img.hoest-chart')]"
                           ".every(img => img.complete && img.naturalWidth > 0)")
    sizes = page.evaluate("() => [...document.querySelectorAll('img.hoest-chart')]"
                          ".map(img => [img.getBoundingClientRect().width, img.naturalWidth])")
    assert len(sizes) == 6
    for shown, natural in sizes:
        assert shown <= 375
        label_px = render.FONT_SIZE * render.PNG_DPI / 72 * shown / natural
        assert label_px >= MIN_LABEL_PX, f"chart labels {label_px:.1f} px on a phone"
    page.screenshot(path=str(screenshot_dir / "barometer-phone.png"), full_page=True)
    context.close()
