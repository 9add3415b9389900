"""The page tour: every page type, as every role, in Danish and in English, in chromium.

For each (page, role, language) the tour checks the answer that role should get (the page
itself, or the refusal: the sign-in page for a signed-out person on a sign-in-only page, an
"access denied" or "not found" page otherwise), that the page speaks the language asked for
(`<html lang>`), that nothing makes the page wider than the window (no sideways scrolling),
and, in Danish, runs axe-core's WCAG 2.1 A and AA rules on it (AUDITED_LANGUAGE below):
refusal pages are pages too. Every visit
leaves a full-page screenshot in test-artifacts/tour/{language}/{role}/{page}.png (under CI=true
only a page with a problem does, unless HOEST_SCREENSHOTS=1), except a refusal the visitor has
already met: the sign-in page, "access denied" and "not found" are
each drawn, audited and photographed the first time, and from then on only the answer's
status (or redirect) and language are checked, without drawing the same page again.
Problems are collected and reported together at the end, so one run shows all of them.

The tour runs on a desktop window (1280 px wide) and again on a phone (390 x 844) for every
role (screenshots in test-artifacts/tour/phone/...): staff answer an idea or check the
moderation queue from a phone too, and councils read the results on one.

The world is built once (tests/platform/security/world.py, the authorisation matrix's
world, plus what only the tour needs), and each role and language gets its own browser
context: the session cookie comes from Django's test client, the language from the
`django_language` cookie. A few contexts are toured at the same time (Playwright's async
API), each visiting its pages one after another.
"""
from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from tests.services import CHROMIUM, IN_CI, need, need_chromium

from .conftest import ARTIFACTS, CHROMIUM_ARGS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = ["da", "en"]
ROLES = ["anonymous", "citizen", "moderator", "staff", "council"]
DESKTOP = {"width": 1280, "height": 720}
# A phone-sized window rather than Playwright's phone emulation: an emulated phone zooms out
# to fit a page that is too wide (its innerWidth grows with the page), hiding the overflow.
PHONE = {"width": 390, "height": 844}
PHONE_ROLES = ["anonymous", "citizen"]  # the roles that mostly come by phone: a part of their own
TOUR_ARTIFACTS = ARTIFACTS / "tour"
# The screenshots are for people to look at; drawing a full page is a fifth of the tour's time.
# CI, where nobody looks, draws only the pages with a problem (HOEST_SCREENSHOTS=1: all of them).
TOUR_SCREENSHOTS = os.environ.get("HOEST_SCREENSHOTS", "0" if IN_CI else "1") == "1"
PARALLEL = 3  # browser contexts toured at the same time
# axe-core audits every page in Danish, the default language, at both widths and for every
# role. The English tour checks the answers, `<html lang>` and the width (English words are
# longer) without auditing again: the pages are the same templates with other words, and
# axe's rules look at structure, names, roles and colours (a third of the tour's time).
AUDITED_LANGUAGE = "da"

# Expected answers besides an HTTP status:
LOGIN = "login"  # a redirect to the sign-in page (which is then shown)
FRONT = "front"  # a redirect to the front page (a signed-in person asking for sign-in or sign-up)
# Refusals are drawn, audited and photographed the first time a visitor meets each kind; after
# that only their answer and language are checked (Visitor._check_refusal).
REFUSALS = (LOGIN, 403, 404)


# How much wider than the window the page is (0: no sideways scrolling).
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"

# Returns null when axe-core is not on the page yet; with it, the page's language and axe's
# WCAG 2.1 A and AA violations, in one round trip.
AUDIT = """async tags => window.axe ? {
    lang: document.documentElement.lang,
    violations: (await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]})).violations,
} : null"""


async def audit(page) -> tuple[str, list[dict]]:
    """The page's `<html lang>` and its axe-core violations of WCAG 2.1 A and AA.

    axe-core is put on the page through the browser's DevTools protocol (an init script, or
    evaluated here) rather than added as a <script>: the site's Content-Security-Policy
    rightly refuses inline scripts."""
    result = await page.evaluate(AUDIT, TAGS)
    if result is None:
        await page.evaluate(AXE.read_text())
        result = await page.evaluate(AUDIT, TAGS)
    return result["lang"], [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
                             "targets": [n["target"] for n in v["nodes"]][:5]} for v in result["violations"]]


