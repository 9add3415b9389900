"""The dinner outbox (`Notice`): a line break in a title no longer breaks the e-mail, and a
notice that cannot be sent no longer holds back every notice after it."""
import smtplib

import pytest
from django.core import mail

from dinners import notices, services
from dinners.models import Dinner, Notice
from dinners.tasks import deliver_notice, deliver_pending

pytestmark = pytest.mark.django_db


def test_a_dinner_title_with_a_line_break_gets_its_email_with_a_one_line_subject(dinner, guests):
    Dinner.objects.filter(pk=dinner.pk).update(title="Suppe\nog\r\nsnak")
    services.seat_book(dinner=Dinner.objects.get(pk=dinner.pk), guest=guests[0])
    notice = Notice.objects.get(recipient=guests[0])
    mail.outbox.clear()
    assert deliver_notice(notice.pk) == 1
    [message] = mail.outbox
    message.message()  # what the mail backend builds: it refuses a header with a line break
    assert "Suppe og snak" in message.subject
    assert Notice.objects.get(pk=notice.pk).sent_at is not None


def test_a_notice_that_fails_is_marked_and_the_sweep_sends_the_next(dinner, guests, monkeypatch, caplog):
    for guest in guests[:3]:
        services.seat_book(dinner=dinner, guest=guest)
    first, *rest = Notice.objects.order_by("pk")
    mail.outbox.clear()
    real_render = notices.render

    def render(notice):
        if notice.pk == first.pk:
            raise ValueError(f"refused: {notice.recipient.email} {notice.dinner.title}")
        return real_render(notice)

    monkeypatch.setattr(notices, "render", render)
    with caplog.at_level("ERROR", logger="hoest.mail"):
        assert deliver_pending(older_than_seconds=0) == len(rest)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.recipient.email for n in rest)
    first.refresh_from_db()
    assert first.failed_at is not None and first.sent_at is None
    assert f"dinner notice {first.pk} could not be sent (ValueError)" in caplog.text
    assert first.recipient.email not in caplog.text and dinner.title not in caplog.text, "ids only"
    assert deliver_pending(older_than_seconds=0) == 0, "a failed notice is not tried again and again"


def test_the_sweep_goes_on_past_a_notice_whose_delivery_raises_anything(dinner, guests, monkeypatch):
    """Whatever fails outside the e-mail itself (the task as a whole) is caught by the sweep."""
    from dinners import tasks

    for guest in guests[:2]:
        services.seat_book(dinner=dinner, guest=guest)
    first, second = Notice.objects.order_by("pk")
    real = tasks.deliver_notice

    def deliver(notice_id):
        if notice_id == first.pk:
            raise RuntimeError("boom")
        return real(notice_id)

    monkeypatch.setattr(tasks, "deliver_notice", deliver)
    mail.outbox.clear()
    assert deliver_pending(older_than_seconds=0) == 1
    assert Notice.objects.get(pk=first.pk).failed_at is not None
    assert Notice.objects.get(pk=second.pk).sent_at is not None


def test_an_unreachable_mail_server_stops_the_sweep_and_marks_nothing(dinner, guests, monkeypatch):
    for guest in guests[:3]:
        services.seat_book(dinner=dinner, guest=guest)
    tries = []

    def unreachable(self, *args, **kwargs):
        tries.append(1)
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", unreachable)
    assert deliver_pending(older_than_seconds=0) == 0
    assert len(tries) == 1, "every notice would fail alike: the rest waits for the next sweep"
    assert not Notice.objects.filter(failed_at__isnull=False).exists()
    monkeypatch.undo()
    mail.outbox.clear()
    assert deliver_pending(older_than_seconds=0) == 3
