from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from accounts.models import District
from ui.images import clean_image
from ui.markdown import render_markdown

from .. import search
from ..models import (
    Campaign,
    Category,
    Follow,
    Idea,
    IdeaImage,
    ModerationMode,
    Source,
    Status,
    Support,
    Visibility,
)
from ..selectors import idea_settings_for
from . import events

MAX_IMAGES = 3


@transaction.atomic
def idea_submit(
    *, author, campaign: Campaign, title: str, body: str, category: Category | None = None,
    district: District | None = None, latitude: Decimal | None = None,
    longitude: Decimal | None = None, images: Sequence[tuple] = (), source: str = Source.PLATFORM,
    citizen_name: str = "", submission_key: uuid.UUID | None = None,
) -> Idea:
    """Submit an idea. `images` are (uploaded file, description) pairs.

    With a `submission_key` (one per rendered form) the same submission sent twice — a
    double-click, a retried request — returns the idea the first one made.

    Ideas from citizens are marked as citizen-initiated from the start. Under
    pre-moderation they wait for a moderator; under post-moderation they are published at once.
    """
    if submission_key is not None:
        earlier = Idea.objects.filter(author=author, submission_key=submission_key).first()
        if earlier is not None:
            if (earlier.title, earlier.body) == (title.strip(), body.strip()):
                return earlier
            submission_key = None  # the same form sent again with other words: a new idea
    if not campaign.is_open():
        raise ValidationError({"campaign": _("This campaign is closed for new ideas.")})
    municipality = campaign.municipality
    errors = {}
    if category is not None and category.municipality_id != municipality.pk:
        errors["category"] = _("Choose a category of this municipality.")
    if district is not None and district.municipality_id != municipality.pk:
        errors["district"] = _("Choose a district of this municipality.")
    if (latitude is None) != (longitude is None):
        errors["latitude"] = _("Give both latitude and longitude, or neither.")
    if len(images) > MAX_IMAGES:
        errors["images"] = _("You can add at most %(n)s images.") % {"n": MAX_IMAGES}
    if errors:
        raise ValidationError(errors)

    pre_moderated = idea_settings_for(municipality).moderation_mode == ModerationMode.PRE
    idea = Idea(
        municipality=municipality, campaign=campaign, author=author, title=title.strip(),
        body=body.strip(), category=category, district=district, latitude=latitude,
        longitude=longitude, source=source, citizen_name=citizen_name,
        visibility=Visibility.PENDING if pre_moderated else Visibility.VISIBLE,
        status=Status.SUBMITTED if pre_moderated else Status.PUBLISHED,
        citizens_initiated=True, submission_key=submission_key,
    )
    idea.body_html = render_markdown(idea.body)
    # The key's uniqueness is left to the database: two requests racing with one key both
    # pass a check here, and the second INSERT waits for the first and then fails.
    idea.full_clean(exclude=["submission_key"])
    try:
        with transaction.atomic():
            idea.save()
    except IntegrityError:
        if submission_key is None:
            raise
        return Idea.objects.get(author=author, submission_key=submission_key)
    search.index_ideas(Idea.objects.filter(pk=idea.pk))

    image_errors = []
    for upload, alt_text in images:
        try:
            clean = clean_image(upload)
        except ValidationError as exc:
            image_errors.extend(exc.messages)
            continue
        image = IdeaImage(idea=idea, extension=clean.extension, alt_text=alt_text or title[:200])
        image.image.save(f"image.{clean.extension}", clean.content, save=False)
        image.full_clean()
        image.save()
    if image_errors:
        raise ValidationError({"images": image_errors})

    if source == Source.PLATFORM:
        Follow.objects.create(idea=idea, user=author)
    if pre_moderated:
        events.queue_changed(municipality.pk, "idea.submitted")
    return idea


def _require_public(idea: Idea) -> None:
    if not idea.is_public:
        raise PermissionDenied(_("This idea cannot be supported right now."))


@transaction.atomic
def idea_support(*, idea: Idea, user) -> bool:
    """Support an idea once. Returns True if this call added the support.

    The unique constraint decides under concurrency: of many simultaneous requests one
    inserts, the others find the row, and only the inserting one moves the counter.
    """
    _require_public(idea)
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, user=user)
    except IntegrityError:
        return False
    Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") + 1)
    events.counts_changed(idea)
    return True


@transaction.atomic
def idea_support_withdraw(*, idea: Idea, user) -> bool:
    deleted, _rows = Support.objects.filter(idea=idea, user=user).delete()
    if deleted:
        Idea.objects.filter(pk=idea.pk).update(support_count=F("support_count") - 1)
        events.counts_changed(idea)
    return bool(deleted)


@transaction.atomic
def idea_follow(*, idea: Idea, user) -> None:
    Follow.objects.get_or_create(idea=idea, user=user)


@transaction.atomic
def idea_unfollow(*, idea: Idea, user) -> None:
    Follow.objects.filter(idea=idea, user=user).delete()
