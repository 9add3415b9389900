"""A second factor for every privileged role (accounts.mfa, allauth.mfa).

A privileged role without a second factor is refused — pages send the person to set one up,
the API answers 403 `second_factor_required` —, with one it acts; citizens are never asked.
Setting up an authenticator app and signing in with its code work end to end through the
test client; a password alone signs no one in whose account has a second factor; recovery
codes work once; the admin site and the API's token endpoint ask for the second factor too.
"""
from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts import mfa
from accounts.models import Role
from restapi.models import ApiToken
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    MembershipFactory,
    UserFactory,
    api_token,
    second_factor_add,
    totp_code,
)

pytestmark = pytest.mark.django_db

# One privileged page and one API operation per role (each refused to a citizen).
PAGES = {
    Role.MODERATOR: lambda m: reverse("ideas:moderation"),
    Role.STAFF: lambda m: reverse("dinners:programme-new"),
    Role.COUNCIL: lambda m: reverse("reports:dashboard", args=[m.slug]),
    Role.ADMIN: lambda m: reverse("ideas:enter-for-citizen"),
}
API = {
    Role.MODERATOR: lambda m: "/api/v1/moderation/queue/",
    Role.STAFF: lambda m: f"/api/v1/innovations/?municipality={m.slug}",
    Role.COUNCIL: lambda m: f"/api/v1/reports/{m.slug}/barometer/",
    Role.ADMIN: lambda m: f"/api/v1/reports/{m.slug}/funnel/",
}


def member(municipality, role, *, second_factor: bool):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=role, second_factor=second_factor)
    return user


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- Refused without, allowed with ----------------------------------------------------------

@pytest.mark.parametrize("role", list(PAGES))
def test_a_privileged_page_without_a_second_factor_sends_the_person_to_set_one_up(client, municipality, role):
    user = member(municipality, role, second_factor=False)
    english(client).force_login(user)
    url = PAGES[role](municipality)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
    page = client.get(response["Location"])
    with translation.override("en"):
        assert str(mfa.SECOND_FACTOR_REQUIRED) in messages_of(page)
    html = page.content.decode()
    assert "Your role needs a second factor" in html
    assert reverse("mfa_activate_totp") in html and reverse("mfa_add_webauthn") in html
    assert client.session["hoest_mfa_next"] == url, "where to continue once it is set up"

    second_factor_add(user)
    assert client.get(url).status_code == 200
    assert "Continue where you were" in client.get(reverse("mfa_index")).content.decode()


@pytest.mark.parametrize("role", list(API))
def test_a_privileged_api_operation_without_a_second_factor_is_403_with_a_clear_code(municipality, role):
    user = member(municipality, role, second_factor=False)
    api = Client(headers={"Authorization": f"Token {api_token(user)}",
                          "Accept-Language": "en"})
    response = api.get(API[role](municipality))
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "second_factor_required"
    with translation.override("en"):
        assert body["detail"] == str(mfa.SECOND_FACTOR_REQUIRED)

    second_factor_add(user)
    assert api.get(API[role](municipality)).status_code == 200


def test_a_role_in_another_municipality_is_no_reason_to_ask(client, municipality):
    """A staff member of Bergen without a second factor is a citizen in Aarhus: refused there
    as a citizen is (403), not asked for a second factor."""
    from tests.factories import MunicipalityFactory

    user = member(MunicipalityFactory(slug="bergen"), Role.STAFF, second_factor=False)
    client.force_login(user)
    assert client.get(PAGES[Role.STAFF](municipality)).status_code == 403


def test_recovery_codes_alone_are_not_a_second_factor(client, municipality):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = member(municipality, Role.STAFF, second_factor=False)
    RecoveryCodes.activate(user)
    client.force_login(user)
    assert client.get(PAGES[Role.STAFF](municipality))["Location"] == reverse("mfa_index")


