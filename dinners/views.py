"""Pages for dinner dialogues. Thin: permission, one service or selector, render."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ideas import upload_stash
from ui.forms import add_validation_errors
from ui.numbers import whole_number
from ui.ratelimit import allow
from ui.spreadsheets import csv_writer

from . import selectors, services
from .forms import (
    CancelForm,
    DecideForm,
    DinnerForm,
    MatchRequestForm,
    ProgrammeForm,
    ProgrammePictureForm,
    ReporterForm,
    ReportForm,
    SeatForm,
)
from .models import Dinner, DinnerStatus, Seat, SeatStatus, VenueType
from .notices import calendar_file


def _programme(pk: int):
    programme = selectors.programme_get(pk=pk)
    if programme is None:
        raise Http404
    return programme


def _dinner(request, pk: int) -> Dinner:
    dinner = selectors.dinner_get(pk=pk)
    if dinner is None or not request.user.has_perm("dinners.view_dinner", dinner):
        raise Http404  # a pending dinner does not exist for strangers
    return dinner


def _require(request, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


@require_safe
def programme_list(request):
    if request.municipality is None:
        raise Http404
    return render(request, "dinners/list.html", {
        "programmes": selectors.programme_list(municipality=request.municipality),
        "can_create": request.user.has_perm("dinners.manage_programme", request.municipality)})


@require_safe
def programme_detail(request, pk: int):
    programme = _programme(pk)
    user = request.user
    district = request.GET.get("district", "")
    venue = request.GET.get("venue", "")
    chosen = {"district": whole_number(district), "venue_type": venue if venue in VenueType.values else ""}
    dinners = list(selectors.dinner_list(programme=programme, user=user, when=selectors.UPCOMING, **chosen))
    for dinner in dinners:
        dinner.free = selectors.free_open_seats(dinner) if dinner.is_bookable else 0
    return render(request, "dinners/programme.html", {
        "programme": programme, "dinners": dinners, "venue_types": VenueType.choices,
        "past_dinners": selectors.dinner_list(programme=programme, user=user, when=selectors.PAST, **chosen),
        "districts": programme.districts.all() or programme.municipality.districts.all(),
        "chosen_district": district, "chosen_venue": venue,
        "can_host": user.has_perm("dinners.host_dinner", programme),
        "can_request": user.has_perm("dinners.request_any_dinner", programme),
        "can_manage": user.has_perm("dinners.manage_programme", programme),
        "match_request": selectors.match_request_of(programme=programme, user=user),
        "harvested": [h.idea for report in selectors.reports_of(programme=programme)
                      for h in report.harvested.all() if h.idea.is_public],
    })


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    municipality = request.municipality
    if municipality is None:
        raise Http404
    _require(request, "dinners.manage_programme", municipality)
    uploads, kept = upload_stash.picture_files(request)
    form = ProgrammeForm(request.POST or None, uploads, municipality=municipality)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            programme = services.programme_create(municipality=municipality, **data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            upload_stash.picture_done(request)
            messages.success(request, _("The programme is created."))
            return redirect("dinners:programme", pk=programme.pk)
    return render(request, "dinners/programme_form.html", {
        "form": form, "kept_picture": upload_stash.picture_keep(request, kept)})


@login_required
@require_http_methods(["GET", "POST"])
def programme_picture(request, pk: int):
    """Staff change or remove a programme's picture (its page and its front page card)."""
    programme = _programme(pk)
    _require(request, "dinners.manage_programme", programme)
    uploads, kept = upload_stash.picture_files(request)
    form = ProgrammePictureForm(request.POST or None, uploads, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_picture_set(programme=programme, image=form.cleaned_data.get("image"),
                                           image_alt=form.cleaned_data["image_alt"],
                                           remove_image=form.cleaned_data.get("remove_image", False))
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            upload_stash.picture_done(request)
            messages.success(request, _("The image is saved."))
            return redirect("dinners:programme", pk=programme.pk)
    return render(request, "dinners/programme_picture.html", {
        "programme": programme, "form": form, "kept_picture": upload_stash.picture_keep(request, kept),
    }, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def host(request, pk: int):
    programme = _programme(pk)
    _require(request, "dinners.host_dinner", programme)
    form = DinnerForm(request.POST or None, programme=programme,
                      initial={"seats": min(6, programme.max_seats), "language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        try:
            dinner = services.dinner_offer(programme=programme, host=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if dinner.status == DinnerStatus.PENDING:
                messages.success(request, _("Thank you! The municipality looks at your dinner and tells you when it is open for guests."))
            else:
                messages.success(request, _("Thank you! Your dinner is open for guests."))
            return redirect("dinners:dinner", pk=dinner.pk)
    return render(request, "dinners/host.html", {"programme": programme, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def any_dinner(request, pk: int):
    programme = _programme(pk)
    _require(request, "dinners.request_any_dinner", programme)
    existing = selectors.match_request_of(programme=programme, user=request.user)
    form = MatchRequestForm(request.POST or None, programme=programme,
                            initial={"earliest": programme.dinners_from, "latest": programme.dinners_until})
    if request.method == "POST" and "withdraw" in request.POST and existing is not None:
        services.match_request_cancel(request=existing, actor=request.user)
        messages.success(request, _("You are no longer waiting for a dinner."))
        return redirect("dinners:programme", pk=programme.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.match_request_create(programme=programme, guest=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Thank you! When the sign-up closes we find you a seat and write to you."))
            return redirect("dinners:programme", pk=programme.pk)
    return render(request, "dinners/any.html", {"programme": programme, "form": form, "existing": existing})


@require_safe
def dinner_detail(request, pk: int):
    dinner = _dinner(request, pk)
    user = request.user
    seat = selectors.seat_of(dinner=dinner, user=user)
    see_guests = user.has_perm("dinners.view_guests", dinner)
    is_host = getattr(user, "pk", None) == dinner.host_id
    report = getattr(dinner, "report", None)
    return render(request, "dinners/dinner.html", {
        "dinner": dinner, "programme": dinner.programme, "seat": seat,
        "free": selectors.free_open_seats(dinner) if dinner.is_bookable else 0,
        "show_address": user.has_perm("dinners.view_address", dinner),
        "guests": selectors.guest_list(dinner) if see_guests else None,
        "is_host": is_host,
        "invite_url": request.build_absolute_uri(reverse("dinners:invite", args=[dinner.invite_token])) if is_host else "",
        "can_book": user.has_perm("dinners.book_seat", dinner) and seat is None,
        "can_change": user.has_perm("dinners.change_dinner", dinner),
        "can_decide": user.has_perm("dinners.decide_dinner", dinner),
        "can_report": user.has_perm("dinners.file_report", dinner),
        "report": report,
        "show_report": report is not None and (see_guests or seat is not None and seat.status == SeatStatus.CONFIRMED),
        "seat_form": SeatForm(),
        "decide_form": DecideForm(),
        "reporter_form": ReporterForm(guests=selectors.confirmed_guests(dinner), initial={"reporter": dinner.reporter})
        if is_host else None,
    })


def _book(request, dinner: Dinner, *, invite_token: str = ""):
    form = SeatForm(request.POST)
    if not form.is_valid():
        return None, form
    if not allow(request, "seat_book", settings.SEAT_SIGNUP_RATE):
        form.add_error(None, _("You have signed up many times in a short while. Wait a little and try again."))
        return None, form
    try:
        seat = services.seat_book(dinner=dinner, guest=request.user, invite_token=invite_token, **form.cleaned_data)
    except ValidationError as exc:
        add_validation_errors(form, exc)
        return None, form
    if seat.status == SeatStatus.CONFIRMED:
        messages.success(request, _("Your seat is confirmed. We have e-mailed you a calendar invitation with the address."))
    else:
        messages.info(request, _("The dinner is full: you are on the waiting list and hear from us if a seat becomes free."))
    return seat, form


@login_required
@require_POST
def book(request, pk: int):
    dinner = _dinner(request, pk)
    _require(request, "dinners.book_seat", dinner)
    seat, form = _book(request, dinner)
    if seat is None:
        return render(request, "dinners/dinner.html", {"dinner": dinner, "programme": dinner.programme,
                                                       "seat_form": form, "can_book": True,
                                                       "free": selectors.free_open_seats(dinner)}, status=400)
    return redirect("dinners:dinner", pk=dinner.pk)


@login_required
@require_http_methods(["GET", "POST"])
def invite(request, token: str):
    dinner = Dinner.objects.filter(invite_token=token).select_related("programme", "district", "host").first()
    if dinner is None or not dinner.is_bookable:
        raise Http404
    seat = selectors.seat_of(dinner=dinner, user=request.user)
    form = SeatForm()
    if request.method == "POST" and seat is None and request.user.pk != dinner.host_id:
        seat, form = _book(request, dinner, invite_token=token)
        if seat is not None:
            return redirect("dinners:dinner", pk=dinner.pk)
    return render(request, "dinners/invite.html", {"dinner": dinner, "seat": seat, "form": form, "token": token})


@login_required
@require_POST
def seat_cancel(request, pk: int):
    seat = Seat.objects.select_related("dinner__programme__municipality").filter(pk=pk).first()
    if seat is None:
        raise Http404
    _require(request, "dinners.cancel_seat", seat)
    services.seat_cancel(seat=seat, actor=request.user)
    messages.success(request, _("You have given up your place. Thank you for telling us."))
    return redirect("dinners:dinner", pk=seat.dinner_id)


@login_required
@require_http_methods(["GET", "POST"])
def dinner_edit(request, pk: int):
    dinner = _dinner(request, pk)
    _require(request, "dinners.change_dinner", dinner)
    form = DinnerForm(request.POST or None, instance=Dinner.objects.get(pk=dinner.pk), programme=dinner.programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.dinner_update(dinner=dinner, actor=request.user,
                                   **{name: form.cleaned_data[name] for name in form.changed_data})
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Your changes are saved; confirmed guests are told of a new time or place."))
            return redirect("dinners:dinner", pk=dinner.pk)
    return render(request, "dinners/host.html", {"programme": dinner.programme, "form": form, "dinner": dinner})


@login_required
@require_http_methods(["GET", "POST"])
def dinner_cancel(request, pk: int):
    dinner = _dinner(request, pk)
    _require(request, "dinners.change_dinner", dinner)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.dinner_cancel(dinner=dinner, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The dinner is cancelled and the guests are told."))
        return redirect("dinners:dinner", pk=dinner.pk)
    return render(request, "dinners/cancel.html", {"dinner": dinner, "form": form})


@login_required
@require_POST
def dinner_decide(request, pk: int):
    dinner = _dinner(request, pk)
    _require(request, "dinners.decide_dinner", dinner)
    form = DecideForm(request.POST)
    if form.is_valid():
        try:
            services.dinner_decide(dinner=dinner, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The host is told."))
            target = request.POST.get("next", "")
            return redirect(target if target.startswith("/dinners/") else dinner.get_absolute_url())
    return render(request, "dinners/decide.html", {"dinner": dinner, "form": form}, status=400)


@login_required
@require_POST
def reporter_set(request, pk: int):
    dinner = _dinner(request, pk)
    if request.user.pk != dinner.host_id:
        raise PermissionDenied
    form = ReporterForm(request.POST, guests=selectors.confirmed_guests(dinner))
    if form.is_valid():
        services.dinner_reporter_set(dinner=dinner, actor=request.user, reporter=form.cleaned_data["reporter"])
        messages.success(request, _("Saved."))
    return redirect("dinners:dinner", pk=dinner.pk)


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk: int):
    dinner = _dinner(request, pk)
    _require(request, "dinners.file_report", dinner)
    slots = 3
    if request.method == "POST":
        try:
            slots = max(1, min(20, int(request.POST.get("idea_slots", 3))))
        except ValueError:
            slots = 3
    adding = request.method == "POST" and "more_ideas" in request.POST
    form = ReportForm(request.POST or None, questions=dinner.programme.questions.all(), idea_slots=slots)
    if request.method == "POST" and not adding and form.is_valid():
        try:
            services.report_file(dinner=dinner, author=request.user, participants=form.cleaned_data["participants"],
                                 themes=form.cleaned_data["themes"], answers=form.answers(), ideas=form.ideas())
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Thank you for the report! The ideas are now on Høst and everyone at the table follows them."))
            return redirect("dinners:dinner", pk=dinner.pk)
    if adding:
        # Keep everything typed, with two more empty idea slots, and no errors yet.
        form = ReportForm(initial=request.POST.dict(), questions=dinner.programme.questions.all(), idea_slots=slots + 2)
    return render(request, "dinners/report.html", {"dinner": dinner, "form": form, "idea_slots": form.idea_slots,
                                                   "adding": adding})


@login_required
@require_safe
def calendar(request, pk: int):
    dinner = _dinner(request, pk)
    if not selectors.can_see_private(request.user, dinner, staff_counts=False):
        raise PermissionDenied
    response = HttpResponse(calendar_file(dinner, with_address=True), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="middag-{dinner.pk}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_safe
def mine(request):
    return render(request, "dinners/mine.html", {"seats": selectors.my_seats(user=request.user),
                                                 "hosted": selectors.my_dinners(user=request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def overview(request, pk: int):
    programme = _programme(pk)
    _require(request, "dinners.view_overview", programme)
    plan = None
    if request.method == "POST":
        if "plan" in request.POST:
            plan = services.matching_plan(programme=programme)
            messages.success(request, _("The plan is ready: %(placed)s of %(requests)s placed. Look at the tables below before you send it.")
                             % {"placed": plan["placed"], "requests": plan["requests"]})
        elif "send" in request.POST:
            sent = services.matching_send(programme=programme, actor=request.user)
            messages.success(request, _("Sent: %(placed)s placed, %(unplaced)s without a seat (they are told).") % sent)
        return redirect("dinners:overview", pk=programme.pk)
    return render(request, "dinners/overview.html", {
        "programme": programme, "figures": selectors.overview(municipality=programme.municipality, programme=programme),
        "pending": selectors.pending_dinners(municipality=programme.municipality).filter(programme=programme),
        "plan_rows": selectors.matching_plan_rows(programme=programme) if programme.matching_planned_at else None,
        "reports": selectors.reports_of(programme=programme), "decide_form": DecideForm(),
    })


@login_required
@require_safe
def overview_csv(request, pk: int):
    programme = _programme(pk)
    _require(request, "dinners.view_overview", programme)
    figures = selectors.overview(municipality=programme.municipality, programme=programme)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hoest-dinners-{programme.pk}.csv"'
    writer = csv_writer(response)  # district names are typed by staff
    writer.writerow(["district", "venue_type", "dinners", "seats_offered", "seats_taken", "waiting", "reports"])
    for row in figures["rows"]:
        writer.writerow([row["district"], row["venue_code"], row["dinners"], row["seats_offered"], row["seats_taken"],
                         row["waiting"], row["reports"]])
    return response
