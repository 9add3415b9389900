"""E-mail choices per kind, on /account/notifications/email/: at once sends the e-mail at
once, never sends none (the notice is still in the centre), a daily digest sends one e-mail
later with everything that waited; some kinds are always sent at once and cannot be changed."""
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client

from accounts.selectors import user_personal_data
from config.celery import app
from ideas import services as idea_services
from ideas.models import Comment, Status
from notify import digest, selectors, services
from notify.models import DIGEST_KIND, Delivery, MailChoice, Notice, State
from notify.tasks import deliver_due, send_digests
from tests.factories import UserFactory

from .conftest import status_change

pytestmark = pytest.mark.django_db
CHOICES = "/account/notifications/email/"
STATUS = "ideas.status_changed"


def _signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _choose(user, **choices):
    services.mail_choices_set(user=user, choices={kind.replace("__", "."): value for kind, value in choices.items()})


def _news(idea, staff, capture, to_status=Status.UNDER_REVIEW):
    """A status change, delivered as the worker would after the commit."""
    with capture(execute=True):
        return status_change(idea, staff, to_status)


def test_the_page_offers_each_kind_as_a_radio_group_by_category_and_shows_the_fixed_ones(author):
    html = _signed_in(author).get(CHOICES).content.decode()
    for heading in ("My ideas and comments", "Ideas I follow", "Participatory budgets", "Dinners I take part in",
                    "Dinners I host"):
        assert f">{heading}</h2>" in html
    assert '<legend class="form-label">An idea I follow gets a new status' in html
    assert html.count('type="radio" name="kind-ideas-status_changed"') == 3
    assert 'value="at_once"' in html and "checked" in html, "at once until one chooses"
    # The kinds that are always sent at once are shown, but offer no choice.
    assert "A moderator hides my idea or comment" in html and 'name="kind-ideas-hidden"' not in html
    assert "A dinner I am going to is cancelled" in html and 'name="kind-dinners-cancelled"' not in html
    assert "A moderator hides my comment on a budget project" in html
    assert 'name="kind-budgets-comment_hidden"' not in html
    assert html.count("Always e-mailed at once; this cannot be changed.") == 5


def test_saving_a_choice_keeps_it_and_a_wrong_value_is_an_error_on_the_page(author):
    client = _signed_in(author)
    form = {"kind-" + kind.replace(".", "-"): "at_once" for kind in selectors.mail_choices(user=author)}
    answer = client.post(CHOICES, {**form, "kind-ideas-status_changed": "digest", "kind-dinners-reminder": "never"},
                         follow=True)
    assert "Your e-mail choices have been saved." in answer.content.decode()
    assert dict(MailChoice.objects.filter(user=author).values_list("kind", "delivery"))[STATUS] == "digest"
    assert MailChoice.objects.get(user=author, kind="dinners.reminder").delivery == "never"
    page = client.get(CHOICES).content.decode()
    assert _checked(page, "kind-ideas-status_changed") == "digest" and _checked(page, "kind-ideas-merged") == "at_once"
    wrong = client.post(CHOICES, {**form, "kind-ideas-status_changed": "weekly"})
    assert wrong.status_code == 200 and "There is a problem" in wrong.content.decode()
    assert MailChoice.objects.get(user=author, kind=STATUS).delivery == "digest", "nothing changed"


def _checked(html: str, name: str) -> str | None:
    """The value of the radio button `name` the page shows chosen."""
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and "checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def test_a_kind_that_is_always_sent_cannot_be_chosen_and_is_sent_whatever_is_stored(
        idea, staff, author, django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as refused:
        _choose(author, ideas__hidden="never")
    assert list(refused.value.message_dict) == ["ideas.hidden"]
    MailChoice.objects.create(user=author, kind="ideas.hidden", delivery="never")  # a row from elsewhere
    comment = idea_services.comment_add(idea=idea, author=author, body="Et svar.")
    with django_capture_on_commit_callbacks(execute=True):
        idea_services.moderation_hide(actor=staff, reason="spam", comment=Comment.objects.get(pk=comment.pk))
    assert [m.to for m in mail.outbox] == [[author.email]]


