from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from accounts.models import Municipality

from ..models import Campaign, Category, IdeaSettings


@transaction.atomic
def campaign_create(*, municipality: Municipality, title: str, open_to_influence: str,
                    fixed_frame: str, decided_by: str, answer_by, opens_at, closes_at,
                    description: str = "", is_general_idea_box: bool = False,
                    slug: str = "") -> Campaign:
    campaign = Campaign(
        municipality=municipality, title=title, slug=slug or slugify(title)[:80],
        description=description, open_to_influence=open_to_influence, fixed_frame=fixed_frame,
        decided_by=decided_by, answer_by=answer_by, opens_at=opens_at, closes_at=closes_at,
        is_general_idea_box=is_general_idea_box,
    )
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def category_create(*, municipality: Municipality, name: str) -> Category:
    category, _created = Category.objects.get_or_create(municipality=municipality, name=name)
    return category


@transaction.atomic
def idea_settings_update(*, municipality: Municipality, **values) -> IdeaSettings:
    idea_settings, _created = IdeaSettings.objects.get_or_create(municipality=municipality)
    for name, value in values.items():
        setattr(idea_settings, name, value)
    idea_settings.full_clean()
    idea_settings.save()
    return idea_settings
