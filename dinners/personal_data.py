"""What the dinners app holds about a person, and what goes when their account goes."""
from __future__ import annotations


def collect(user) -> dict:
    from .models import Dinner, MatchRequest, Report, Seat

    return {
        "hosted": [{"programme": d.programme.title, "title": d.title, "starts_at": d.starts_at.isoformat(),
                    "address": d.address, "status": d.status, "seats": d.seats}
                   for d in Dinner.objects.filter(host=user).select_related("programme")],
        "seats": [{"dinner": s.dinner.title, "starts_at": s.dinner.starts_at.isoformat(), "status": s.status,
                   "diet": s.diet, "accessibility_needs": s.needs}
                  for s in Seat.objects.filter(guest=user).select_related("dinner")],
        "requests_for_any_dinner": [{"programme": r.programme.title, "status": r.status, "diet": r.diet,
                                     "accessibility_needs": r.needs, "from": r.earliest.isoformat(),
                                     "until": r.latest.isoformat()}
                                    for r in MatchRequest.objects.filter(guest=user).select_related("programme")],
        "reports_written": [{"dinner": r.dinner.title, "participants": r.participants, "themes": r.themes}
                            for r in Report.objects.filter(author=user).select_related("dinner")],
    }


def erase(user) -> None:
    """Before the account goes: the host's dinners lose the address (often their home) and
    upcoming ones are cancelled, with the guests told; the person's seats are given up so the
    waiting list moves up."""
    from django.utils import timezone

    from .models import Dinner, DinnerStatus, Seat, SeatStatus
    from .services import dinner_cancel, seat_cancel

    for dinner in Dinner.objects.filter(host=user, status__in=[DinnerStatus.PENDING, DinnerStatus.APPROVED],
                                        starts_at__gt=timezone.now()):
        dinner_cancel(dinner=dinner, actor=user)
    for seat in Seat.objects.filter(guest=user, status__in=[SeatStatus.CONFIRMED, SeatStatus.WAITING]).select_related("dinner"):
        seat_cancel(seat=seat, actor=user)
    Dinner.objects.filter(host=user).update(address="", accessibility="")