# --- The world ------------------------------------------------------------------------------
@dataclass
class Tour:
    """The authorisation matrix's world (one object behind every URL) and the tour's extras."""

    world: object
    search_word: str
    hosted_past_dinner: object  # a dinner the citizen hosted that took place: its report is due
    voting_codes: dict  # (language, phone?) -> a fresh voting code for the signed-out voter

    def o(self, name: str):
        return self.world.objects[name]

    def process(self, phase: str):
        return self.world.objects["process"][phase]


def build_tour() -> Tour:
    from django.db import transaction

    from budgets import voting_codes
    from budgets.models import Project
    from dinners import services as dinner_services
    from dinners.models import Dinner
    from ideas import services as idea_services
    from ideas.models import Idea
    from notify import services as notify_services
    from notify.models import Notice
    from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
    from tests.dinners.conftest import make_dinner
    from tests.ideas.factories import IdeaFactory
    from tests.platform.security.world import build_world
    from ui.markdown import render_markdown

    world = build_world()
    citizen, aarhus = world.users["citizen"], world.aarhus
    # The idea page shows formatted text and a link (markdown), a comment and its place on a
    # map; the maps have pins (the ideas map, the budget's, the review form's).
    body = "**Fed** tekst og [et link](https://example.org)"
    Idea.objects.filter(pk=world.objects["idea"].pk).update(body=body, body_html=render_markdown(body),
                                                            latitude="56.1712", longitude="10.2010")
    IdeaFactory(campaign=world.objects["campaign"], title="Flere bænke langs åen", latitude="56.1560",
                longitude="10.2030")
    Project.objects.filter(process=world.objects["process"]["voting"], code="T1").update(
        latitude="56.1700", longitude="10.1990")
    # The project's page has a thread: a formatted comment with a reply, and one waiting for
    # a moderator (its author and the moderators see it, with its state and the moderation form).
    from budgets.comments import services as comment_services

    t1 = Project.objects.get(process=world.objects["process"]["voting"], code="T1")
    top = comment_services.project_comment_add(project=t1, author=world.objects["host"],
                                               body="**Gode** gynger, og [tegningen her](https://example.org)")
    comment_services.project_comment_add(project=t1, author=world.objects["guest"], body="Enig!", parent=top)
    idea_services.idea_settings_update(municipality=aarhus, moderation_mode="pre")
    comment_services.project_comment_add(project=t1, author=citizen, body="Hvornår står de der?")
    idea_services.idea_settings_update(municipality=aarhus, moderation_mode="post")
    Project.objects.filter(pk=world.objects["review_project"].pk).update(latitude="56.1450", longitude="10.1500")
    # The citizen's notifications list something: news of their own idea, one read, one not.
    own = IdeaFactory(campaign=world.objects["campaign"], author=citizen, title="Frugttræer i skolegården")
    idea_services.idea_follow(idea=own, user=citizen)
    for status in ("under_review", "accepted"):
        with transaction.atomic():
            idea_services.idea_status_change(actor=world.users["staff"], idea=own, to_status=status, answer="Tak!")
    notify_services.notices_mark_read(user=citizen, notice_ids=list(
        Notice.objects.filter(recipient=citizen).order_by("pk").values_list("pk", flat=True)[:1]))
    # The campaign and the dinner programme have pictures: on their pages, their front page
    # cards and the campaign's staff form (the demo's, through the upload checks).
    from dinners.demo import DEMO_IMAGES as DINNER_IMAGES
    from ideas.demo import DEMO_IMAGES as IDEA_IMAGES
    from ideas.demo import demo_picture
    from ui.images import clean_picture, picture_store

    for obj, picture, alt in ((world.objects["campaign"], IDEA_IMAGES / "village.webp", "Tegning af en landsby"),
                              (world.objects["programme"], DINNER_IMAGES / "table.webp", "Tegning af et middagsbord")):
        obj.image_alt = alt
        picture_store(obj, clean_picture(demo_picture(picture)))
        obj.save()
    # The ballots whose forms differ from approval's checkboxes: points and places.
    for ballot_type in ("cumulative", "ranked"):
        process = BudgetProcessFactory(municipality=aarhus, ballot_type=ballot_type, max_projects=3)
        for code in "ABC":
            ProjectFactory(process=process, code=code)
        world.objects["process"][ballot_type] = process
    # A dinner the citizen hosted, with a guest, that took place: its report is due.
    past = make_dinner(world.objects["programme"], citizen, district=citizen.district, title="Suppe i Trøjborg")
    dinner_services.seat_book(dinner=past, guest=world.objects["guest"])
    Dinner.objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(hours=3))
    visits = [(language, phone) for language in LANGUAGES for phone in (False, True)]
    codes = voting_codes.codes_generate(process=world.objects["process"]["voting"], count=len(visits))
    return Tour(world=world, search_word="bænke", hosted_past_dinner=Dinner.objects.get(pk=past.pk),
                voting_codes=dict(zip(visits, codes, strict=True)))


