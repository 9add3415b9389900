"""Every read of participatory budgets, with the secrecy rules built in: per-project
counts come only from the opened box's ballots (`election_from_ballots`, tallied by
`rule_comparison` for budgets.counting), which callers show only where `results_visible`."""
from __future__ import annotations

import contextlib
import json
import secrets
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality

from . import sealing
from .comments.selectors import published_count_expression
from .elections import BudgetElection, election_default, process_elections
from .models import (
    PHASE_ORDER,
    Ballot,
    BallotBox,
    BallotType,
    BudgetProcess,
    CouncilReview,
    CountedBallots,
    DistrictBudget,
    Feasibility,
    PaperBallot,
    Participation,
    Phase,
    PhaseChange,
    Project,
    Result,
    VotingCode,
)
from .tally import Election, outcome_stats, pairwise, tally
from .tally import Project as TallyProject

VOTE_TYPE = {BallotType.APPROVAL: "approval", BallotType.KNAPSACK: "approval",
             BallotType.CUMULATIVE: "cumulative", BallotType.RANKED: "ordinal"}
COMPARED_RULES = ["greedy", "mes", "equalshares/add1"]


def process_list(*, municipality: Municipality) -> QuerySet[BudgetProcess]:
    """The published processes: drafts are seen only in the staff's set-up list."""
    return (BudgetProcess.objects.filter(municipality=municipality, draft=False).select_related("municipality")
            .prefetch_related("district_budgets__district"))


def draft_list(*, municipality: Municipality) -> QuerySet[BudgetProcess]:
    return (BudgetProcess.objects.filter(municipality=municipality, draft=True).select_related("municipality")
            .prefetch_related("district_budgets__district").order_by("-created_at", "-pk"))


def process_list_open(*, municipality: Municipality) -> QuerySet[BudgetProcess]:
    return process_list(municipality=municipality).exclude(phase=Phase.IMPLEMENTATION)


def process_get(*, pk: int, user=None) -> BudgetProcess | None:
    """The process, if `user` may see it (a draft only its municipality's staff); without
    `user`, whatever it is (for services and tasks)."""
    process = (BudgetProcess.objects.select_related("municipality").prefetch_related("district_budgets__district")
               .filter(pk=pk).first())
    if process is not None and user is not None and not user.has_perm("budgets.view_process", process):
        return None
    return process


BALLOT_CONTEXT_SECONDS = 2


@dataclass(frozen=True)
class BoxKey:
    """What sealing a ballot needs: the ballot box's public key and the one length every
    ballot of the process is padded to."""

    public_key: bytes
    length: int


def _longest_ballot(process: BudgetProcess, codes: list[str]) -> int:
    if process.ballot_type == BallotType.CUMULATIVE:
        worst: dict = {"points": {code: max(process.points, process.max_points_per_project) for code in codes}}
    else:
        worst = {"projects" if process.ballot_type != BallotType.RANKED else "ranking": codes}
    return len(json.dumps(worst, separators=(",", ":"), sort_keys=True).encode())


def box_key(*, process: BudgetProcess, codes: list[str] | None = None) -> BoxKey | None:
    """The sealing key of a process whose ballot box is ready (every share collected)."""
    box = (BallotBox.objects.filter(process=process, opened_at__isnull=True)
           .annotate(waiting=Count("holders", filter=Q(holders__pending_share__isnull=False))).first())
    if box is None or box.waiting:
        return None
    if codes is None:
        codes = list(Project.objects.filter(process=process).values_list("code", flat=True))
    return BoxKey(public_key=bytes(box.public_key), length=sealing.padded_length(_longest_ballot(process, codes)))


@dataclass
class BallotContext:
    """What the ballot path reads: the process, its district budgets by slug, the projects
    on each ballot (code -> cost, by district budget id, None for the citywide one) and
    the ballot box's sealing key."""

    process: BudgetProcess
    district_budgets: dict[str, DistrictBudget]
    projects: dict[int | None, dict[str, int]]
    box: BoxKey | None

    def election(self, key: str | None) -> BudgetElection | None:
        if not key:
            return BudgetElection(self.process) if self.process.citywide else None
        budget = self.district_budgets.get(key)
        return BudgetElection(self.process, budget) if budget else None

    def projects_of(self, election: BudgetElection) -> dict[str, int]:
        return self.projects.get(election.district_budget.pk if election.district_budget else None, {})


def ballot_context_key(pk: int) -> str:
    """The cache key of the version of a process's ballot context."""
    return f"budgets:ballot-context:{pk}"


