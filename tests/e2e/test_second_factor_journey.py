"""A staff member without a second factor signs in, is sent to set one up on their first
staff page, adds an authenticator app (after confirming their password), comes back to the
staff page, and next time signs in with the app's code. Every two-factor page on the way
passes axe-core's WCAG 2.1 A and AA rules and reports no Content-Security-Policy violation."""
from __future__ import annotations

from pathlib import Path

import pytest

from accounts.models import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory, totp_code
from tests.services import need

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""


def audit(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA violations on the page, and its CSP violations."""
    page.evaluate(AXE.read_text())
    found = page.evaluate("""async tags => (await axe.run(document, {runOnly: {type: "tag", values: tags},
        resultTypes: ["violations"]})).violations.map(v => v.id + ": " + v.help)""", TAGS)
    return [f"{page.url}: {v}" for v in found + page.evaluate("window.__cspViolations")]


def test_staff_set_up_an_authenticator_app_and_reach_the_staff_page(browser, live_server, municipality, screenshot_dir):
    need(AXE.exists(), "needs axe-core from npm (./hoest setup installs it)")
    staff = UserFactory(municipality=municipality, display_name="Sara Sagsbehandler")
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF, second_factor=False)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems: list[str] = []

    def shot(name: str) -> None:
        page.screenshot(path=str(screenshot_dir / f"second-factor-{name}.png"), full_page=True)

    # Signed in with the password; the staff page sends her to set up a second factor.
    page.goto("/accounts/login/?next=/dinners/new/")
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    assert page.url.endswith("/accounts/2fa/"), page.url
    assert page.get_by_text("Your role needs a second factor").is_visible()
    assert "Your role needs two-factor authentication" in page.locator(".hoest-messages").inner_text()
    problems += audit(page)
    shot("required")

    # Setting up the app: first her password again, then the QR code and a code from the app.
    with page.expect_navigation():
        page.get_by_role("link", name="Set up an authenticator app").click()
    assert "/accounts/reauthenticate/" in page.url
    assert page.get_by_role("heading", name="Confirm who you are").is_visible()
    problems += audit(page)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm with my password").click()
    assert page.url.endswith("/accounts/2fa/totp/activate/"), page.url
    assert page.locator(".hoest-qr svg").is_visible(), "the QR code is drawn"
    problems += audit(page)
    shot("activate")
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    page.locator("#id_code").fill(totp_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Turn on").click()
    assert page.url.endswith("/accounts/2fa/recovery-codes/"), page.url
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    problems += audit(page)
    shot("recovery-codes")

    # Back where she was: the staff page.
    with page.expect_navigation():
        page.get_by_role("link", name="Continue where you were").click()
    assert page.url.endswith("/dinners/new/")
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.locator("form").count() >= 1

    # Next time: the password, then the app's code.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/?next=/dinners/new/")
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    assert page.url.endswith("/accounts/2fa/authenticate/"), page.url
    problems += audit(page)
    shot("sign-in-code")
    page.locator("#id_code").fill(totp_code(secret))
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert page.url.endswith("/dinners/new/"), page.url
    context.close()
    assert problems == [], "\n".join(problems)


def test_staff_add_a_passkey_and_sign_in_with_it_alone(browser, live_server, municipality, screenshot_dir):
    """Passkeys in a real browser: chromium's virtual authenticator (DevTools' WebAuthn
    domain) stands in for the phone's or laptop's, with user verification."""
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF, second_factor=False)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    devtools = context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})

    page.goto("/accounts/login/")
    page.locator("#id_login").fill(staff.email)
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    page.goto("/accounts/2fa/webauthn/add/")
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm with my password").click()
    assert page.url.endswith("/accounts/2fa/webauthn/add/"), page.url
    page.locator("#id_name").fill("Sagsbehandlerens bærbare")
    page.locator("#id_passwordless").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Add", exact=True).click()
    page.screenshot(path=str(screenshot_dir / "second-factor-passkey-added.png"), full_page=True)
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=staff, type="webauthn").exists(), page.url
    assert page.goto("/dinners/new/").status == 200

    # Signed out, the passkey alone signs her in (it is both factors: the device and its lock).
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.goto("/accounts/login/?next=/dinners/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in with a passkey").click()
    assert page.url.endswith("/dinners/new/"), page.url
    assert page.evaluate("window.__cspViolations") == []
    context.close()