# --- Visiting -------------------------------------------------------------------------------
async def cast_ballot(page, tour, process_url, *, language, role, phone):
    """The receipt is shown once, as the answer to the ballot itself (at the ballot's own
    address): cast one in the browser (signed out, with a voting code from a letter)."""
    response = await page.goto(ballot_url(process_url, role))
    if response.status != 200:
        return response
    if role == "anonymous":
        await page.locator("#id_code").fill(tour.voting_codes[language, phone])
    await page.locator("#project-A").check()
    async with page.expect_navigation() as navigation:
        await page.get_by_role("button", name={"da": "Afgiv min stemme", "en": "Cast my ballot"}[language]).click()
    return await navigation.value


def ballot_url(process_url: str, role: str) -> str:
    return process_url + ("vote/code/" if role == "anonymous" else "vote/")


async def send_empty(page, url):
    """A form sent without filling it in: the page again, with its error summary."""
    response = await page.goto(url)
    if response.status != 200:
        return response
    async with page.expect_navigation() as navigation:
        await page.locator("main form button.button-primary").last.click()
    return await navigation.value


@dataclass(frozen=True)
class PageType:
    name: str
    url: Callable[[Tour], str]
    expected: dict[str, int | str]
    # None: a plain GET; "ballot": cast a ballot first; "empty": send the form empty;
    # "download": the page that offers a file, and the file
    visit: str | None = None


def table(*rows) -> list[PageType]:
    pages = [PageType(name, url, dict(zip(ROLES, answers, strict=True)), visit)
             for name, url, *answers, visit in rows]
    names = [p.name for p in pages]
    assert len(names) == len(set(names)), "page type names are file names: keep them unique"
    assert all(p.visit in (None, "ballot", "empty", "download") for p in pages)
    return pages


def voting(t: Tour) -> int:
    return t.process("voting").pk


