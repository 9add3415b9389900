"""Every route x every role, with the expected answer written down.

The routes come from the URL configuration (pages) and from the OpenAPI schema (API
operations). A route that is not in the tables below fails `test_every_route_has_an_entry`,
so a new page or API operation needs a deliberate decision about who may use it.

Pages are requested with GET, except views that only accept POST, which get a POST with a
minimal form (the point is the permission answer, not the form). API operations are
requested with their documented method and a minimal valid body, so an allowed role gets its
2xx and a refused one its 403/404 even where a view validates the body before it checks the
permission (a census upload as multipart, with its file); the API is called with the role's
token, as a client would. Every request runs inside a transaction that is rolled back, so one
role's write never changes what the next role meets. No answer may be a 5xx.

Expected values: an HTTP status, LOGIN (a 302 to the sign-in page), MFA (a page's 302 to
"set up two-factor authentication", the API's 403 `second_factor_required`), REAUTH (a 302 to
allauth's "confirm who you are", the API's 403 `reauthentication_required`) or a set of these.

Second factor (accounts.mfa): the privileged roles have an authenticator app and their page
clients signed in with it just now; "<role>_without_2fa" holds the same role without a second
factor (signed in with a password). Unless a row says otherwise, such a role gets what its
role gets where that is what a citizen gets too, and MFA wherever the role would make a
difference: a privileged action without a second factor is refused. Rows marked " @stale"
are requested by a session that signed in long ago (no recent authentication): the council's
decision, a phase change and opening the ballot box then ask to confirm who one is (REAUTH).

Notes on what the table says:
- "other_staff" is staff of Bergen (with a second factor): unless a row says otherwise they get
  what "outsider" gets, as staff rights in one municipality give nothing in another.
- "outsider" is a citizen of Bergen; Aarhus objects are open to them where the rules only
  ask for a signed-in person (submitting and supporting ideas, proposing budget projects,
  offering dinners), but voting asks for residence.
- Anonymous API requests get 403, not 401: session authentication comes first, and DRF only
  answers 401 when the first authenticator names a WWW-Authenticate scheme.
- The idea status, roles and merge pages refuse non-staff with 404, the API with 403; a
  pending idea or dinner is 404 for everyone who may not see it.
- The Django admin ("admin") sends everyone without Django's is_staff flag to its own login,
  including a municipality ADMIN: the admin site is for the site's operators only.
- Hosts, guests and reporters of a dinner are no role here; tests/dinners/test_permissions.py
  covers them. Here only staff may act on someone else's dinner.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import resolve, reverse
from django.utils import timezone

from tests.factories import TOTP_SECRET, sign_in_recently, totp_code

from .routes import api_operations, api_url_names, page_names
from .world import PRIVILEGED, ROLES, WITHOUT_2FA, World, build_world

LOGIN = "login"  # a redirect to the sign-in page
MFA = "mfa"  # sent to set up a second factor (pages), 403 second_factor_required (API)
REAUTH = "reauth"  # sent to confirm who one is (pages), 403 reauthentication_required (API)


def expect(default, **by_role) -> dict[str, object]:
    """The expected answer for every role: `default`, except the roles named. A role without
    a second factor gets its role's answer where a citizen gets the same, else MFA."""
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    answers = {role: by_role.get(role, default) for role in ROLES if role not in {*WITHOUT_2FA, "other_staff"}}
    # Staff of another municipality get what a citizen of that municipality gets: their
    # role there gives them nothing here.
    answers["other_staff"] = by_role.get("other_staff", answers["outsider"])
    for role, held in WITHOUT_2FA.items():
        if role in by_role:
            answers[role] = by_role[role]
        else:
            answers[role] = answers[held] if answers[held] == answers["citizen"] else MFA
    return answers


def members(answer, *roles, default=403, anonymous=LOGIN) -> dict[str, object]:
    """Only the given roles get `answer`; signed-in others get `default`, anonymous `anonymous`."""
    return expect(default, anonymous=anonymous, **dict.fromkeys(roles, answer))


MODERATORS = ("moderator", "staff", "admin")
STAFF = ("staff", "admin")
COUNCIL = ("council", "admin")
STAFF_OR_COUNCIL = ("staff", "council", "admin")


def WITH_FACTOR(answer) -> dict[str, object]:  # noqa: N802 - reads as a constant in the tables
    """The privileged roles, who have a second factor (staff of another municipality too),
    all get `answer`."""
    return dict.fromkeys([*PRIVILEGED, "other_staff"], answer)


def WITHOUT_FACTOR(answer) -> dict[str, object]:  # noqa: N802
    """The privileged roles without a second factor all get `answer`."""
    return dict.fromkeys(WITHOUT_2FA, answer)


@dataclass
class Route:
    """How to request one route: its URL arguments from the world, method and body."""

    kwargs: Callable[[World], dict] = field(default=lambda w: {})
    method: str = "GET"
    data: Callable[[World], dict] | None = None
    query: Callable[[World], dict] | None = None
    expected: dict = field(default_factory=dict)
    stale: bool = False  # requested by a session without a recent authentication
    files: Callable[[World], dict] | None = None  # an API upload: sent as multipart, with `data`


def o(name: str) -> Callable[[World], dict]:
    """URL kwargs {"pk": <the world's object called name>.pk}."""
    return lambda w: {"pk": w.objects[name].pk}


def process(phase: str) -> Callable[[World], dict]:
    return lambda w: {"pk": w.objects["process"][phase].pk}


AARHUS_SLUG = lambda w: {"slug": "aarhus"}  # noqa: E731


