"""Dinner e-mails in notify's outbox: a line break in a title no longer breaks the e-mail,
and a notice that cannot be sent no longer holds back every notice after it."""
import smtplib

import pytest
from django.core import mail

from dinners import notices, services
from dinners.models import Dinner
from notify import delivery
from notify.models import Notice, State
from notify.tasks import deliver_due, deliver_notices

pytestmark = pytest.mark.django_db


def test_a_dinner_title_with_a_line_break_gets_its_email_with_a_one_line_subject(dinner, guests):
    Dinner.objects.filter(pk=dinner.pk).update(title="Suppe\nog\r\nsnak")
    services.seat_book(dinner=Dinner.objects.get(pk=dinner.pk), guest=guests[0])
    notice = Notice.objects.get(recipient=guests[0])
    assert notice.kind == "dinners.confirmed" and notice.key == f"confirmed:{notice.context['seat']}"
    mail.outbox.clear()
    assert deliver_notices([notice.pk]) == 1
    [message] = mail.outbox
    message.message()  # what the mail backend builds: it refuses a header with a line break
    assert "Suppe og snak" in message.subject
    assert Notice.objects.get(pk=notice.pk).state == State.SENT


def test_a_notice_that_fails_is_marked_and_the_sweep_sends_the_next(dinner, guests, monkeypatch, caplog):
    for guest in guests[:3]:
        services.seat_book(dinner=dinner, guest=guest)
    first, *rest = Notice.objects.order_by("pk")
    mail.outbox.clear()
    real_file, written = notices.calendar_file, []

    def calendar_file(dinner, **kwargs):
        written.append(dinner)
        if len(written) == 1:  # the first e-mail the sweep writes: the oldest notice's
            raise ValueError(f"refused: {first.recipient.email} {dinner.title}")
        return real_file(dinner, **kwargs)

    monkeypatch.setattr(notices, "calendar_file", calendar_file)
    with caplog.at_level("ERROR", logger="hoest.mail"):
        assert deliver_due(older_than_seconds=0) == len(rest)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(n.recipient.email for n in rest)
    first.refresh_from_db()
    assert first.state == State.FAILED and first.failed_at is not None and first.sent_at is None
    assert f"notice {first.pk} ({first.key}) could not be sent (ValueError)" in caplog.text
    assert first.recipient.email not in caplog.text and dinner.title not in caplog.text, "ids only"
    assert deliver_due(older_than_seconds=0) == 0, "a failed notice is not tried again and again"


def test_the_sweep_goes_on_past_a_notice_whose_delivery_raises_anything(dinner, guests, monkeypatch):
    """Whatever fails outside the e-mail itself (the delivery as a whole) is caught by the sweep."""
    for guest in guests[:2]:
        services.seat_book(dinner=dinner, guest=guest)
    first, second = Notice.objects.order_by("pk")
    real = delivery.deliver

    def deliver(notice_id):
        if notice_id == first.pk:
            raise RuntimeError("boom")
        return real(notice_id)

    monkeypatch.setattr(delivery, "deliver", deliver)
    mail.outbox.clear()
    assert deliver_due(older_than_seconds=0) == 1
    assert Notice.objects.get(pk=first.pk).state == State.FAILED
    assert Notice.objects.get(pk=second.pk).state == State.SENT


def test_an_unreachable_mail_server_stops_the_sweep_and_marks_nothing(dinner, guests, monkeypatch):
    for guest in guests[:3]:
        services.seat_book(dinner=dinner, guest=guest)
    tries = []

    def unreachable(self, *args, **kwargs):
        tries.append(1)
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", unreachable)
    assert deliver_due(older_than_seconds=0) == 0
    assert len(tries) == 1, "every notice would fail alike: the rest waits for the next sweep"
    assert not Notice.objects.filter(state=State.FAILED).exists()
    monkeypatch.undo()
    mail.outbox.clear()
    assert deliver_due(older_than_seconds=0) == 3


def test_a_waiting_guest_never_gets_the_address_even_if_queued_while_confirmed(dinner, guests, host):
    """Privacy is decided when the e-mail is written: a confirmation written after the guest
    gave up the seat carries neither the address nor a calendar file."""
    seat = services.seat_book(dinner=dinner, guest=guests[0])
    services.seat_cancel(seat=seat, actor=guests[0])
    mail.outbox.clear()
    deliver_due(older_than_seconds=0)
    [message] = [m for m in mail.outbox if m.to == [guests[0].email]]
    assert dinner.address not in message.body and not message.attachments
