"""Writes of the reports app: the co-creation questionnaire."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Innovation

from .models import SCORE_FIELDS, CoCreationInvitation


@transaction.atomic
def invitation_create(*, innovation: Innovation, party: str, label: str = "", actor=None) -> CoCreationInvitation:
    """A personal link for one person (citizen or staff) to answer about an innovation."""
    invitation = CoCreationInvitation(innovation=innovation, party=party, label=label, created_by=actor)
    invitation.full_clean()
    invitation.save()
    return invitation


@transaction.atomic
def invitation_answer(*, invitation: CoCreationInvitation, scores: dict[str, int]) -> CoCreationInvitation:
    """Record (or revise) one person's twelve answers."""
    missing = [name for name in SCORE_FIELDS if scores.get(name) is None]
    if missing:
        raise ValidationError({name: _("Choose a number from 1 to 5.") for name in missing})
    invitation = CoCreationInvitation.objects.select_for_update().get(pk=invitation.pk)
    for name in SCORE_FIELDS:
        setattr(invitation, name, int(scores[name]))
    invitation.answered_at = timezone.now()
    invitation.full_clean()
    invitation.save()
    return invitation
