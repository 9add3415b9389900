"""Dinner dialogues in the Aarhus style ("gjestebud" in Norway): the municipality owns the
questions, citizens host 5-8 people for about two hours, no staff attend, and the host sends a
written report back whose ideas enter the ideas app.

Private by construction: a dinner's address and its guest list are fields no public
serializer, page or export names; `selectors.can_see_private` decides who sees them.
"""
from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Language, Municipality, deleted_user

MAX_SEATS_LIMIT = 20


def new_token() -> str:
    return secrets.token_urlsafe(24)


def programme_image_path(instance, filename: str) -> str:
    return f"dinners/{instance.municipality_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename}"


class Programme(models.Model):
    """A round of dinners around the municipality's questions."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="dinner_programmes",
                                     verbose_name=_("municipality"))
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    theme = models.TextField(_("theme"))
    host_instructions = models.TextField(_("instructions for hosts"))
    privacy_text = models.TextField(_("privacy"), help_text=_("What the municipality does with the personal data."))
    signup_opens = models.DateTimeField(_("sign-up opens"))
    signup_closes = models.DateTimeField(_("sign-up closes"))
    dinners_from = models.DateTimeField(_("dinners take place from"))
    dinners_until = models.DateTimeField(_("dinners take place until"))
    districts = models.ManyToManyField(District, blank=True, related_name="+", verbose_name=_("districts"),
                                       help_text=_("Leave empty for the whole municipality."))
    max_seats = models.PositiveSmallIntegerField(
        _("most guests per dinner"), default=8, validators=[MinValueValidator(2), MaxValueValidator(MAX_SEATS_LIMIT)])
    hosts_need_approval = models.BooleanField(_("staff approve hosts"), default=True)
    campaign = models.ForeignKey("ideas.Campaign", on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("campaign that receives the harvested ideas"))
    # A picture for its page and its card on the front page (ui.images.picture_store).
    image = models.ImageField(_("image"), upload_to=programme_image_path, blank=True, width_field="image_width",
                              height_field="image_height")
    image_small = models.ImageField(upload_to=programme_image_path, blank=True, editable=False)
    image_width = models.PositiveIntegerField(default=0, editable=False)
    image_height = models.PositiveIntegerField(default=0, editable=False)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True,
                                 help_text=_("What the image shows, for people who cannot see it."))
    matching_planned_at = models.DateTimeField(null=True, blank=True, editable=False)
    matching_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-dinners_from"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="dinner_programme_unique_slug"),
            models.CheckConstraint(condition=Q(signup_closes__gt=F("signup_opens")),
                                   name="programme_signup_closes_after_opening"),
            models.CheckConstraint(condition=Q(dinners_until__gt=F("dinners_from")),
                                   name="programme_dinners_until_after_from"),
        ]
        verbose_name = _("dinner programme")
        verbose_name_plural = _("dinner programmes")

    def __str__(self) -> str:
        return self.title

    def signup_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.signup_opens <= now < self.signup_closes


class GuidingQuestion(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.CharField(_("question"), max_length=300)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["programme", "position"], name="question_unique_position")]
        verbose_name = _("guiding question")
        verbose_name_plural = _("guiding questions")

    def __str__(self) -> str:
        return self.text


class VenueType(models.TextChoices):
    HOME = "home", _("Private home")
    ASSOCIATION = "association", _("Association")
    WORKPLACE = "workplace", _("Workplace")
    EDUCATION = "education", _("Educational institution")
    OTHER = "other", _("Other")


class DinnerStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Open")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Dinner(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="dinners",
                                  verbose_name=_("programme"))
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user),
                             related_name="hosted_dinners", verbose_name=_("host"))
    status = models.CharField(_("status"), max_length=10, choices=DinnerStatus.choices,
                              default=DinnerStatus.PENDING)
    status_reason = models.TextField(_("reason"), blank=True)
    title = models.CharField(_("title"), max_length=120, help_text=_("A few words that invite, e.g. “Soup and talk in Trøjborg”."))
    welcome = models.TextField(_("welcome"), blank=True, max_length=2000,
                               help_text=_("A short greeting to your guests. Shown publicly."))
    venue_type = models.CharField(_("venue"), max_length=12, choices=VenueType.choices)
    starts_at = models.DateTimeField(_("starts"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration in minutes"), default=120, validators=[MinValueValidator(30), MaxValueValidator(600)])
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+", verbose_name=_("district"))
    # No programme allows more (Programme.max_seats); said here so the API's schema says it too.
    seats = models.PositiveSmallIntegerField(_("guest seats"),
                                             validators=[MinValueValidator(1), MaxValueValidator(MAX_SEATS_LIMIT)])
    private_seats = models.PositiveSmallIntegerField(
        _("seats for your own guests"), default=0, validators=[MaxValueValidator(MAX_SEATS_LIMIT)],
        help_text=_("Reserved for people you invite with your private link; the rest are open for sign-up."))
    address = models.CharField(_("address"), max_length=300,
                               help_text=_("Only your confirmed guests and the municipality's staff see it."))
    accessibility = models.TextField(_("accessibility of the place"), blank=True, max_length=1000)
    menu = models.TextField(_("what is served"), blank=True, max_length=1000)
    diets = models.CharField(_("diets that can be met"), max_length=300, blank=True)
    language = models.CharField(_("language at the table"), max_length=5, choices=Language.choices,
                                default=Language.DANISH)
    invite_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name=_("who writes the report"))
    ics_sequence = models.PositiveIntegerField(default=0, editable=False)
    guest_list_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["programme", "status", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(private_seats__lte=F("seats")), name="dinner_private_within_seats"),
        ]
        verbose_name = _("dinner")
        verbose_name_plural = _("dinners")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("dinners:dinner", args=[self.pk])

    @property
    def municipality(self):
        return self.programme.municipality

    @property
    def open_seats(self) -> int:
        return self.seats - self.private_seats

    @property
    def ends_at(self):
        return self.starts_at + timezone.timedelta(minutes=self.duration_minutes)

    @property
    def is_bookable(self) -> bool:
        return self.status == DinnerStatus.APPROVED and self.starts_at > timezone.now()


class SeatStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")


class SeatKind(models.TextChoices):
    OPEN = "open", _("Open sign-up")
    INVITED = "invited", _("Invited by the host")
    MATCHED = "matched", _("Placed by the municipality")


ACTIVE_SEAT = Q(status__in=[SeatStatus.CONFIRMED, SeatStatus.WAITING])


class Seat(models.Model):
    """A guest's place at a dinner, or on its waiting list."""

    dinner = models.ForeignKey(Dinner, on_delete=models.CASCADE, related_name="seats_taken")
    guest = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dinner_seats")
    status = models.CharField(_("status"), max_length=10, choices=SeatStatus.choices)
    kind = models.CharField(_("how"), max_length=8, choices=SeatKind.choices, default=SeatKind.OPEN)
    diet = models.CharField(_("diet"), max_length=300, blank=True)
    needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["dinner", "status", "created_at"])]
        constraints = [
            # One live place per person per dinner; the database decides under concurrency.
            models.UniqueConstraint(fields=["dinner", "guest"], condition=ACTIVE_SEAT, name="seat_one_active_per_guest"),
        ]
        verbose_name = _("seat")
        verbose_name_plural = _("seats")

    def __str__(self) -> str:
        return f"{self.dinner_id}/{self.guest_id}: {self.status}"

    @property
    def municipality(self):
        return self.dinner.programme.municipality


