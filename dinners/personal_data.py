"""What the dinners app holds about a person, and what goes when their account goes."""
from __future__ import annotations

from .models import Dinner, DinnerStatus, MatchRequest, Report, Seat, SeatStatus
from .services import dinner_cancel, seat_cancel


def collect(user) -> dict:
    def when(value):
        return value.isoformat() if value else None

    return {
        "hosted": [{"programme": d.programme.title, "title": d.title, "welcome": d.welcome,
                    "venue_type": d.venue_type, "starts_at": when(d.starts_at), "duration_minutes": d.duration_minutes,
                    "district": d.district.name, "seats": d.seats, "private_seats": d.private_seats,
                    "address": d.address, "accessibility": d.accessibility, "menu": d.menu, "diets": d.diets,
                    "language": d.language, "status": d.status, "status_reason": d.status_reason}
                   for d in Dinner.objects.filter(host=user).select_related("programme", "district")],
        "seats": [{"dinner": s.dinner.title, "starts_at": when(s.dinner.starts_at), "status": s.status,
                   "kind": s.kind, "diet": s.diet, "accessibility_needs": s.needs, "signed_up": when(s.created_at),
                   "confirmed": when(s.confirmed_at), "cancelled": when(s.cancelled_at)}
                  for s in Seat.objects.filter(guest=user).select_related("dinner")],
        "requests_for_any_dinner": [{"programme": r.programme.title, "status": r.status,
                                     "district": r.district.name if r.district_id else None, "diet": r.diet,
                                     "accessibility_needs": r.needs, "from": when(r.earliest),
                                     "until": when(r.latest), "asked": when(r.created_at)}
                                    for r in MatchRequest.objects.filter(guest=user).select_related("programme", "district")],
        "reports_written": [{"dinner": r.dinner.title, "participants": r.participants, "themes": r.themes,
                             "submitted": when(r.submitted_at)}
                            for r in Report.objects.filter(author=user).select_related("dinner")],
    }


def erase(user) -> None:
    """Before the account goes: the host's dinners lose the address (often their home) and
    upcoming ones are cancelled, with the guests told; the person's seats are given up so the
    waiting list moves up."""
    from django.utils import timezone

    for dinner in Dinner.objects.filter(host=user, status__in=[DinnerStatus.PENDING, DinnerStatus.APPROVED],
                                        starts_at__gt=timezone.now()):
        dinner_cancel(dinner=dinner, actor=user)
    for seat in Seat.objects.filter(guest=user, status__in=[SeatStatus.CONFIRMED, SeatStatus.WAITING]).select_related("dinner"):
        seat_cancel(seat=seat, actor=user)
    Dinner.objects.filter(host=user).update(address="", accessibility="")