# Every page type, how to reach it, and what each role gets. The last column is how to visit
# it when a plain GET is not enough.
PAGES = table(
    # page type               URL                                                                anonymous citizen moderator staff council  visit
    # Site-wide and accounts
    ("front-page",            lambda t: "/",                                                      200,   200,   200,   200,   200,   None),
    ("accessibility",         lambda t: "/accessibility/",                                        200,   200,   200,   200,   200,   None),
    ("not-found",             lambda t: "/no-such-page/",                                         404,   404,   404,   404,   404,   None),
    ("login",                 lambda t: "/accounts/login/",                                       200,   FRONT, FRONT, FRONT, FRONT, None),
    ("signup",                lambda t: "/accounts/signup/",                                      200,   FRONT, FRONT, FRONT, FRONT, None),
    ("account",               lambda t: "/account/",                                              LOGIN, 200,   200,   200,   200,   None),
    ("data-download",         lambda t: "/account/data.json",                                     LOGIN, 200,   200,   200,   200,   "download"),
    ("account-delete",        lambda t: "/account/delete/",                                       LOGIN, 200,   200,   200,   200,   None),
    ("notifications",         lambda t: "/account/notifications/",                                LOGIN, 200,   200,   200,   200,   None),
    ("email-choices",         lambda t: "/account/notifications/email/",                          LOGIN, 200,   200,   200,   200,   None),
    ("stop-emails",           lambda t: f"/account/notifications/unsubscribe/{t.o('mail_unsubscribe_token')}/", 200, 200, 200, 200, 200, None),
    ("two-factor",            lambda t: "/accounts/2fa/",                                         LOGIN, 200,   200,   200,   200,   None),
    ("passkeys",              lambda t: "/accounts/2fa/webauthn/",                                LOGIN, 200,   200,   200,   200,   None),
    ("confirm-who-you-are",   lambda t: "/accounts/reauthenticate/",                              LOGIN, 200,   200,   200,   200,   None),
    # Ideas
    ("idea-list",             lambda t: "/ideas/",                                                200,   200,   200,   200,   200,   None),
    ("idea-map",              lambda t: "/ideas/map/",                                            200,   200,   200,   200,   200,   None),
    ("search",                lambda t: f"/ideas/?q={t.search_word}",                             200,   200,   200,   200,   200,   None),
    ("campaign",              lambda t: f"/ideas/campaigns/{t.o('campaign').pk}/",                200,   200,   200,   200,   200,   None),
    ("idea",                  lambda t: f"/ideas/{t.o('idea').pk}/",                              200,   200,   200,   200,   200,   None),
    ("submit",                lambda t: "/ideas/new/",                                            LOGIN, 200,   200,   200,   200,   None),
    ("submit-with-errors",    lambda t: "/ideas/new/",                                            LOGIN, 200,   200,   200,   200,   "empty"),
    ("report-idea",           lambda t: f"/ideas/{t.o('idea').pk}/flag/",                         LOGIN, 200,   200,   200,   200,   None),
    ("pending-idea",          lambda t: f"/ideas/{t.o('pending_idea').pk}/",                      404,   404,   200,   200,   404,   None),
    ("moderation-queue",      lambda t: "/ideas/moderation/",                                     LOGIN, 403,   200,   200,   403,   None),
    ("idea-for-citizen",      lambda t: "/ideas/staff/new/",                                      LOGIN, 403,   403,   200,   403,   None),
    # Staff pages: the staff home, campaigns with their frame, moderation settings
    ("staff-home",            lambda t: "/staff/m/aarhus/",                                       LOGIN, 403,   403,   200,   403,   None),
    ("staff-campaigns",       lambda t: "/ideas/staff/m/aarhus/campaigns/",                       LOGIN, 403,   403,   200,   403,   None),
    ("campaign-new",          lambda t: "/ideas/staff/m/aarhus/campaigns/new/",                   LOGIN, 403,   403,   200,   403,   None),
    ("campaign-with-errors",  lambda t: "/ideas/staff/m/aarhus/campaigns/new/",                   LOGIN, 403,   403,   400,   403,   "empty"),
    ("campaign-edit",         lambda t: f"/ideas/staff/campaigns/{t.o('campaign').pk}/edit/",     LOGIN, 404,   404,   200,   404,   None),
    ("moderation-settings",   lambda t: "/ideas/staff/m/aarhus/settings/",                        LOGIN, 403,   403,   200,   403,   None),
    # Participatory budgets
    ("budget-list",           lambda t: "/budgets/",                                              200,   200,   200,   200,   200,   None),
    ("budget",                lambda t: f"/budgets/{voting(t)}/",                                 200,   200,   200,   200,   200,   None),
    ("budget-map",            lambda t: f"/budgets/{voting(t)}/map/",                             200,   200,   200,   200,   200,   None),
    ("budget-project",        lambda t: f"/budgets/{voting(t)}/projects/T1/",                     200,   200,   200,   200,   200,   None),
    ("budget-project-built",  lambda t: t.o("built_project").get_absolute_url(),                  200,   200,   200,   200,   200,   None),
    ("report-project-comment", lambda t: f"/budgets/comments/{t.o('project_comment').pk}/flag/",    LOGIN, 200,   200,   200,   200,   None),
    ("budget-proposals",      lambda t: f"/budgets/{t.process('proposals').pk}/propose/",         LOGIN, 200,   200,   200,   200,   None),
    ("ballot",                lambda t: f"/budgets/{voting(t)}/vote/",                            LOGIN, 200,   200,   200,   200,   None),
    ("ballot-with-errors",    lambda t: f"/budgets/{voting(t)}/vote/",                            LOGIN, 200,   200,   200,   200,   "empty"),
    ("ballot-cumulative",     lambda t: f"/budgets/{t.process('cumulative').pk}/vote/",           LOGIN, 200,   200,   200,   200,   None),
    ("ballot-ranked",         lambda t: f"/budgets/{t.process('ranked').pk}/vote/",               LOGIN, 200,   200,   200,   200,   None),
    ("ballot-district",       lambda t: f"/budgets/{voting(t)}/vote/district/trojborg/",          LOGIN, 200,   403,   403,   403,   None),
    ("ballot-with-code",      lambda t: f"/budgets/{voting(t)}/vote/code/",                       200,   200,   200,   200,   200,   None),
    ("receipt",               lambda t: f"/budgets/{voting(t)}/",                                 200,   200,   200,   200,   200,   "ballot"),
    ("verify-ballot",         lambda t: f"/budgets/{voting(t)}/verify/",                          200,   200,   200,   200,   200,   None),
    ("ballot-box",            lambda t: f"/budgets/{voting(t)}/ballot-box/",                      200,   200,   200,   200,   200,   None),
    ("ballot-box-prepare",    lambda t: f"/budgets/{t.process('proposals').pk}/ballot-box/prepare/", LOGIN, 403, 403,   200,   403,   None),
    ("ballot-box-open",       lambda t: f"/budgets/{t.process('council_review').pk}/ballot-box/open/", LOGIN, 403, 403, 403,   200,   None),
    ("phase",                 lambda t: f"/budgets/{voting(t)}/phase/",                           LOGIN, 403,   403,   200,   403,   None),
    ("turnout",               lambda t: f"/budgets/{voting(t)}/turnout/",                         LOGIN, 403,   403,   200,   200,   None),
    ("voting-codes",          lambda t: f"/budgets/{voting(t)}/codes/",                           LOGIN, 403,   403,   200,   403,   None),
    ("paper-ballots",         lambda t: f"/budgets/{voting(t)}/paper/",                           LOGIN, 403,   403,   200,   403,   None),
    ("district-budgets",      lambda t: f"/budgets/{t.process('proposals').pk}/district-budgets/", LOGIN, 403,  403,   200,   403,   None),
    ("project-review",        lambda t: f"/budgets/projects/{t.o('review_project').pk}/review/",  LOGIN, 403,   403,   200,   403,   None),
    ("project-from-idea",     lambda t: f"/budgets/{t.process('review').pk}/from-idea/",          LOGIN, 403,   403,   200,   403,   None),
    ("council-review",        lambda t: f"/budgets/{t.process('council_review').pk}/council/",    LOGIN, 403,   403,   403,   200,   None),
    ("budget-result",         lambda t: f"/budgets/{t.process('results').pk}/",                   200,   200,   200,   200,   200,   None),
    ("project-progress",      lambda t: f"/budgets/projects/{t.o('built_project').pk}/progress/", LOGIN, 403,   403,   200,   403,   None),
    ("budget-setup-list",     lambda t: "/budgets/setup/",                                        LOGIN, 403,   403,   200,   403,   None),
    ("budget-setup-new",      lambda t: "/budgets/setup/new/",                                    LOGIN, 403,   403,   200,   403,   None),
    ("budget-setup-new-with-errors", lambda t: "/budgets/setup/new/",                             LOGIN, 403,   403,   200,   403,   "empty"),
    ("budget-setup-basics",   lambda t: f"/budgets/{t.o('draft').pk}/setup/basics/",              LOGIN, 404,   404,   200,   404,   None),
    ("budget-setup-ballot",   lambda t: f"/budgets/{t.o('draft').pk}/setup/ballot/",              LOGIN, 404,   404,   200,   404,   None),
    ("budget-setup-eligibility", lambda t: f"/budgets/{t.o('draft').pk}/setup/eligibility/",      LOGIN, 404,   404,   200,   404,   None),
    ("budget-setup-tally",    lambda t: f"/budgets/{t.o('draft').pk}/setup/tally/",               LOGIN, 404,   404,   200,   404,   None),
    ("budget-setup-timeline", lambda t: f"/budgets/{t.o('draft').pk}/setup/timeline/",            LOGIN, 404,   404,   200,   404,   None),
    ("budget-setup-check",    lambda t: f"/budgets/{t.o('draft').pk}/setup/check/",               LOGIN, 404,   404,   200,   404,   None),
    # Dinner dialogues
    ("dinner-list",           lambda t: "/dinners/",                                              200,   200,   200,   200,   200,   None),
    ("dinner-programme",      lambda t: f"/dinners/{t.o('programme').pk}/",                       200,   200,   200,   200,   200,   None),
    ("host-form",             lambda t: f"/dinners/{t.o('programme').pk}/host/",                  LOGIN, 200,   200,   200,   200,   None),
    ("guest-form",            lambda t: f"/dinners/{t.o('programme').pk}/any/",                   LOGIN, 200,   200,   200,   200,   None),
    ("dinner",                lambda t: f"/dinners/dinner/{t.o('dinner').pk}/",                   200,   200,   200,   200,   200,   None),
    ("dinner-invitation",     lambda t: f"/dinners/invite/{t.o('dinner').invite_token}/",         LOGIN, 200,   200,   200,   200,   None),
    ("hosted-dinner",         lambda t: f"/dinners/dinner/{t.hosted_past_dinner.pk}/",            200,   200,   200,   200,   200,   None),
    ("dinner-edit",           lambda t: f"/dinners/dinner/{t.hosted_past_dinner.pk}/edit/",       LOGIN, 200,   403,   200,   403,   None),
    ("dinner-cancel",         lambda t: f"/dinners/dinner/{t.hosted_past_dinner.pk}/cancel/",     LOGIN, 200,   403,   200,   403,   None),
    ("dinner-report",         lambda t: f"/dinners/dinner/{t.hosted_past_dinner.pk}/report/",     LOGIN, 200,   403,   403,   403,   None),
    ("pending-dinner",        lambda t: f"/dinners/dinner/{t.o('pending_dinner').pk}/",           404,   404,   200,   200,   404,   None),
    ("my-dinners",            lambda t: "/dinners/mine/",                                         LOGIN, 200,   200,   200,   200,   None),
    ("dinner-overview",       lambda t: f"/dinners/{t.o('programme').pk}/staff/",                 LOGIN, 403,   403,   200,   403,   None),
    ("new-programme",         lambda t: "/dinners/new/",                                          LOGIN, 403,   403,   200,   403,   None),
    ("programme-picture",     lambda t: f"/dinners/{t.o('programme').pk}/picture/",               LOGIN, 403,   403,   200,   403,   None),
    # Innovation Barometer reports
    ("dashboard",             lambda t: "/reports/m/aarhus/",                                     200,   200,   200,   200,   200,   None),
    ("innovations",           lambda t: "/reports/m/aarhus/innovations/",                         LOGIN, 403,   403,   200,   200,   None),
    ("new-innovation",        lambda t: "/reports/m/aarhus/innovations/new/",                     LOGIN, 403,   403,   200,   403,   None),
    ("cocreation",            lambda t: f"/reports/innovations/{t.o('innovation').pk}/cocreation/", LOGIN, 403, 403,   200,   403,   None),
    ("cocreation-answer",     lambda t: f"/reports/cocreation/{t.o('invitation').token}/",        200,   200,   200,   200,   200,   None),
)


