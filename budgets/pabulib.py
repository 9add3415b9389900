"""Budget processes in and out of the pabulib ``.pb`` format (pabulib.org).

``process_import`` turns a finished election (its votes are in) into a process in the council
review phase, with its projects and anonymous ballots; ``process_export`` writes a process
back out with voters numbered 1..n, so an export never carries a voter or receipt hash.
The parsing and writing is the tally engine's (budgets.tally); this module maps its
``Election`` onto Høst's models.
"""
from __future__ import annotations

import datetime as dt
import re
from fractions import Fraction
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Country, District, Language, Municipality
from accounts.services import district_create, municipality_create
from ui.slugs import slug_of

from .ballotbox import counted_store
from .ballots import clean_ballot
from .elections import BudgetElection, election_default
from .models import (
    BallotType,
    BudgetProcess,
    Channel,
    DistrictBudget,
    Feasibility,
    Participation,
    Phase,
    Project,
    Result,
    TallyRule,
)
from .selectors import election_from_ballots
from .services import process_create
from .tally import Election, compute_scores, read_pb, write_pb
from .tally import Project as TallyProject
from .tally.model import APPROVAL_TYPES, POINT_TYPES

BATCH = 5000
COUNTRIES = {"denmark": Country.DENMARK, "norway": Country.NORWAY, "sweden": Country.SWEDEN}
LANGUAGES = {Country.DENMARK: Language.DANISH, Country.NORWAY: Language.NORWEGIAN_BOKMAL}
CURRENCIES = {Country.DENMARK: "DKK", Country.NORWAY: "NOK", Country.SWEDEN: "SEK"}
# Ages outside this range in real files (0, 1, 116 in Gdańsk) are placeholders, not people.
PLAUSIBLE_AGE = range(10, 111)


# -- import --------------------------------------------------------------------------------

MAX_PROBLEMS = 10

@transaction.atomic
def process_import(*, source: str | Path, municipality: Municipality | None = None, title: str = "",
                   district: District | None = None, create_municipality: bool = False) -> BudgetProcess:
    """Create a process, its projects, ballots and participations from a ``.pb`` file.

    ``source`` is a path or the file's text. A broken file raises ``PbFormatError`` (with the
    line), a file Høst cannot represent or whose ballots break the process's own rules
    raises ``ValidationError`` (line-numbered); either way nothing is created.

    The process goes into ``municipality``; only with ``create_municipality`` is one made
    from the file's META (and its district with it). A district's file (META ``district``
    or ``subunit``, as pabulib marks them) becomes a process with that district budget as
    its one election: the district is ``district``, or the municipality's district of that
    name; an existing municipality never gets a district invented by a file."""
    election = read_pb(source)
    if election.scale != 1:
        # Høst keeps money in whole currency units (kroner); the tally engine (pb_tally)
        # counts such files exactly in minor units.
        raise ValidationError(f"META budget {election.format_money(election.budget)}: this file has amounts "
                              "with decimals, and Høst's budgets are in whole currency units; tally it with "
                              "`manage.py pb_tally` instead")
    meta = election.meta
    new_municipality = False
    if municipality is None:
        if not create_municipality:
            raise ValidationError("name the municipality the election belongs to (or create one from the "
                                  "file's META unit on purpose)")
        municipality, new_municipality = _municipality_find_or_create(meta)
    title = (title or meta.get("description") or " ".join(
        v for v in (meta.get("unit"), meta.get("subunit") or meta.get("district"), meta.get("instance")) if v)
        or "Imported budget")[:200]
    subunit = (meta.get("subunit") or meta.get("district") or "").strip()
    process = process_create(
        municipality=municipality, title=title, slug=_unique_slug(municipality, title),
        description=_description(meta), currency=_currency(meta, municipality),
        total_budget=election.budget, tally_rule=_tally_rule(election.rule), citywide=not subunit,
        phase=Phase.COUNCIL_REVIEW, **_ballot_design(election), **_dates(meta))
    district_budget = None
    if subunit or district:
        subunit = subunit or district.name
        if district is None:
            district = _district_find(municipality, meta.get("district") or subunit, create=new_municipality)
        elif district.municipality_id != municipality.pk:
            raise ValidationError(f"district {district.name!r} is not in {municipality.name}")
        district_budget = DistrictBudget(
            process=process, district=district,
            name=subunit[:200], slug=(slug_of(subunit)[:80] or "district"), amount=election.budget,
            spending_limit=process.spending_limit)
        district_budget.full_clean()
        district_budget.save()
        process.spending_limit = None
        process.save(update_fields=["spending_limit"])
    codes = _projects_create(process, election, district_budget)
    _ballots_create(process, election, codes, district_budget)
    _participations_create(process, election, district_budget)
    return process