# --- Pages -------------------------------------------------------------------------------
PAGES: dict[str, Route] = {
    # Site-wide
    "healthz": Route(expected=expect(200)),
    # Uploaded images in the embedded run mode (config.media): public files, nothing else.
    "media": Route(expected=expect(404), kwargs=lambda w: {"path": "ideas/0/missing.png"}),
    "set_language": Route(expected=expect(302), method="POST", data=lambda w: {"language": "en"}),
    "javascript-catalog": Route(expected=expect(200)),
    "admin": Route(expected=expect(302)),
    "home": Route(expected=expect(200)),
    "municipality-home": Route(expected=expect(200), kwargs=AARHUS_SLUG),
    "accessibility": Route(expected=expect(200)),
    # The staff home: the index leads everyone signed in to the municipality shown, whose
    # page then answers as it answers them.
    "staff-home-index": Route(expected=expect(302, anonymous=LOGIN)),
    "staff-home": Route(expected=members(200, *STAFF), kwargs=AARHUS_SLUG),
    "api-schema": Route(expected=expect(200)),
    "api-docs": Route(expected=expect(200)),
    # Accounts (allauth and our own)
    "account_login": Route(expected=expect(302, anonymous=200)),
    "account_logout": Route(expected=expect(200, anonymous=302)),
    "account_inactive": Route(expected=expect(200)),
    "account_signup": Route(expected=expect(302, anonymous=200)),
    "account_reauthenticate": Route(expected=expect(200, anonymous=LOGIN)),
    "account_request_reauthentication_code": Route(expected=expect(200, anonymous=LOGIN)),
    # No code was requested: back to confirming who one is.
    "account_confirm_reauthentication_code": Route(expected=expect(REAUTH, anonymous=LOGIN)),
    "account_email": Route(expected=expect(200, anonymous=LOGIN)),
    "account_email_verification_sent": Route(expected=expect(200)),
    "account_change_password": Route(expected=expect(200, anonymous=LOGIN)),
    "account_set_password": Route(expected=expect(302, anonymous=LOGIN)),
    "account_reset_password": Route(expected=expect(200)),
    "account_confirm_login_code": Route(expected=expect(302, anonymous=LOGIN)),
    "account_confirm_email": Route(expected=expect(200), kwargs=lambda w: {"key": "not-a-key"}),
    "account_reset_password_from_key_done": Route(expected=expect(200)),
    "account_reset_password_from_key": Route(expected=expect(200), kwargs=lambda w: {"uidb36": "1", "key": "not-a-key"}),
    "account_reset_password_done": Route(expected=expect(200)),
    # Two-factor authentication (allauth.mfa)
    # allauth asks to confirm who one is (REAUTH) before a second factor is added, changed or
    # removed, even just after signing in; the world's privileged roles have an authenticator
    # app (without recovery codes), and "passkey" is someone else's.
    "mfa_index": Route(expected=expect(200, anonymous=LOGIN)),
    "mfa_authenticate": Route(expected=expect(302, anonymous=LOGIN)),  # only while signing in
    "mfa_reauthenticate": Route(expected=expect(REAUTH, anonymous=LOGIN, **WITH_FACTOR(200), **WITHOUT_FACTOR(REAUTH))),
    "mfa_activate_totp": Route(expected=expect(REAUTH, anonymous=LOGIN)),
    "mfa_deactivate_totp": Route(expected=expect(404, anonymous=LOGIN, **WITH_FACTOR(REAUTH), **WITHOUT_FACTOR(404))),
    "mfa_view_recovery_codes": Route(expected=expect(404, anonymous=LOGIN)),
    "mfa_generate_recovery_codes": Route(expected=expect(REAUTH, anonymous=LOGIN)),
    "mfa_download_recovery_codes": Route(expected=expect(404, anonymous=LOGIN)),
    "mfa_list_webauthn": Route(expected=expect(200, anonymous=LOGIN)),
    "mfa_add_webauthn": Route(expected=expect(REAUTH, anonymous=LOGIN)),
    "mfa_reauthenticate_webauthn": Route(expected=expect(REAUTH, anonymous=LOGIN)),
    "mfa_login_webauthn": Route(expected=expect(302, anonymous=LOGIN)),  # POST only
    "mfa_edit_webauthn": Route(expected=expect(REAUTH, anonymous=LOGIN), kwargs=o("passkey")),
    "mfa_remove_webauthn": Route(expected=expect(REAUTH, anonymous=LOGIN), kwargs=o("passkey")),
    "account-profile": Route(expected=expect(200, anonymous=LOGIN)),
    "account-data": Route(expected=expect(200, anonymous=LOGIN)),
    "account-delete": Route(expected=expect(200, anonymous=LOGIN)),
    # The notification centre and e-mail choices: one's own (notify); another person's
    # notice is not found.
    "notify:centre": Route(expected=expect(200, anonymous=LOGIN)),
    "notify:choices": Route(expected=expect(200, anonymous=LOGIN)),
    "notify:open": Route(expected=expect(404, anonymous=LOGIN, citizen=302, **WITHOUT_FACTOR(404)),
                         kwargs=o("citizen_notice")),
    # One-click unsubscribe from a kind of e-mail: the signed link is the proof, no sign-in;
    # GET only asks (tests/platform/notify/test_unsubscribe.py).
    "notify:unsubscribe": Route(expected=expect(200), kwargs=lambda w: {"token": w.objects["mail_unsubscribe_token"]}),
    "notify:read": Route(expected=expect(302, anonymous=LOGIN), method="POST", data=lambda w: {}),
    # The census: its municipality's staff only (accounts.rules manage_census).
    "account-census": Route(expected=members(200, *STAFF), kwargs=AARHUS_SLUG),
    # Uploading one (an empty form: its errors come back on the page).
    "account-census @upload": Route(expected=members(200, *STAFF), kwargs=AARHUS_SLUG, method="POST", data=lambda w: {}),
    "account-census @bergen": Route(expected=expect(403, anonymous=LOGIN, other_staff=200), kwargs=lambda w: {"slug": "bergen"}),
    # National e-ID (accounts.eid): a provider that is not configured is no page at all.
    "eid_login": Route(expected=expect(404), kwargs=lambda w: {"provider_id": "not-configured"}),
    "eid_callback": Route(expected=expect(404), kwargs=lambda w: {"provider_id": "not-configured"}),
    # allauth's pages around a social sign-in (its old /social/ addresses redirect to them).
    "socialaccount_connections": Route(expected=expect(200, anonymous=LOGIN)),
    "accounts/social/connections/": Route(expected=expect(301)),
    "socialaccount_signup": Route(expected=expect(LOGIN)),  # only with a sign-in under way
    "accounts/social/signup/": Route(expected=expect(301)),
    "socialaccount_login_cancelled": Route(expected=expect(200)),
    "accounts/social/login/cancelled/": Route(expected=expect(301)),
    "socialaccount_login_error": Route(expected=expect(401)),  # allauth's error page answers 401
    "accounts/social/login/error/": Route(expected=expect(301)),
    # Test-ID, the demo's stand-in e-ID: its public protocol documents; its sign-in page and
    # token endpoint answer only a configured client, userinfo only a token it issued.
    "test-id-configuration": Route(expected=expect(200)),
    "test-id-jwks": Route(expected=expect(200)),
    "test-id-authorize": Route(expected=expect(404), query=lambda w: {"client_id": "not-configured"}),
    "test-id-token": Route(expected=expect(400), method="POST", data=lambda w: {"code": "stolen"}),
    "test-id-userinfo": Route(expected=expect(401)),
    # The maps' address search: public, as the places it finds are (rate-limited, cacheable).
    "maps:place-search": Route(expected=expect(200), kwargs=AARHUS_SLUG, query=lambda w: {"q": "mølle"}),
    # Ideas
    "ideas:list": Route(expected=expect(200)),
    "ideas:map": Route(expected=expect(200)),
    "ideas:submit": Route(expected=expect(200, anonymous=LOGIN)),
    "ideas:similar": Route(expected=expect(200), query=lambda w: {"q": "idé"}),
    "ideas:moderation": Route(expected=members(200, *MODERATORS)),
    "ideas:enter-for-citizen": Route(expected=members(200, *STAFF)),
    "ideas:campaign": Route(expected=expect(200), kwargs=o("campaign")),
    "ideas:detail": Route(expected=expect(200), kwargs=o("idea")),
    "ideas:support": Route(expected=expect(302, anonymous=LOGIN), kwargs=o("idea"), method="POST"),
    "ideas:follow": Route(expected=expect(302, anonymous=LOGIN), kwargs=o("idea"), method="POST"),
    "ideas:comment": Route(expected=expect(302, anonymous=LOGIN), kwargs=o("idea"), method="POST", data=lambda w: {"body": "Enig"}),
    "ideas:flag": Route(expected=expect(200, anonymous=LOGIN), kwargs=o("idea")),
    "ideas:flag-comment": Route(expected=expect(200, anonymous=LOGIN), kwargs=o("comment")),
    "ideas:moderate": Route(expected=members(302, *MODERATORS), kwargs=o("idea"), method="POST", data=lambda w: {"action": "approve"}),
    # Another app's items in the queue (ideas.moderation_sources, by their source's path): a
    # comment on a budget project.
    "ideas:moderate-item": Route(expected=members(302, *MODERATORS),
                                 kwargs=lambda w: {"path": "project-comments", "pk": w.objects["project_comment"].pk},
                                 method="POST", data=lambda w: {"action": "approve"}),
    "ideas:moderate-item @unknown": Route(expected=expect(404, anonymous=LOGIN), kwargs=lambda w: {"path": "nothing", "pk": 1},
                                          method="POST", data=lambda w: {"action": "approve"}),
    "ideas:moderate-comment": Route(expected=members(302, *MODERATORS), kwargs=o("comment"), method="POST", data=lambda w: {"action": "approve"}),
    "ideas:status": Route(expected=members(302, *STAFF, default=404), kwargs=o("idea"), method="POST",
                          data=lambda w: {"to_status": "under_review", "answer": "Vi ser på den."}),
    "ideas:roles": Route(expected=members(302, *STAFF, default=404), kwargs=o("idea"), method="POST"),
    "ideas:merge": Route(expected=members(302, *STAFF, default=404), kwargs=o("duplicate"), method="POST",
                         data=lambda w: {"into": w.objects["idea"].pk}),
    "ideas:staff-campaigns": Route(expected=members(200, *STAFF), kwargs=AARHUS_SLUG),
    "ideas:campaign-new": Route(expected=members(200, *STAFF), kwargs=AARHUS_SLUG),
    "ideas:campaign-edit": Route(expected=members(200, *STAFF, default=404), kwargs=o("campaign")),
    "ideas:campaign-close": Route(expected=members(302, *STAFF, default=404), kwargs=o("campaign"), method="POST"),
    "ideas:settings": Route(expected=members(200, *STAFF), kwargs=AARHUS_SLUG),
    "ideas:unsubscribe": Route(expected=expect(200), kwargs=lambda w: {"token": w.objects["unsubscribe_token"]}),
    # Budgets: each route on the process in the phase where it is used
    "budgets:list": Route(expected=expect(200)),
    "budgets:detail": Route(expected=expect(200), kwargs=process("voting")),
    "budgets:map": Route(expected=expect(200), kwargs=process("voting")),
    "budgets:project": Route(expected=expect(200), kwargs=lambda w: {"pk": w.objects["process"]["voting"].pk,
                                                                     "code": "T1"}),
    "budgets:propose": Route(expected=expect(200, anonymous=LOGIN), kwargs=process("proposals")),
    "budgets:vote": Route(expected=expect(200, anonymous=LOGIN, outsider=403), kwargs=process("voting")),
    "budgets:vote-code": Route(expected=expect(200), kwargs=process("voting")),
    # A district budget: only its district's residents vote in it (the citizen lives in Trøjborg;
    # the staff accounts of the world live nowhere in particular).
    "budgets:vote-district": Route(expected=expect(403, anonymous=LOGIN, citizen=200, **WITHOUT_FACTOR(403)),
                                   kwargs=lambda w: {"pk": w.objects["process"]["voting"].pk, "district": "trojborg"}),
    "budgets:vote-code-district": Route(expected=expect(200),
                                        kwargs=lambda w: {"pk": w.objects["process"]["voting"].pk,
                                                          "district": "trojborg"}),
    "budgets:district-budgets": Route(expected=members(200, *STAFF), kwargs=process("proposals")),
    "budgets:ballot-box": Route(expected=expect(200), kwargs=process("voting")),
    # The bulletin board is published when voting closes, to everyone at once.
    "budgets:ballot-board": Route(expected=expect(404), kwargs=process("voting")),
    "budgets:ballot-box-prepare": Route(expected=members(200, *STAFF), kwargs=process("proposals")),
    # Only a key holder collects a share; the world's box is held by people outside the roles.
    "budgets:ballot-box-share": Route(expected=expect(403, anonymous=LOGIN), kwargs=process("voting")),
    "budgets:ballot-box-open": Route(expected=members(200, *COUNCIL), kwargs=process("council_review")),
    "budgets:ballot-box-open @stale": Route(expected=members(REAUTH, *COUNCIL), kwargs=process("council_review"),
                                            stale=True),
    "budgets:verify": Route(expected=expect(200), kwargs=process("voting")),
    "budgets:turnout": Route(expected=members(200, *STAFF_OR_COUNCIL), kwargs=process("voting")),
    "budgets:codes": Route(expected=members(200, *STAFF), kwargs=process("voting")),
    # The codes page's actions: the census's letters (this process's voters are accounts, so
    # staff are sent back with the reason), the letters' text, a returned letter (an unknown
    # code: the error comes back on the page).
    "budgets:codes @letters": Route(expected=members(302, *STAFF), kwargs=process("voting"), method="POST",
                                    data=lambda w: {"output": "pdf"}),
    "budgets:codes @letter-text": Route(expected=members(302, *STAFF), kwargs=process("voting"), method="POST",
                                        data=lambda w: {"letter_text": "1", "letter-letter_text": "Stem på projekterne."}),
    "budgets:codes @returned": Route(expected=members(200, *STAFF), kwargs=process("voting"), method="POST",
                                     data=lambda w: {"returned": "1", "returned-code": "AAAA-BBBB-CCCC-DDDD"}),
    # A census vote's letters: undo the mark on the returned one, reissue it (its new letter).
    "budgets:codes @undo": Route(expected=members(302, *STAFF), kwargs=o("census_process"), method="POST",
                                 data=lambda w: {"returned": "undo", "returned-code": w.objects["letter_codes"][1]}),
    "budgets:codes @reissue": Route(expected=members(200, *STAFF), kwargs=o("census_process"), method="POST",
                                    data=lambda w: {"returned": "reissue",
                                                    "returned-code": w.objects["letter_codes"][1]}),
    "budgets:council": Route(expected=members(200, *COUNCIL), kwargs=process("council_review")),
    "budgets:council @approve": Route(expected=members(302, *COUNCIL), kwargs=process("council_review"),
                                      method="POST", data=lambda w: {"decision": "approved"}),
    "budgets:council @approve @stale": Route(expected=members(REAUTH, *COUNCIL), kwargs=process("council_review"),
                                             method="POST", data=lambda w: {"decision": "approved"}, stale=True),
    "budgets:paper": Route(expected=members(200, *STAFF), kwargs=process("voting")),
    "budgets:from-idea": Route(expected=members(200, *STAFF), kwargs=process("review")),
    "budgets:phase": Route(expected=members(302, *STAFF), kwargs=process("voting"), method="POST", data=lambda w: {"phase": "council_review", "reason": "Afstemningen er slut."}),
    "budgets:phase @stale": Route(expected=members(REAUTH, *STAFF), kwargs=process("voting"), method="POST",
                                  data=lambda w: {"phase": "council_review", "reason": "Afstemningen er slut."},
                                  stale=True),
    "budgets:result-export": Route(expected=expect(200), kwargs=lambda w: {"pk": w.objects["process"]["results"].pk, "fmt": "csv"}),
    # The signed result and the key that verifies it are public once the council has approved.
    "budgets:result-json": Route(expected=expect(200), kwargs=process("results")),
    "budgets:result-key": Route(expected=expect(200)),
    # Comments on a project: any signed-in person writes and reports (budgets.rules).
    "budgets:comment": Route(expected=expect(302, anonymous=LOGIN), method="POST",
                             kwargs=lambda w: {"pk": w.objects["project_comment"].project_id},
                             data=lambda w: {"body": "Enig"}),
    "budgets:flag-comment": Route(expected=expect(200, anonymous=LOGIN), kwargs=o("project_comment")),
    "budgets:project-review": Route(expected=members(200, *STAFF), kwargs=o("review_project")),
    "budgets:progress": Route(expected=members(200, *STAFF), kwargs=o("built_project")),
    # Setting up a budget: a draft is seen by the municipality's staff alone (404 for others).
    "budgets:setup-list": Route(expected=members(200, *STAFF)),
    "budgets:setup-new": Route(expected=members(200, *STAFF)),
    "budgets:setup": Route(expected=members(200, *STAFF, default=404),
                           kwargs=lambda w: {"pk": w.objects["draft"].pk, "step": "ballot"}),
    "budgets:setup-check": Route(expected=members(200, *STAFF, default=404), kwargs=o("draft")),
    # Dinners
    "dinners:list": Route(expected=expect(200)),
    "dinners:programme-new": Route(expected=members(200, *STAFF)),
    "dinners:mine": Route(expected=expect(200, anonymous=LOGIN)),
    "dinners:programme": Route(expected=expect(200), kwargs=o("programme")),
    "dinners:host": Route(expected=expect(200, anonymous=LOGIN), kwargs=o("programme")),
    "dinners:any": Route(expected=expect(200, anonymous=LOGIN), kwargs=o("programme")),
    "dinners:overview": Route(expected=members(200, *STAFF), kwargs=o("programme")),
    "dinners:programme-picture": Route(expected=members(200, *STAFF), kwargs=o("programme")),
    "dinners:overview-csv": Route(expected=members(200, *STAFF), kwargs=o("programme")),
    "dinners:dinner": Route(expected=expect(200), kwargs=o("dinner")),
    "dinners:book": Route(expected=expect(302, anonymous=LOGIN), kwargs=o("dinner"), method="POST"),
    "dinners:edit": Route(expected=members(200, *STAFF), kwargs=o("dinner")),
    "dinners:cancel": Route(expected=members(200, *STAFF), kwargs=o("dinner")),
    "dinners:decide": Route(expected=members(400, *MODERATORS, default=404), kwargs=o("pending_dinner"), method="POST"),
    "dinners:reporter": Route(expected=expect(403, anonymous=LOGIN), kwargs=o("dinner"), method="POST"),
    "dinners:report": Route(expected=expect(403, anonymous=LOGIN), kwargs=o("past_dinner")),
    "dinners:calendar": Route(expected=expect(403, anonymous=LOGIN), kwargs=o("dinner")),
    "dinners:seat-cancel": Route(expected=members(302, *STAFF), kwargs=o("seat"), method="POST"),
    "dinners:invite": Route(expected=expect(200, anonymous=LOGIN), kwargs=lambda w: {"token": w.objects["dinner"].invite_token}),
    # Reports
    # The Innovation Barometer's outcome figures are public (README); the records behind them are not.
    "reports:index": Route(expected=expect(302)),
    "reports:dashboard": Route(expected=expect(200), kwargs=AARHUS_SLUG),
    "reports:chart": Route(expected=expect(200), kwargs=lambda w: {"slug": "aarhus", "name": "roles", "fmt": "svg"}),
    "reports:table": Route(expected=expect(200), kwargs=lambda w: {"slug": "aarhus", "name": "roles", "fmt": "csv"}),
    "reports:innovations": Route(expected=members(200, *STAFF_OR_COUNCIL), kwargs=AARHUS_SLUG),
    "reports:innovations-export": Route(expected=members(200, *STAFF_OR_COUNCIL), kwargs=AARHUS_SLUG),
    "reports:innovation-new": Route(expected=members(200, *STAFF), kwargs=AARHUS_SLUG),
    "reports:innovation-edit": Route(expected=members(200, *STAFF), kwargs=lambda w: {"slug": "aarhus", "pk": w.objects["innovation"].pk}),
    "reports:cocreation": Route(expected=members(200, *STAFF), kwargs=o("innovation")),
    "reports:cocreation-chart": Route(expected=members(200, *STAFF, default=404, anonymous=404), kwargs=lambda w: {"pk": w.objects["innovation"].pk, "fmt": "svg"}),
    "reports:answer": Route(expected=expect(200), kwargs=lambda w: {"token": w.objects["invitation"].token}),
    "reports:answer-profile": Route(expected=expect(200), kwargs=lambda w: {"token": w.objects["answered_invitation"].token}),
    # The same routes on objects in other states: phases, pending objects, another municipality.
    "ideas:detail @pending": Route(expected=members(200, *MODERATORS, default=404, anonymous=404), kwargs=o("pending_idea")),
    "staff-home @bergen": Route(expected=expect(403, anonymous=LOGIN, other_staff=200), kwargs=lambda w: {"slug": "bergen"}),
    "ideas:campaign-edit @bergen": Route(expected=expect(404, anonymous=LOGIN, other_staff=200),
                                         kwargs=lambda w: {"pk": w.objects["bergen_idea"].campaign_id}),
    "ideas:campaign-close @bergen": Route(expected=expect(404, anonymous=LOGIN, other_staff=302), method="POST",
                                          kwargs=lambda w: {"pk": w.objects["bergen_idea"].campaign_id}),
    "ideas:settings @bergen": Route(expected=expect(403, anonymous=LOGIN, other_staff=302), method="POST",
                                    kwargs=lambda w: {"slug": "bergen"},
                                    data=lambda w: {"moderation_mode": "pre", "flag_threshold": "1"}),
    "dinners:programme-picture @bergen": Route(expected=expect(403, anonymous=LOGIN, other_staff=200),
                                               kwargs=o("bergen_programme")),
    "ideas:moderate @bergen": Route(expected=expect(403, anonymous=LOGIN, other_staff=302), kwargs=o("bergen_idea"), method="POST", data=lambda w: {"action": "approve"}),
    "budgets:propose @voting": Route(expected=expect(403, anonymous=LOGIN), kwargs=process("voting")),
    "budgets:vote @proposals": Route(expected=expect(403, anonymous=LOGIN), kwargs=process("proposals")),
    "budgets:vote @results": Route(expected=expect(403, anonymous=LOGIN), kwargs=process("results")),
    "budgets:codes @results": Route(expected=expect(403, anonymous=LOGIN), kwargs=process("results")),
    "budgets:council @voting": Route(expected=expect(403, anonymous=LOGIN), kwargs=process("voting")),
    "budgets:result-export @council_review": Route(expected=members(200, *COUNCIL, default=403, anonymous=403),
        kwargs=lambda w: {"pk": w.objects["process"]["council_review"].pk, "fmt": "csv"}),
    "budgets:result-json @council_review": Route(expected=expect(404), kwargs=process("council_review")),
    "budgets:setup-check @publish": Route(expected=members(302, *STAFF, default=404), kwargs=o("draft"), method="POST"),
    "budgets:detail @draft": Route(expected=members(200, *STAFF, default=404, anonymous=404), kwargs=o("draft")),
    "budgets:map @draft": Route(expected=members(200, *STAFF, default=404, anonymous=404), kwargs=o("draft")),
    "budgets:setup @published": Route(expected=members(403, *STAFF, default=403),
                                      kwargs=lambda w: {"pk": w.objects["process"]["proposals"].pk, "step": "basics"}),
    # A draft's project: not found but for its staff, who see that it takes no comments yet.
    "budgets:comment @draft": Route(expected=members(403, *STAFF, default=404), method="POST",
                                    kwargs=o("draft_project"), data=lambda w: {"body": "Enig"}),
    "budgets:project-review @implementation": Route(expected=expect(403, anonymous=LOGIN), kwargs=o("built_project")),
    "dinners:dinner @pending": Route(expected=members(200, *MODERATORS, default=404, anonymous=404), kwargs=o("pending_dinner")),
    "reports:dashboard @bergen": Route(expected=expect(200), kwargs=lambda w: {"slug": "bergen"}),
    "reports:innovations @bergen": Route(expected=expect(403, anonymous=LOGIN, other_staff=200), kwargs=lambda w: {"slug": "bergen"}),
}

