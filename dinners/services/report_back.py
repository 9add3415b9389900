"""Dinner dialogues: Report back."""
from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ideas.models import Follow, Source
from ideas.services import idea_submit

from .. import events
from ..models import (
    Dinner,
    DinnerStatus,
    HarvestedIdea,
    Report,
    ReportAnswer,
    SeatStatus,
)
from ._common import _locked

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
