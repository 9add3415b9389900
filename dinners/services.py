"""Every write to dinner dialogues goes through these functions (see docs/ARCHITECTURE.md, house style).

Seats are decided under a row lock on the dinner: whoever holds it counts the confirmed
guests and either confirms or puts the person on the waiting list, so simultaneous
sign-ups never confirm more guests than there are seats.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import District
from ideas.models import Follow, Source
from ideas.services import campaign_create, idea_submit
from notify.outbox import queue

from . import events, matching
from .models import (
    Dinner,
    DinnerStatus,
    GuidingQuestion,
    HarvestedIdea,
    MatchRequest,
    MatchStatus,
    Programme,
    Report,
    ReportAnswer,
    Seat,
    SeatKind,
    SeatStatus,
)
from .notices import KINDS

MIN_QUESTIONS, MAX_QUESTIONS = 3, 6
DINNER_FIELDS = ["title", "welcome", "venue_type", "starts_at", "duration_minutes", "district", "seats",
                 "private_seats", "address", "accessibility", "menu", "diets", "language"]
# Changes to these are news for the guests (a new time or place); the rest is not.
NEWS_FIELDS = {"starts_at", "duration_minutes", "address", "venue_type"}


def _tell(name: str, key: str, recipient, *, dinner: Dinner | None = None, seat: Seat | None = None,
          programme: Programme | None = None) -> bool:
    """Owe `recipient` the dinner e-mail `name` (dinners.notices), once per `key`: True if
    it is new."""
    if name not in KINDS:
        raise ValueError(f"no dinner e-mail {name!r}")
    return queue(f"dinners.{name}", key, recipient, dinner=dinner.pk if dinner else None, seat=seat.pk if seat else None,
          programme=programme.pk if programme else dinner.programme_id) is not None


# --- Programmes --------------------------------------------------------------------------

@transaction.atomic
def programme_create(*, municipality, title: str, theme: str, host_instructions: str, privacy_text: str,
                     signup_opens, signup_closes, dinners_from, dinners_until, questions: Sequence[str],
                     max_seats: int = 8, hosts_need_approval: bool = True,
                     districts: Sequence[District] = (), campaign=None, slug: str = "") -> Programme:
    """A programme with its guiding questions. Harvested ideas go to `campaign`, or to a
    campaign made for the programme (open while the dinners and their reports happen)."""
    questions = [q.strip() for q in questions if q and q.strip()]
    if not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        raise ValidationError({"questions": _("Give between %(min)s and %(max)s guiding questions.")
                               % {"min": MIN_QUESTIONS, "max": MAX_QUESTIONS}})
    if any(d.municipality_id != municipality.pk for d in districts):
        raise ValidationError({"districts": _("Choose districts of this municipality.")})
    slug = slug or slugify(title)[:80] or "middage"
    if campaign is None:
        campaign = campaign_create(
            municipality=municipality, title=title[:200], slug=f"{slug}-ideer"[:80], description=theme,
            open_to_influence=theme, fixed_frame=_("Ideas from the dinner dialogues of this programme."),
            decided_by=municipality.name, answer_by=(dinners_until + timedelta(days=90)).date(),
            opens_at=signup_opens, closes_at=dinners_until + timedelta(days=60))
    programme = Programme(
        municipality=municipality, title=title, slug=slug, theme=theme, host_instructions=host_instructions,
        privacy_text=privacy_text, signup_opens=signup_opens, signup_closes=signup_closes,
        dinners_from=dinners_from, dinners_until=dinners_until, max_seats=max_seats,
        hosts_need_approval=hosts_need_approval, campaign=campaign)
    programme.full_clean()
    programme.save()
    programme.districts.set(districts)
    GuidingQuestion.objects.bulk_create(
        GuidingQuestion(programme=programme, position=n, text=text) for n, text in enumerate(questions, 1))
    return programme


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


def _locked(dinner: Dinner) -> Dinner:
    return Dinner.objects.select_for_update().select_related("programme").get(pk=dinner.pk)


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
        _promote_waiting(dinner)
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


def _promote_waiting(dinner: Dinner) -> list[Seat]:
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
        _promote_waiting(dinner)
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


# --- Report back -------------------------------------------------------------------------

@transaction.atomic
def report_file(*, dinner: Dinner, author, participants: int, themes: str = "",
                answers: dict[int, str], ideas: Sequence[tuple[str, str]] = ()) -> Report:
    """The host's report: answers to the guiding questions, themes, and harvested ideas.

    Each idea enters the ideas app with source "dinner", citizen-initiated, and everyone who
    was at the table follows it, so they hear what becomes of the evening.
    """

    dinner = _locked(dinner)
    if hasattr(dinner, "report"):
        raise ValidationError(_("This dinner's report has already been sent."))
    if dinner.status != DinnerStatus.APPROVED:
        raise ValidationError(_("Only a dinner that took place can be reported."))
    if dinner.starts_at > timezone.now():
        raise ValidationError(_("The report can be written after the dinner."))
    questions = {q.pk: q for q in dinner.programme.questions.all()}
    errors = {}
    missing = [q for pk, q in questions.items() if not (answers.get(pk) or "").strip()]
    if missing:
        errors["answers"] = _("Answer every guiding question (a few words are enough).")
    if participants < 1:
        errors["participants"] = _("Count everyone at the table, the host included.")
    ideas = [(title.strip(), body.strip()) for title, body in ideas if (title or "").strip()]
    if any(not body for _t, body in ideas):
        errors["ideas"] = _("Describe each idea in a sentence or two.")
    if errors:
        raise ValidationError(errors)
    report = Report(dinner=dinner, author=author, participants=participants, themes=themes.strip())
    report.full_clean(exclude=["dinner", "author"])
    report.save()
    ReportAnswer.objects.bulk_create(ReportAnswer(report=report, question=questions[pk], answer=answers[pk].strip())
                                     for pk in questions)
    table = [dinner.host_id, *dinner.seats_taken.filter(status=SeatStatus.CONFIRMED).values_list("guest_id", flat=True)]
    for title, body in ideas:
        idea = idea_submit(author=dinner.host, campaign=dinner.programme.campaign, title=title, body=body,
                           district=dinner.district, source=Source.DINNER)
        HarvestedIdea.objects.create(report=report, idea=idea)
        Follow.objects.bulk_create([Follow(idea=idea, user_id=user_id) for user_id in table], ignore_conflicts=True)
    events.report_filed(dinner)
    return report
