"""Setting up a participatory budget: staff write it as a draft, step by step, and publish it
when the check finds nothing left to fix. A draft is seen by the municipality's staff only.

One definition of the input: each step's fields (STEP_FIELDS) are the model's own, so the
pages' forms and the API's serializer take the same fields with the model's types and
limits, and both hand them to the services here, which alone say what is wrong, in plain
words. The steps:

    basics → ballot → eligibility → tally → timeline → check and publish

Phases are not changed here: once published, the process moves on by its calendar or by
staff on its phase page (budgets.phases), as every process does.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import census
from ui.images import clean_image
from ui.slugs import slug_of

from . import services
from .models import BallotType, BudgetProcess, DistrictBudget, TallyRule, Voters
from .selectors import ballot_context_forget
from .tally import Election, tally
from .tally import Project as TallyProject

STEPS = ["basics", "ballot", "eligibility", "tally", "timeline"]
STEP_TITLES = {
    "basics": gettext_lazy("Basics"),
    "ballot": gettext_lazy("Ballot"),
    "eligibility": gettext_lazy("Who may vote"),
    "tally": gettext_lazy("Counting"),
    "timeline": gettext_lazy("Phases and dates"),
}
STEP_FIELDS = {
    "basics": ["title", "description", "image_alt", "currency", "citywide", "total_budget"],
    "ballot": ["ballot_type", "min_projects", "max_projects", "spending_limit", "points",
               "max_points_per_project", "allow_revote"],
    "eligibility": ["voters", "min_age", "residents_only"],
    "tally": ["tally_rule"],
    "timeline": ["proposals_start", "review_start", "voting_start", "voting_end", "results_date"],
}
FIELD_STEP = {name: step for step, names in STEP_FIELDS.items() for name in names}
CURRENCIES = [("DKK", "DKK"), ("NOK", "NOK"), ("SEK", "SEK"), ("ISK", "ISK"), ("EUR", "EUR")]
MAX_AGE = 120


def step_number(step: str) -> int:
    return STEPS.index(step) + 1


def _default_dates(now=None) -> dict:
    """A first calendar for a new draft (changed in the timeline step): proposals from today,
    four weeks of proposals, two of review, two of voting, results two weeks later."""
    start = timezone.localtime(now or timezone.now()).replace(hour=9, minute=0, second=0, microsecond=0)
    return {"proposals_start": start, "review_start": start + timedelta(weeks=4),
            "voting_start": start + timedelta(weeks=6), "voting_end": start + timedelta(weeks=8),
            "results_date": start + timedelta(weeks=10)}


def _slug(municipality, title: str) -> str:
    base = (slug_of(title) or "budget")[:70]
    taken = set(BudgetProcess.objects.filter(municipality=municipality, slug__startswith=base)
                .values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- What is wrong, step by step -----------------------------------------------------------
def step_errors(process: BudgetProcess, step: str) -> dict[str, list[str]]:
    """What is wrong with one step of a process (saved or about to be), by field."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    p = process
    if step == "basics":
        if not (p.title or "").strip():
            add("title", _("Give the budget a title."))
        if p.currency not in dict(CURRENCIES):
            add("currency", _("Choose one of the currencies offered."))
        if p.citywide and not p.total_budget:
            add("total_budget", _("A citywide budget needs an amount above zero."))
        if p.image and not (p.image_alt or "").strip():
            add("image_alt", _("Say what the image shows, for people who cannot see it."))
    elif step == "ballot":
        if p.ballot_type not in BallotType.values:
            add("ballot_type", _("Choose a kind of ballot."))
        elif p.ballot_type in (BallotType.APPROVAL, BallotType.KNAPSACK):
            if p.max_projects is not None and p.max_projects < max(p.min_projects, 1):
                add("max_projects", _("The most projects on a ballot cannot be fewer than the fewest (%(n)s).")
                    % {"n": p.min_projects})
            if p.ballot_type == BallotType.KNAPSACK and p.spending_limit is not None:
                if p.spending_limit < 1:
                    add("spending_limit", _("The spending limit must be above zero, or empty for the whole "
                                            "budget."))
                elif p.citywide and p.spending_limit > p.total_budget:
                    add("spending_limit", _("The spending limit cannot be more than the citywide budget "
                                            "(%(amount)s).") % {"amount": p.total_budget})
        elif p.ballot_type == BallotType.CUMULATIVE:
            if p.points < 1:
                add("points", _("Give each voter at least one point to spread."))
            if p.max_points_per_project < 1:
                add("max_points_per_project", _("Allow at least one point on a project."))
            elif p.max_points_per_project > p.points:
                add("max_points_per_project", _("The most points on one project cannot be more than the points "
                                                "each voter has (%(n)s).") % {"n": p.points})
        elif p.ballot_type == BallotType.RANKED:
            if not p.max_projects:
                add("max_projects", _("Say how many places a ranked ballot has (for example 3 for a top 3)."))
            elif p.max_projects < p.min_projects:
                add("max_projects", _("A ranking cannot have fewer places than the fewest projects to rank "
                                      "(%(n)s).") % {"n": p.min_projects})
    elif step == "eligibility":
        if p.voters not in Voters.values:
            add("voters", _("Choose who may vote."))
        if p.min_age > MAX_AGE:
            add("min_age", _("Give a minimum age between 0 and %(n)s.") % {"n": MAX_AGE})
    elif step == "tally":
        if p.tally_rule not in TallyRule.values:
            add("tally_rule", _("Choose how the votes are counted."))
    elif step == "timeline":
        order = [("review_start", "proposals_start", _("Review cannot start before proposals open.")),
                 ("voting_start", "review_start", _("Voting cannot open before the review starts.")),
                 ("results_date", "voting_end", _("Results cannot be expected before voting closes."))]
        for later, earlier, message in order:
            if getattr(p, later) and getattr(p, earlier) and getattr(p, later) < getattr(p, earlier):
                add(later, message)
        if p.voting_end and p.voting_start and p.voting_end <= p.voting_start:
            add("voting_end", _("Voting must close after it opens."))
    return errors