UNREAD = object()  # ballot_context's `version` when the caller has not read it


# Per web process: process id -> (version, context). The shared cache holds only the
# version, so processes agree on when a copy is stale while each keeps its own objects.
_ballot_contexts: dict[int, tuple[str, BallotContext]] = {}


def ballot_context(*, pk: int, version=UNREAD) -> BallotContext | None:
    """The ballot path's reads, kept for a vote surge: each web process holds the process
    and its projects, and the shared cache holds which version of them is current for
    BALLOT_CONTEXT_SECONDS. A ballot then costs one small cache read instead of two queries,
    or of unpickling the objects from the cache on every ballot (docs/BENCHMARKS.md, Vote
    surge). Every service that changes them forgets the version on
    commit (ballot_context_forget), so all processes read anew; the closing time
    is still checked on every ballot (eligibility.check_eligible). The objects are shared by
    a process's threads: nothing on the ballot path changes them. `version`: the cached
    version (None: none is cached) when the caller has read it from the cache just now,
    as the ballot's write throttle does in its own round trip."""
    from django.core.cache import cache

    key = ballot_context_key(pk)
    if version is UNREAD:
        try:
            version = cache.get(key)
        except Exception:  # noqa: BLE001 - a cache outage only costs the queries
            version = None
    held = _ballot_contexts.get(pk)
    if version is not None and held is not None and held[0] == version:
        return held[1]
    context = _ballot_context_read(pk)
    if context is None:
        return None
    if version is None:
        version = secrets.token_hex(8)
        with contextlib.suppress(Exception):  # a cache outage: served from the database
            cache.set(key, version, BALLOT_CONTEXT_SECONDS)
    _ballot_contexts[pk] = (version, context)
    return context


def _ballot_context_read(pk: int) -> BallotContext | None:
    process = BudgetProcess.objects.select_related("municipality").filter(pk=pk).first()
    if process is None:
        return None
    projects: dict[int | None, dict[str, int]] = {}
    codes = []
    for code, cost, budget, feasibility in Project.objects.filter(process=process).values_list(
            "code", "cost", "district_budget_id", "feasibility"):
        codes.append(code)
        if feasibility != Feasibility.NOT_FEASIBLE:
            projects.setdefault(budget, {})[code] = cost
    return BallotContext(process=process, projects=projects, box=box_key(process=process, codes=codes),
                         district_budgets={d.slug: d for d in
                                           DistrictBudget.objects.filter(process=process).select_related("district")})


def _ballot_context_drop(process_id: int) -> None:
    from django.core.cache import cache

    with contextlib.suppress(Exception):  # a cache outage: the copy expires within seconds
        cache.delete(ballot_context_key(process_id))


def ballot_context_forget(process_id: int) -> None:
    """The ballot path caches a process and its projects for a moment (ballot_context):
    whatever changes them drops that copy at once and again once it is committed (a ballot
    between the two may have cached the old state)."""
    from django.db import transaction

    _ballot_context_drop(process_id)
    transaction.on_commit(lambda: _ballot_context_drop(process_id))


def _election(process: BudgetProcess, election: BudgetElection | None) -> BudgetElection:
    return election if election is not None else BudgetElection(process)


def ballot_project_list(*, process: BudgetProcess, election: BudgetElection | None = None) -> QuerySet[Project]:
    """The projects a voter chooses from in one election (default: the citywide one): all
    but those found not feasible."""
    election = _election(process, election)
    return (Project.objects.filter(**election.filter).exclude(feasibility=Feasibility.NOT_FEASIBLE)
            .select_related("district"))


def ballot_project_cards(*, process: BudgetProcess, election: BudgetElection | None = None) -> list[Project]:
    """The ballot's projects as a voter sees them, each with its published comments
    (`comment_count`), in one query however many there are."""
    return list(ballot_project_list(process=process, election=election)
                .annotate(comment_count=published_count_expression()).order_by("pk"))


def ballot_projects(*, process: BudgetProcess, election: BudgetElection | None = None) -> dict[str, int]:
    return dict(ballot_project_list(process=process, election=election).values_list("code", "cost"))


def project_sections(*, process: BudgetProcess) -> list[tuple[BudgetElection, list[Project]]]:
    """Every election of the process with all its projects, for the process page, each with
    its published comments (`comment_count`)."""
    projects = list(process.projects.select_related("district").prefetch_related("updates")
                    .annotate(comment_count=published_count_expression()).order_by("pk"))
    return [(election, [p for p in projects if p.district_budget_id == (
        election.district_budget.pk if election.district_budget else None)])
        for election in process_elections(process)]


