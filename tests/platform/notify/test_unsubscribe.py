"""One-click unsubscribe (RFC 8058): every e-mail of a kind a person can turn off carries
`List-Unsubscribe` with a link signed for that person and kind, and `List-Unsubscribe-Post:
List-Unsubscribe=One-Click`. The mail client's POST to it turns the kind to "never" without
signing in; a GET only shows a page with a button. A changed or made-up link, or one signed
for someone else or for another purpose, changes nothing. E-mails that are always sent carry
no link."""
import email
import re

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client

from ideas import services as idea_services
from ideas.models import Comment, Status
from notify import selectors
from notify.models import DIGEST_KIND, Delivery, Notice, State
from notify.tasks import send_digests
from notify.unsubscribe import SALT, token_for
from tests.factories import UserFactory

from .conftest import status_change

pytestmark = pytest.mark.django_db
STATUS = "ideas.status_changed"
ONE_CLICK = "List-Unsubscribe=One-Click"


def _news(idea, staff, capture, to_status=Status.UNDER_REVIEW):
    with capture(execute=True):
        status_change(idea, staff, to_status)


def _link(message) -> str:
    """The path of the e-mail's one-click link (on the site's address, SITE_URL)."""
    header = message.extra_headers["List-Unsubscribe"]
    site = re.escape(settings.SITE_URL)
    assert re.fullmatch(rf"<{site}/account/notifications/unsubscribe/[^/>]+/>", header), header
    return header[len(settings.SITE_URL) + 1:-1]


def _mail_client() -> Client:
    """A mail provider's request: no session, no cookies, and CSRF checked as a browser's."""
    return Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")


def _one_click(path: str):
    return _mail_client().post(path, ONE_CLICK, content_type="application/x-www-form-urlencoded")