def _district_find(municipality: Municipality, name: str, *, create: bool) -> District:
    name = name.strip()[:120]
    slug = slug_of(name)[:50] or "district"
    found = (municipality.districts.filter(name__iexact=name).first()
             or municipality.districts.filter(slug=slug).first())
    if found:
        return found
    if not create:
        known = ", ".join(municipality.districts.order_by("name").values_list("name", flat=True)) or "none"
        raise ValidationError(f"the file's district {name!r} is not a district of {municipality.name} "
                              f"(its districts: {known}); name the district to import into")
    return district_create(municipality=municipality, name=name, slug=slug)


def _meta_int(election: Election, key: str) -> int | None:
    try:
        value = election.meta_number(key)
    except ValueError as exc:
        raise ValidationError(f"META {key}: {exc}") from None
    if value is None:
        return None
    if isinstance(value, Fraction) or value < 0:
        raise ValidationError(f"META {key}: {election.meta[key]!r} is not a whole number >= 0")
    return value


def _municipality_find_or_create(meta: dict[str, str]) -> tuple[Municipality, bool]:
    name = (meta.get("unit") or meta.get("city") or "").strip() or "Imported"
    slug = slug_of(name)[:50] or "imported"
    found = (Municipality.objects.filter(name__iexact=name).first()
             or Municipality.objects.filter(slug=slug).first())
    if found:
        return found, False
    country = COUNTRIES.get(meta.get("country", "").strip().lower(), Country.OTHER)
    return municipality_create(name=name[:120], slug=slug, country=country,
                               default_language=LANGUAGES.get(country, Language.ENGLISH)), True