def project_map(*, process: BudgetProcess, district: int | None = None, status: str = "",
                funded: bool = False) -> tuple[list[Project], int]:
    """The process's projects that have a place (district and feasibility filters, or only
    the funded ones with `funded`, which the caller allows once the result is public), and
    how many matching projects have none: two queries however many there are."""
    qs = process.projects.all()
    if district:
        qs = qs.filter(district_id=district)
    if funded:
        qs = qs.filter(selected=True)
    elif status in Feasibility.values:
        qs = qs.filter(feasibility=status)
    placed = list(qs.filter(latitude__isnull=False, longitude__isnull=False).select_related("district")
                  .only("id", "process_id", "code", "title", "cost", "feasibility", "selected", "latitude",
                        "longitude", "district__name").order_by("pk"))
    return placed, qs.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).count()


def project_get(*, process: BudgetProcess, code: str) -> Project | None:
    """One project of the process by its code, with what its public page shows: never a
    count of its votes (those are only in the council's count and the approved result)."""
    return (Project.objects.filter(process=process, code=code)
            .select_related("district", "district_budget__district", "idea").prefetch_related("updates").first())


def elections_for_voter(*, process: BudgetProcess, user) -> list[BudgetElection]:
    """The elections a signed-in voter may vote in: the citywide one and their district's."""
    district_id = getattr(user, "district_id", None)
    return [e for e in process_elections(process) if e.is_citywide or e.district_budget.district_id == district_id]


def voter_participations(*, process: BudgetProcess, user) -> dict[str, date]:
    """That the signed-in person voted, by election key ("" citywide), with the day of their
    first ballot in it; never what they voted."""
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = Participation.objects.filter(process=process, user=user).values_list(
        "district_budget__slug", "voted_on")
    return {slug or "": voted_on for slug, voted_on in rows}


def results_visible(*, process: BudgetProcess, user) -> bool:
    """Per-project counts are secret until publication; in the council review phase the
    council (and the municipality's admins) see them to decide."""
    if process.results_public:
        return True
    if process.phase == Phase.COUNCIL_REVIEW and box_opened(process=process):
        return user.has_perm("budgets.review_result", process)
    return False


def box_opened(*, process: BudgetProcess) -> bool:
    """Per-project counts exist only from the council's opening of the ballot box on (or
    for an imported election, whose ballots were published)."""
    return CountedBallots.objects.filter(process=process).exists()


def counted_total(*, process: BudgetProcess) -> int:
    return sum(len(c) for c in CountedBallots.objects.filter(process=process).values_list("contents", flat=True))


def ballot_box(*, process: BudgetProcess) -> BallotBox | None:
    return BallotBox.objects.filter(process=process).prefetch_related("holders").first()


def voting_code_counts(*, process: BudgetProcess) -> dict:
    """The codes made for a process, how many have voted, how many letters came back and how
    many of those were reissued, in one query: numbers only, never a code or a person."""
    return VotingCode.objects.filter(process=process).aggregate(
        made=Count("pk"), used=Count("pk", filter=Q(used=True)),
        returned=Count("pk", filter=Q(returned_at__isnull=False)),
        reissued=Count("pk", filter=Q(reissue_of__isnull=False)),
        census=Count("pk", filter=~Q(person_key="")))


def turnout(*, process: BudgetProcess, election: BudgetElection | None = None) -> dict:
    """Who took part, never what they chose: totals by channel, district and age band, of
    one election or (election None) of all, where a voter counts once in each election
    they voted in; `by_election` gives each election's voters and ballots."""
    rows = Participation.objects.filter(**election.filter) if election else Participation.objects.filter(process=process)
    ballots = Ballot.objects.filter(**election.filter) if election else Ballot.objects.filter(process=process)
    counted = (CountedBallots.objects.filter(**election.filter) if election
               else CountedBallots.objects.filter(process=process))
    by = {key: dict(rows.values_list(key).annotate(n=Count("pk")).order_by(key).values_list(key, "n"))
          for key in ("channel", "age_band")}
    districts = dict(rows.values_list("district__name").annotate(n=Count("pk")).order_by("district__name")
                     .values_list("district__name", "n"))
    voters = dict(rows.values_list("district_budget").annotate(n=Count("pk")).order_by().values_list("district_budget", "n"))
    cast = dict(ballots.values_list("district_budget").annotate(n=Count("pk")).order_by()
                .values_list("district_budget", "n"))
    # Sealed ballots in the box until the opening, counted ones after it (or both, for a
    # paper ballot confirmed after an import: never both for one ballot).
    for budget, contents in counted.values_list("district_budget", "contents"):
        cast[budget] = cast.get(budget, 0) + len(contents)
    by_election = []
    for e in ([election] if election else process_elections(process)):
        pk = e.district_budget.pk if e.district_budget else None
        by_election.append({"key": e.key, "name": e.name, "voters": voters.get(pk, 0), "ballots": cast.get(pk, 0)})
    return {"voters": sum(voters.values()), "ballots": sum(cast.values()),
            "by_channel": by["channel"], "by_age_band": by["age_band"], "by_district": districts,
            "by_election": by_election}


