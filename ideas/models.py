"""Campaigns, ideas and what citizens and staff do with them."""
from __future__ import annotations

import json

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import District, Municipality, deleted_user


class ModerationMode(models.TextChoices):
    PRE = "pre", _("Pre-moderation: new ideas and comments are hidden until approved")
    POST = "post", _("Post-moderation: new ideas and comments are shown at once")


class IdeaSettings(models.Model):
    """How one municipality runs its idea box."""

    municipality = models.OneToOneField(
        Municipality, on_delete=models.CASCADE, related_name="idea_settings",
        verbose_name=_("municipality"),
    )
    moderation_mode = models.CharField(
        _("moderation"), max_length=4, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    flag_threshold = models.PositiveSmallIntegerField(
        _("flags before hiding"), default=3, validators=[MinValueValidator(1)],
        help_text=_("An idea or comment flagged this many times is hidden until a moderator reviews it."),
    )
    promoted_supports = models.PositiveIntegerField(
        _("supports that suggest “promoted”"), default=25,
        help_text=_("Supports plus comments from citizens at which the platform suggests that citizens promoted an idea."),
    )
    contact_email = models.EmailField(
        _("contact for moderation questions"), blank=True,
        help_text=_("Where citizens write when they disagree with a moderator's decision. Høst's e-mails "
                    "come from an address nobody reads, so they name this one."),
    )

    class Meta:
        verbose_name = _("idea settings")
        verbose_name_plural = _("idea settings")

    def __str__(self) -> str:
        return str(self.municipality)


class SettingsChange(models.Model):
    """The log of changes to a municipality's idea settings: who changed what, from what to
    what, and when. Shown to staff on the settings page."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), null=True,
                              blank=True, related_name="+")
    #: {field name: [old value, new value]}
    changes = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.municipality_id}: {sorted(self.changes)}"


class Category(models.Model):
    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="idea_categories")
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


def campaign_image_path(instance, filename: str) -> str:
    return f"campaigns/{instance.municipality_id}/{timezone.now():%Y%m%d%H%M%S%f}-{filename}"


class Campaign(models.Model):
    """A question the municipality asks, with a clear frame for what can be influenced."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("municipality")
    )
    title = models.CharField(_("question"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80)
    description = models.TextField(_("description"), blank=True)
    open_to_influence = models.TextField(_("what is open to influence"))
    fixed_frame = models.TextField(_("what is fixed"), help_text=_("Budget, law, timeline."))
    decided_by = models.CharField(_("who decides"), max_length=200)
    answer_by = models.DateField(_("citizens get an answer by"))
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    is_general_idea_box = models.BooleanField(
        _("standing general idea box"), default=False,
        help_text=_("Always open; takes ideas that answer no particular question."),
    )
    # A picture for its page and its card on the front page, checked and re-encoded as idea
    # images are, with a small version for cards and phones (ui.images.picture_store).
    image = models.ImageField(_("image"), upload_to=campaign_image_path, blank=True, width_field="image_width",
                              height_field="image_height")
    image_small = models.ImageField(upload_to=campaign_image_path, blank=True, editable=False)
    image_width = models.PositiveIntegerField(default=0, editable=False)
    image_height = models.PositiveIntegerField(default=0, editable=False)
    image_alt = models.CharField(_("image description"), max_length=200, blank=True,
                                 help_text=_("What the image shows, for people who cannot see it."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="campaign_unique_slug"),
            models.CheckConstraint(condition=Q(closes_at__gt=models.F("opens_at")),
                                   name="campaign_closes_after_opening"),
        ]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        # The check constraint says the same; this says it beside the field, in words.
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            from django.core.exceptions import ValidationError

            raise ValidationError({"closes_at": _("The campaign must close after it opens.")})

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.is_general_idea_box or self.opens_at <= now < self.closes_at

    def has_closed(self, now=None) -> bool:
        now = now or timezone.now()
        return not self.is_general_idea_box and self.closes_at <= now


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    PUBLISHED = "published", _("Published")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_PURSUED = "not_pursued", _("Not pursued")


#: statuses after which an idea's course is settled; the platform no longer asks for support
CLOSED_STATUSES = (Status.IMPLEMENTED, Status.NOT_PURSUED)


class Visibility(models.TextChoices):
    PENDING = "pending", _("Waiting for moderation")
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Hidden by a moderator")


class Source(models.TextChoices):
    PLATFORM = "platform", _("Submitted on Høst")
    PAPER = "paper", _("On paper")
    PHONE = "phone", _("By phone")
    MEETING = "meeting", _("At a meeting")
    DINNER = "dinner", _("At a dinner dialogue")
    OTHER = "other", _("Other")


class CitizenRoles(models.Model):
    """The part citizens played, as the Innovation Barometer asks it: several roles may
    apply, each with a short note. Recorded by staff on ideas and carried to innovations."""

    citizens_initiated = models.BooleanField(_("citizens initiated it"), default=False)
    citizens_initiated_note = models.CharField(_("note"), max_length=300, blank=True)
    citizens_promoted = models.BooleanField(_("citizens promoted it"), default=False)
    citizens_promoted_note = models.CharField(_("note"), max_length=300, blank=True)
    citizens_cocreated = models.BooleanField(_("citizens co-created it"), default=False)
    citizens_cocreated_note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        abstract = True

    @property
    def with_citizens(self) -> bool:
        return self.citizens_initiated or self.citizens_promoted or self.citizens_cocreated


class Idea(CitizenRoles):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="ideas", verbose_name=_("municipality")
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("campaign")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), related_name="ideas",
        verbose_name=_("author"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PLATFORM)
    citizen_name = models.CharField(
        _("citizen's name"), max_length=120, blank=True,
        help_text=_("For ideas received elsewhere; optional."),
    )
    title = models.CharField(_("title"), max_length=140)
    body = models.TextField(_("description"), max_length=10_000,
                            help_text=_("Plain text; Markdown for headings, lists and links works."))
    # The text rendered from Markdown and cleaned by ui.markdown, kept at write time so a
    # page with a thousand comments renders none of them again.
    body_html = models.TextField(editable=False, default="")
    # Full-text index on PostgreSQL (GIN), written by ideas.search in the municipality's
    # language; unused elsewhere.
    search_vector = SearchVectorField(null=True, editable=False)
    category = models.ForeignKey(Category, on_delete=models.SET_NULL, null=True, blank=True,
                                 verbose_name=_("category"))
    district = models.ForeignKey(District, on_delete=models.SET_NULL, null=True, blank=True,
                                 verbose_name=_("district"))
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                   validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                    validators=[MinValueValidator(-180), MaxValueValidator(180)])
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.SUBMITTED)
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices,
                                  default=Visibility.PENDING)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="merged_ideas", verbose_name=_("merged into"))
    # Counters kept by the services (F() updates), so lists sort and show counts without
    # counting rows per idea.
    support_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The submit form's one-time key: a double-click or a retried request carrying the same
    # key finds the idea the first one made instead of making a second (unique per author).
    submission_key = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["author", "submission_key"], name="idea_one_per_submission_key"),
        ]
        # Partial indexes in exactly the order of each list's sort, so a page of 20 is read
        # straight from the index however many ideas there are.
        indexes = [
            models.Index(fields=["municipality", "-created_at", "-id"], name="idea_list_newest",
                         condition=Q(visibility="visible", merged_into__isnull=True)),
            models.Index(fields=["municipality", "-support_count", "-created_at", "-id"],
                         name="idea_list_support", condition=Q(visibility="visible", merged_into__isnull=True)),
            models.Index(fields=["municipality", "-comment_count", "-created_at", "-id"],
                         name="idea_list_comments", condition=Q(visibility="visible", merged_into__isnull=True)),
        ]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.VISIBLE and self.merged_into_id is None

    @property
    def is_closed(self) -> bool:
        """Answered for good (implemented, or not pursued): support no longer changes it."""
        return self.status in CLOSED_STATUSES

    @property
    def author_name(self) -> str:
        """Who the idea is shown as coming from: for ideas received on paper, by phone or at
        a meeting, the citizen (the staff member who typed it in is not its author)."""
        if self.source != Source.PLATFORM:
            return self.citizen_name or str(_("Citizen"))
        return self.author.public_name