def test_a_passkey_is_a_second_factor(client, municipality):
    """Passkeys are checked here at the model level: an account with a WebAuthn authenticator
    (made through the browser, see tests/e2e) acts in its role."""
    user = member(municipality, Role.STAFF, second_factor=False)
    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN,
                                 data={"name": "Telefon", "credential": {}})
    client.force_login(user)
    assert client.get(PAGES[Role.STAFF](municipality)).status_code == 200


def test_citizens_are_never_asked_for_a_second_factor(client, municipality, citizen):
    from tests.budgets.factories import BudgetProcessFactory, ProjectFactory

    process = BudgetProcessFactory(municipality=municipality)
    ProjectFactory(process=process, code="A", cost=10_000)
    citizen.birth_year = 1980
    citizen.save()
    client.force_login(citizen)
    for url in (reverse("ideas:submit"), reverse("budgets:vote", args=[process.pk]), reverse("account-profile"),
                reverse("dinners:list")):
        response = client.get(url)
        assert response.status_code == 200, url
    voted = client.post(reverse("budgets:vote", args=[process.pk]), {"projects": ["A"]})
    assert voted.status_code == 200 and 'id="receipt-code"' in voted.content.decode()
    # Refused where a citizen is refused, as before: 403, not the two-factor page.
    assert client.get(PAGES[Role.STAFF](municipality)).status_code == 403
    assert "Your role needs a second factor" not in client.get(reverse("mfa_index")).content.decode()
    assert "needed for your role" not in client.get(reverse("account-profile")).content.decode()


def test_the_profile_names_the_missing_second_factor(client, municipality):
    english(client).force_login(member(municipality, Role.COUNCIL, second_factor=False))
    html = client.get(reverse("account-profile")).content.decode()
    assert reverse("mfa_index") in html and "needed for your role" in html


def test_a_superuser_without_a_second_factor_has_no_blanket_permission(municipality):
    root = UserFactory(is_staff=True, is_superuser=True, second_factor=False)
    assert not root.has_perm("accounts.work_as_staff", municipality)
    assert not root.has_perm("budgets.manage_process", municipality)
    second_factor_add(root)
    root = type(root).objects.get(pk=root.pk)
    assert root.has_perm("accounts.work_as_staff", municipality)


def test_the_admin_site_needs_a_second_factor_and_allauths_sign_in(client):
    root = UserFactory(is_staff=True, is_superuser=True, second_factor=False)
    # Signed out: to allauth's sign-in (which asks for the second factor), never a password form.
    login = client.get(reverse("admin:login") + "?next=/admin/accounts/user/")
    assert login.status_code == 302
    assert login["Location"] == reverse("account_login") + "?next=%2Fadmin%2Faccounts%2Fuser%2F"
    client.force_login(root)
    assert client.get("/admin/").status_code == 302
    sent = client.get(reverse("admin:login") + "?next=/admin/")
    assert sent["Location"] == reverse("mfa_index")
    second_factor_add(root)
    assert client.get("/admin/").status_code == 200
    # A signed-in person without is_staff is refused, not shown a sign-in form.
    client.force_login(UserFactory())
    assert client.get(reverse("admin:login")).status_code == 403


# --- Setting up an authenticator app and signing in with it ---------------------------------

def _secret_from(html: str) -> str:
    return re.search(r'data-testid="totp-secret">([A-Z2-7]+)<', html).group(1)