class BoxNotOpened(ValidationError):
    """Per-project counts are asked for before the ballot box is opened."""


def check_box_opened(process: BudgetProcess) -> None:
    """BoxNotOpened while the process has a ballot box the council has not opened."""
    if BallotBox.objects.filter(process=process, opened_at__isnull=True).exists():
        raise BoxNotOpened(_("Nothing can be counted before the council opens the ballot box."))


def election_from_ballots(*, process: BudgetProcess,
                          election: BudgetElection | None = None) -> tuple[Election, list[Project]]:
    """One election of the process (default: the citywide one) as a tally-engine election,
    from its counted ballots (the opened box's anonymous, shuffled list); none before the
    opening."""
    election = _election(process, election)
    check_box_opened(process)
    projects = list(ballot_project_list(process=process, election=election).order_by("pk"))
    index = {p.code: i for i, p in enumerate(projects)}
    ballots: list[tuple[int, ...]] = []
    points: list[tuple[int, ...]] | None = [] if process.ballot_type == BallotType.CUMULATIVE else None
    cumulative = process.ballot_type == BallotType.CUMULATIVE
    counted = CountedBallots.objects.filter(**election.filter).values_list("contents", flat=True).first() or []
    for content in counted:
        # The process's ballot type decides how a ballot is read, so a stray shape can
        # never shift ballots and points out of step.
        if cumulative:
            items = [(index[c], n) for c, n in (content.get("points") or {}).items() if c in index]
            ballots.append(tuple(i for i, _n in items))
            points.append(tuple(n for _i, n in items))
        else:
            codes = content.get("projects") or content.get("ranking") or []
            ballots.append(tuple(index[c] for c in codes if c in index))
    meta = {"description": process.title, "country": process.municipality.get_country_display(),
            "unit": process.municipality.name, "instance": str(timezone.localtime(process.voting_start).year),
            "num_projects": str(len(projects)), "num_votes": str(len(ballots)),
            "budget": str(election.amount), "vote_type": VOTE_TYPE[process.ballot_type],
            "rule": process.tally_rule, "currency": process.currency}
    if election.district_budget is not None:  # as pabulib names a district's file
        meta["district"] = election.district.name
        meta["subunit"] = election.name
        meta["description"] = f"{process.title}: {election.name}"
    if process.ballot_type == BallotType.CUMULATIVE:
        meta["max_sum_points"] = str(process.points)
    election = Election(
        meta=meta, projects=[TallyProject(p.code, p.cost, {"name": p.title}) for p in projects],
        project_columns=["project_id", "cost", "name"],
        vote_columns=["voter_id", "vote", *(["points"] if points is not None else [])],
        voter_ids=[str(n + 1) for n in range(len(ballots))], ballots=ballots, points=points)
    return election, projects


def rule_comparison(*, process: BudgetProcess, election: BudgetElection | None = None) -> dict:
    """One election's result by every compared rule, side by side, for the council: the
    tallies themselves, which take minutes in a large election (budgets.counting keeps them).
    Plain JSON: each rule's selected codes in the order the rule chose them."""
    election, projects = election_from_ballots(process=process, election=election or election_default(process))
    rules = list(dict.fromkeys([process.tally_rule, *COMPARED_RULES]))
    outcomes = [tally(election, rule) for rule in rules]
    scores = outcomes[0].scores
    rows = []
    for outcome in outcomes:
        stats = outcome_stats(outcome)
        rows.append({"rule": outcome.rule, "selected": [projects[i].code for i in outcome.selected],
                     "spent": stats.spent, "projects": stats.projects, "voters": stats.voters,
                     "share_reached": float(stats.share_with_a_funded_project) if stats.voters else 0.0,
                     "avg_cost_satisfaction": float(stats.avg_cost_satisfaction),
                     "avg_cardinality_satisfaction": float(stats.avg_cardinality_satisfaction)})
    prefer = pairwise(outcomes) if len(outcomes) > 1 else {}
    return {"rules": rows, "projects": [{"code": p.code, "title": p.title, "cost": p.cost, "score": scores[i]}
                                        for i, p in enumerate(projects)],
            "pairwise": [{"a": a, "b": b, "voters": n} for (a, b), n in prefer.items()]}


