"""Every write to participatory budgets."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime.broadcast import group_name
from realtime.enqueue import enqueue_on_commit

from . import secrecy
from .ballots import clean_ballot
from .models import (
    PHASE_ORDER,
    Ballot,
    BudgetProcess,
    Channel,
    CouncilDecision,
    CouncilReview,
    Feasibility,
    PaperBallot,
    Participation,
    Phase,
    Project,
    ProjectUpdate,
    Result,
    VotingCode,
)
from .selectors import ballot_projects, process_outcome


def turnout_group(process_id: int) -> str:
    return group_name("budget", process_id, "turnout")


@transaction.atomic
def process_create(**fields) -> BudgetProcess:
    process = BudgetProcess(**fields)
    process.full_clean()
    process.save()
    return process


@transaction.atomic
def phase_set(*, process: BudgetProcess, phase: str) -> BudgetProcess:
    if phase not in PHASE_ORDER:
        raise ValidationError({"phase": _("Unknown phase.")})
    if phase == Phase.RESULTS and not hasattr(process, "result"):
        raise ValidationError({"phase": _("Results are published when the council approves them.")})
    BudgetProcess.objects.filter(pk=process.pk).update(phase=phase)
    process.phase = phase
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
    """Move every process whose date has come to its next phase. Idempotent; only forward."""
    moved = 0
    for process in BudgetProcess.objects.exclude(phase__in=[Phase.COUNCIL_REVIEW, Phase.RESULTS,
                                                            Phase.IMPLEMENTATION]):
        due = phase_due(process, now)
        if PHASE_ORDER.index(due) > PHASE_ORDER.index(process.phase):
            phase_set(process=process, phase=due)
            moved += 1
    return moved


@transaction.atomic
def project_propose(*, process: BudgetProcess, user, title: str, description: str, cost: int,
                    district=None, idea=None) -> Project:
    if process.phase != Phase.PROPOSALS and idea is None:
        raise PermissionDenied(_("Projects can be proposed only while proposals are open."))
    number = Project.objects.filter(process=process).count() + 1
    project = Project(process=process, code=str(number), title=title, description=description, cost=cost,
                      district=district, proposed_by=user, idea=idea)
    while Project.objects.filter(process=process, code=project.code).exists():
        number += 1
        project.code = str(number)
    project.full_clean()
    project.save()
    return project


@transaction.atomic
def project_from_idea(*, process: BudgetProcess, idea, cost: int, actor) -> Project:
    """Staff promote an idea to a budget project; the idea links to it and its followers
    hear about it, in their own language."""
    from django.urls import reverse

    from ideas.services.events import tell_followers_live

    if idea.municipality_id != process.municipality_id:
        raise ValidationError({"idea": _("Choose an idea of the same municipality.")})
    if process.phase not in (Phase.PROPOSALS, Phase.REVIEW):
        raise ValidationError({"idea": _("Projects can be added only before voting opens.")})
    if Project.objects.filter(process=process, idea=idea).exists():
        raise ValidationError({"idea": _("This idea is already a project in this budget.")})
    project = project_propose(process=process, user=actor, title=idea.title[:200], description=idea.body,
                              cost=cost, district=idea.district, idea=idea)
    url = reverse("budgets:detail", args=[process.pk]) + f"#project-{project.code}"
    tell_followers_live(
        idea_ids=[idea.pk], event="idea.project", payload=lambda _id: {"idea": idea.pk, "url": url},
        message=lambda _id: _("“%(title)s” is now a project in %(budget)s") % {"title": idea.title,
                                                                               "budget": process.title})
    return project


@transaction.atomic
def project_update_post(*, project: Project, author, text: str, milestone: str = "", happened_on=None) -> ProjectUpdate:
    """Staff tell how a funded project is going; followers of the idea behind it hear it."""
    from django.urls import reverse

    from ideas.services.events import tell_followers_live

    if project.process.phase != Phase.IMPLEMENTATION or not project.selected:
        raise ValidationError(_("Progress can be posted on funded projects during implementation."))
    update = ProjectUpdate(project=project, author=author, text=text.strip(), milestone=milestone.strip(),
                           happened_on=happened_on or timezone.localdate())
    update.full_clean()
    update.save()
    if project.idea_id:
        url = reverse("budgets:detail", args=[project.process_id]) + f"#project-{project.code}"
        tell_followers_live(
            idea_ids=[project.idea_id], event="budget.progress",
            payload=lambda _id: {"project": project.code, "url": url},
            message=lambda _id: _("News on “%(title)s”: %(what)s") % {
                "title": project.title, "what": update.milestone or update.text[:80]})
    return update


@transaction.atomic
def project_review(*, project: Project, cost: int, feasibility: str, reason: str) -> Project:
    if feasibility == Feasibility.NOT_FEASIBLE and not reason.strip():
        raise ValidationError({"feasibility_reason": _("Explain publicly why the project is not feasible.")})
    project.cost = cost
    project.feasibility = feasibility
    project.feasibility_reason = reason.strip()
    project.full_clean()
    project.save()
    return project


def _age_band(birth_year: int | None) -> str:
    if not birth_year:
        return ""
    age = timezone.localdate().year - birth_year
    for limit, band in ((18, "<18"), (30, "18-29"), (50, "30-49"), (65, "50-64")):
        if age < limit:
            return band
    return "65+"


def check_eligible(*, process: BudgetProcess, user) -> None:
    # The closing time is checked here too: the phase moves on a beat schedule, and not one
    # ballot may slip in between the closing time and that job.
    if process.phase != Phase.VOTING or timezone.now() >= process.voting_end:
        raise PermissionDenied(_("Voting is not open."))
    if user is None:
        return
    if process.residents_only and user.municipality_id != process.municipality_id:
        raise PermissionDenied(_("Only residents of %(municipality)s can vote online. Set your home municipality "
                                 "in your profile, or use a voting code.") % {"municipality": process.municipality})
    if process.min_age:
        if not user.birth_year:
            raise PermissionDenied(_("You must be at least %(age)s to vote. Add your birth year in your profile.")
                                   % {"age": process.min_age})
        if timezone.localdate().year - user.birth_year < process.min_age:
            raise PermissionDenied(_("You must be at least %(age)s to vote.") % {"age": process.min_age})


@dataclass(frozen=True)
class CastResult:
    receipt: str
    replaced: bool


def ballot_cast(*, process: BudgetProcess, choice: dict, user=None, code: str = "",
                channel: str = Channel.ONLINE) -> CastResult:
    """Cast (or, where allowed, replace) a ballot. Exactly one of `user` and `code`.

    One ballot per voter is kept by the database: the ballot's voter hash is unique in the
    process, and a replacement is a single INSERT ... ON CONFLICT DO UPDATE. A voting code
    is claimed by a conditional UPDATE in the same transaction, so it works once."""
    check_eligible(process=process, user=user)
    content = clean_ballot(process, choice, ballot_projects(process=process))
    receipt = secrecy.new_receipt()
    with transaction.atomic():
        if code:
            hashed = secrecy.code_hash(code)
            claimed = VotingCode.objects.filter(process=process, code_hash=hashed, used=False).update(used=True)
            if not claimed:
                raise ValidationError({"code": _("This voting code is not valid or has already been used.")})
            identity, channel = f"code:{hashed}", Channel.CODE
        elif user is not None:
            identity = f"user:{user.pk}"
        else:
            raise ValueError("a ballot needs a voter or a code")
        ballot = Ballot(process=process, voter_hash=secrecy.voter_hash(process.pk, identity),
                        receipt_hash=secrecy.receipt_hash(receipt), channel=channel, content=content)
        replaced = False
        if process.allow_revote:
            existed = Ballot.objects.filter(process=process, voter_hash=ballot.voter_hash).exists()
            Ballot.objects.bulk_create([ballot], update_conflicts=True, unique_fields=["process", "voter_hash"],
                                       update_fields=["receipt_hash", "content", "channel"])
            replaced = existed
        else:
            try:
                with transaction.atomic():
                    ballot.save(force_insert=True)
            except IntegrityError:
                raise ValidationError(_("You have already voted in this process.")) from None
        participation_record(process=process, user=user, channel=channel)
        transaction.on_commit(lambda: _send_turnout(process.pk))
    return CastResult(receipt=receipt, replaced=replaced)


def _send_turnout(process_id: int) -> None:
    """Staff and council watching turnout hear the new number of voters (never choices),
    at most once a second per process: a surge of ballots must not pay for a count and a
    broadcast each (measured in tests/load/bench_vote_surge.py)."""
    from django.core.cache import cache

    from realtime.broadcast import send_now

    try:
        first_this_second = cache.add(f"budgets:turnout-sent:{process_id}", 1, timeout=1)
    except Exception:  # noqa: BLE001 - a cache outage only costs the throttling
        first_this_second = True
    if not first_this_second:
        return
    voters = Participation.objects.filter(process_id=process_id).count()
    send_now(turnout_group(process_id), "turnout.changed", {"process": process_id, "voters": voters})


def participation_record(*, process: BudgetProcess, user, channel: str) -> None:
    """Record that someone voted: one INSERT ... ON CONFLICT DO NOTHING, so a re-vote or a
    simultaneous request of the same voter adds nothing."""
    Participation.objects.bulk_create([Participation(
        process=process, user=user, channel=channel, voted_on=timezone.localdate(),
        district_id=getattr(user, "district_id", None), age_band=_age_band(getattr(user, "birth_year", None)),
    )], ignore_conflicts=True)


@transaction.atomic
def paper_ballot_enter(*, process: BudgetProcess, staff, choice: dict) -> PaperBallot:
    """Type in a paper ballot; it counts once a second staff member confirms it."""
    if process.phase not in (Phase.VOTING, Phase.COUNCIL_REVIEW):
        raise PermissionDenied(_("Paper ballots can be entered while voting and until the council has decided."))
    content = clean_ballot(process, choice, ballot_projects(process=process))
    return PaperBallot.objects.create(process=process, content=content, entered_by=staff)


@transaction.atomic
def paper_ballot_confirm(*, paper: PaperBallot, staff) -> None:
    """The second pair of eyes: a different staff member confirms the typed ballot."""
    paper = PaperBallot.objects.select_for_update().get(pk=paper.pk)
    if paper.confirmed_by_id:
        raise ValidationError(_("This paper ballot is already confirmed."))
    if paper.entered_by_id == staff.pk:
        raise ValidationError(_("Another staff member must confirm the ballot you typed in."))
    import uuid

    Ballot.objects.create(process=paper.process, voter_hash=secrecy.voter_hash(paper.process_id, f"paper:{uuid.uuid4()}"),
                          receipt_hash=secrecy.receipt_hash(secrecy.new_receipt()), channel=Channel.PAPER,
                          content=paper.content)
    Participation.objects.create(process=paper.process, channel=Channel.PAPER, voted_on=timezone.localdate())
    paper.confirmed_by = staff
    paper.save(update_fields=["confirmed_by"])
    transaction.on_commit(lambda: _send_turnout(paper.process_id))


def ballot_verify(*, process: BudgetProcess, receipt: str) -> dict | None:
    """The ballot content counted for this receipt, or None. Only the receipt's holder can ask."""
    ballot = Ballot.objects.filter(process=process, receipt_hash=secrecy.receipt_hash(receipt)).first()
    return ballot.content if ballot else None