def _unique_slug(municipality: Municipality, title: str) -> str:
    base = slug_of(title)[:70].strip("-") or "budget"
    taken = set(BudgetProcess.objects.filter(municipality=municipality, slug__startswith=base)
                .values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _description(meta: dict[str, str]) -> str:
    parts = [meta.get(k, "").strip() for k in ("description", "comment", "acknowledgments")]
    return "\n\n".join(["Imported from pabulib.", *(p for p in parts if p)])


def _currency(meta: dict[str, str], municipality: Municipality) -> str:
    currency = meta.get("currency", "").strip().upper()
    if re.fullmatch(r"[A-Z]{3}", currency):
        return currency
    return CURRENCIES.get(municipality.country, "XXX")  # ISO 4217: no currency


def _tally_rule(rule: str) -> str:
    return TallyRule.EQUAL_SHARES if rule.lower().startswith("equalshares") else TallyRule.GREEDY


def _ballot_design(election: Election) -> dict:
    vote_type = election.vote_type
    lengths = [len(b) for b in election.ballots]
    min_length = _meta_int(election, "min_length")
    if min_length is None:
        min_length = 1 if not lengths or min(lengths) >= 1 else 0
    design = {"min_projects": min_length, "max_projects": _meta_int(election, "max_length")}
    if vote_type in APPROVAL_TYPES:
        limit = _meta_int(election, "max_sum_cost")
        if limit is None:
            return {**design, "ballot_type": BallotType.APPROVAL}
        return {**design, "ballot_type": BallotType.KNAPSACK, "spending_limit": limit}
    if vote_type in POINT_TYPES:
        total = _meta_int(election, "max_sum_points")
        if total is None:  # not stated: the most any voter gave
            total = max((sum(p) for p in election.points or []), default=1)
        per_project = _meta_int(election, "max_points") or total
        return {**design, "ballot_type": BallotType.CUMULATIVE, "points": int(total),
                "max_points_per_project": int(per_project)}
    return {**design, "ballot_type": BallotType.RANKED}


def _parse_date(text: str, *, end: bool) -> dt.date | None:
    text = text.strip()
    for fmt in ("%d.%m.%Y", "%Y-%m-%d", "%d/%m/%Y", "%Y"):
        try:
            day = dt.datetime.strptime(text, fmt).date()  # a calendar day: no time zone
        except ValueError:
            continue
        return day.replace(month=12, day=31) if fmt == "%Y" and end else day
    return None


def _dates(meta: dict[str, str]) -> dict[str, dt.datetime]:
    """Phase dates in order and in the past: the file's voting dates when it has usable
    ones, otherwise a fortnight's vote that ended yesterday."""
    now = timezone.now()
    begin = _parse_date(meta.get("date_begin", ""), end=False)
    finish = _parse_date(meta.get("date_end", ""), end=True)

    def at_midnight(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time()))

    if begin and finish and begin <= finish and at_midnight(finish + dt.timedelta(days=1)) <= now:
        voting_start, voting_end = at_midnight(begin), at_midnight(finish + dt.timedelta(days=1))
    else:
        voting_end = now - dt.timedelta(days=1)
        voting_start = voting_end - dt.timedelta(days=14)
    return {"proposals_start": voting_start - dt.timedelta(days=90),
            "review_start": voting_start - dt.timedelta(days=30),
            "voting_start": voting_start, "voting_end": voting_end,
            "results_date": max(voting_end, min(voting_end + dt.timedelta(days=30), now))}