def phase_index(process: BudgetProcess) -> int:
    return PHASE_ORDER.index(process.phase)


def phase_history(*, process: BudgetProcess) -> list:
    """The process's public history of phase changes and extensions, oldest first."""
    return list(PhaseChange.objects.filter(process=process).select_related("changed_by"))


# --- For the staff home (dashboard.views.staff_home) -------------------------------------------
PHASE_DATES = [
    ("proposals_start", Phase.PROPOSALS), ("review_start", Phase.REVIEW), ("voting_start", Phase.VOTING),
    ("voting_end", Phase.COUNCIL_REVIEW), ("results_date", Phase.RESULTS),
]


def phase_dates_coming(*, municipality: Municipality, days: int = 7, now=None) -> list[dict]:
    """The phase changes of the municipality's processes that the calendar brings in the next
    `days` days (from the start of today), soonest first: one query."""
    now = now or timezone.now()
    start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    end = now + timezone.timedelta(days=days)
    within = Q()
    for field, _phase in PHASE_DATES:
        within |= Q(**{f"{field}__gte": start, f"{field}__lt": end})
    processes = (BudgetProcess.objects.filter(within, municipality=municipality)
                 .exclude(phase=Phase.IMPLEMENTATION)
                 .only("id", "title", "phase", *(field for field, _phase in PHASE_DATES)))
    coming = [{"process": process, "phase": phase, "phase_label": Phase(phase).label,
               "at": getattr(process, field)}
              for process in processes for field, phase in PHASE_DATES
              if start <= getattr(process, field) < end]
    return sorted(coming, key=lambda row: (row["at"], row["process"].pk))


def projects_awaiting_review(*, municipality: Municipality, limit: int = 10) -> dict:
    """Proposed projects nobody has reviewed yet, in processes where they can still be
    reviewed (proposals or review phase), oldest first, with their number: two queries."""
    qs = (Project.objects.filter(process__municipality=municipality, feasibility=Feasibility.PENDING,
                                 process__phase__in=[Phase.PROPOSALS, Phase.REVIEW])
          .select_related("process").only("id", "title", "created_at", "process__id", "process__title"))
    return {"count": qs.count(), "items": list(qs.order_by("created_at", "pk")[:limit])}


def idea_projects(*, idea) -> QuerySet[Project]:
    """The projects made from an idea, in processes the public can see (not drafts)."""
    return (Project.objects.filter(idea=idea, process__draft=False).select_related("process")
            .order_by("process__voting_start", "code"))


def project_for_staff(*, pk: int) -> Project | None:
    return Project.objects.select_related("process__municipality").filter(pk=pk).first()


def project_titles(*, process: BudgetProcess) -> dict[str, str]:
    return dict(process.projects.values_list("code", "title"))


def result_of(*, process: BudgetProcess) -> Result | None:
    return Result.objects.select_related("approved_by").filter(process=process).first()


def council_reviews(*, process: BudgetProcess) -> QuerySet[CouncilReview]:
    return process.council_reviews.select_related("member")


def paper_ballot_get(*, process: BudgetProcess, pk: int) -> PaperBallot | None:
    return PaperBallot.objects.filter(process=process, pk=pk).first()


def paper_ballots_waiting(*, process: BudgetProcess) -> QuerySet[PaperBallot]:
    """Typed in, waiting for a colleague's confirmation."""
    return (process.paper_ballots.filter(confirmed_by__isnull=True).select_related("entered_by", "district_budget")
            .order_by("pk"))


def paper_ballots_confirmed(*, process: BudgetProcess) -> int:
    return process.paper_ballots.filter(confirmed_by__isnull=False).count()


def district_budgets_with_counts(*, process: BudgetProcess) -> QuerySet[DistrictBudget]:
    return process.district_budgets.select_related("district").annotate(n_projects=Count("projects"))


def citywide_project_count(*, process: BudgetProcess) -> int:
    return process.projects.filter(district_budget=None).count()