@dataclass(frozen=True)
class Problem:
    step: str
    field: str
    message: str

    @property
    def step_title(self) -> str:
        return str(STEP_TITLES.get(self.step, _("Check")))


def problems(process: BudgetProcess, now=None) -> list[Problem]:
    """Everything that keeps a draft from going live, in plain words, in step order."""
    now = now or timezone.now()
    found: list[Problem] = []
    for step in STEPS:
        if step not in (process.setup_done or []):
            found.append(Problem(step, "", _("Step %(n)s, “%(title)s”, is not saved yet: look at it and save it.")
                                 % {"n": step_number(step), "title": STEP_TITLES[step]}))
        for field, messages in step_errors(process, step).items():
            found += [Problem(step, field, message) for message in messages]
    budgets = list(process.district_budgets.all())
    if not (process.description or "").strip():
        found.append(Problem("basics", "description", _("Tell citizens what the budget is for: write a "
                                                         "description.")))
    if not process.citywide and not budgets:
        found.append(Problem("basics", "citywide", _("There is nothing to vote on: choose a citywide budget, or add "
                                                      "at least one district budget.")))
    for budget in budgets:
        if budget.amount < 1:
            found.append(Problem("basics", "district_budgets", _("The district budget “%(name)s” needs an amount "
                                                                 "above zero.") % {"name": budget.name}))
        if budget.spending_limit is not None and budget.spending_limit > budget.amount:
            found.append(Problem("basics", "district_budgets", _(
                "The spending limit of “%(name)s” is more than its budget.") % {"name": budget.name}))
    if process.proposals_start and timezone.localdate(process.proposals_start) > timezone.localdate(now):
        found.append(Problem("timeline", "proposals_start", _(
            "Proposals open on %(date)s, but publishing opens them at once. Set that date to today, or publish on "
            "that day.") % {"date": timezone.localtime(process.proposals_start).strftime("%d.%m.%Y")}))
    if process.voting_start and process.voting_start <= now:
        found.append(Problem("timeline", "voting_start", _("Voting would open in the past: choose a later date for "
                                                           "voting to open.")))
    return found


def draft_new(municipality=None) -> BudgetProcess:
    """A new draft as it starts, before anything is typed (not saved): the values the steps
    start from, which the API's input reads where a request leaves a field out."""
    return BudgetProcess(municipality=municipality, draft=True, total_budget=0, **_default_dates())


# --- Writes ------------------------------------------------------------------------------------
def _refuse_unless_draft(process: BudgetProcess) -> None:
    if not process.draft:
        raise ValidationError(_("This budget is published: its set-up can no longer be changed here."))


def _store_image(process: BudgetProcess, image) -> None:
    """Checked and re-encoded as idea images are (ui.images), so no metadata is published."""
    try:
        clean = clean_image(image)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    process.image.save(f"image.{clean.extension}", clean.content, save=False)


@transaction.atomic
def draft_create(*, municipality, actor, image=None, **fields) -> BudgetProcess:
    """Start a draft with the basics; the other steps start from sensible values."""
    unknown = set(fields) - set(STEP_FIELDS["basics"])
    if unknown:
        raise ValidationError({name: _("This field is not part of the basics.") for name in sorted(unknown)})
    process = draft_new(municipality)
    for name, value in fields.items():
        setattr(process, name, value.strip() if isinstance(value, str) else value)
    process.slug = _slug(municipality, process.title)
    if not process.citywide and fields.get("total_budget") is None:
        process.total_budget = 0
    _validate(process, "basics", image=image)
    if image is not None:
        _store_image(process, image)
    process.setup_done = ["basics"]
    process.save()
    return process