@transaction.atomic
def codes_generate(*, process: BudgetProcess, count: int, batch: str = "") -> list[str]:
    """Make `count` one-time voting codes. The codes are returned once, for printing on
    letters; only their hashes are kept."""
    if not 1 <= count <= 100_000:
        raise ValidationError({"count": _("Generate between 1 and 100,000 codes at a time.")})
    codes = [secrecy.new_voting_code() for _ in range(count)]
    VotingCode.objects.bulk_create([VotingCode(process=process, code_hash=secrecy.code_hash(c), batch=batch)
                                    for c in codes], batch_size=2000)
    return codes


def ballots_fingerprint(process: BudgetProcess) -> tuple[str, int]:
    """SHA-256 over the counted ballots, one line each, sorted: the project ids (and, for
    cumulative ballots, ":points") joined by commas. It changes if any ballot is added,
    removed or altered, and anyone can recompute it from the VOTES of the `.pb` export."""
    from .selectors import election_from_ballots

    election, _projects = election_from_ballots(process=process)
    ids = election.project_ids
    lines = []
    for n, ballot in enumerate(election.ballots):
        if election.points is not None:
            lines.append(",".join(f"{ids[i]}:{p}" for i, p in zip(ballot, election.points[n], strict=True)))
        else:
            lines.append(",".join(ids[i] for i in ballot))
    lines.sort()
    return hashlib.sha256("\n".join(lines).encode()).hexdigest(), len(lines)


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
        outcome, codes = process_outcome(process=process)
        fingerprint, count = ballots_fingerprint(process)
        Result.objects.create(process=process, rule=outcome.rule, selected_codes=codes, spent=outcome.spent,
                              ballots=count, fingerprint=fingerprint, approved_by=member)
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