def idea_image_path(instance, filename: str) -> str:
    return f"ideas/{instance.idea_id}/{timezone.now():%Y%m%d%H%M%S%f}.{instance.extension}"


class IdeaImage(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=idea_image_path, width_field="width",
                              height_field="height")
    extension = models.CharField(max_length=5, editable=False)
    width = models.PositiveIntegerField(editable=False, default=0)
    height = models.PositiveIntegerField(editable=False, default=0)
    alt_text = models.CharField(_("image description"), max_length=200,
                                help_text=_("What the image shows, for people who cannot see it."))

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.alt_text


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    # A deleted account's support still counts, but belongs to nobody (several deleted
    # people may have supported one idea, so the placeholder cannot take them over).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="idea_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="support_once")]

    def __str__(self) -> str:
        return f"support {self.user_id} → {self.idea_id}"


class Follow(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="idea_follows")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="follow_once")]

    def __str__(self) -> str:
        return f"follow {self.user_id} → {self.idea_id}"


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="replies", verbose_name=_("reply to"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user),
                               related_name="idea_comments")
    body = models.TextField(_("comment"), max_length=3_000)
    body_html = models.TextField(editable=False, default="")
    visibility = models.CharField(max_length=8, choices=Visibility.choices, default=Visibility.PENDING)
    flag_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["idea", "visibility", "created_at"], name="comment_thread")]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def municipality(self) -> Municipality:
        return self.idea.municipality


