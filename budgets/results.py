"""The council's result: approving it, and the fingerprints that tie it to the ballots.

Moved out of services: everything about the result (computing, freezing, checking it) lives
here, so the rules about what an approved result is are read in one place.
"""
from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from realtime.enqueue import enqueue_on_commit

from .elections import BudgetElection, process_elections
from .models import BudgetProcess, CouncilDecision, CouncilReview, Phase, Project, Result
from .selectors import process_outcome


def ballots_fingerprint(process: BudgetProcess, election: BudgetElection | None = None) -> tuple[str, int]:
    """SHA-256 over one election's counted ballots, one line each, sorted: the project ids
    (and, for cumulative ballots, ":points") joined by commas. It changes if any ballot is
    added, removed or altered, and anyone can recompute it from the VOTES of the election's
    `.pb` export."""
    from .selectors import election_from_ballots

    election, _projects = election_from_ballots(process=process, election=election)
    ids = election.project_ids
    lines = []
    for n, ballot in enumerate(election.ballots):
        if election.points is not None:
            lines.append(",".join(f"{ids[i]}:{p}" for i, p in zip(ballot, election.points[n], strict=True)))
        else:
            lines.append(",".join(ids[i] for i in ballot))
    lines.sort()
    return hashlib.sha256("\n".join(lines).encode()).hexdigest(), len(lines)


def fingerprint_combine(fingerprints: list[tuple[str, str]]) -> str:
    """The fingerprint of all elections of a process from each one's (key, fingerprint): a
    process with one election keeps that election's fingerprint; otherwise SHA-256 over the
    lines "key fingerprint" sorted by key, the citywide election's key being "citywide"."""
    if len(fingerprints) == 1:
        return fingerprints[0][1]
    lines = sorted(f"{key or 'citywide'} {fingerprint}" for key, fingerprint in fingerprints)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@transaction.atomic
def council_review(*, process: BudgetProcess, member, decision: str, comment: str = "") -> CouncilReview:
    """A council member approves the result (freezing and publishing it) or sends it back."""
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    if process.phase != Phase.COUNCIL_REVIEW:
        raise PermissionDenied(_("The result can be reviewed only in the council review phase."))
    if decision == CouncilDecision.SENT_BACK and not comment.strip():
        raise ValidationError({"comment": _("Say why the result is sent back.")})
    review = CouncilReview.objects.create(process=process, member=member, decision=decision, comment=comment.strip())
    if decision == CouncilDecision.APPROVED:
        elections, codes, rule = [], [], process.tally_rule
        for election in process_elections(process):
            outcome, selected = process_outcome(process=process, election=election)
            fingerprint, count = ballots_fingerprint(process, election)
            elections.append({"key": election.key, "name": election.name, "budget": election.amount,
                              "selected_codes": selected, "spent": outcome.spent, "ballots": count,
                              "fingerprint": fingerprint})
            codes += selected
            rule = outcome.rule
        Result.objects.create(process=process, rule=rule, selected_codes=codes,
                              spent=sum(e["spent"] for e in elections), ballots=sum(e["ballots"] for e in elections),
                              fingerprint=fingerprint_combine([(e["key"], e["fingerprint"]) for e in elections]),
                              elections=elections, approved_by=member)
        Project.objects.filter(process=process).update(selected=False)
        Project.objects.filter(process=process, code__in=codes).update(selected=True)
        BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.RESULTS)
        process.phase = Phase.RESULTS
        _tell_idea_followers_of_result(process)
        from .tasks import email_result_to_idea_followers

        # A broker outage leaves the result unmarked for `email_pending_results`.
        enqueue_on_commit(email_result_to_idea_followers, process.pk)
    return review


def _tell_idea_followers_of_result(process: BudgetProcess) -> None:
    """Followers of the ideas behind the projects hear whether their project is funded."""
    from django.urls import reverse

    from ideas.services.events import tell_followers_live

    by_idea = {p.idea_id: p for p in Project.objects.filter(process=process, idea__isnull=False)}
    base = reverse("budgets:detail", args=[process.pk])

    def message(idea_id):
        project = by_idea[idea_id]
        text = (_("“%(title)s” is funded in %(budget)s") if project.selected
                else _("“%(title)s” was not funded in %(budget)s"))
        return text % {"title": project.title, "budget": process.title}

    tell_followers_live(
        idea_ids=by_idea, event="budget.result", message=message,
        payload=lambda idea_id: {"project": by_idea[idea_id].code,
                                 "url": f"{base}#project-{by_idea[idea_id].code}"})
