"""Dinner dialogues: Hosting."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..models import (
    Dinner,
    DinnerStatus,
    Programme,
    SeatStatus,
)
from ._common import DINNER_FIELDS, NEWS_FIELDS, _locked, _tell
from .seats import promote_waiting

# --- Hosting -----------------------------------------------------------------------------

def _check_dinner(programme: Programme, fields: dict, *, confirmed: int = 0) -> None:
    errors = {}
    starts_at = fields.get("starts_at")
    if starts_at and not programme.dinners_from <= starts_at <= programme.dinners_until:
        errors["starts_at"] = _("Dinners in this programme take place between %(start)s and %(end)s.") % {
            "start": timezone.localtime(programme.dinners_from).strftime("%d.%m.%Y"),
            "end": timezone.localtime(programme.dinners_until).strftime("%d.%m.%Y")}
    district = fields.get("district")
    if district is not None:
        allowed = list(programme.districts.all())
        if district.municipality_id != programme.municipality_id or (allowed and district not in allowed):
            errors["district"] = _("Choose one of the programme's districts.")
    seats = fields.get("seats")
    if seats is not None:
        if seats > programme.max_seats:
            errors["seats"] = _("A dinner in this programme has at most %(n)s guests.") % {"n": programme.max_seats}
        elif seats < confirmed:
            errors["seats"] = _("%(n)s guests are already confirmed; cancel seats before offering fewer.") % {
                "n": confirmed}
        elif (fields.get("private_seats") or 0) > seats:
            errors["private_seats"] = _("You cannot reserve more seats than the dinner has.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def dinner_offer(*, programme: Programme, host, **fields) -> Dinner:
    """A citizen offers a dinner. Waits for staff if the programme asks for approval."""
    if not programme.signup_open():
        raise ValidationError(_("Dinners can be offered while the programme's sign-up is open."))
    unknown = set(fields) - set(DINNER_FIELDS)
    if unknown:
        raise TypeError(f"unknown dinner fields: {sorted(unknown)}")
    _check_dinner(programme, fields)
    dinner = Dinner(programme=programme, host=host, **fields,
                    status=DinnerStatus.PENDING if programme.hosts_need_approval else DinnerStatus.APPROVED)
    dinner.full_clean()
    dinner.save()
    events.seats_changed(dinner)
    return dinner




@transaction.atomic
def dinner_update(*, dinner: Dinner, actor, **fields) -> Dinner:
    """The host (or staff) changes the dinner; confirmed guests hear of a new time or place."""
    dinner = _locked(dinner)
    if dinner.status in (DinnerStatus.CANCELLED, DinnerStatus.DECLINED):
        raise ValidationError(_("A cancelled or declined dinner cannot be changed."))
    unknown = set(fields) - set(DINNER_FIELDS)
    if unknown:
        raise TypeError(f"unknown dinner fields: {sorted(unknown)}")
    confirmed = dinner.seats_taken.filter(status=SeatStatus.CONFIRMED).count()
    changed = {name for name, value in fields.items() if getattr(dinner, name) != value}
    if not changed:
        return dinner
    _check_dinner(dinner.programme, {**{n: getattr(dinner, n) for n in ("seats", "private_seats")}, **fields},
                  confirmed=confirmed)
    for name in changed:
        setattr(dinner, name, fields[name])
    news = bool(changed & NEWS_FIELDS)
    if news:
        dinner.ics_sequence += 1
    dinner.full_clean()
    dinner.save()
    if news and dinner.status == DinnerStatus.APPROVED:
        for seat in dinner.seats_taken.filter(status=SeatStatus.CONFIRMED).select_related("guest"):
            _tell("changed", f"changed:{seat.pk}:{dinner.ics_sequence}", seat.guest, dinner=dinner, seat=seat)
    if {"seats", "private_seats"} & changed:
        promote_waiting(dinner)
    events.seats_changed(dinner)
    return dinner


@transaction.atomic
def dinner_cancel(*, dinner: Dinner, actor, reason: str = "") -> Dinner:
    """The host or staff cancel; every guest and waiting guest is told."""
    dinner = _locked(dinner)
    if dinner.status == DinnerStatus.CANCELLED:
        return dinner
    dinner.status = DinnerStatus.CANCELLED
    dinner.status_reason = reason.strip()
    dinner.ics_sequence += 1
    dinner.save(update_fields=["status", "status_reason", "ics_sequence", "updated_at"])
    now = timezone.now()
    for seat in dinner.seats_taken.filter(status__in=[SeatStatus.CONFIRMED, SeatStatus.WAITING]).select_related("guest"):
        _tell("cancelled", f"cancelled:{seat.pk}", seat.guest, dinner=dinner, seat=seat)
        seat.status = SeatStatus.CANCELLED
        seat.cancelled_at = now
        seat.save(update_fields=["status", "cancelled_at"])
    events.seats_changed(dinner)
    return dinner


@transaction.atomic
def dinner_decide(*, dinner: Dinner, actor, approve: bool, reason: str = "") -> Dinner:
    """Staff approve a pending dinner, or decline it with a reason the host reads."""
    dinner = _locked(dinner)
    if dinner.status != DinnerStatus.PENDING:
        raise ValidationError(_("Only a dinner waiting for approval can be approved or declined."))
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("Tell the host why the dinner is declined.")})
    dinner.status = DinnerStatus.APPROVED if approve else DinnerStatus.DECLINED
    dinner.status_reason = reason.strip()
    dinner.save(update_fields=["status", "status_reason", "updated_at"])
    _tell("approved" if approve else "declined", f"decided:{dinner.pk}", dinner.host, dinner=dinner)
    events.seats_changed(dinner)
    return dinner


@transaction.atomic
def dinner_reporter_set(*, dinner: Dinner, actor, reporter) -> Dinner:
    """The host names a confirmed guest to write the report (or takes it back: None)."""
    if reporter is not None and not dinner.seats_taken.filter(guest=reporter, status=SeatStatus.CONFIRMED).exists():
        raise ValidationError({"reporter": _("Choose one of the dinner's confirmed guests.")})
    dinner.reporter = reporter
    dinner.save(update_fields=["reporter", "updated_at"])
    return dinner
