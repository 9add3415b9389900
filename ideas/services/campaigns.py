from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from ui.images import picture_checked, picture_store
from ui.slugs import slug_of

from ..models import Campaign, Category, IdeaSettings, SettingsChange

# What staff write about a campaign, its frame included: the one input definition that the
# staff pages' form and the API's serializer both use (ideas.forms, ideas.serializers).
CAMPAIGN_FIELDS = [
    "title", "description", "open_to_influence", "fixed_frame", "decided_by", "answer_by",
    "opens_at", "closes_at", "is_general_idea_box", "image_alt",
]
# What staff set about moderation on the staff pages.
MODERATION_SETTINGS_FIELDS = ["moderation_mode", "flag_threshold"]


def _free_slug(municipality: Municipality, title: str) -> str:
    """A slug for the title not yet used in the municipality (two campaigns may share a
    title over the years)."""
    base = slug_of(title)[:72] or "kampagne"
    taken = set(Campaign.objects.filter(municipality=municipality, slug__startswith=base)
                .values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def campaign_create(*, municipality: Municipality, title: str, open_to_influence: str,
                    fixed_frame: str, decided_by: str, answer_by, opens_at, closes_at,
                    description: str = "", is_general_idea_box: bool = False,
                    slug: str = "", image=None, image_alt: str = "") -> Campaign:
    """A new campaign; with `image` its picture (checked and stripped of metadata as idea
    images are), described by `image_alt`."""
    campaign = Campaign(
        municipality=municipality, title=title, slug=slug or _free_slug(municipality, title),
        description=description, open_to_influence=open_to_influence, fixed_frame=fixed_frame,
        decided_by=decided_by, answer_by=answer_by, opens_at=opens_at, closes_at=closes_at,
        is_general_idea_box=is_general_idea_box, image_alt=image_alt,
    )
    picture = picture_checked(campaign, image=image)
    campaign.full_clean(exclude=["image", "image_small"])
    picture_store(campaign, picture)
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(*, campaign: Campaign, image=None, remove_image: bool = False, **fields) -> Campaign:
    """Change a campaign's question and frame (its address, the slug, stays); with `image` a
    new picture, with `remove_image` none."""
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"unknown campaign fields: {sorted(unknown)}")
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    for name, value in fields.items():
        setattr(campaign, name, value)
    if image is not None:
        remove_image = False
    picture = picture_checked(campaign, image=image, remove_image=remove_image)
    campaign.full_clean(exclude=["image", "image_small"])
    picture_store(campaign, picture, remove=remove_image)
    campaign.save()
    return campaign


@transaction.atomic
def campaign_close(*, campaign: Campaign, now=None) -> Campaign:
    """Close a campaign for new ideas now. Its ideas stay, and get their answers as promised.
    A standing idea box stops being one (otherwise it would stay open)."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.has_closed(now):
        raise ValidationError(_("The campaign is already closed."))
    if campaign.opens_at >= now:
        raise ValidationError(_("The campaign has not opened yet: change its dates instead."))
    campaign.closes_at = now
    campaign.is_general_idea_box = False
    campaign.full_clean()
    campaign.save(update_fields=["closes_at", "is_general_idea_box"])
    return campaign


@transaction.atomic
def category_create(*, municipality: Municipality, name: str) -> Category:
    category, _created = Category.objects.get_or_create(municipality=municipality, name=name)
    return category


@transaction.atomic
def idea_settings_update(*, municipality: Municipality, actor=None, **values) -> IdeaSettings:
    """Change how the municipality runs its idea box; every change is logged with who made it
    (SettingsChange)."""
    idea_settings, _created = IdeaSettings.objects.select_for_update().get_or_create(municipality=municipality)
    changes = {}
    for name, value in values.items():
        old = getattr(idea_settings, name)
        if old != value:
            changes[name] = [old, value]
        setattr(idea_settings, name, value)
    idea_settings.full_clean()
    idea_settings.save()
    if changes:
        SettingsChange.objects.create(municipality=municipality, actor=actor, changes=changes)
    return idea_settings
