"""The phases of a participatory budget: forward only, one step at a time, each change
recorded publicly (who, when, why).

    proposals → review → voting → council review → results → implementation

Voting opens only on a ready ballot box (every key share collected) and its close publishes
the bulletin board. Results are reached only through the council's approval
(results.council_review), never by a phase change, and nothing goes back: once voting has
closed no ballot can be cast, and once the box is opened nothing re-opens it. Before it
closes, voting can be extended.
"""
from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import ballotbox
from .models import PHASE_ORDER, BudgetProcess, Phase, PhaseChange
from .selectors import ballot_context_forget

#: The phase a staff member (or the calendar) may move each phase on to.
NEXT = {
    Phase.PROPOSALS: Phase.REVIEW,
    Phase.REVIEW: Phase.VOTING,
    Phase.VOTING: Phase.COUNCIL_REVIEW,
    Phase.RESULTS: Phase.IMPLEMENTATION,
}


def next_phase(process: BudgetProcess) -> str | None:
    return NEXT.get(process.phase)


@transaction.atomic
def phase_set(*, process: BudgetProcess, phase: str, actor=None, reason: str = "") -> BudgetProcess:
    """Move the process on to the next phase. `actor` None is the calendar (phases_advance);
    a person must say why."""
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    reason = reason.strip()
    if process.draft:
        raise ValidationError({"phase": _("This budget is a draft: publish it first (its set-up ends with "
                                          "“Check and publish”).")})
    if phase not in PHASE_ORDER:
        raise ValidationError({"phase": _("Unknown phase.")})
    if phase == Phase.RESULTS:
        raise ValidationError({"phase": _("Results are published when the council approves them.")})
    if phase == process.phase:
        raise ValidationError({"phase": _("The process is already in this phase.")})
    if PHASE_ORDER.index(phase) < PHASE_ORDER.index(process.phase):
        raise ValidationError({"phase": _("Phases only move forward: a process cannot go back to an earlier "
                                          "phase.")})
    if NEXT.get(process.phase) != phase:
        following = NEXT.get(process.phase)
        raise ValidationError({"phase": _("The next phase is “%(phase)s”; phases cannot be skipped.")
                               % {"phase": Phase(following).label} if following else
                               _("This phase ends with the council's decision.")})
    if actor is not None and not reason:
        raise ValidationError({"reason": _("Say why the phase changes: the reason is shown on the process page.")})
    if phase == Phase.VOTING:
        ballotbox.check_ready_for_voting(process)
    if process.phase == Phase.VOTING:
        ballotbox.box_close(process=process)
    PhaseChange.objects.create(process=process, from_phase=process.phase, to_phase=phase, changed_by=actor,
                               reason=reason)
    BudgetProcess.objects.filter(pk=process.pk).update(phase=phase)
    process.phase = phase
    ballot_context_forget(process.pk)
    return process


@transaction.atomic
def voting_extend(*, process: BudgetProcess, until: datetime, actor, reason: str) -> BudgetProcess:
    """Give voters more time: only before voting has closed, and only later."""
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    if PHASE_ORDER.index(process.phase) > PHASE_ORDER.index(Phase.VOTING):
        raise ValidationError({"voting_end": _("Voting has closed; it cannot be extended or re-opened.")})
    if until <= process.voting_end or until <= timezone.now():
        raise ValidationError({"voting_end": _("Choose a later end than the current one (%(end)s).")
                               % {"end": timezone.localtime(process.voting_end).strftime("%d.%m.%Y %H:%M")}})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why voting is extended: the reason is shown on the process page.")})
    fields = {"voting_end": until}
    if process.results_date and process.results_date < until:
        fields["results_date"] = until
    BudgetProcess.objects.filter(pk=process.pk).update(**fields)
    for name, value in fields.items():
        setattr(process, name, value)
    PhaseChange.objects.create(process=process, from_phase=process.phase, to_phase=process.phase,
                               voting_end=until, changed_by=actor, reason=reason.strip())
    ballot_context_forget(process.pk)
    return process


def phase_due(process: BudgetProcess, now=None) -> str:
    """The phase the calendar says the process is in (never past council review: results
    are published by the council's approval, not by a date)."""
    now = now or timezone.now()
    if now >= process.voting_end:
        return Phase.COUNCIL_REVIEW
    if now >= process.voting_start:
        return Phase.VOTING
    if now >= process.review_start:
        return Phase.REVIEW
    return Phase.PROPOSALS


def phases_advance(now=None) -> int:
    """Move every process whose date has come on, one recorded step at a time. A process
    whose ballot box is not ready stays where it is (its page says why)."""
    moved = 0
    for process in BudgetProcess.objects.filter(draft=False,
                                                 phase__in=[Phase.PROPOSALS, Phase.REVIEW, Phase.VOTING]):
        due = phase_due(process, now)
        while PHASE_ORDER.index(due) > PHASE_ORDER.index(process.phase):
            try:
                process = phase_set(process=process, phase=NEXT[process.phase])
            except ValidationError:
                break
            moved += 1
    return moved
