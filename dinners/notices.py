"""The e-mails about dinners, written when they are sent (notify's renderers): queued by the
services with the change, sent by a worker in the recipient's language.

Privacy is decided when the e-mail is written, not when it was queued: the address and
the calendar invitation go only to someone who is, at that moment, a confirmed guest or the
host (a waiting guest never gets it, even in an e-mail queued while they held a seat).

Also what the notification centre shows for each (a line and a link, never the address),
and how the kinds are offered on the e-mail choices page: a change of time or place, a
cancellation and a seat from the waiting list are always e-mailed at once."""
from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from icalendar import Calendar, Event

from notify.registry import Letter, Line, category, describe, lines, renderer

from .models import Dinner, Programme, Seat
from .selectors import can_see_private, guest_list

#: The e-mails about dinners (templates dinners/email/<kind>.txt and <kind>_subject.txt);
#: queued as notify's kind "dinners.<kind>".
KINDS = ("confirmed", "waiting", "promoted", "changed", "cancelled", "approved", "declined", "reminder",
         "guest_list", "unplaced")
# Kinds whose e-mail carries a calendar file when the recipient may see the address.
CALENDAR_KINDS = {"confirmed", "promoted", "changed", "reminder"}

_SOON = gettext_lazy("It is about a dinner you are going to, and must reach you before you set off.")
category("dinners.guest", gettext_lazy("Dinners I take part in"), order=40)
category("dinners.host", gettext_lazy("Dinners I host"), order=50)
for _kind, _category, _label, _always in (
    ("confirmed", "guest", gettext_lazy("My seat at a dinner is confirmed"), None),
    ("waiting", "guest", gettext_lazy("I am on a dinner's waiting list"), None),
    ("promoted", "guest", gettext_lazy("A seat becomes free for me from the waiting list"),
     gettext_lazy("The seat is yours now and the host counts on you: you hear it at once.")),
    ("changed", "guest", gettext_lazy("A dinner I am going to changes its time or place"), _SOON),
    ("cancelled", "guest", gettext_lazy("A dinner I am going to is cancelled"), _SOON),
    ("reminder", "guest", gettext_lazy("A reminder the day before a dinner"), None),
    ("unplaced", "guest", gettext_lazy("No seat could be found for me in a programme"), None),
    ("approved", "host", gettext_lazy("My dinner is approved and open for guests"), None),
    ("declined", "host", gettext_lazy("My dinner is not approved"), None),
    ("guest_list", "host", gettext_lazy("The guest list before my dinner"), None),
):
    describe(f"dinners.{_kind}", category=f"dinners.{_category}", label=_label, always=_always)


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


_LINES = {
    "confirmed": gettext_lazy("Your seat at “%(title)s” is confirmed"),
    "waiting": gettext_lazy("You are on the waiting list for “%(title)s”"),
    "promoted": gettext_lazy("A seat became free for you at “%(title)s”"),
    "changed": gettext_lazy("“%(title)s” has changed"),
    "cancelled": gettext_lazy("“%(title)s” is cancelled"),
    "reminder": gettext_lazy("A reminder: you are a guest at “%(title)s”"),
    "approved": gettext_lazy("Your dinner “%(title)s” is open for guests"),
    "declined": gettext_lazy("Your dinner “%(title)s” was not approved"),
    "guest_list": gettext_lazy("Your guests for “%(title)s”"),
}


@lines(*(f"dinners.{name}" for name in KINDS))
def dinner_lines(notices) -> dict[int, Line]:
    dinners = Dinner.objects.in_bulk({n.context.get("dinner") for n in notices} - {None})
    programmes = Programme.objects.in_bulk({n.context.get("programme") for n in notices} - {None})
    found = {}
    for notice in notices:
        kind = notice.kind.removeprefix("dinners.")
        dinner = dinners.get(notice.context.get("dinner"))
        programme = programmes.get(notice.context.get("programme"))
        if dinner is not None and kind in _LINES:
            found[notice.pk] = Line(_LINES[kind] % {"title": dinner.title}, reverse("dinners:dinner", args=[dinner.pk]))
        elif programme is not None and kind == "unplaced":
            found[notice.pk] = Line(_("%(title)s: we could not find you a seat") % {"title": programme.title},
                                    reverse("dinners:programme", args=[programme.pk]))
    return found
