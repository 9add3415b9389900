"""Status e-mails survive a crash mid-batch: each recipient's e-mail is marked sent by an
idempotency key in the transaction that sends it, so a rerun (redelivery or the sweep)
sends the rest and nothing twice. (With real processes: tests/platform/failures.)"""
import pytest
from django.core import mail

from accounts.mail import IDEMPOTENCY_HEADER
from ideas import services, tasks
from ideas.models import SentMail, Status, StatusChange
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class MailServerGone(ConnectionError):
    """What a vanished mail server raises (smtplib's errors on a dropped connection are
    ConnectionErrors too): the task stops, and nothing is marked failed."""


def test_a_crash_in_the_middle_of_a_status_batch_loses_and_repeats_nothing(idea, staff, monkeypatch):
    followers = [UserFactory() for _ in range(4)]
    for follower in followers:
        services.idea_follow(idea=idea, user=follower)
    change = services.idea_status_change(actor=staff, idea=idea, to_status=Status.UNDER_REVIEW,
                                         answer="Vi ser på det.")
    mail.outbox.clear()
    real_send, calls = tasks._send, []

    def send_then_die(**kwargs):
        calls.append(kwargs["user"].pk)
        if len(calls) == 3:
            raise MailServerGone  # the worker dies while handing over the third e-mail
        real_send(**kwargs)

    monkeypatch.setattr(tasks, "_send", send_then_die)
    with pytest.raises(MailServerGone):
        tasks.notify_status_change(change.pk)
    assert len(mail.outbox) == 2 and SentMail.objects.count() == 2
    assert StatusChange.objects.get(pk=change.pk).notified_at is None, "not done: the sweep finds it"

    monkeypatch.setattr(tasks, "_send", real_send)
    assert tasks.deliver_pending(older_than_seconds=0) == 3
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([idea.author.email, *(f.email for f in followers)]), "each once"
    assert len({m.extra_headers[IDEMPOTENCY_HEADER] for m in mail.outbox}) == 5
    assert tasks.notify_status_change(change.pk) == 0 and tasks.deliver_pending(older_than_seconds=0) == 0
    assert len(mail.outbox) == 5


def _change(idea, staff, **kwargs):
    return services.idea_status_change(actor=staff, idea=idea, to_status=Status.UNDER_REVIEW,
                                       answer="Vi ser på det.", **kwargs)


def test_a_title_with_a_line_break_gets_its_email_with_a_one_line_subject(idea, staff):
    """A line break in a header makes Django refuse the e-mail (BadHeaderError), and a title
    may hold one (the API and forms keep what was typed): subjects are made one line."""
    from ideas.models import Idea

    Idea.objects.filter(pk=idea.pk).update(title="Cykelsti\r\nlangs åen\u2028nu")
    idea.refresh_from_db()
    change = _change(idea, staff)
    mail.outbox.clear()
    assert tasks.notify_status_change(change.pk) == 1
    [message] = mail.outbox
    message.message()  # what the mail backend builds: it refuses a header with a line break
    assert "Cykelsti langs åen nu" in message.subject
    assert StatusChange.objects.get(pk=change.pk).notified_at is not None


def test_an_email_that_fails_is_marked_and_the_sweep_goes_on(campaign, staff, monkeypatch, caplog):
    """The attacker's line break stopped the whole sweep at the first bad row (and every
    sweep after): now that row is logged by its ids, marked failed, and the next is sent."""
    from tests.ideas.factories import IdeaFactory

    bad, good = IdeaFactory(campaign=campaign), IdeaFactory(campaign=campaign)
    bad_change, good_change = _change(bad, staff), _change(good, staff)
    mail.outbox.clear()
    real_send = tasks._send

    def send(**kwargs):
        if kwargs["idea"] == bad:
            raise ValueError(f"refused: {kwargs['user'].email} {bad.title}")
        real_send(**kwargs)

    monkeypatch.setattr(tasks, "_send", send)
    with caplog.at_level("ERROR", logger="hoest.mail"):
        assert tasks.deliver_pending(older_than_seconds=0) == 1
    assert [m.to for m in mail.outbox] == [[good.author.email]]
    assert StatusChange.objects.get(pk=good_change.pk).notified_at is not None
    failed = StatusChange.objects.get(pk=bad_change.pk)
    assert failed.mail_failed_at is not None and failed.notified_at is None
    logged = caplog.text
    assert f"status:{bad_change.pk}:{bad.author.pk}" in logged and "ValueError" in logged
    assert bad.author.email not in logged and bad.title not in logged, "ids only, no personal data"
    assert tasks.deliver_pending(older_than_seconds=0) == 0, "a failed row is not tried again and again"
    assert len(mail.outbox) == 1


def test_a_failing_recipient_does_not_cost_the_others_theirs(idea, staff, monkeypatch):
    followers = [UserFactory() for _ in range(3)]
    for follower in followers:
        services.idea_follow(idea=idea, user=follower)
    change = _change(idea, staff)
    mail.outbox.clear()
    real_send = tasks._send

    def send(**kwargs):
        if kwargs["user"] == followers[0]:
            raise ValueError("this one address")
        real_send(**kwargs)

    monkeypatch.setattr(tasks, "_send", send)
    assert tasks.notify_status_change(change.pk) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted([idea.author.email, followers[1].email, followers[2].email])
    assert StatusChange.objects.get(pk=change.pk).mail_failed_at is not None


def test_an_unreachable_mail_server_stops_the_sweep_and_loses_nothing(campaign, staff, monkeypatch):
    import smtplib

    from tests.ideas.factories import IdeaFactory

    changes = [_change(IdeaFactory(campaign=campaign), staff) for _ in range(2)]
    mail.outbox.clear()
    real_send, tries = tasks._send, []

    def unreachable(**kwargs):
        tries.append(kwargs["key"])
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr(tasks, "_send", unreachable)
    assert tasks.deliver_pending(older_than_seconds=0) == 0
    assert len(tries) == 1, "the sweep stops at the first: every e-mail would fail alike"
    assert not StatusChange.objects.filter(mail_failed_at__isnull=False).exists()
    monkeypatch.setattr(tasks, "_send", real_send)
    assert tasks.deliver_pending(older_than_seconds=0) == 2
    assert all(StatusChange.objects.get(pk=c.pk).notified_at for c in changes)