class Visitor:
    """One browser context for one role in one language on a desktop or a phone window, and
    what went wrong in it."""

    def __init__(self, tour: Tour, role: str, language: str, session: str | None, problems, found,
                 *, phone: bool = False):
        self.tour, self.role, self.language, self.session = tour, role, language, session
        self.problems, self.found, self.phone = problems, found, phone
        self.viewport = PHONE if phone else DESKTOP
        self.folder = (TOUR_ARTIFACTS / "phone" if phone else TOUR_ARTIFACTS) / language / role
        self.folder.mkdir(parents=True, exist_ok=True)
        self.visits = 0
        self.refusals_seen: set = set()

    async def tour_all(self, browser, base_url: str) -> None:
        self.context = await browser.new_context(base_url=base_url, locale="da-DK", accept_downloads=True,
                                                 viewport=self.viewport)
        cookies = [{"name": "django_language", "value": self.language, "url": base_url}]
        if self.session is not None:
            cookies.append({"name": "sessionid", "value": self.session, "url": base_url})
        await self.context.add_cookies(cookies)
        # axe-core on every page before its own scripts run: sent to the browser once, not
        # with every page (see audit()).
        await self.context.add_init_script(path=str(AXE))
        self.page = await self.context.new_page()
        self.page.set_default_timeout(15_000)
        for page_type in PAGES:
            await self.visit(page_type)
            self.visits += 1
        await self.context.close()

    def where(self, page_type: PageType) -> str:
        return f"{page_type.name} as {self.role} in {self.language}" + (" on a phone" if self.phone else "")

    async def visit(self, page_type: PageType) -> None:
        url = page_type.url(self.tour)
        expected = page_type.expected[self.role]
        problems_before = len(self.problems)
        if expected in REFUSALS and expected in self.refusals_seen:
            await self._check_refusal(page_type, url, expected)
            return
        if expected in REFUSALS:
            self.refusals_seen.add(expected)
        if page_type.visit == "download" and expected == 200:
            response = await self._download(page_type, url)
        elif page_type.visit == "empty" and expected in (200, 400):  # staff forms answer errors with 400
            response = await send_empty(self.page, url)
            if not await self.page.locator("#error-summary").is_visible():
                self.problems.append(f"{self.where(page_type)}: the form sent empty shows no error summary")
        elif page_type.visit == "ballot" and expected == 200:
            response = await cast_ballot(self.page, self.tour, url, language=self.language, role=self.role,
                                         phone=self.phone)
            if response.status == 200 and not (await self.page.locator("#receipt-code").inner_text()).strip():
                self.problems.append(f"{self.where(page_type)}: the receipt page shows no receipt code")
        else:
            response = await self.page.goto(url)
        self._check_answer(page_type, url, expected, response)
        if self.language == AUDITED_LANGUAGE:
            lang, found = await audit(self.page)
        else:
            lang, found = await self.page.evaluate("document.documentElement.lang"), []
        if lang != self.language:
            self.problems.append(f"{self.where(page_type)}: <html lang={lang!r}>, expected {self.language!r}")
        overflow = await self.page.evaluate(OVERFLOW)
        if overflow > 0:
            self.problems.append(f"{self.where(page_type)}: the page is {overflow} px wider than the "
                                 f"{self.viewport['width']} px window (it scrolls sideways)")
        for violation in found:
            self.found.append({"page": page_type.name, "role": self.role,
                               "language": self.language + (" on a phone" if self.phone else ""),
                               "url": self.page.url, **violation})
        if TOUR_SCREENSHOTS or found or len(self.problems) > problems_before:
            await self.page.screenshot(path=str(self.folder / f"{page_type.name}.png"), full_page=True)

    async def _check_refusal(self, page_type: PageType, url: str, expected) -> None:
        """A refusal this visitor has already seen drawn and audited (the same template for
        every page that refuses): its answer and language are checked without drawing it
        again, with the visitor's cookies."""
        answer = await self.context.request.get(url, max_redirects=0)
        location = urlsplit(answer.headers.get("location", "")).path
        if expected == LOGIN:
            ok = answer.status == 302 and location == "/accounts/login/"
        else:
            ok = answer.status == expected and answer.headers.get("content-language") == self.language
        if not ok:
            got = f"{answer.status} {location or answer.headers.get('content-language', '')}".strip()
            self.problems.append(f"{self.where(page_type)} ({url}): expected {expected} in "
                                 f"{self.language}, got {got}")
        await answer.dispose()

    async def _download(self, page_type: PageType, url: str):
        """The data download is a file: show the page that offers it, follow its link, and
        ask for the file once more to see the answer's status and content type."""
        response = await self.page.goto("/account/")
        async with self.page.expect_download() as download_info:
            await self.page.locator(f"a[href='{url}']").click()
        download = await download_info.value
        text = Path(await download.path()).read_text()
        if (json.loads(text).get("format") != "hoest-personal-data/1"
                or self.tour.world.users[self.role].email not in text):
            self.problems.append(f"{self.where(page_type)}: the download is not this person's data")
        answer = await self.context.request.get(url, max_redirects=0)
        content_type = answer.headers.get("content-type", "")
        if answer.status != 200 or not content_type.startswith("application/json"):
            self.problems.append(f"{self.where(page_type)}: the download answered {answer.status} {content_type!r}")
        return response

    def _check_answer(self, page_type: PageType, url: str, expected, response) -> None:
        path = urlsplit(self.page.url).path
        redirected = response.request.redirected_from is not None
        if expected == LOGIN:
            ok = redirected and path == "/accounts/login/" and response.status == 200
        elif expected == FRONT:
            ok = redirected and path == "/" and response.status == 200
        else:
            # The page asked for (the data download is offered on the account page).
            shown = ("/account/" if page_type.visit == "download" else
                     ballot_url(urlsplit(url).path, self.role) if page_type.visit == "ballot" else urlsplit(url).path)
            ok = response.status == expected and path == shown
        if not ok:
            got = f"{response.status} at {path}" + (" after a redirect" if redirected else "")
            self.problems.append(f"{self.where(page_type)} ({url}): expected {expected}, got {got}")


