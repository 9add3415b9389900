"""E-mails about dinners: queued as `Notice` rows with the change, rendered and sent by a
worker in the recipient's language.

Privacy is decided when the e-mail is written, not when it was queued: the address and
the calendar invitation go only to someone who is, at that moment, a confirmed guest or the
host (a waiting guest never gets it, even in an e-mail queued while they held a seat)."""
from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.mail import idempotency_headers, render_subject
from realtime.enqueue import enqueue_on_commit

# Kinds whose e-mail carries a calendar file when the recipient may see the address.
CALENDAR_KINDS = {"confirmed", "promoted", "changed", "reminder"}


def notice_queue(*, kind: str, recipient_id: int, key: str, dinner=None, seat=None, programme=None):
    """Owe `recipient` an e-mail of `kind`; sent after commit, once per key."""
    from .models import Notice
    from .tasks import deliver_notice

    programme = programme or (dinner.programme if dinner is not None else None)
    try:
        with transaction.atomic():
            notice = Notice.objects.create(key=key[:120], kind=kind, recipient_id=recipient_id, dinner=dinner,
                                           seat=seat, programme=programme)
    except IntegrityError:
        return None  # already owed (or sent)
    # A broker outage leaves the notice unsent in the database for `deliver_pending`.
    enqueue_on_commit(deliver_notice, notice.pk)
    return notice


def calendar_file(dinner, *, cancel: bool = False, with_address: bool) -> bytes:
    """An iCalendar invitation (RFC 5545). The UID stays the same for the dinner so a
    calendar replaces the event on a change (higher SEQUENCE) or removes it on CANCEL."""
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Høst//dinner dialogues//")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "PUBLISH")
    event = Event()
    event.add("uid", f"dinner-{dinner.pk}@{settings.SITE_URL.split('://')[-1].split('/')[0] or 'hoest'}")
    event.add("sequence", dinner.ics_sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", dinner.starts_at)
    event.add("dtend", dinner.ends_at)
    event.add("summary", f"{dinner.programme.title}: {dinner.title}")
    event.add("url", settings.SITE_URL + reverse("dinners:dinner", args=[dinner.pk]))
    if with_address:
        event.add("location", dinner.address)
    if cancel:
        event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()


def render(notice) -> EmailMultiAlternatives | None:
    from .selectors import can_see_private, guest_list

    user = notice.recipient
    if not user.is_active or not user.email or user.is_deleted_placeholder:
        return None
    dinner, programme = notice.dinner, notice.programme
    private = dinner is not None and can_see_private(user, dinner, staff_counts=False)
    with translation.override(user.preferred_language):
        context = {
            "user": user, "dinner": dinner, "programme": programme, "seat": notice.seat,
            "show_address": private,
            "guests": guest_list(dinner) if notice.kind == "guest_list" and private else [],
            "url": settings.SITE_URL + (reverse("dinners:dinner", args=[dinner.pk]) if dinner
                                        else reverse("dinners:programme", args=[programme.pk])),
            "starts": timezone.localtime(dinner.starts_at) if dinner else None,
        }
        subject = render_subject(f"dinners/email/{notice.kind}_subject.txt", context)
        body = render_to_string(f"dinners/email/{notice.kind}.txt", context)
    message = EmailMultiAlternatives(subject, body, None, [user.email], headers=idempotency_headers(notice.key))
    if dinner is not None and private and notice.kind in CALENDAR_KINDS:
        message.attach("middag.ics", calendar_file(dinner, with_address=True), "text/calendar; method=PUBLISH")
    elif dinner is not None and notice.kind == "cancelled":
        message.attach("middag.ics", calendar_file(dinner, cancel=True, with_address=False),
                       "text/calendar; method=CANCEL")
    return message
