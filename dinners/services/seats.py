"""Dinner dialogues: Seats."""
from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..models import (
    Dinner,
    DinnerStatus,
    Seat,
    SeatKind,
    SeatStatus,
)
from ._common import _locked, _tell

# --- Seats -------------------------------------------------------------------------------

def _confirmed_counts(dinner: Dinner) -> tuple[int, int]:
    """(confirmed in open or matched seats, confirmed invited guests)."""
    invited = open_ = 0
    for kind in dinner.seats_taken.filter(status=SeatStatus.CONFIRMED).values_list("kind", flat=True):
        if kind == SeatKind.INVITED:
            invited += 1
        else:
            open_ += 1
    return open_, invited


def _has_room(dinner: Dinner, kind: str, counts: tuple[int, int]) -> bool:
    open_, invited = counts
    if open_ + invited >= dinner.seats:
        return False
    if kind == SeatKind.INVITED:
        return True  # the host's own guests may also take open seats
    # Open seats: what is not reserved, less the invited guests who spilled over into them.
    return open_ + max(0, invited - dinner.private_seats) < dinner.open_seats


@transaction.atomic
def seat_book(*, dinner: Dinner, guest, diet: str = "", needs: str = "", invite_token: str = "",
              kind: str | None = None) -> Seat:
    """Take a seat at a dinner, or a place on its waiting list when it is full.

    Asking again (a double-click, a retried request) returns the place already held.
    """
    dinner = _locked(dinner)
    if kind is None:
        kind = SeatKind.INVITED if invite_token else SeatKind.OPEN
    if kind == SeatKind.INVITED and invite_token != dinner.invite_token:
        raise PermissionDenied(_("This invitation link is not valid."))
    if not dinner.is_bookable:
        raise ValidationError(_("This dinner does not take sign-ups."))
    if kind == SeatKind.OPEN and not dinner.programme.signup_open():
        raise ValidationError(_("The sign-up for this programme is closed."))
    if guest.pk == dinner.host_id:
        raise ValidationError(_("You are the host of this dinner."))
    existing = dinner.seats_taken.filter(guest=guest, status__in=[SeatStatus.CONFIRMED, SeatStatus.WAITING]).first()
    if existing is not None:
        return existing
    now = timezone.now()
    confirmed = _has_room(dinner, kind, _confirmed_counts(dinner))
    seat = Seat(dinner=dinner, guest=guest, kind=kind, diet=diet.strip(), needs=needs.strip(),
                status=SeatStatus.CONFIRMED if confirmed else SeatStatus.WAITING,
                created_at=now, confirmed_at=now if confirmed else None)
    seat.full_clean(exclude=["guest", "dinner"])
    try:
        with transaction.atomic():
            seat.save()
    except IntegrityError:
        # Only possible without the lock (another code path); the person holds a place already.
        return dinner.seats_taken.get(guest=guest, status__in=[SeatStatus.CONFIRMED, SeatStatus.WAITING])
    name = "confirmed" if confirmed else "waiting"
    _tell(name, f"{name}:{seat.pk}", guest, dinner=dinner, seat=seat)
    events.seats_changed(dinner)
    return seat


def promote_waiting(dinner: Dinner) -> list[Seat]:
    """Fill free seats from the waiting list, first come first served (dinner locked)."""
    promoted = []
    counts = _confirmed_counts(dinner)
    for seat in dinner.seats_taken.filter(status=SeatStatus.WAITING).order_by("created_at", "pk").select_related("guest"):
        if not _has_room(dinner, seat.kind, counts):
            continue  # an invited guest may still fit where an open one does not
        seat.status = SeatStatus.CONFIRMED
        seat.confirmed_at = timezone.now()
        seat.save(update_fields=["status", "confirmed_at"])
        _tell("promoted", f"promoted:{seat.pk}", seat.guest, dinner=dinner, seat=seat)
        events.tell_guest(seat, "dinner.promoted",
                          _("A seat became free: you are now a confirmed guest at “%(title)s”.") % {"title": dinner.title})
        promoted.append(seat)
        counts = _confirmed_counts(dinner)
    return promoted


@transaction.atomic
def seat_cancel(*, seat: Seat, actor) -> Seat:
    """A guest gives up their seat (or waiting place); the first who fits moves up."""
    dinner = _locked(seat.dinner)
    seat = Seat.objects.get(pk=seat.pk)
    if seat.status == SeatStatus.CANCELLED:
        return seat
    was_confirmed = seat.status == SeatStatus.CONFIRMED
    seat.status = SeatStatus.CANCELLED
    seat.cancelled_at = timezone.now()
    seat.save(update_fields=["status", "cancelled_at"])
    if dinner.reporter_id == seat.guest_id:
        dinner.reporter = None
        dinner.save(update_fields=["reporter", "updated_at"])
    if was_confirmed and dinner.is_bookable:
        promote_waiting(dinner)
    events.seats_changed(dinner)
    return seat


@transaction.atomic
def reminders_queue() -> int:
    """A reminder to every confirmed guest a day before; the guest list with diets to the
    host two days before. Each once (marked on the seat and the dinner, and by its key)."""
    now = timezone.now()
    queued = 0
    for seat in Seat.objects.filter(
            status=SeatStatus.CONFIRMED, reminded_at__isnull=True, dinner__status=DinnerStatus.APPROVED,
            dinner__starts_at__gt=now, dinner__starts_at__lte=now + timedelta(days=1)).select_related("guest", "dinner"):
        queued += _tell("reminder", f"reminder:{seat.pk}", seat.guest, dinner=seat.dinner, seat=seat)
        Seat.objects.filter(pk=seat.pk).update(reminded_at=now)
    for dinner in Dinner.objects.filter(
            status=DinnerStatus.APPROVED, guest_list_sent_at__isnull=True, starts_at__gt=now,
            starts_at__lte=now + timedelta(days=2)).select_related("host"):
        queued += _tell("guest_list", f"guest_list:{dinner.pk}", dinner.host, dinner=dinner)
        Dinner.objects.filter(pk=dinner.pk).update(guest_list_sent_at=now)
    return queued