def report(problems: list[str], found: list[dict]) -> str:
    lines = []
    if problems:
        lines += [f"{len(problems)} page(s) answered wrongly:", *(f"- {p}" for p in sorted(problems))]
    if found:
        lines.append(f"{len(found)} axe violation(s) of WCAG 2.1 A/AA:")
        for v in sorted(found, key=lambda v: (v["page"], v["role"], v["language"], v["rule"])):
            lines.append(f"- {v['page']} as {v['role']} in {v['language']} ({v['url']}): {v['rule']} "
                         f"({v['impact']}) {v['help']}; {v['targets']}")
    return "\n".join(lines)


async def run_tour(base_url: str, visitors: list[Visitor]) -> None:
    from playwright.async_api import async_playwright

    # A few contexts at a time: while one waits for the server, another's page is measured
    # or drawn. Each context still visits its pages one after another.
    at_once = asyncio.Semaphore(PARALLEL)

    async def tour_with(browser, visitor: Visitor) -> None:
        async with at_once:
            await visitor.tour_all(browser, base_url)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            await asyncio.gather(*(tour_with(browser, visitor) for visitor in visitors))
        finally:
            await browser.close()


def session_cookie(user) -> str | None:
    """A session signed in just now: with the second factor for the privileged roles (who all
    have one), so the pages that ask for a recent authentication show themselves."""
    from accounts import mfa
    from tests.factories import sign_in_recently

    if user is None:
        return None
    client = Client()
    if mfa.has_second_factor(user):
        sign_in_recently(client, user)
    else:
        client.force_login(user)
    return client.cookies["sessionid"].value