def test_staff_set_up_an_authenticator_app_then_sign_in_with_its_code(client, municipality):
    user = member(municipality, Role.STAFF, second_factor=False)
    staff_page = PAGES[Role.STAFF](municipality)
    english(client)
    # Without a second factor a password signs in (to set one up), and the role waits.
    assert client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    assert client.get(staff_page)["Location"] == reverse("mfa_index")
    # Adding a second factor asks to confirm who one is first (allauth), then shows the QR code.
    activate = client.get(reverse("mfa_activate_totp"))
    assert activate.status_code == 302 and reverse("account_reauthenticate") in activate["Location"]
    confirmed = client.post(activate["Location"], {"password": PASSWORD})
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("mfa_activate_totp")
    form = client.get(reverse("mfa_activate_totp"))
    html = form.content.decode()
    assert "<svg" in html and "<?xml" not in html, "the QR code is part of the page (no data: image)"
    secret = _secret_from(html)
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=user).exists()
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302 and done["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(done["Location"]).content.decode()
    assert f'href="{staff_page}"' in codes_page, "continue where one was sent from"
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert Authenticator.objects.filter(user=user, type="recovery_codes").exists()
    assert client.get(staff_page).status_code == 200

    # Signing in again: the password alone signs no one in.
    client.post(reverse("account_logout"))
    step = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert step.status_code == 302 and step["Location"] == reverse("mfa_authenticate")
    assert client.get(staff_page)["Location"].startswith(reverse("account_login")), "not signed in yet"
    assert client.get(reverse("api-me")).status_code == 403
    refused = client.post(reverse("mfa_authenticate"), {"code": "12345"})
    assert refused.status_code == 200 and client.get(reverse("api-me")).status_code == 403
    code = totp_code(secret)
    signed_in = client.post(reverse("mfa_authenticate"), {"code": code})
    assert signed_in.status_code == 302
    assert client.get(reverse("api-me")).json()["email"] == user.email
    assert client.get(staff_page).status_code == 200


def test_an_authenticator_code_signs_in_once(client, municipality):
    """allauth marks a used code in the cache (so, under pytest-xdist, a neighbouring worker's
    cache.clear() between the two sign-ins can let this fail, as it can the throttle tests)."""
    user = member(municipality, Role.STAFF, second_factor=True)
    code = totp_code()
    for attempt in range(2):
        client.post(reverse("account_logout"))
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        answer = client.post(reverse("mfa_authenticate"), {"code": code})
        if attempt == 0:
            assert answer.status_code == 302 and client.get(reverse("api-me")).status_code == 200
    # The same code a second time is refused (or, a period later, no longer current).
    assert answer.status_code == 200 and client.get(reverse("api-me")).status_code == 403


def test_a_recovery_code_signs_in_once(client, municipality):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = member(municipality, Role.COUNCIL, second_factor=True)
    codes = RecoveryCodes.activate(user).get_unused_codes()
    assert len(codes) == 10

    def sign_in(code: str) -> bool:
        client.post(reverse("account_logout"))
        client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
        client.post(reverse("mfa_authenticate"), {"code": code})
        return client.get(reverse("api-me")).status_code == 200

    assert sign_in(codes[0])
    assert not sign_in(codes[0]), "a recovery code works once"
    assert sign_in(codes[1])
    assert len(Authenticator.objects.get(user=user, type="recovery_codes").wrap().get_unused_codes()) == 8


def test_sign_in_with_the_second_factor_counts_as_a_recent_authentication(client, municipality):
    user = member(municipality, Role.COUNCIL, second_factor=True)
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    request = type("Request", (), {"session": None, "user": user})()
    request.session = client.session
    assert not mfa.recently_authenticated(request), "the password step alone is not recent authentication"
    client.post(reverse("mfa_authenticate"), {"code": totp_code(TOTP_SECRET)})
    request.session = client.session
    assert mfa.recently_authenticated(request)


# --- The API's tokens -----------------------------------------------------------------------

def test_the_token_endpoint_asks_an_account_with_a_second_factor_for_its_code(client, municipality):
    user = member(municipality, Role.STAFF, second_factor=True)
    url = reverse("api-token")
    without = client.post(url, {"email": user.email, "password": PASSWORD}, content_type="application/json")
    assert without.status_code == 400 and list(without.json()["fields"]) == ["code"]
    wrong = client.post(url, {"email": user.email, "password": PASSWORD, "code": "000001"},
                        content_type="application/json")
    assert wrong.status_code == 400
    right = client.post(url, {"email": user.email, "password": PASSWORD, "code": totp_code()},
                        content_type="application/json")
    assert right.status_code == 200 and right.json()["token"]
    # A citizen without a second factor: the password, as before.
    citizen = UserFactory(municipality=municipality)
    assert client.post(url, {"email": citizen.email, "password": PASSWORD},
                       content_type="application/json").status_code == 200


def test_the_first_second_factor_withdraws_tokens_issued_on_a_password_alone(
        client, municipality, django_capture_on_commit_callbacks):
    user = member(municipality, Role.STAFF, second_factor=False)
    token = api_token(user)
    sign_in = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert sign_in.status_code == 302
    client.post(client.get(reverse("mfa_activate_totp"))["Location"], {"password": PASSWORD})
    secret = _secret_from(client.get(reverse("mfa_activate_totp")).content.decode())
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after the commit
        client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert not ApiToken.objects.filter(user=user).exists()
    api = Client(headers={"Authorization": f"Token {token}"})
    assert api.get("/api/v1/me/").status_code in (401, 403)


# --- The two-factor pages ---------------------------------------------------------------------

def test_every_two_factor_page_renders_in_the_sites_layout(client, municipality):
    """Each page of allauth.mfa in Høst's templates, for a person who just confirmed who they
    are (allauth asks for that before a second factor is added, changed or removed)."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from tests.factories import sign_in_recently

    user = member(municipality, Role.STAFF, second_factor=True)
    RecoveryCodes.activate(user)
    sign_in_recently(english(client), user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY].append({"method": "password", "at": time.time(), "reauthenticated": True})
    session.save()
    # Adding a key (the browser's part is in tests/e2e); then a key (its credential left out:
    # these pages only show its name and kind).
    add = client.get(reverse("mfa_add_webauthn")).content.decode()
    for text in ('id="mfa_webauthn_add"', 'id="js_data"', "/static/mfa/js/webauthn.js", 'class="header hoest-header'):
        assert text in add
    key = Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN,
                                       data={"name": "Min telefon",
                                             "credential": {"clientExtensionResults": {"credProps": {"rk": True}}}})
    pages = {
        "mfa_index": ("Authenticator app", "Passkeys and security keys", "Recovery codes"),
        "mfa_deactivate_totp": ("Turn off the authenticator app",),
        "mfa_view_recovery_codes": ("Unused codes",),
        "mfa_generate_recovery_codes": ("Make new recovery codes",),
        "mfa_list_webauthn": ("Min telefon", "Passkey (signs in on its own)"),
        "mfa_reauthenticate": ("Confirm who you are", "Confirm with a code"),
        "account_reauthenticate": ("Confirm who you are", "Confirm with my password"),
    }
    for name, expected in pages.items():
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert 'class="header hoest-header' in html, f"{name}: the site's layout"
        for text in expected:
            assert text in html, f"{name}: {text!r}"
    for name in ("mfa_edit_webauthn", "mfa_remove_webauthn"):
        response = client.get(reverse(name, kwargs={"pk": key.pk}))
        assert response.status_code == 200 and "Min telefon" in response.content.decode(), name
    assert client.get(reverse("mfa_download_recovery_codes")).status_code == 200
    # The sign-in page offers passkeys (its script comes with it).
    client.logout()
    login = client.get(reverse("account_login")).content.decode()
    assert 'id="passkey_login"' in login and "/static/mfa/js/webauthn.js" in login


def test_an_operator_removes_a_lost_second_factor_without_seeing_its_secret(client, municipality):
    """Recovery when the factor and the codes are both lost: Høst's operators remove the
    authenticator in the admin; the person then sets up a new one (until then: a citizen)."""
    staff = member(municipality, Role.STAFF, second_factor=True)
    lost = Authenticator.objects.get(user=staff, type="totp")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:mfa_authenticator_change", args=[lost.pk])).content.decode()
    assert TOTP_SECRET not in page, "the secret is never shown"
    assert client.get(reverse("admin:mfa_authenticator_add")).status_code == 403
    removed = client.post(reverse("admin:mfa_authenticator_delete", args=[lost.pk]), {"post": "yes"})
    assert removed.status_code == 302 and not Authenticator.objects.filter(pk=lost.pk).exists()
    client.force_login(staff)
    assert client.get(PAGES[Role.STAFF](municipality))["Location"] == reverse("mfa_index")
