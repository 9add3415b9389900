"""Dinner dialogues: "Any dinner near me" and the matching."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import District

from .. import matching
from ..models import (
    Dinner,
    DinnerStatus,
    MatchRequest,
    MatchStatus,
    Programme,
    Seat,
    SeatKind,
    SeatStatus,
)
from ._common import _tell
from .seats import seat_book, seat_cancel

# --- "Any dinner near me" and the matching -----------------------------------------------

@transaction.atomic
def match_request_create(*, programme: Programme, guest, earliest, latest, district: District | None = None,
                         diet: str = "", needs: str = "") -> MatchRequest:
    if not programme.signup_open():
        raise ValidationError(_("The sign-up for this programme is closed."))
    errors = {}
    if district is not None and district.municipality_id != programme.municipality_id:
        errors["district"] = _("Choose one of the programme's districts.")
    if earliest and latest and latest <= earliest:
        errors["latest"] = _("The end of the time window must come after its start.")
    if errors:
        raise ValidationError(errors)
    existing = MatchRequest.objects.filter(programme=programme, guest=guest).exclude(
        status=MatchStatus.CANCELLED).first()
    if existing is not None:
        return existing
    request = MatchRequest(programme=programme, guest=guest, district=district, earliest=earliest, latest=latest,
                           diet=diet.strip(), needs=needs.strip())
    request.full_clean(exclude=["guest", "programme"])
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        return MatchRequest.objects.filter(programme=programme, guest=guest).exclude(
            status=MatchStatus.CANCELLED).get()
    return request


@transaction.atomic
def match_request_cancel(*, request: MatchRequest, actor) -> MatchRequest:
    if request.status in (MatchStatus.OPEN, MatchStatus.PLANNED, MatchStatus.UNPLACED):
        request.status = MatchStatus.CANCELLED
        request.planned_dinner = None
        request.save(update_fields=["status", "planned_dinner"])
    return request


def _matching_input(programme: Programme):
    year = timezone.localdate().year
    requests = list(MatchRequest.objects.filter(
        programme=programme, status__in=[MatchStatus.OPEN, MatchStatus.PLANNED, MatchStatus.UNPLACED])
        .select_related("guest"))
    dinners = list(Dinner.objects.filter(programme=programme, status=DinnerStatus.APPROVED,
                                         starts_at__gt=timezone.now()).select_related("host"))
    guests = [matching.Guest(id=r.pk, district=r.district_id, earliest=r.earliest, latest=r.latest,
                             age_band=matching.age_band(r.guest.birth_year, year), home=r.guest.district_id)
              for r in requests]
    present: dict[int, list] = {d.pk: [(matching.age_band(d.host.birth_year, year), d.host.district_id)]
                                for d in dinners}
    counts: dict[int, list[str]] = {d.pk: [] for d in dinners}
    for seat in Seat.objects.filter(dinner__in=dinners, status=SeatStatus.CONFIRMED).select_related("guest"):
        present[seat.dinner_id].append((matching.age_band(seat.guest.birth_year, year), seat.guest.district_id))
        counts[seat.dinner_id].append(seat.kind)
    tables = []
    for d in dinners:
        invited = counts[d.pk].count(SeatKind.INVITED)
        open_ = len(counts[d.pk]) - invited
        free = min(d.seats - open_ - invited, d.open_seats - open_ - max(0, invited - d.private_seats))
        tables.append(matching.Table(id=d.pk, district=d.district_id, starts_at=d.starts_at, free=max(0, free),
                                     present=present[d.pk]))
    return requests, guests, tables


@transaction.atomic
def matching_plan(*, programme: Programme) -> dict:
    """Work out where the "any dinner" guests go. Nothing is sent: staff look at the plan
    (and how mixed each table is) and send it with `matching_send`."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    requests, guests, tables = _matching_input(programme)
    assignment = matching.plan(guests, tables)
    for request in requests:
        dinner_id = assignment.get(request.pk)
        request.planned_dinner_id = dinner_id
        request.status = MatchStatus.PLANNED if dinner_id else MatchStatus.UNPLACED
    MatchRequest.objects.bulk_update(requests, ["planned_dinner", "status"])
    programme.matching_planned_at = timezone.now()
    programme.save(update_fields=["matching_planned_at"])
    return {"placed": len(assignment), "requests": len(requests),
            "tables": matching.mix_report(assignment, guests, tables)}


@transaction.atomic
def matching_send(*, programme: Programme, actor) -> dict:
    """Turn the plan into confirmed seats and tell everyone, placed or not."""
    placed = unplaced = 0
    for request in (MatchRequest.objects.select_related("guest", "planned_dinner")
                    .filter(programme=programme, status__in=[MatchStatus.PLANNED, MatchStatus.UNPLACED])):
        seat = None
        if request.planned_dinner is not None:
            try:
                seat = seat_book(dinner=request.planned_dinner, guest=request.guest, diet=request.diet,
                                 needs=request.needs, kind=SeatKind.MATCHED)
            except (ValidationError, PermissionDenied):
                seat = None
            if seat is not None and seat.status != SeatStatus.CONFIRMED:
                # The table filled up since the plan: a place elsewhere is better than a queue.
                seat_cancel(seat=seat, actor=actor)
                seat = None
        if seat is not None:
            request.status, request.seat = MatchStatus.PLACED, seat
            placed += 1
        else:
            request.status = MatchStatus.UNPLACED
            _tell("unplaced", f"unplaced:{request.pk}", request.guest, programme=programme)
            unplaced += 1
        request.save(update_fields=["status", "seat"])
    Programme.objects.filter(pk=programme.pk).update(matching_sent_at=timezone.now())
    return {"placed": placed, "unplaced": unplaced}