def test_an_email_of_a_kind_one_can_turn_off_carries_both_headers(idea, staff, author,
                                                                  django_capture_on_commit_callbacks):
    _news(idea, staff, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [author.email]
    assert message.extra_headers["List-Unsubscribe-Post"] == ONE_CLICK
    link = _link(message)
    token = link.rsplit("/", 2)[-2]
    assert signing.loads(token, salt=SALT) == {"u": author.pk, "k": STATUS}, "for this person and this kind"
    # As the message goes out (a long header may be folded onto more lines).
    sent = email.message_from_string(message.message().as_string())
    assert "".join(sent["List-Unsubscribe"].split()) == f"<{settings.SITE_URL}{link}>"
    assert sent["List-Unsubscribe-Post"] == ONE_CLICK


def test_the_one_click_post_turns_the_kind_off_and_the_notices_stay_in_the_centre(
        idea, staff, author, django_capture_on_commit_callbacks):
    _news(idea, staff, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    response = _one_click(link)
    assert response.status_code == 200
    assert "You will get no more e-mails of this kind" in response.content.decode()
    assert selectors.mail_choices(user=author)[STATUS] == Delivery.NEVER
    assert {k: v for k, v in selectors.mail_choices(user=author).items() if k != STATUS} == \
        dict.fromkeys(set(selectors.mail_choices(user=author)) - {STATUS}, Delivery.AT_ONCE), "only that kind"
    mail.outbox.clear()
    _news(idea, staff, django_capture_on_commit_callbacks, Status.ACCEPTED)
    assert mail.outbox == []
    assert Notice.objects.filter(recipient=author, kind=STATUS, state=State.NOT_WANTED).count() == 1
    # Clicking it again (a client that retries) is harmless.
    assert _one_click(link).status_code == 200


def test_following_the_link_only_asks(idea, staff, author, django_capture_on_commit_callbacks):
    _news(idea, staff, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    response = _mail_client().get(link)  # a scanner following every link in the e-mail
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop e-mails of this kind?" in html and "An idea I follow gets a new status" in html
    assert re.search(rf'<form method="post" action="{re.escape(link)}">\s*<button type="submit"', html)
    assert selectors.mail_choices(user=author)[STATUS] == Delivery.AT_ONCE, "a GET changes nothing"
    # The page's button works without a session or a CSRF token, as the one-click POST does.
    assert _mail_client().post(link).status_code == 200
    assert selectors.mail_choices(user=author)[STATUS] == Delivery.NEVER


def test_a_forged_or_someone_elses_link_changes_nothing(idea, staff, author, django_capture_on_commit_callbacks):
    victim = UserFactory(municipality=idea.municipality)
    _news(idea, staff, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    token = link.rsplit("/", 2)[-2]
    payload, _sep, signature = token.rpartition(":")
    forged = [
        link.replace(token, payload + ":" + ("A" if signature[0] != "A" else "B") + signature[1:]),  # signature changed
        # The author's link with the victim's id in it: its signature no longer fits.
        link.replace(token, signing.dumps({"u": victim.pk, "k": STATUS}, salt=SALT, key="not-the-site-key")),
        # Signed by the site, but for another purpose (the per-idea link of ideas' e-mails).
        link.replace(token, signing.dumps({"u": victim.pk, "k": STATUS}, salt="ideas.unsubscribe")),
        # A kind that is always sent cannot be turned off, even with a true signature.
        link.replace(token, token_for(user_id=victim.pk, kind="ideas.hidden")),
        link.replace(token, token_for(user_id=victim.pk, kind="no.such.kind")),
        link.replace(token, "x"),
    ]
    for path in forged:
        for response in (_one_click(path), _mail_client().get(path)):
            assert response.status_code == 400, path
            assert "Linket virker ikke" in response.content.decode(), "in the site's language: no one to ask"
    for person in (victim, author):
        assert set(selectors.mail_choices(user=person).values()) == {Delivery.AT_ONCE}
    # The author's own true link unsubscribes the author, never anyone else.
    assert _one_click(link).status_code == 200
    assert selectors.mail_choices(user=author)[STATUS] == Delivery.NEVER
    assert selectors.mail_choices(user=victim)[STATUS] == Delivery.AT_ONCE


def test_a_deleted_or_deactivated_persons_link_does_nothing(idea, staff, author, django_capture_on_commit_callbacks):
    _news(idea, staff, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    author.is_active = False
    author.save()
    assert _one_click(link).status_code == 400


def test_an_email_that_is_always_sent_carries_no_unsubscribe_link(idea, staff, author,
                                                                  django_capture_on_commit_callbacks):
    comment = idea_services.comment_add(idea=idea, author=author, body="Et svar.")
    with django_capture_on_commit_callbacks(execute=True):
        idea_services.moderation_hide(actor=staff, reason="spam", comment=Comment.objects.get(pk=comment.pk))
    [message] = mail.outbox
    assert "hidden" in message.subject
    assert "List-Unsubscribe" not in message.extra_headers
    assert "List-Unsubscribe" not in message.message().as_string()


def test_the_daily_digest_link_stops_the_digest(idea, staff, author, django_capture_on_commit_callbacks):
    from notify import services

    services.mail_choices_set(user=author, choices={STATUS: Delivery.DIGEST, "ideas.merged": Delivery.DIGEST,
                                                    "dinners.confirmed": Delivery.AT_ONCE})
    _news(idea, staff, django_capture_on_commit_callbacks)
    assert send_digests() == 1
    [digest] = mail.outbox
    link = _link(digest)
    assert signing.loads(link.rsplit("/", 2)[-2], salt=SALT)["k"] == DIGEST_KIND
    assert "Stop the daily digest?" in _mail_client().get(link).content.decode()
    response = _one_click(link)
    assert response.status_code == 200 and "You will get no more daily digests" in response.content.decode()
    choices = selectors.mail_choices(user=author)
    assert choices[STATUS] == choices["ideas.merged"] == Delivery.NEVER
    assert choices["dinners.confirmed"] == Delivery.AT_ONCE, "a kind sent at once is left as it was"


@pytest.mark.parametrize("language, heading, done", [
    ("da", "Stop e-mails", "Du får ikke flere e-mails af denne slags"),
    ("nb", "Stopp e-post", "Du får ikke mer e-post av dette slaget")])
def test_the_pages_speak_the_language_of_the_email(idea, staff, author, language, heading, done,
                                                   django_capture_on_commit_callbacks):
    author.preferred_language = language
    author.save()
    _news(idea, staff, django_capture_on_commit_callbacks)
    link = _link(mail.outbox[0])
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get(link).content.decode()
    assert f'<html lang="{language}">' in html and f"<h1>{heading}</h1>" in html
    assert done in _one_click(link).content.decode()
    # A language picked with the site's switcher wins, as on every page.
    switched = Client()
    switched.cookies["django_language"] = "en"
    assert '<html lang="en">' in switched.get(link).content.decode()
