"""Reads for dinner dialogues. Public reads never select the address or the guests: they
are fetched only by the functions that check who asks (`can_see_private`)."""
from __future__ import annotations

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accounts.rules import is_moderator, is_staff_member
from ideas.models import Status

from . import matching
from .models import (
    Dinner,
    DinnerStatus,
    HarvestedIdea,
    MatchRequest,
    MatchStatus,
    Programme,
    Report,
    Seat,
    SeatKind,
    SeatStatus,
    VenueType,
)


def programme_list(*, municipality) -> QuerySet[Programme]:
    return Programme.objects.filter(municipality=municipality).order_by("-dinners_from")


def programme_list_open(*, municipality) -> QuerySet[Programme]:
    """Programmes whose sign-up is open now, for the front page."""
    now = timezone.now()
    return Programme.objects.filter(municipality=municipality, signup_opens__lte=now,
                                    signup_closes__gt=now).order_by("signup_closes")


def programme_get(*, pk: int) -> Programme | None:
    return (Programme.objects.select_related("municipality", "campaign").prefetch_related("questions", "districts")
            .filter(pk=pk).first())


def with_seat_counts(queryset: QuerySet[Dinner]) -> QuerySet[Dinner]:
    return queryset.annotate(
        confirmed_count=Count("seats_taken", filter=Q(seats_taken__status=SeatStatus.CONFIRMED)),
        waiting_count=Count("seats_taken", filter=Q(seats_taken__status=SeatStatus.WAITING)),
        open_confirmed_count=Count("seats_taken", filter=Q(seats_taken__status=SeatStatus.CONFIRMED)
                                   & ~Q(seats_taken__kind=SeatKind.INVITED)),
    )


def free_open_seats(dinner: Dinner) -> int:
    """Seats a stranger can still sign up for (needs the with_seat_counts annotations)."""
    invited = dinner.confirmed_count - dinner.open_confirmed_count
    free_total = dinner.seats - dinner.confirmed_count
    free_open = dinner.open_seats - dinner.open_confirmed_count - max(0, invited - dinner.private_seats)
    return max(0, min(free_total, free_open))


UPCOMING, PAST = "upcoming", "past"


def dinner_list(*, programme: Programme, user, district: int | None = None, venue_type: str = "",
                free_only: bool = False, when: str | None = None) -> QuerySet[Dinner]:
    """Public dinners of a programme (and the person's own pending ones), without addresses:
    all of them, or (`when`) those still to come, soonest first, or those that have begun,
    latest first."""
    visible = Q(status__in=[DinnerStatus.APPROVED, DinnerStatus.CANCELLED])
    if getattr(user, "is_authenticated", False):
        visible |= Q(host=user)
    if getattr(user, "is_authenticated", False) and is_moderator(user, programme):
        visible = Q()  # moderators find the dinners waiting for approval here
    queryset = (Dinner.objects.filter(visible, programme=programme).defer("address")
                .select_related("district", "host"))
    if district:
        queryset = queryset.filter(district_id=district)
    if venue_type:
        queryset = queryset.filter(venue_type=venue_type)
    if free_only:
        queryset = queryset.filter(status=DinnerStatus.APPROVED, starts_at__gt=timezone.now())
    if when == UPCOMING:
        queryset = queryset.filter(starts_at__gt=timezone.now())
    elif when == PAST:
        return with_seat_counts(queryset.filter(starts_at__lte=timezone.now())).order_by("-starts_at", "-pk")
    return with_seat_counts(queryset).order_by("starts_at", "pk")


def dinner_get(*, pk: int) -> Dinner | None:
    return (with_seat_counts(Dinner.objects.filter(pk=pk))
            .select_related("programme__municipality", "programme__campaign", "district", "host", "reporter")
            .first())


def seat_figures(dinner_id: int) -> dict | None:
    dinner = with_seat_counts(Dinner.objects.filter(pk=dinner_id).defer("address")).first()
    if dinner is None:
        return None
    return {"seats": dinner.seats, "confirmed": dinner.confirmed_count, "free": free_open_seats(dinner)
            if dinner.is_bookable else 0, "waiting": dinner.waiting_count, "status": dinner.status}


def can_see_private(user, dinner: Dinner, *, staff_counts: bool = True) -> bool:
    """The address: the host, confirmed guests and (on pages) the municipality's staff."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk == dinner.host_id:
        return True
    if dinner.seats_taken.filter(guest=user, status=SeatStatus.CONFIRMED).exists():
        return True
    return staff_counts and is_staff_member(user, dinner.programme)


def guest_list(dinner: Dinner) -> list[Seat]:
    return list(dinner.seats_taken.filter(status__in=[SeatStatus.CONFIRMED, SeatStatus.WAITING])
                .select_related("guest").order_by("status", "created_at", "pk"))


def confirmed_guests(dinner: Dinner):
    """The people with a confirmed seat (the host may name one of them to write the report)."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(dinner_seats__dinner=dinner, dinner_seats__status=SeatStatus.CONFIRMED)


def seat_of(*, dinner: Dinner, user) -> Seat | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return dinner.seats_taken.filter(guest=user, status__in=[SeatStatus.CONFIRMED, SeatStatus.WAITING]).first()


def my_seats(*, user) -> QuerySet[Seat]:
    return (Seat.objects.filter(guest=user).exclude(status=SeatStatus.CANCELLED)
            .select_related("dinner__programme", "dinner__district").order_by("dinner__starts_at"))