def _projects_create(process: BudgetProcess, election: Election, district_budget: DistrictBudget | None) -> list[str]:
    rows = []
    for p in election.projects:
        name = p.name.strip() or f"Project {p.project_id}"
        description = p.fields.get("description", "").strip()
        if len(name) > 200:  # keep the whole name where a person can read it
            description = f"{name}\n\n{description}".strip()
        project = Project(process=process, code=p.project_id, title=name[:200], cost=p.cost,
                          description=description, feasibility=Feasibility.FEASIBLE,
                          district_budget=district_budget,
                          district=district_budget.district if district_budget else None)
        try:
            project.full_clean(exclude=["process"], validate_unique=False,
                               validate_constraints=False)
        except ValidationError as exc:
            raise ValidationError(f"project {p.project_id!r}: "
                                  + "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                                  ) from None
        rows.append(project)
    Project.objects.bulk_create(rows)  # in file order: the pk order is the tie-break order
    return [p.project_id for p in election.projects]


def _content(election: Election, codes: list[str], ballot: tuple[int, ...], points) -> dict:
    vote_type = election.vote_type
    if vote_type in POINT_TYPES:
        given: dict[str, int] = {}
        for i, n in zip(ballot, points, strict=True):
            if isinstance(n, Fraction):
                raise ValidationError(f"points must be whole numbers; a ballot gives {float(n)} "
                                      f"to project {codes[i]!r}")
            given[codes[i]] = given.get(codes[i], 0) + n  # a repeated entry adds up
        return {"points": dict(sorted(given.items()))}
    if vote_type == "ordinal":
        return {"ranking": [codes[i] for i in ballot]}
    return {"projects": sorted(codes[i] for i in ballot)}


def _ballots_create(process: BudgetProcess, election: Election, codes: list[str],
                    district_budget: DistrictBudget | None) -> None:
    """A published election's ballots are counted as they are: one anonymous, shuffled list
    (no ballot box: they were never secret from the file's readers, and imported voters
    get no receipt). Every ballot must keep the process's own rules (what the file's META
    says: lengths, points, limit), as a ballot cast here would; the first few that do not
    are named by line, and nothing is imported."""
    target = BudgetElection(process, district_budget)
    costs = {p.project_id: p.cost for p in election.projects}
    contents: dict[tuple, dict | str] = {}  # identical ballots are converted and checked once
    points = election.points or [None] * len(election.ballots)
    rows, problems, broken = [], [], 0
    with translation.override("en"):  # messages for the person running the import
        for n, (ballot, pts) in enumerate(zip(election.ballots, points, strict=True)):
            key = (ballot, pts)
            content = contents.get(key)
            if content is None:
                try:
                    content = clean_ballot(process, _content(election, codes, ballot, pts), costs,
                                           limit=target.knapsack_limit)
                except ValidationError as exc:
                    content = " ".join(exc.messages)
                contents[key] = content
            if isinstance(content, str):
                broken += 1
                if len(problems) < MAX_PROBLEMS:
                    problems.append(f"line {election.vote_line(n)}: voter {election.voter_ids[n]!r}: {content}")
                continue
            rows.append(content)
    if problems:
        more = f" (and {broken - len(problems)} more)" if broken > len(problems) else ""
        raise ValidationError(f"{broken} ballots break the election's own rules{more}; nothing was imported: "
                              + "; ".join(problems))
    counted_store(process=process, election=target, contents=rows)


def age_band(text: str) -> str:
    try:
        age = int(text.strip())
    except ValueError:
        return ""
    if age not in PLAUSIBLE_AGE:
        return ""
    for limit, band in ((18, "<18"), (30, "18-29"), (50, "30-49"), (65, "50-64")):
        if age < limit:
            return band
    return "65+"


def _participations_create(process: BudgetProcess, election: Election,
                           district_budget: DistrictBudget | None) -> None:
    today = timezone.localdate()
    ages = election.voter_extra.get("age") or [""] * len(election.ballots)
    district_id = district_budget.district_id if district_budget else None
    Participation.objects.bulk_create(
        (Participation(process=process, district_budget=district_budget, district_id=district_id,
                       channel=Channel.IMPORT, voted_on=today, age_band=age_band(age))
         for age in ages), batch_size=BATCH)


# -- export --------------------------------------------------------------------------------

def process_export(*, process: BudgetProcess, election: BudgetElection | None = None) -> str:
    """One election of the process (default: the citywide one, or the first district budget
    of a process without one) as pabulib text: anonymous
    voters 1..n, ballots in random-id order, a district's META ``district`` and ``subunit``
    as pabulib writes them, and the ``selected`` column only once the council has published
    the result."""
    election_ = election or election_default(process) or BudgetElection(process)
    with translation.override("en"):  # pabulib names countries in English
        election, _projects = election_from_ballots(process=process, election=election_)
    meta = dict(election.meta)
    meta["instance"] = str(timezone.localtime(process.voting_start).year)
    meta["min_length"] = str(process.min_projects)
    if process.max_projects:
        meta["max_length"] = str(process.max_projects)
    if process.ballot_type == BallotType.KNAPSACK:
        meta["max_sum_cost"] = str(election_.knapsack_limit)
    if process.ballot_type == BallotType.CUMULATIVE:
        meta["max_points"] = str(process.max_points_per_project)

    scores = compute_scores(election)
    columns = ["project_id", "cost", "votes"]
    if election.vote_type != "approval":
        columns.append("score")
    columns.append("name")
    result = Result.objects.filter(process=process).first() if process.results_public else None
    if result is not None:
        columns.append("selected")
        selected = set(result.selected_codes)
    rows = []
    for i, p in enumerate(election.projects):
        fields = {**p.fields, "votes": str(scores.votes[i]), "score": str(scores.score[i])}
        if result is not None:
            fields["selected"] = "1" if p.project_id in selected else "0"
        rows.append(TallyProject(p.project_id, p.cost, fields))
    return write_pb(Election(meta=meta, projects=rows, project_columns=columns,
                             vote_columns=election.vote_columns, voter_ids=election.voter_ids,
                             ballots=election.ballots, points=election.points))
