"""The e-mails about dinners, written when they are sent (notify's renderers): queued by the
services with the change, sent by a worker in the recipient's language.

Privacy is decided when the e-mail is written, not when it was queued: the address and
the calendar invitation go only to someone who is, at that moment, a confirmed guest or the
host (a waiting guest never gets it, even in an e-mail queued while they held a seat)."""
from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event

from notify.registry import Letter, renderer

from .models import Dinner, Programme, Seat
from .selectors import can_see_private, guest_list

#: The e-mails about dinners (templates dinners/email/<kind>.txt and <kind>_subject.txt);
#: queued as notify's kind "dinners.<kind>".
KINDS = ("confirmed", "waiting", "promoted", "changed", "cancelled", "approved", "declined", "reminder",
         "guest_list", "unplaced")
# Kinds whose e-mail carries a calendar file when the recipient may see the address.
CALENDAR_KINDS = {"confirmed", "promoted", "changed", "reminder"}


def calendar_file(dinner, *, cancel: bool = False, with_address: bool) -> bytes:
    """An iCalendar invitation (RFC 5545). The UID stays the same for the dinner so a
    calendar replaces the event on a change (higher SEQUENCE) or removes it on CANCEL."""
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


@renderer(*(f"dinners.{name}" for name in KINDS))
def render(notice) -> Letter | None:
    context = notice.context
    user, kind = notice.recipient, notice.kind.removeprefix("dinners.")
    dinner = programme = seat = None
    if context.get("dinner"):
        dinner = Dinner.objects.select_related("programme").filter(pk=context["dinner"]).first()
        if dinner is None:
            return None  # deleted since (with its programme)
        programme = dinner.programme
    if context.get("programme") and programme is None:
        programme = Programme.objects.filter(pk=context["programme"]).first()
    if context.get("seat"):
        seat = Seat.objects.filter(pk=context["seat"]).first()
    if programme is None:
        return None
    private = dinner is not None and can_see_private(user, dinner, staff_counts=False)
    context = {
        "user": user, "dinner": dinner, "programme": programme, "seat": seat,
        "show_address": private,
        "guests": guest_list(dinner) if kind == "guest_list" and private else [],
        "url": settings.SITE_URL + (reverse("dinners:dinner", args=[dinner.pk]) if dinner
                                    else reverse("dinners:programme", args=[programme.pk])),
        "starts": timezone.localtime(dinner.starts_at) if dinner else None,
    }
    attachments = ()
    if dinner is not None and private and kind in CALENDAR_KINDS:
        attachments = (("middag.ics", calendar_file(dinner, with_address=True), "text/calendar; method=PUBLISH"),)
    elif dinner is not None and kind == "cancelled":
        attachments = (("middag.ics", calendar_file(dinner, cancel=True, with_address=False),
                        "text/calendar; method=CANCEL"),)
    return Letter(subject=render_to_string(f"dinners/email/{kind}_subject.txt", context),
                  body=render_to_string(f"dinners/email/{kind}.txt", context), attachments=attachments)