def my_dinners(*, user) -> QuerySet[Dinner]:
    return with_seat_counts(Dinner.objects.filter(host=user).select_related("programme", "district")).order_by("starts_at")


def match_request_of(*, programme: Programme, user) -> MatchRequest | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return (MatchRequest.objects.filter(programme=programme, guest=user).exclude(status=MatchStatus.CANCELLED)
            .select_related("seat__dinner", "district").first())


def pending_dinners(*, municipality) -> QuerySet[Dinner]:
    return (Dinner.objects.filter(programme__municipality=municipality, status=DinnerStatus.PENDING)
            .select_related("programme", "district", "host").order_by("created_at"))


def matching_plan_rows(*, programme: Programme) -> list[dict]:
    """The plan staff look at before sending it: each table with who would come and how mixed it is."""
    year = timezone.localdate().year
    dinners = list(with_seat_counts(Dinner.objects.filter(programme=programme, status=DinnerStatus.APPROVED))
                   .select_related("district", "host").order_by("starts_at", "pk"))
    seats = (Seat.objects.filter(dinner__in=dinners, status=SeatStatus.CONFIRMED)
             .values_list("dinner_id", "guest__birth_year", "guest__district_id"))
    planned = (MatchRequest.objects.filter(programme=programme, status=MatchStatus.PLANNED)
               .values_list("planned_dinner_id", "guest__birth_year", "guest__district_id"))
    people: dict[int, list] = {d.pk: [(matching.age_band(d.host.birth_year, year), d.host.district_id)] for d in dinners}
    new: dict[int, int] = {d.pk: 0 for d in dinners}
    for dinner_id, birth_year, district_id in seats:
        people[dinner_id].append((matching.age_band(birth_year, year), district_id))
    for dinner_id, birth_year, district_id in planned:
        if dinner_id in people:
            people[dinner_id].append((matching.age_band(birth_year, year), district_id))
            new[dinner_id] += 1
    return [{"dinner": d, "planned": new[d.pk], "people": len(people[d.pk]),
             "age_bands": len({a for a, _h in people[d.pk] if a}),
             "districts": len({h for _a, h in people[d.pk] if h})} for d in dinners]


def overview(*, municipality, programme: Programme | None = None) -> dict:
    """Staff overview per district and venue type, aggregated by the database; no personal data."""
    dinners = Dinner.objects.filter(programme__municipality=municipality)
    if programme is not None:
        dinners = dinners.filter(programme=programme)
    live = dinners.exclude(status__in=[DinnerStatus.DECLINED, DinnerStatus.CANCELLED])
    groups = (live.values("district__name", "venue_type")
              .annotate(dinners=Count("id"), seats_offered=Sum("seats"), reports=Count("report"))
              .order_by("district__name", "venue_type"))
    seats = {(r["dinner__district__name"], r["dinner__venue_type"]): r for r in
             Seat.objects.filter(dinner__in=live).values("dinner__district__name", "dinner__venue_type")
             .annotate(taken=Count("id", filter=Q(status=SeatStatus.CONFIRMED)),
                       waiting=Count("id", filter=Q(status=SeatStatus.WAITING))).order_by()}
    venue_labels = dict(VenueType.choices)
    table = []
    for row in groups:
        counts = seats.get((row["district__name"], row["venue_type"]), {})
        table.append({"district": row["district__name"], "venue_code": row["venue_type"],
                      "venue_type": venue_labels.get(row["venue_type"], row["venue_type"]),
                      "dinners": row["dinners"], "seats_offered": row["seats_offered"] or 0,
                      "seats_taken": counts.get("taken", 0), "waiting": counts.get("waiting", 0),
                      "reports": row["reports"]})
    harvested = HarvestedIdea.objects.filter(report__dinner__in=dinners)
    status_labels = dict(Status.choices)
    statuses = harvested.values_list("idea__status").annotate(n=Count("id")).order_by("idea__status")
    requests = MatchRequest.objects.filter(programme__municipality=municipality).exclude(status=MatchStatus.CANCELLED)
    if programme is not None:
        requests = requests.filter(programme=programme)
    return {
        "rows": table,
        "totals": {k: sum(r[k] for r in table) for k in ("dinners", "seats_offered", "seats_taken", "waiting", "reports")},
        "ideas": sum(n for _s, n in statuses),
        "idea_statuses": [{"status": status_labels.get(s, s), "code": s, "count": n} for s, n in statuses],
        "match_requests": requests.count(),
    }


def reports_of(*, programme: Programme) -> QuerySet[Report]:
    return (Report.objects.filter(dinner__programme=programme).select_related("dinner__district")
            .prefetch_related("answers__question", "harvested__idea").order_by("-submitted_at"))


def participation_figures(*, municipality) -> dict:
    """For the reporting funnel: dinner guests and the ideas their reports harvested."""
    return {
        "guests": Seat.objects.filter(dinner__programme__municipality=municipality,
                                      status=SeatStatus.CONFIRMED).exclude(dinner__status=DinnerStatus.CANCELLED).count(),
        "harvested_ideas": HarvestedIdea.objects.filter(report__dinner__programme__municipality=municipality).count(),
    }



def dinners_awaiting_approval(*, municipality, limit: int = 10) -> dict:
    """For the staff home: dinners hosts offered that wait for a decision, oldest first, with
    their number (no addresses): two queries."""
    qs = pending_dinners(municipality=municipality).defer("address")
    return {"count": qs.count(), "items": list(qs[:limit])}
