"""Keyboard-only journeys through the foundation's pages in a real browser."""
import json

import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.textContent.trim()")


def test_front_page_in_danish_then_english_by_keyboard(page, screenshot, municipality):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "da", "Danish although the browser asks for English"
    assert page.get_by_role("heading", level=1).inner_text().startswith("Dine idéer")
    # The design system's stylesheet is served and applied.
    assert page.evaluate("getComputedStyle(document.body).fontFamily").lower().lstrip('"').startswith("ibm plex")

    page.keyboard.press("Tab")
    assert focused(page) == "Gå til indhold", "the skip link is the first thing a keyboard reaches"
    page.keyboard.press("Enter")
    assert focused(page) == "main-content"
    screenshot("da")

    page.get_by_role("button", name="English").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("heading", name="Open campaigns").is_visible()
    screenshot("en")


def test_signup_errors_are_summarised_and_nothing_typed_is_lost(page, screenshot, municipality):
    page.goto("/accounts/signup/")
    page.get_by_label("E-mail").first.fill("keyboard@example.org")
    page.get_by_label("Visningsnavn").fill("Tastatur Tina")
    page.locator("#id_password1").fill("kort")
    page.locator("#id_password2").fill("anderledes")
    with page.expect_navigation():
        page.locator("#id_password2").press("Enter")

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert focused(page) == "error-summary", "focus moves to the error summary"
    assert page.locator("#id_email").input_value() == "keyboard@example.org"
    assert page.get_by_label("Visningsnavn").input_value() == "Tastatur Tina"
    # Each summary link leads to its field.
    summary.get_by_role("link").first.click()
    screenshot("errors")


def test_sign_in_and_download_my_data(page, screenshot, municipality):
    user = UserFactory(municipality=municipality, display_name="Download Dorte")
    page.goto("/accounts/login/")
    page.locator("#id_login").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url("**/")
    assert "Download Dorte" in page.locator("header").inner_text()

    page.goto("/account/")
    screenshot("account")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download mine data").click()
    path = download_info.value.path()
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["account"]["email"] == user.email