# The tour in parts, so that pytest-xdist can share them among its workers; each part builds
# its own world. Every role on a desktop and on a phone.
PRIVILEGED_ROLES = ["moderator", "staff", "council"]
PARTS = [(language, phone, roles) for language in LANGUAGES for phone in (False, True)
         for roles in (PHONE_ROLES, PRIVILEGED_ROLES)]
assert all(sorted({role for _, on_phone, roles in PARTS if on_phone == phone for role in roles}) == sorted(ROLES)
           for phone in (False, True))


@pytest.mark.parametrize(("language", "phone", "roles"), PARTS,
                         ids=[f"{language}-{'phone' if phone else 'desktop'}-{'+'.join(roles)}"
                              for language, phone, roles in PARTS])
def test_every_page_type_as_every_role(live_server, settings, language, phone, roles):
    """Playwright's async API rather than the e2e `browser` fixture (sync), so that several
    contexts are toured at once: on two busy cores that took about a third less time."""
    need_chromium()
    need(AXE.exists(), "needs axe-core from npm (./hoest setup installs it)")
    started = time.monotonic()
    tour = build_tour()
    # The tour takes minutes: its sign-ins stay recent throughout (accounts.mfa).
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 3600
    problems: list[str] = []
    found: list[dict] = []
    visitors = [Visitor(tour, role, language, session_cookie(tour.world.users[role]), problems, found, phone=phone)
                for role in roles]
    built = time.monotonic()
    asyncio.run(run_tour(live_server.url, visitors))
    visits = sum(visitor.visits for visitor in visitors)
    print(f"\npage tour, {language}, {'phone' if phone else 'desktop'}: {len(PAGES)} page types x {len(roles)} "
          f"roles: {visits} visits; world built in {built - started:.1f} s, toured in {time.monotonic() - built:.1f} s")
    assert visits == len(PAGES) * len(roles)
    if problems or found:
        pytest.fail(report(problems, found), pytrace=False)