def _validate(process: BudgetProcess, step: str, image=None) -> None:
    errors = step_errors(process, step)
    if image is not None and not (process.image_alt or "").strip():
        errors.setdefault("image_alt", []).append(_("Say what the image shows, for people who cannot see it."))
    try:
        process.full_clean(exclude=["slug", "image"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            # The database's own order of dates is said in plain words by step_errors.
            if field == "__all__" and step == "timeline" and errors:
                continue
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def setup_update(*, process: BudgetProcess, data: dict, image=None, remove_image: bool = False) -> BudgetProcess:
    """Save fields of one or more steps of a draft (the pages send one step, the API any);
    each step touched is checked as a whole and counts as saved."""
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    _refuse_unless_draft(process)
    unknown = set(data) - set(FIELD_STEP)
    if unknown:
        raise ValidationError({name: _("This field cannot be set up here.") for name in sorted(unknown)})
    steps = {FIELD_STEP[name] for name in data}
    if image is not None or remove_image:
        steps.add("basics")
    for name, value in data.items():
        setattr(process, name, value.strip() if isinstance(value, str) else value)
    if remove_image:
        process.image = ""
    errors: dict[str, list[str]] = {}
    for step in [s for s in STEPS if s in steps]:
        try:
            _validate(process, step, image=image if step == "basics" else None)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, [])
                errors[field] += [m for m in messages if m not in errors[field]]
    if errors:
        raise ValidationError(errors)
    if image is not None:
        _store_image(process, image)
    process.setup_done = [s for s in STEPS if s in steps or s in (process.setup_done or [])]
    process.save()
    ballot_context_forget(process.pk)
    return process


def district_budget_add(*, process: BudgetProcess, district, amount: int, name: str = "",
                        spending_limit: int | None = None) -> DistrictBudget:
    """A district budget of a draft: the same service as for a published process."""
    _refuse_unless_draft(process)
    return services.district_budget_add(process=process, district=district, amount=amount, name=name,
                                        spending_limit=spending_limit)


@transaction.atomic
def district_budget_remove(*, process: BudgetProcess, budget: DistrictBudget) -> None:
    """Only a draft's: a published district budget may have projects and ballots."""
    _refuse_unless_draft(process)
    if budget.process_id != process.pk:
        raise ValidationError(_("Choose a district budget of this process."))
    budget.delete()
    ballot_context_forget(process.pk)


@transaction.atomic
def process_publish(*, process: BudgetProcess, actor, now=None) -> BudgetProcess:
    """Make a draft public, only when the check finds nothing to fix. From now on citizens
    see it and may propose projects; the calendar moves it on (budgets.phases)."""
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    _refuse_unless_draft(process)
    found = problems(process, now)
    if found:
        raise ValidationError(_group(found))
    BudgetProcess.objects.filter(pk=process.pk).update(draft=False)
    process.draft = False
    ballot_context_forget(process.pk)
    return process


def _group(found: list[Problem]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for problem in found:
        grouped.setdefault(problem.field or problem.step, []).append(problem.message)
    return grouped


def census_status(process: BudgetProcess) -> dict:
    """The municipality's census as the eligibility step shows it (accounts.census): how
    many residents, per district, when it was uploaded. A census process's letters and
    votes are made from it; it is uploaded on its own page, and may come after publishing."""
    return census.census_summary(municipality=process.municipality)


# --- The worked example of the counting step ----------------------------------------------
def tally_example() -> dict:
    """A small election counted by both rules with the tally engine itself, so the page's
    example cannot say something the count would not do: 10 voters, 100 to spend, four
    projects of 30; six voters want A, B and C, four want D."""
    projects = [("A", 30), ("B", 30), ("C", 30), ("D", 30)]
    election = Election(meta={"budget": "100", "vote_type": "approval"},
                        projects=[TallyProject(code, cost) for code, cost in projects],
                        project_columns=["project_id", "cost"], vote_columns=["voter_id", "vote"],
                        voter_ids=[str(n) for n in range(1, 11)], ballots=[(0, 1, 2)] * 6 + [(3,)] * 4)
    funded = {rule: [projects[i][0] for i in sorted(tally(election, rule).selected)]
              for rule in (TallyRule.GREEDY, TallyRule.EQUAL_SHARES)}
    return {"budget": 100, "projects": projects, "greedy": funded[TallyRule.GREEDY],
            "equal_shares": funded[TallyRule.EQUAL_SHARES]}
