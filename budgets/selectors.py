"""Every read of participatory budgets, with the secrecy rules built in: per-project
counts come only from `process_outcome`, which callers use only where `results_visible`."""
from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import Municipality

from .models import (
    PHASE_ORDER,
    Ballot,
    BallotType,
    BudgetProcess,
    Feasibility,
    Participation,
    Phase,
    Project,
)
from .tally import Election, outcome_stats, pairwise, tally
from .tally import Project as TallyProject

VOTE_TYPE = {BallotType.APPROVAL: "approval", BallotType.KNAPSACK: "approval",
             BallotType.CUMULATIVE: "cumulative", BallotType.RANKED: "ordinal"}
COMPARED_RULES = ["greedy", "mes", "equalshares/add1"]


def process_list(*, municipality: Municipality) -> QuerySet[BudgetProcess]:
    return BudgetProcess.objects.filter(municipality=municipality).select_related("municipality")


def process_list_open(*, municipality: Municipality) -> QuerySet[BudgetProcess]:
    return process_list(municipality=municipality).exclude(phase=Phase.IMPLEMENTATION)


def process_get(*, pk: int) -> BudgetProcess | None:
    return BudgetProcess.objects.select_related("municipality").filter(pk=pk).first()


def ballot_project_list(*, process: BudgetProcess) -> QuerySet[Project]:
    """The projects a voter chooses from: all but those found not feasible."""
    return process.projects.exclude(feasibility=Feasibility.NOT_FEASIBLE).select_related("district")


def ballot_projects(*, process: BudgetProcess) -> dict[str, int]:
    return dict(ballot_project_list(process=process).values_list("code", "cost"))


def results_visible(*, process: BudgetProcess, user) -> bool:
    """Per-project counts are secret until publication; in the council review phase the
    council (and the municipality's admins) see them to decide."""
    if process.results_public:
        return True
    if process.phase == Phase.COUNCIL_REVIEW:
        return user.has_perm("budgets.review_result", process)
    return False


def turnout(*, process: BudgetProcess) -> dict:
    """Who took part, never what they chose: totals by channel, district and age band."""
    rows = Participation.objects.filter(process=process)
    by = {key: dict(rows.values_list(key).annotate(n=Count("pk")).order_by(key).values_list(key, "n"))
          for key in ("channel", "age_band")}
    districts = dict(rows.values_list("district__name").annotate(n=Count("pk")).order_by("district__name")
                     .values_list("district__name", "n"))
    return {"voters": rows.count(), "ballots": Ballot.objects.filter(process=process).count(),
            "by_channel": by["channel"], "by_age_band": by["age_band"], "by_district": districts}


def election_from_ballots(*, process: BudgetProcess) -> tuple[Election, list[Project]]:
    """The process as a tally-engine election (ballots anonymous, in random-id order)."""
    projects = list(ballot_project_list(process=process).order_by("pk"))
    index = {p.code: i for i, p in enumerate(projects)}
    ballots: list[tuple[int, ...]] = []
    points: list[tuple[int, ...]] | None = [] if process.ballot_type == BallotType.CUMULATIVE else None
    cumulative = process.ballot_type == BallotType.CUMULATIVE
    for content in Ballot.objects.filter(process=process).order_by("id").values_list("content", flat=True).iterator():
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
            "budget": str(process.total_budget), "vote_type": VOTE_TYPE[process.ballot_type],
            "rule": process.tally_rule, "currency": process.currency}
    if process.ballot_type == BallotType.CUMULATIVE:
        meta["max_sum_points"] = str(process.points)
    election = Election(
        meta=meta, projects=[TallyProject(p.code, p.cost, {"name": p.title}) for p in projects],
        project_columns=["project_id", "cost", "name"],
        vote_columns=["voter_id", "vote", *(["points"] if points is not None else [])],
        voter_ids=[str(n + 1) for n in range(len(ballots))], ballots=ballots, points=points)
    return election, projects


def process_outcome(*, process: BudgetProcess, rule: str | None = None):
    """The tally by the process's rule (or another); returns (outcome, selected codes)."""
    election, projects = election_from_ballots(process=process)
    outcome = tally(election, rule or process.tally_rule)
    return outcome, [projects[i].code for i in outcome.selected]


def rule_comparison(*, process: BudgetProcess) -> dict:
    """The result by every compared rule, side by side, for the council."""
    election, projects = election_from_ballots(process=process)
    rules = list(dict.fromkeys([process.tally_rule, *COMPARED_RULES]))
    outcomes = [tally(election, rule) for rule in rules]
    scores = outcomes[0].scores
    rows = []
    for outcome in outcomes:
        stats = outcome_stats(outcome)
        rows.append({"rule": outcome.rule, "selected": {projects[i].code for i in outcome.selected},
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