def test_at_once_sends_the_email_at_once_with_a_link_to_the_choices(idea, staff, author,
                                                                      django_capture_on_commit_callbacks):
    _choose(author, ideas__status_changed="at_once")
    _news(idea, staff, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.to == [author.email] and "Under review" in message.subject
    assert "http://testserver/account/notifications/email/" in message.body or CHOICES in message.body
    assert message.body.count("\n--\n") == 1, "one signature line, the app's own footer and the link below it"
    assert Notice.objects.get(recipient=author).state == State.SENT


def test_never_sends_nothing_but_the_notice_is_in_the_centre(idea, staff, author, django_capture_on_commit_callbacks):
    _choose(author, ideas__status_changed="never")
    _news(idea, staff, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    notice = Notice.objects.get(recipient=author)
    assert notice.state == State.NOT_WANTED and notice.attempts == 0
    assert deliver_due(older_than_seconds=0) == 0 and mail.outbox == [], "the sweep leaves it alone"
    assert "“Bænke ved åen” is now: Under review" in _signed_in(author).get("/account/notifications/").content.decode()
    assert send_digests() == 0 and mail.outbox == []


def test_a_daily_digest_sends_one_email_later_with_everything_that_waited(idea, staff, author,
                                                                          django_capture_on_commit_callbacks):
    _choose(author, ideas__status_changed="digest")
    follower = UserFactory(preferred_language="nb")  # at once: the same news reaches them now
    idea_services.idea_follow(idea=idea, user=follower)
    _news(idea, staff, django_capture_on_commit_callbacks, Status.UNDER_REVIEW)
    _news(idea, staff, django_capture_on_commit_callbacks, Status.ACCEPTED)
    assert [m.to for m in mail.outbox] == [[follower.email]] * 2, "nothing for the author yet"
    waiting = Notice.objects.filter(recipient=author, kind=STATUS)
    assert set(waiting.values_list("state", flat=True)) == {State.DIGEST}
    assert deliver_due(older_than_seconds=0) == 0, "the sweep does not send what waits for the digest"
    mail.outbox.clear()

    assert send_digests() == 1
    [message] = mail.outbox
    assert message.to == [author.email]
    assert message.subject == "Your daily digest from Høst: 2 new notifications"
    assert "“Bænke ved åen” is now: Under review" in message.body and "“Bænke ved åen” is now: Accepted" in message.body
    assert f"/ideas/{idea.pk}/" in message.body and "/account/notifications/email/" in message.body
    assert set(waiting.values_list("state", flat=True)) == {State.SENT}
    assert all(n.sent_at for n in waiting)
    assert send_digests() == 0 and deliver_due(older_than_seconds=0) == 0
    assert len(mail.outbox) == 1, "sent once"
    assert "Your daily digest" not in _signed_in(author).get("/account/notifications/").content.decode(), \
        "the digest carries notices; it is not one in the centre"


def test_news_after_the_days_digest_waits_for_the_next_day(idea, staff, author, django_capture_on_commit_callbacks):
    from datetime import date

    _choose(author, ideas__status_changed="digest")
    _news(idea, staff, django_capture_on_commit_callbacks, Status.UNDER_REVIEW)
    assert digest.digests_send(day=date(2030, 5, 1)) == 1
    _news(idea, staff, django_capture_on_commit_callbacks, Status.ACCEPTED)
    assert digest.digests_send(day=date(2030, 5, 1)) == 0, "one digest a day"
    assert digest.digests_send(day=date(2030, 5, 2)) == 1
    assert len(mail.outbox) == 2 and "Accepted" in mail.outbox[1].body and "Under review" not in mail.outbox[1].body
    assert Notice.objects.filter(kind=DIGEST_KIND).count() == 2


def test_changing_from_the_digest_sends_or_drops_what_waits(idea, staff, author, django_capture_on_commit_callbacks):
    _choose(author, ideas__status_changed="digest")
    _news(idea, staff, django_capture_on_commit_callbacks, Status.UNDER_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        _choose(author, ideas__status_changed="at_once")
    assert len(mail.outbox) == 1 and "Under review" in mail.outbox[0].subject
    _choose(author, ideas__status_changed="digest")
    _news(idea, staff, django_capture_on_commit_callbacks, Status.ACCEPTED)
    _choose(author, ideas__status_changed="never")
    assert Notice.objects.filter(recipient=author, state=State.NOT_WANTED).count() == 1
    assert send_digests() == 0 and len(mail.outbox) == 1


def test_a_kind_nobody_can_choose_is_refused_by_the_service(author):
    with pytest.raises(ValidationError) as refused:
        _choose(author, nothing__like_this="never", ideas__merged="weekly")
    assert set(refused.value.message_dict) == {"nothing.like_this", "ideas.merged"}
    assert not MailChoice.objects.exists()


def test_the_digest_runs_daily_in_the_beat_schedule():
    entry = next(e for e in app.conf.beat_schedule.values() if e["task"] == "notify.tasks.send_digests")
    assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}


def test_the_data_download_has_the_choices_and_when_a_notice_was_read(idea, staff, author):
    _choose(author, dinners__reminder=Delivery.NEVER)
    status_change(idea, staff)
    services.notices_mark_read(user=author)
    document = user_personal_data(user=author)
    assert document["email_choices"] == [{"kind": "dinners.reminder", "delivery": "never",
                                          "changed": MailChoice.objects.get().updated_at.isoformat()}]
    [notice] = document["emails"]
    assert notice["kind"] == STATUS and notice["read"] is not None


@pytest.mark.django_db(transaction=True)
def test_deleting_the_account_deletes_the_choices_and_notices(idea, staff, author):
    from accounts.services import user_delete

    _choose(author, dinners__reminder=Delivery.NEVER)
    with transaction.atomic():
        status_change(idea, staff)
    user_delete(user=author)
    assert not MailChoice.objects.exists() and not Notice.objects.filter(recipient_id=author.pk).exists()