# --- API operations ------------------------------------------------------------------------
API: dict[str, Route] = {
    "POST /api/v1/auth/token/": Route(expected=expect(400), data=lambda w: {"email": "nobody@example.org", "password": "wrong"}),
    "GET /api/v1/me/": Route(expected=expect(200, anonymous=403)),
    "GET /api/v1/me/notifications/": Route(expected=expect(200, anonymous=403)),
    "POST /api/v1/me/notifications/read/": Route(expected=expect(200, anonymous=403), data=lambda w: {"all": True}),
    "POST /api/v1/me/notifications/{id}/read/": Route(expected=expect(404, anonymous=403, citizen=200,
                                                                      **WITHOUT_FACTOR(404)),
                                                      kwargs=o("citizen_notice")),
    "GET /api/v1/auth/tokens/": Route(expected=expect(200, anonymous=403)),
    "DELETE /api/v1/auth/tokens/{id}/": Route(expected=expect(404, anonymous=403), kwargs=lambda w: {"pk": 999999}),
    # Ideas
    "GET /api/v1/campaigns/": Route(expected=expect(200)),
    "POST /api/v1/campaigns/": Route(expected=members(201, *STAFF, default=403, anonymous=403), data=lambda w: {
        "municipality": "aarhus", "title": "Havnen", "open_to_influence": "x", "fixed_frame": "y",
        "decided_by": "Byrådet", "answer_by": "2030-01-01", "opens_at": "2026-01-01T00:00:00Z",
        "closes_at": "2030-06-01T00:00:00Z"}),
    "GET /api/v1/campaigns/{id}/": Route(expected=expect(200), kwargs=o("campaign")),
    "PATCH /api/v1/campaigns/{id}/": Route(expected=members(200, *STAFF, default=403, anonymous=403),
                                           kwargs=o("campaign"), data=lambda w: {"decided_by": "Byrådet"}),
    "GET /api/v1/ideas/": Route(expected=expect(200)),
    "POST /api/v1/ideas/": Route(expected=expect(201, anonymous=403), data=lambda w: {"campaign": w.objects["campaign"].pk, "title": "Ny idé",
                                                 "body": "Mere grønt."}),
    "GET /api/v1/ideas/similar/": Route(expected=expect(200), query=lambda w: {"q": "idé"}),
    "GET /api/v1/ideas/{id}/": Route(expected=expect(200), kwargs=o("idea")),
    "GET /api/v1/ideas/{id}/comments/": Route(expected=expect(200), kwargs=o("idea")),
    "POST /api/v1/ideas/{id}/comments/": Route(expected=expect(201, anonymous=403), kwargs=o("idea"), data=lambda w: {"body": "Enig"}),
    "POST /api/v1/ideas/{id}/comments/{comment_id}/flags/": Route(expected=expect(201, anonymous=403),
        kwargs=lambda w: {"pk": w.objects["idea"].pk, "comment_id": w.objects["comment"].pk},
        data=lambda w: {"reason": "spam"}),
    "POST /api/v1/ideas/{id}/flags/": Route(expected=expect(201, anonymous=403), kwargs=o("idea"), data=lambda w: {"reason": "spam"}),
    "POST /api/v1/ideas/{id}/follow/": Route(expected=expect(204, anonymous=403), kwargs=o("idea")),
    "DELETE /api/v1/ideas/{id}/follow/": Route(expected=expect(204, anonymous=403), kwargs=o("idea")),
    "GET /api/v1/ideas/{id}/history/": Route(expected=members(200, *MODERATORS, default=403, anonymous=403), kwargs=o("idea")),
    "POST /api/v1/ideas/{id}/merge/": Route(expected=members(200, *STAFF, default=403, anonymous=403), kwargs=o("duplicate"), data=lambda w: {"into": w.objects["idea"].pk}),
    "GET /api/v1/ideas/{id}/roles/": Route(expected=members(200, *STAFF, default=403, anonymous=403), kwargs=o("idea")),
    "PUT /api/v1/ideas/{id}/roles/": Route(expected=members(200, *STAFF, default=403, anonymous=403), kwargs=o("idea"), data=lambda w: {"citizens_cocreated": True}),
    "PATCH /api/v1/ideas/{id}/roles/": Route(expected=members(200, *STAFF, default=403, anonymous=403), kwargs=o("idea"), data=lambda w: {"citizens_cocreated": True}),
    "POST /api/v1/ideas/{id}/status/": Route(expected=members(200, *STAFF, default=403, anonymous=403), kwargs=o("idea"),
                                             data=lambda w: {"to_status": "under_review", "answer": "Vi ser på den."}),
    "POST /api/v1/ideas/{id}/support/": Route(expected=expect(200, anonymous=403), kwargs=o("idea")),
    "DELETE /api/v1/ideas/{id}/support/": Route(expected=expect(200, anonymous=403), kwargs=o("idea")),
    "GET /api/v1/moderation/queue/": Route(expected=members(200, *MODERATORS, default=403, anonymous=403)),
    "POST /api/v1/moderation/{kind}/{id}/": Route(expected=members(204, *MODERATORS, default=403, anonymous=403), kwargs=lambda w: {"kind": "ideas", "pk": w.objects["idea"].pk},
                                                  data=lambda w: {"action": "hide", "reason": "Reklame"}),
    # Budgets
    "GET /api/v1/budgets/": Route(expected=expect(200)),
    "GET /api/v1/budgets/{id}/": Route(expected=expect(200), kwargs=process("voting")),
    "POST /api/v1/budgets/": Route(expected=members(201, *STAFF, default=403, anonymous=403), data=lambda w: {
        "municipality": "aarhus", "title": "Nyt borgerbudget", "citywide": True, "total_budget": 50_000}),
    "PATCH /api/v1/budgets/{id}/": Route(expected=members(200, *STAFF, default=404, anonymous=403), kwargs=o("draft"),
                                         data=lambda w: {"min_age": 16}),
    "GET /api/v1/budgets/{id}/check/": Route(expected=members(200, *STAFF, default=404, anonymous=403), kwargs=o("draft")),
    "POST /api/v1/budgets/{id}/publish/": Route(expected=members(200, *STAFF, default=404, anonymous=403), kwargs=o("draft")),
    "POST /api/v1/budgets/{id}/district-budgets/": Route(
        expected=members(201, *STAFF, default=404, anonymous=403), kwargs=o("draft"),
        data=lambda w: {"district": "trojborg", "name": "Trøjborg, store projekter", "amount": 10_000}),
    "DELETE /api/v1/budgets/{id}/district-budgets/{key}/": Route(
        expected=members(204, *STAFF, default=404, anonymous=403),
        kwargs=lambda w: {"pk": w.objects["draft"].pk, "key": w.objects["draft"].district_budgets.get().slug}),
    # The set-up's list of drafts (of the default municipality, Aarhus).
    "GET /api/v1/budgets/drafts/": Route(expected=members(200, *STAFF, default=403, anonymous=403)),
    # The census, the letters and the codes of a census vote (budgets.api_letters): its
    # municipality's staff, as on the eligibility step and the codes page.
    "GET /api/v1/budgets/{id}/census/": Route(expected=members(200, *STAFF, default=403, anonymous=403),
                                              kwargs=o("census_process")),
    "PUT /api/v1/budgets/{id}/census/": Route(expected=members(200, *STAFF, default=403, anonymous=403),
                                              kwargs=o("census_process"),
                                              files=lambda w: {"file": _upload(w.objects["census_file"])}),
    "GET /api/v1/budgets/{id}/letter-text/": Route(expected=members(200, *STAFF, default=403, anonymous=403),
                                                   kwargs=o("census_process")),
    "PUT /api/v1/budgets/{id}/letter-text/": Route(expected=members(200, *STAFF, default=403, anonymous=403),
                                                   kwargs=o("census_process"),
                                                   data=lambda w: {"letter_text": "Stem på projekterne."}),
    # The one resident without a letter gets one.
    "POST /api/v1/budgets/{id}/letters/": Route(expected=members(201, *STAFF, default=403, anonymous=403),
                                                kwargs=o("census_process"), data=lambda w: {"output": "pdf"}),
    "GET /api/v1/budgets/{id}/codes/": Route(expected=members(200, *STAFF, default=403, anonymous=403),
                                             kwargs=o("census_process")),
    "POST /api/v1/budgets/{id}/codes/": Route(expected=members(201, *STAFF, default=403, anonymous=403),
                                              kwargs=o("census_process"), data=lambda w: {"count": 2}),
    "POST /api/v1/budgets/{id}/returned-letters/": Route(
        expected=members(204, *STAFF, default=403, anonymous=403), kwargs=o("census_process"),
        data=lambda w: {"code": w.objects["letter_codes"][0]}),
    "POST /api/v1/budgets/{id}/returned-letters/undo/": Route(
        expected=members(204, *STAFF, default=403, anonymous=403), kwargs=o("census_process"),
        data=lambda w: {"code": w.objects["letter_codes"][1]}),
    "POST /api/v1/budgets/{id}/returned-letters/reissue/": Route(
        expected=members(201, *STAFF, default=403, anonymous=403), kwargs=o("census_process"),
        data=lambda w: {"code": w.objects["letter_codes"][1]}),
    "POST /api/v1/budgets/{id}/ballot/": Route(expected=expect(201, anonymous=403, outsider=403), kwargs=process("voting"), data=lambda w: {"projects": ["A"]}),
    "GET /api/v1/budgets/{id}/comparison/": Route(expected=members(200, *COUNCIL, default=403, anonymous=403), kwargs=process("council_review")),
    # The API is called with a token: the decision's recent authentication is a current code.
    "POST /api/v1/budgets/{id}/council/": Route(expected=members(204, *COUNCIL, default=403, anonymous=403), kwargs=process("council_review"),
                                                data=lambda w: {"decision": "approved", "code": totp_code(TOTP_SECRET)}),
    "POST /api/v1/budgets/{id}/council/ @without-code": Route(
        expected=members(REAUTH, *COUNCIL, default=403, anonymous=403), kwargs=process("council_review"),
        data=lambda w: {"decision": "approved"}),
    "GET /api/v1/budgets/{id}/export.pb": Route(expected=members(200, *COUNCIL, default=403, anonymous=403), kwargs=process("council_review")),
    "GET /api/v1/budgets/{id}/projects/": Route(expected=expect(200), kwargs=process("voting")),
    "GET /api/v1/budgets/{id}/projects/{code}/": Route(
        expected=expect(200), kwargs=lambda w: {"pk": w.objects["process"]["voting"].pk, "code": "T1"}),
    "POST /api/v1/budgets/{id}/projects/": Route(expected=expect(201, anonymous=403), kwargs=process("proposals"),
                                                 data=lambda w: {"title": "Bænke", "cost": 5000}),
    "GET /api/v1/budgets/{id}/result/": Route(expected=expect(200), kwargs=process("results")),
    # Comments on a project (budgets.api_comments), as on its page; moderated in the one queue.
    "GET /api/v1/budgets/{id}/projects/{code}/comments/": Route(
        expected=expect(200), kwargs=lambda w: {"pk": w.objects["process"]["voting"].pk, "code": "A"}),
    "POST /api/v1/budgets/{id}/projects/{code}/comments/": Route(
        expected=expect(201, anonymous=403), kwargs=lambda w: {"pk": w.objects["process"]["voting"].pk, "code": "A"},
        data=lambda w: {"body": "Enig"}),
    "POST /api/v1/budgets/{id}/projects/{code}/comments/{comment_id}/flags/": Route(
        expected=expect(201, anonymous=403),
        kwargs=lambda w: {"pk": w.objects["process"]["voting"].pk, "code": "A",
                          "comment_id": w.objects["project_comment"].pk},
        data=lambda w: {"reason": "spam"}),
    "POST /api/v1/moderation/{kind}/{id}/ @project-comments": Route(
        expected=members(204, *MODERATORS, default=403, anonymous=403),
        kwargs=lambda w: {"kind": "project-comments", "pk": w.objects["project_comment"].pk},
        data=lambda w: {"action": "hide", "reason": "Reklame"}),
    # Staff's actions on projects (budgets.api_staff), as on the review, from-idea and progress pages.
    "PATCH /api/v1/budgets/{id}/projects/{code}/review/": Route(
        expected=members(200, *STAFF, default=403, anonymous=403),
        kwargs=lambda w: {"pk": w.objects["review_project"].process_id, "code": "R"},
        data=lambda w: {"cost": 12_000, "feasibility": "feasible"}),
    "POST /api/v1/budgets/{id}/from-idea/": Route(
        expected=members(201, *STAFF, default=403, anonymous=403), kwargs=process("review"),
        data=lambda w: {"idea": w.objects["idea"].pk, "cost": 1000}),
    # Paper ballots while voting: the world's waiting paper was typed in by a colleague of the roles.
    "GET /api/v1/budgets/{id}/paper-ballots/": Route(
        expected=members(200, *STAFF, default=403, anonymous=403), kwargs=process("voting")),
    "POST /api/v1/budgets/{id}/paper-ballots/": Route(
        expected=members(201, *STAFF, default=403, anonymous=403), kwargs=process("voting"),
        data=lambda w: {"projects": ["A"]}),
    "POST /api/v1/budgets/{id}/paper-ballots/{paper}/confirm/": Route(
        expected=members(204, *STAFF, default=403, anonymous=403),
        kwargs=lambda w: {"pk": w.objects["paper_ballot"].process_id, "paper": w.objects["paper_ballot"].pk}),
    # The ballot box is prepared before voting (opening it with the shares is a page's).
    "POST /api/v1/budgets/{id}/ballot-box/prepare/": Route(
        expected=members(201, *STAFF, default=403, anonymous=403), kwargs=process("proposals"),
        data=lambda w: {"members": [w.users[name].pk for name in ("council", "admin", "council_without_2fa")],
                        "threshold": 2}),
    "POST /api/v1/budgets/{id}/projects/{code}/progress/": Route(
        expected=members(201, *STAFF, default=403, anonymous=403),
        kwargs=lambda w: {"pk": w.objects["built_project"].process_id, "code": w.objects["built_project"].code},
        data=lambda w: {"milestone": "Byggeriet er begyndt", "text": "Godt i gang."}),
    "GET /api/v1/budgets/{id}/turnout/": Route(expected=members(200, *STAFF_OR_COUNCIL, default=403, anonymous=403), kwargs=process("voting")),
    "POST /api/v1/budgets/{id}/verify/": Route(expected=expect(200), kwargs=process("voting"), data=lambda w: {"receipt": "abc"}),
    # Dinners
    "GET /api/v1/dinners/programmes/": Route(expected=expect(200)),
    "GET /api/v1/dinners/programmes/{id}/": Route(expected=expect(200), kwargs=o("programme")),
    "POST /api/v1/dinners/programmes/{id}/any/": Route(expected=expect(201, anonymous=403), kwargs=o("programme"), data=lambda w: {
        "earliest": (timezone.now() + timedelta(days=2)).isoformat(),
        "latest": (timezone.now() + timedelta(days=20)).isoformat()}),
    "GET /api/v1/dinners/programmes/{id}/dinners/": Route(expected=expect(200), kwargs=o("programme")),
    "POST /api/v1/dinners/programmes/{id}/dinners/": Route(expected=expect(201, anonymous=403), kwargs=o("programme"), data=lambda w: {
        "title": "Grød", "venue_type": "home", "starts_at": (timezone.now() + timedelta(days=6)).isoformat(),
        "district": w.objects["dinner"].district_id, "seats": 4, "address": "Vejen 1"}),
    "PATCH /api/v1/dinners/programmes/{id}/picture/": Route(expected=members(200, *STAFF, default=403, anonymous=403),
                                                            kwargs=o("programme"), data=lambda w: {"image_alt": ""}),
    "GET /api/v1/dinners/programmes/{id}/overview/": Route(expected=members(200, *STAFF, default=403, anonymous=403), kwargs=o("programme")),
    "GET /api/v1/dinners/dinners/{id}/": Route(expected=expect(200), kwargs=o("dinner")),
    "PATCH /api/v1/dinners/dinners/{id}/": Route(expected=members(200, *STAFF, default=403, anonymous=403), kwargs=o("dinner"), data=lambda w: {"title": "Suppe"}),
    "POST /api/v1/dinners/dinners/{id}/cancel/": Route(expected=members(200, *STAFF, default=403, anonymous=403), kwargs=o("dinner"), data=lambda w: {"reason": "Syg"}),
    "POST /api/v1/dinners/dinners/{id}/decide/": Route(expected=members(200, *MODERATORS, default=404, anonymous=403), kwargs=o("pending_dinner"), data=lambda w: {"approve": True}),
    "GET /api/v1/dinners/dinners/{id}/guests/": Route(expected=members(200, *STAFF, default=403, anonymous=403), kwargs=o("dinner")),
    "POST /api/v1/dinners/dinners/{id}/report/": Route(expected=expect(403), kwargs=o("past_dinner"), data=lambda w: {
        "participants": 5, "answers": {}, "ideas": []}),
    "POST /api/v1/dinners/dinners/{id}/seats/": Route(expected=expect(201, anonymous=403), kwargs=o("dinner"), data=lambda w: {}),
    "GET /api/v1/dinners/seats/": Route(expected=expect(200, anonymous=403)),
    "POST /api/v1/dinners/seats/{id}/cancel/": Route(expected=members(200, *STAFF, default=404, anonymous=403), kwargs=o("seat")),
    # Innovations and reports
    "GET /api/v1/innovations/": Route(expected=members(200, *STAFF_OR_COUNCIL, default=403, anonymous=403), query=lambda w: {"municipality": "aarhus"}),
    "POST /api/v1/innovations/": Route(expected=members(201, *STAFF, default=403, anonymous=403), data=lambda w: {"municipality": "aarhus", "title": "Ny", "year": 2025}),
    "GET /api/v1/innovations/{id}/": Route(expected=members(200, *STAFF_OR_COUNCIL, default=404, anonymous=403), kwargs=o("innovation")),
    "PATCH /api/v1/innovations/{id}/": Route(expected=expect(404, anonymous=403, staff=200, council=403, admin=200), kwargs=o("innovation"), data=lambda w: {"title": "Ændret"}),
    "DELETE /api/v1/innovations/{id}/": Route(expected=expect(404, anonymous=403, staff=204, council=403, admin=204), kwargs=o("innovation")),
    "GET /api/v1/innovations/export/": Route(expected=members(200, *STAFF_OR_COUNCIL, default=403, anonymous=403), query=lambda w: {"municipality": "aarhus"}),
    "POST /api/v1/innovations/import/": Route(expected=members(400, *STAFF, default=403, anonymous=403), query=lambda w: {"municipality": "aarhus"}),
    "GET /api/v1/reports/{slug}/barometer/": Route(expected=members(200, *STAFF_OR_COUNCIL, default=403, anonymous=403), kwargs=AARHUS_SLUG),
    # Reports are read by staff and council first: a council member without a second factor is
    # asked for one before being refused (co-creation is staff's).
    "GET /api/v1/reports/{slug}/cocreation/": Route(expected=expect(403, staff=200, admin=200, council_without_2fa=MFA), kwargs=AARHUS_SLUG,
                                                    query=lambda w: {"innovation": w.objects["innovation"].pk}),
    "GET /api/v1/reports/{slug}/funnel/": Route(expected=members(200, *STAFF_OR_COUNCIL, default=403, anonymous=403), kwargs=AARHUS_SLUG),
    # Other states
    "GET /api/v1/ideas/{id}/ @pending": Route(expected=members(200, *MODERATORS, default=404, anonymous=404), kwargs=o("pending_idea")),
    "PATCH /api/v1/campaigns/{id}/ @bergen": Route(expected=expect(403, other_staff=200),
                                                   kwargs=lambda w: {"pk": w.objects["bergen_idea"].campaign_id},
                                                   data=lambda w: {"decided_by": "Bystyret"}),
    "PATCH /api/v1/dinners/programmes/{id}/picture/ @bergen": Route(expected=expect(403, other_staff=200),
                                                                    kwargs=o("bergen_programme"),
                                                                    data=lambda w: {"image_alt": ""}),
    "GET /api/v1/ideas/{id}/history/ @bergen": Route(expected=expect(403, other_staff=200), kwargs=o("bergen_idea")),
    "POST /api/v1/budgets/{id}/ballot/ @results": Route(expected=expect(403), kwargs=process("results"), data=lambda w: {"projects": ["A"]}),
    "GET /api/v1/budgets/{id}/comparison/ @results": Route(expected=expect(200), kwargs=process("results")),
    "GET /api/v1/budgets/{id}/comparison/ @voting": Route(expected=expect(403), kwargs=process("voting")),
    "POST /api/v1/budgets/{id}/council/ @voting": Route(expected=expect(403), kwargs=process("voting"), data=lambda w: {"decision": "approved"}),
    "GET /api/v1/budgets/{id}/ @draft": Route(expected=members(200, *STAFF, default=404, anonymous=404), kwargs=o("draft")),
    "PATCH /api/v1/budgets/{id}/ @published": Route(expected=members(403, *STAFF, default=403, anonymous=403),
                                                    kwargs=process("proposals"), data=lambda w: {"min_age": 16}),
    "GET /api/v1/budgets/{id}/export.pb @results": Route(expected=expect(200), kwargs=process("results")),
    # Before voting, a published process's district budgets are staff's (its district budgets page).
    "POST /api/v1/budgets/{id}/district-budgets/ @published": Route(
        expected=members(201, *STAFF, default=403, anonymous=403), kwargs=process("proposals"),
        data=lambda w: {"district": "trojborg", "name": "Trøjborg, store projekter", "amount": 10_000}),
    "GET /api/v1/budgets/drafts/ @bergen": Route(expected=expect(403, other_staff=200),
                                                 query=lambda w: {"municipality": "bergen"}),
    # A draft's census is read by its municipality's staff, who alone see the draft.
    "GET /api/v1/budgets/{id}/census/ @draft": Route(expected=members(200, *STAFF, default=404, anonymous=403),
                                                     kwargs=o("draft")),
    # Once the result is out no codes are made or voided; the census stays the municipality's.
    "POST /api/v1/budgets/{id}/letters/ @results": Route(expected=expect(403), kwargs=process("results")),
    "POST /api/v1/budgets/{id}/codes/ @results": Route(expected=expect(403), kwargs=process("results"),
                                                       data=lambda w: {"count": 2}),
    "POST /api/v1/budgets/{id}/returned-letters/reissue/ @results": Route(
        expected=expect(403), kwargs=process("results"), data=lambda w: {"code": "AAAA-BBBB-CCCC-DDDD"}),
    "PUT /api/v1/budgets/{id}/census/ @results": Route(
        expected=members(200, *STAFF, default=403, anonymous=403), kwargs=process("results"),
        files=lambda w: {"file": _upload(w.objects["census_file"])}),
    # Letters for a process whose voters are accounts: refused in plain words, to staff alone.
    "POST /api/v1/budgets/{id}/letters/ @accounts": Route(expected=members(400, *STAFF, default=403, anonymous=403),
                                                          kwargs=process("voting")),
    # A review and a project from an idea only before voting; progress only in the implementation.
    "PATCH /api/v1/budgets/{id}/projects/{code}/review/ @implementation": Route(
        expected=expect(403), kwargs=lambda w: {"pk": w.objects["built_project"].process_id,
                                                "code": w.objects["built_project"].code},
        data=lambda w: {"cost": 12_000, "feasibility": "feasible"}),
    "POST /api/v1/budgets/{id}/from-idea/ @voting": Route(
        expected=expect(403), kwargs=process("voting"), data=lambda w: {"idea": w.objects["idea"].pk, "cost": 1000}),
    "POST /api/v1/budgets/{id}/projects/{code}/progress/ @review": Route(
        expected=expect(403), kwargs=lambda w: {"pk": w.objects["review_project"].process_id, "code": "R"},
        data=lambda w: {"text": "Godt i gang."}),
    "POST /api/v1/budgets/{id}/paper-ballots/ @results": Route(
        expected=expect(403), kwargs=process("results"), data=lambda w: {"projects": ["A"]}),
    "POST /api/v1/budgets/{id}/ballot-box/prepare/ @voting": Route(
        expected=expect(403), kwargs=process("voting"),
        data=lambda w: {"members": [w.users[name].pk for name in ("council", "admin", "council_without_2fa")],
                        "threshold": 2}),
    "POST /api/v1/budgets/{id}/projects/{code}/comments/ @draft": Route(
        expected=members(403, *STAFF, default=404, anonymous=403),
        kwargs=lambda w: {"pk": w.objects["draft"].pk, "code": "U1"}, data=lambda w: {"body": "Enig"}),
    "POST /api/v1/budgets/{id}/projects/ @voting": Route(expected=expect(403), kwargs=process("voting"),
                                                         data=lambda w: {"title": "Bænke", "cost": 5000}),
    "GET /api/v1/dinners/dinners/{id}/ @pending": Route(expected=members(200, *MODERATORS, default=404, anonymous=404), kwargs=o("pending_dinner")),
    "GET /api/v1/innovations/ @bergen": Route(expected=expect(403, other_staff=200), query=lambda w: {"municipality": "bergen"}),
    "GET /api/v1/reports/{slug}/funnel/ @bergen": Route(expected=expect(403, other_staff=200), kwargs=lambda w: {"slug": "bergen"}),
    # Last, as they revoke the role's own token: whoever presents a token revokes it, or all
    # of their own (tests/platform/restapi/test_tokens.py); a token request has no session.
    "DELETE /api/v1/auth/tokens/": Route(expected=expect(204, anonymous=403)),
    "DELETE /api/v1/auth/token/": Route(expected=expect(204, anonymous=401)),
}