class FlagReason(models.TextChoices):
    OFFENSIVE = "offensive", _("Offensive or discriminating")
    PERSONAL = "personal", _("Reveals personal information")
    SPAM = "spam", _("Spam or advertising")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Other")


class Flag(models.Model):
    """A citizen's report that an idea or a comment breaks the rules (exactly one of them)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, null=True, blank=True, related_name="flags")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="idea_flags")
    reason = models.CharField(_("reason"), max_length=10, choices=FlagReason.choices)
    explanation = models.CharField(_("explanation"), max_length=500, blank=True)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(idea__isnull=False, comment__isnull=True)
                           | Q(idea__isnull=True, comment__isnull=False)),
                name="flag_one_target",
            ),
            models.UniqueConstraint(fields=["idea", "user"], condition=Q(comment__isnull=True),
                                    name="flag_idea_once"),
            models.UniqueConstraint(fields=["comment", "user"], condition=Q(idea__isnull=True),
                                    name="flag_comment_once"),
        ]

    def __str__(self) -> str:
        return f"flag {self.reason} on {self.idea_id or self.comment_id}"


class ModerationAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    HIDE = "hide", _("Hidden")
    RESTORE = "restore", _("Restored")
    AUTO_HIDE = "auto_hide", _("Hidden after flags")
    MERGE = "merge", _("Merged into another idea")
    ROLES = "roles", _("Citizen roles changed")


class ModerationEvent(models.Model):
    """The log of every moderation decision: who, when, why. Shown to staff on the item."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="moderation_events",
                             null=True, blank=True)
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="moderation_events",
                                null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user), null=True,
                              blank=True, related_name="+",
                              help_text=_("Empty when the platform acted on its own (flags)."))
    action = models.CharField(max_length=10, choices=ModerationAction.choices)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.idea_id or self.comment_id}"

    @staticmethod
    def platform_reason(**data) -> str:
        """A reason the platform gives (roles changed, hidden after flags), kept as data and
        worded in the reader's language when shown (`reason_display`)."""
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @property
    def reason_display(self) -> str:
        return moderation_reason_display(self.reason)


def moderation_reason_display(reason: str) -> str:
    """A moderation decision's reason in the active language: a moderator's reason is their
    own words; the platform's own (ModerationEvent.platform_reason) are worded here (older
    events kept the words of their time). Other apps' moderation logs show theirs with it."""
    from django.utils.translation import gettext, ngettext

    data = None
    if reason.startswith("{"):
        try:
            data = json.loads(reason)
        except ValueError:
            data = None
    if not isinstance(data, dict):
        return reason
    if "flags" in data:
        n = int(data["flags"])
        return ngettext("Reported %(n)s time.", "Reported %(n)s times.", n) % {"n": n}
    parts = []
    for name, value in (data.get("roles") or {}).items():
        label = str(Idea._meta.get_field(name).verbose_name)
        if isinstance(value, bool):
            parts.append(f"{label}: {gettext('yes') if value else gettext('no')}")
        else:
            parts.append(f"{label}: “{value}”")
    return "; ".join(parts)


class StatusChange(models.Model):
    """A step in an idea's public life, with the municipality's public answer."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=Status.choices)
    to_status = models.CharField(max_length=16, choices=Status.choices)
    answer = models.TextField(_("public answer"), max_length=5_000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET(deleted_user),
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]


    def __str__(self) -> str:
        return f"{self.idea_id}: {self.from_status} → {self.to_status}"
