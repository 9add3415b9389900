"""The dinners a person hosts and those they have a seat at (or are waiting for), for their
account (accounts.activity)."""
from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from accounts.activity import LIMIT, Entry, Section, section

from .models import ACTIVE_SEAT, Dinner, Seat


def sections(user) -> list[Section]:
    def when(dinner) -> str:
        return date_format(localtime(dinner.starts_at), "DATETIME_FORMAT")

    hosted = (Dinner.objects.filter(host=user).only("id", "title", "starts_at", "status")
              .order_by("-starts_at", "-pk"))
    seats = (Seat.objects.filter(ACTIVE_SEAT, guest=user).select_related("dinner")
             .only("status", "dinner__id", "dinner__title", "dinner__starts_at").order_by("-dinner__starts_at", "-pk"))
    return [
        section("hosted", _("Dinners I host"), _("You do not host a dinner."),
                [Entry(d.title, reverse("dinners:dinner", args=[d.pk]), f"{when(d)} · {d.get_status_display()}")
                 for d in hosted[:LIMIT + 1]]),
        section("booked", _("Dinners I have booked"), _("You have not booked a seat at a dinner."),
                [Entry(s.dinner.title, reverse("dinners:dinner", args=[s.dinner.pk]),
                       f"{when(s.dinner)} · {s.get_status_display()}") for s in seats[:LIMIT + 1]]),
    ]
