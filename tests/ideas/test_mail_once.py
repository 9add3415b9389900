"""Status e-mails survive a crash mid-batch: each recipient's e-mail is a notice in notify's
outbox, marked sent in the transaction that sends it, so a rerun (redelivery or the sweep)
sends the rest and nothing twice. (With real processes: tests/platform/failures.)"""
import smtplib

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from ideas import notices, services
from ideas.models import Status
from notify import tasks
from notify.mail import IDEMPOTENCY_HEADER
from notify.models import Notice, State
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class MailServerGone(ConnectionError):
    """What a vanished mail server raises (smtplib's errors on a dropped connection are
    ConnectionErrors too): the task stops, and nothing is marked failed."""


def _change(idea, staff, **kwargs):
    return services.idea_status_change(actor=staff, idea=idea, to_status=Status.UNDER_REVIEW,
                                       answer="Vi ser på det.", **kwargs)


def _ids(change) -> list[int]:
    return list(Notice.objects.filter(kind="ideas.status_changed", context__change=change.pk)
                .order_by("pk").values_list("pk", flat=True))


def test_a_crash_in_the_middle_of_a_status_batch_loses_and_repeats_nothing(idea, staff, monkeypatch):
    followers = [UserFactory() for _ in range(4)]
    for follower in followers:
        services.idea_follow(idea=idea, user=follower)
    change = _change(idea, staff)
    mail.outbox.clear()
    real_send, calls = EmailMessage.send, []

    def send_then_die(message, *args, **kwargs):
        calls.append(message.to)
        if len(calls) == 3:
            raise MailServerGone  # the worker dies while handing over the third e-mail
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send_then_die)
    with pytest.raises(MailServerGone):
        tasks.deliver_notices(_ids(change))
    assert len(mail.outbox) == 2 and Notice.objects.filter(state=State.SENT).count() == 2
    assert Notice.objects.filter(state=State.QUEUED).count() == 3, "not done: the sweep finds them"

    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert tasks.deliver_due(older_than_seconds=0) == 3
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([idea.author.email, *(f.email for f in followers)]), "each once"
    assert len({m.extra_headers[IDEMPOTENCY_HEADER] for m in mail.outbox}) == 5
    assert tasks.deliver_notices(_ids(change)) == 0 and tasks.deliver_due(older_than_seconds=0) == 0
    assert len(mail.outbox) == 5


def test_a_title_with_a_line_break_gets_its_email_with_a_one_line_subject(idea, staff):
    """A line break in a header makes Django refuse the e-mail (BadHeaderError), and a title
    may hold one (the API and forms keep what was typed): subjects are made one line."""
    from ideas.models import Idea

    Idea.objects.filter(pk=idea.pk).update(title="Cykelsti\r\nlangs åen\u2028nu")
    idea.refresh_from_db()
    change = _change(idea, staff)
    mail.outbox.clear()
    assert tasks.deliver_notices(_ids(change)) == 1
    [message] = mail.outbox
    message.message()  # what the mail backend builds: it refuses a header with a line break
    assert "Cykelsti langs åen nu" in message.subject
    assert Notice.objects.get(pk__in=_ids(change)).state == State.SENT


def test_an_email_that_fails_is_marked_and_the_sweep_goes_on(campaign, staff, monkeypatch, caplog):
    """The attacker's line break stopped the whole sweep at the first bad row (and every
    sweep after): now that row is logged by its ids, marked failed, and the next is sent."""
    from tests.ideas.factories import IdeaFactory

    bad, good = IdeaFactory(campaign=campaign), IdeaFactory(campaign=campaign)
    bad_change, good_change = _change(bad, staff), _change(good, staff)
    mail.outbox.clear()
    real_letter = notices._letter

    def letter(template, *, user, idea, **context):
        if idea == bad:
            raise ValueError(f"refused: {user.email} {bad.title}")
        return real_letter(template, user=user, idea=idea, **context)

    monkeypatch.setattr(notices, "_letter", letter)
    with caplog.at_level("ERROR", logger="hoest.mail"):
        assert tasks.deliver_due(older_than_seconds=0) == 1
    assert [m.to for m in mail.outbox] == [[good.author.email]]
    assert Notice.objects.get(pk__in=_ids(good_change)).state == State.SENT
    failed = Notice.objects.get(pk__in=_ids(bad_change))
    assert failed.state == State.FAILED and failed.error == "ValueError" and failed.sent_at is None
    logged = caplog.text
    assert f"status:{bad_change.pk}:{bad.author.pk}" in logged and "ValueError" in logged
    assert bad.author.email not in logged and bad.title not in logged, "ids only, no personal data"
    assert tasks.deliver_due(older_than_seconds=0) == 0, "a failed row is not tried again and again"
    assert len(mail.outbox) == 1


def test_a_failing_recipient_does_not_cost_the_others_theirs(idea, staff, monkeypatch):
    followers = [UserFactory() for _ in range(3)]
    for follower in followers:
        services.idea_follow(idea=idea, user=follower)
    change = _change(idea, staff)
    mail.outbox.clear()
    real_send = EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == [followers[0].email]:
            raise ValueError("this one address")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(EmailMessage, "send", send)
    assert tasks.deliver_notices(_ids(change)) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted([idea.author.email, followers[1].email, followers[2].email])
    assert Notice.objects.get(recipient=followers[0]).state == State.FAILED


def test_an_unreachable_mail_server_stops_the_sweep_and_loses_nothing(campaign, staff, monkeypatch):
    from tests.ideas.factories import IdeaFactory

    changes = [_change(IdeaFactory(campaign=campaign), staff) for _ in range(2)]
    mail.outbox.clear()
    real_send, tries = EmailMessage.send, []

    def unreachable(message, *args, **kwargs):
        tries.append(message.to)
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(EmailMessage, "send", unreachable)
    assert tasks.deliver_due(older_than_seconds=0) == 0
    assert len(tries) == 1, "the sweep stops at the first: every e-mail would fail alike"
    assert not Notice.objects.filter(state=State.FAILED).exists()
    assert Notice.objects.get(pk=_ids(changes[0])[0]).attempts == 1, "the try is counted, nothing marked"
    monkeypatch.setattr(EmailMessage, "send", real_send)
    assert tasks.deliver_due(older_than_seconds=0) == 2
    assert all(Notice.objects.get(pk__in=_ids(c)).state == State.SENT for c in changes)


def test_someone_who_stopped_following_before_the_email_went_out_does_not_get_it(idea, staff):
    follower = UserFactory()
    services.idea_follow(idea=idea, user=follower)
    change = _change(idea, staff)
    services.idea_unfollow(idea=idea, user=follower)  # the link in an earlier e-mail
    mail.outbox.clear()
    assert tasks.deliver_notices(_ids(change)) == 1
    assert [m.to for m in mail.outbox] == [[idea.author.email]]
    assert Notice.objects.get(recipient=follower).state == State.SKIPPED