def _upload(data: bytes):
    from io import BytesIO

    file = BytesIO(data)
    file.name = "census.csv"
    return file


def route_of(key: str) -> str:
    """The route (URL name or API operation) of a table key; " @state" names a variant."""
    return key.split(" @", 1)[0]


def _spec_url(key: str, route: Route, world: World, *, api: bool) -> str:
    key = route_of(key)
    if not api:
        if key == "admin":
            return "/admin/"
        if "/" in key:  # an unnamed pattern (allauth's own aliases), named by its path
            return "/" + key
        return reverse(key, kwargs=route.kwargs(world))
    _method, path = key.split(" ", 1)
    values = route.kwargs(world)
    if "pk" in values:
        values = {"id": values.pop("pk"), **values}
    return path.format(**values)


def _clients(world: World) -> tuple[dict[str, Client], dict[str, Client], dict[str, Client]]:
    """Page clients signed in just now (with the second factor, for those who have one), page
    clients of sessions signed in long ago, and API clients with the role's token."""
    from accounts import mfa
    from tests.factories import api_token

    pages, stale, api = {}, {}, {}
    for role, user in world.users.items():
        pages[role] = Client(raise_request_exception=False)
        stale[role] = Client(raise_request_exception=False)
        headers = {}
        if user is not None:
            if mfa.has_second_factor(user):
                sign_in_recently(pages[role], user)
            else:
                pages[role].force_login(user)
            stale[role].force_login(user)
            headers["Authorization"] = f"Token {api_token(user)}"
        api[role] = Client(raise_request_exception=False, headers=headers)
    return pages, stale, api


