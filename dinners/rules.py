"""Who may do what in dinner dialogues. Objects are a Programme, a Dinner or a Seat."""
from __future__ import annotations

import rules

from accounts.rules import is_moderator, is_staff_member

from .models import Dinner, DinnerStatus, Seat, SeatStatus


@rules.predicate
def is_authenticated(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.is_active


def _dinner(obj) -> Dinner | None:
    if isinstance(obj, Seat):
        return obj.dinner
    return obj if isinstance(obj, Dinner) else None


@rules.predicate
def signup_open(user, programme) -> bool:
    return programme is not None and programme.signup_open()


@rules.predicate
def is_host(user, obj) -> bool:
    dinner = _dinner(obj)
    return dinner is not None and getattr(user, "pk", None) == dinner.host_id


@rules.predicate
def is_confirmed_guest(user, obj) -> bool:
    dinner = _dinner(obj)
    if dinner is None or not getattr(user, "is_authenticated", False):
        return False
    cache = user.__dict__.setdefault("_hoest_confirmed_dinners", {})
    if dinner.pk not in cache:
        cache[dinner.pk] = dinner.seats_taken.filter(guest=user, status=SeatStatus.CONFIRMED).exists()
    return cache[dinner.pk]


@rules.predicate
def is_seat_holder(user, seat) -> bool:
    return isinstance(seat, Seat) and getattr(user, "pk", None) == seat.guest_id


@rules.predicate
def is_reporter(user, dinner) -> bool:
    return dinner is not None and dinner.reporter_id is not None and getattr(user, "pk", None) == dinner.reporter_id


@rules.predicate
def is_public(user, dinner) -> bool:
    return dinner is not None and dinner.status in (DinnerStatus.APPROVED, DinnerStatus.CANCELLED)


@rules.predicate
def is_bookable(user, dinner) -> bool:
    return dinner is not None and dinner.is_bookable


@rules.predicate
def is_pending(user, dinner) -> bool:
    return dinner is not None and dinner.status == DinnerStatus.PENDING


@rules.predicate
def is_live(user, dinner) -> bool:
    return dinner is not None and dinner.status in (DinnerStatus.PENDING, DinnerStatus.APPROVED)


@rules.predicate
def has_taken_place(user, dinner) -> bool:
    from django.utils import timezone

    return (dinner is not None and dinner.status == DinnerStatus.APPROVED and dinner.starts_at <= timezone.now()
            and not hasattr(dinner, "report"))


# Programmes
rules.add_perm("dinners.host_dinner", is_authenticated & signup_open)
rules.add_perm("dinners.request_any_dinner", is_authenticated & signup_open)
rules.add_perm("dinners.manage_programme", is_staff_member)
rules.add_perm("dinners.view_overview", is_staff_member)
# Dinners
rules.add_perm("dinners.view_dinner", is_public | is_host | is_moderator)
rules.add_perm("dinners.book_seat", is_authenticated & is_bookable & ~is_host)
rules.add_perm("dinners.change_dinner", is_live & (is_host | is_staff_member))
rules.add_perm("dinners.decide_dinner", is_pending & is_moderator)
# The address: host, confirmed guests and the municipality's staff. The guest list: host and staff.
rules.add_perm("dinners.view_address", is_host | is_confirmed_guest | is_staff_member)
rules.add_perm("dinners.view_guests", is_host | is_staff_member)
rules.add_perm("dinners.file_report", (is_host | is_reporter) & has_taken_place)
# Seats
rules.add_perm("dinners.cancel_seat", is_seat_holder | is_staff_member)