class MatchStatus(models.TextChoices):
    OPEN = "open", _("Waiting to be placed")
    PLANNED = "planned", _("In the plan")
    PLACED = "placed", _("Placed")
    UNPLACED = "unplaced", _("No seat found")
    CANCELLED = "cancelled", _("Cancelled")


class MatchRequest(models.Model):
    """"Any dinner near me": placed by the matching at the end of the sign-up window."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="match_requests")
    guest = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="dinner_match_requests")
    district = models.ForeignKey(District, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("district"), help_text=_("Leave empty for anywhere."))
    earliest = models.DateTimeField(_("from"))
    latest = models.DateTimeField(_("until"))
    diet = models.CharField(_("diet"), max_length=300, blank=True)
    needs = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    status = models.CharField(max_length=10, choices=MatchStatus.choices, default=MatchStatus.OPEN)
    planned_dinner = models.ForeignKey(Dinner, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    seat = models.OneToOneField(Seat, on_delete=models.SET_NULL, null=True, blank=True, related_name="match_request")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "guest"], condition=~Q(status="cancelled"),
                                    name="match_request_one_per_guest"),
            models.CheckConstraint(condition=Q(latest__gt=F("earliest")), name="match_request_window"),
        ]
        verbose_name = _("request for any dinner")
        verbose_name_plural = _("requests for any dinner")

    def __str__(self) -> str:
        return f"{self.programme_id}/{self.guest_id}: {self.status}"

    @property
    def municipality(self):
        return self.programme.municipality


class Report(models.Model):
    """What the host sends back after the dinner."""

    dinner = models.OneToOneField(Dinner, on_delete=models.CASCADE, related_name="report")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), related_name="+")
    participants = models.PositiveSmallIntegerField(_("number of participants"),
                                                    validators=[MaxValueValidator(MAX_SEATS_LIMIT + 1)])
    themes = models.TextField(_("themes that came up"), blank=True, max_length=3000)
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self) -> str:
        return f"{self.dinner}"


class ReportAnswer(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(GuidingQuestion, on_delete=models.CASCADE, related_name="answers")
    answer = models.TextField(_("answer"), max_length=5000)

    class Meta:
        ordering = ["question__position"]
        constraints = [models.UniqueConstraint(fields=["report", "question"], name="report_one_answer_per_question")]

    def __str__(self) -> str:
        return self.answer[:60]


class HarvestedIdea(models.Model):
    """An idea that came out of a dinner; it lives in the ideas app like any other."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="harvested")
    idea = models.OneToOneField("ideas.Idea", on_delete=models.CASCADE, related_name="dinner_harvest")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.idea_id}"
