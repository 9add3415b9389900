"""Dinner dialogues: Programmes."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import District
from ideas.services import campaign_create
from ui.images import picture_checked, picture_store
from ui.slugs import slug_of

from ..models import (
    GuidingQuestion,
    Programme,
)
from ._common import MAX_QUESTIONS, MIN_QUESTIONS

# --- Programmes --------------------------------------------------------------------------

@transaction.atomic
def programme_create(*, municipality, title: str, theme: str, host_instructions: str, privacy_text: str,
                     signup_opens, signup_closes, dinners_from, dinners_until, questions: Sequence[str],
                     max_seats: int = 8, hosts_need_approval: bool = True,
                     districts: Sequence[District] = (), campaign=None, slug: str = "", image=None,
                     image_alt: str = "") -> Programme:
    """A programme with its guiding questions. Harvested ideas go to `campaign`, or to a
    campaign made for the programme (open while the dinners and their reports happen).
    With `image` its picture (checked and stripped of metadata as idea images are),
    described by `image_alt`."""
    questions = [q.strip() for q in questions if q and q.strip()]
    if not MIN_QUESTIONS <= len(questions) <= MAX_QUESTIONS:
        raise ValidationError({"questions": _("Give between %(min)s and %(max)s guiding questions.")
                               % {"min": MIN_QUESTIONS, "max": MAX_QUESTIONS}})
    if any(d.municipality_id != municipality.pk for d in districts):
        raise ValidationError({"districts": _("Choose districts of this municipality.")})
    slug = slug or slug_of(title)[:80] or "middage"
    picture = picture_checked(Programme(image_alt=image_alt), image=image)
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
        hosts_need_approval=hosts_need_approval, campaign=campaign, image_alt=image_alt.strip())
    programme.full_clean(exclude=["image", "image_small"])
    picture_store(programme, picture)
    programme.save()
    programme.districts.set(districts)
    GuidingQuestion.objects.bulk_create(
        GuidingQuestion(programme=programme, position=n, text=text) for n, text in enumerate(questions, 1))
    return programme


@transaction.atomic
def programme_picture_set(*, programme: Programme, image_alt: str, image=None, remove_image: bool = False) -> Programme:
    """Change a programme's picture (`image`, checked as idea images are) or its description,
    or remove it (`remove_image`)."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    programme.image_alt = image_alt
    if image is not None:
        remove_image = False
    picture = picture_checked(programme, image=image, remove_image=remove_image)
    programme.full_clean(exclude=["image", "image_small"])
    picture_store(programme, picture, remove=remove_image)
    programme.save()
    return programme
