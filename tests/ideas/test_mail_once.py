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


class MailServerGone(Exception):
    pass


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