def _answer(response) -> object:
    location = response.get("Location", "")
    if response.status_code == 302:
        if "/accounts/login/" in location:
            return LOGIN
        if "/reauthenticate/" in location:
            return REAUTH
        if location == reverse("mfa_index"):
            return MFA
    if response.status_code == 403 and response.get("Content-Type", "").startswith("application/json"):
        code = response.json().get("code")
        if code == "second_factor_required":
            return MFA
        if code == "reauthentication_required":
            return REAUTH
    return response.status_code


def _matches(observed, wanted) -> bool:
    if isinstance(wanted, set | frozenset | tuple):
        return observed in wanted
    return observed == wanted


def _request(client: Client, key: str, route: Route, world: World, *, api: bool):
    url = _spec_url(key, route, world, api=api)
    query = route.query(world) if route.query else {}
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    method = route_of(key).split(" ", 1)[0] if api else route.method
    data = route.data(world) if route.data else None
    # Each request sees the same world: a write (a support, a ballot, a moderation) is undone.
    # The throttles' counters are emptied so the many requests of one role are never 429.
    with transaction.atomic():
        cache.clear()
        call = getattr(client, method.lower())
        if api and route.files:
            body = encode_multipart(BOUNDARY, {**(data or {}), **route.files(world)})
            response = client.generic(method, url, body, content_type=MULTIPART_CONTENT)
        elif api:
            response = call(url, data=json.dumps(data) if data is not None else None,
                            content_type="application/json")
        else:
            response = call(url, data=data or {}) if method == "POST" else call(url)
        transaction.set_rollback(True)
    return response


def _observe(role: str, world: World, tables) -> list[str]:
    pages, stale, api = _clients(world)
    problems = []
    for table, is_api in tables:
        for key, route in table.items():
            client = (api if is_api else stale if route.stale else pages)[role]
            response = _request(client, key, route, world, api=is_api)
            observed = _answer(response)
            if response.status_code >= 500:
                problems.append(f"{key} as {role}: {response.status_code} (a server error) "
                                f"{response.content[:300]!r}")
            elif role not in route.expected:
                problems.append(f"{key} as {role}: no expectation written down (answered {observed!r})")
            elif not _matches(observed, route.expected[role]):
                problems.append(f"{key} as {role}: expected {route.expected[role]!r}, got {observed!r}")
    return problems


def test_every_route_has_an_entry():
    """A route the tables do not know fails here, by name, and so does an entry whose route
    no longer exists."""
    pages = {route_of(key) for key in PAGES}
    missing_pages = sorted(page_names() - pages)
    stale_pages = sorted(pages - page_names())
    operations = api_operations()
    ops = {route_of(key) for key in API}
    missing_ops = sorted(operations - ops)
    stale_ops = sorted(ops - operations)
    problems = [f"page route without an entry in PAGES: {name}" for name in missing_pages]
    problems += [f"PAGES entry for a route that no longer exists: {name}" for name in stale_pages]
    problems += [f"API operation without an entry in API: {key}" for key in missing_ops]
    problems += [f"API entry for an operation the schema does not document: {key}" for key in stale_ops]
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One world for every role of this module (per pytest-xdist worker), rolled back after
    the module: every test runs in a savepoint inside it (pytest-django's transaction nests),
    and every request in one more, so no role's write reaches the next role. Built once
    rather than once per role: a world is about 0.7 s of a role's 5 s."""
    from django.test import override_settings

    with django_db_blocker.unblock(), transaction.atomic(), \
            override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield build_world()
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_api_url_is_reached_by_a_documented_operation(world):
    """An API URL the schema does not document (so no entry above reaches it) fails too."""
    reached = set()
    for key, route in API.items():
        path = _spec_url(key, route, world, api=True)
        reached.add(resolve(path).url_name)
    assert api_url_names() - reached == set(), "API URLs no documented operation reaches"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_route_role_matrix(role, world):
    problems = _observe(role, world, [(PAGES, False), (API, True)])
    assert not problems, f"{len(problems)} answers differ from the matrix:\n" + "\n".join(problems)

