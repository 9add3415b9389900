"""Who may vote in a process, and as whom.

A process's `voters` says what makes a voter eligible (models.Voters):
- `accounts` (a consultative vote): a confirmed account whose profile says it lives in the
  municipality (and district, for a district budget) and is old enough;
- `census`: the residents on the municipality's census (accounts.census). The census entry,
  never a profile, decides district and age, whichever channel the person uses: a national
  e-ID verification (accounts.eid) online, the code in their letter, or a paper ballot typed
  in by staff. All three are one voter identity (`census_identity`), so the ballot box's
  unique voter hash keeps one ballot per person and election.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import census
from accounts.models import CensusEntry

from . import secrecy
from .elections import BudgetElection
from .models import Ballot, BudgetProcess, PaperBallot, Phase, Voters


def check_open(*, process: BudgetProcess, election: BudgetElection | None = None) -> None:
    """Whether `election` takes ballots now, whoever votes."""
    # The closing time is checked here too: the phase moves on a beat schedule, and not one
    # ballot may slip in between the closing time and that job.
    if process.phase != Phase.VOTING or process.draft or timezone.now() >= process.voting_end:
        raise PermissionDenied(_("Voting is not open."))
    if (election is None or election.is_citywide) and not process.citywide:
        raise PermissionDenied(_("This process has only district budgets: choose your district's."))


def check_eligible(*, process: BudgetProcess, user, election: BudgetElection | None = None) -> None:
    check_open(process=process, election=election)
    if user is None:
        return
    if process.voters == Voters.CENSUS:
        census_voter_online(process=process, user=user, election=election)
        return
    if election is not None and election.district_budget is not None \
            and user.district_id != election.district_budget.district_id:
        raise PermissionDenied(_("Only residents of %(district)s can vote in its budget. Your district is set in "
                                 "your profile.") % {"district": election.district.name})
    if process.residents_only and user.municipality_id != process.municipality_id:
        raise PermissionDenied(_("Only residents of %(municipality)s can vote online. Set your home municipality "
                                 "in your profile, or use a voting code.") % {"municipality": process.municipality})
    if process.min_age:
        if not user.birth_year:
            raise PermissionDenied(_("You must be at least %(age)s to vote. Add your birth year in your profile.")
                                   % {"age": process.min_age})
        if timezone.localdate().year - user.birth_year < process.min_age:
            raise PermissionDenied(_("You must be at least %(age)s to vote.") % {"age": process.min_age})


def census_identity(person_key: str) -> str:
    """The voter identity (budgets.secrecy.voter_hash) of a census person in a census
    process, whichever channel they vote through: letter code, e-ID or paper."""
    return f"census:{person_key}"


def _census_refusal(process: BudgetProcess, election: BudgetElection | None, entry: CensusEntry) -> str | None:
    """Why the census entry may not vote in `election`: "age", "district", or None. One
    check for every channel; each caller words it for whom it speaks to."""
    if process.min_age and timezone.localdate().year - entry.birth_year < process.min_age:
        return "age"
    if election is not None and election.district_budget is not None \
            and entry.district_id != election.district_budget.district_id:
        return "district"
    return None


def census_sql(*, process: BudgetProcess, election: BudgetElection | None, alias: str) -> tuple[str, list]:
    """_census_refusal as SQL conditions on a census entry row `alias`, for a statement that
    checks and casts at once (budgets.services): (conditions, their parameters)."""
    conditions, params = [], []
    if process.min_age:
        conditions.append(f"{alias}.birth_year <= %s")
        params.append(timezone.localdate().year - process.min_age)
    if election is not None and election.district_budget is not None:
        conditions.append(f"{alias}.district_id = %s")
        params.append(election.district_budget.district_id)
    return " AND ".join(conditions) or "TRUE", params


def census_voter_online(*, process: BudgetProcess, user, election: BudgetElection | None) -> CensusEntry:
    """An account votes in a census process through its e-ID verification (accounts.eid)
    when the census lists that person. Returns the person's census entry."""
    verification = getattr(user, "verification", None) if user is not None else None
    if verification is None:
        raise PermissionDenied(_("This vote is for the residents on the census: sign in with MitID (or your "
                                 "national e-ID), vote with the code in the letter you received, or vote on paper "
                                 "at a citizen service centre."))
    entry = census.census_entry(municipality=process.municipality, person_key=verification.person_key)
    if entry is None:
        raise PermissionDenied(_("You are not on the census of %(municipality)s, so you cannot vote in this "
                                 "process.") % {"municipality": process.municipality})
    refusal = _census_refusal(process, election, entry)
    if refusal == "age":
        raise PermissionDenied(_("You must be at least %(age)s to vote.") % {"age": process.min_age})
    if refusal == "district":
        raise PermissionDenied(_("Only residents of %(district)s can vote in its budget; the census lists you "
                                 "elsewhere.") % {"district": election.district.name})
    return entry


def census_code_voter(*, process: BudgetProcess, election: BudgetElection, person_key: str) -> CensusEntry:
    """The census entry behind a letter's code, checked when the code is used: the census of
    that day decides. A resident who has left the census since the letter was printed can
    no longer vote with it, and one who has moved votes in their new district."""
    entry = census.census_entry(municipality=process.municipality, person_key=person_key)
    if entry is None:
        raise ValidationError({"code": _("This voting code belongs to a resident who is no longer on the census of "
                                         "%(municipality)s, so it cannot be used.")
                               % {"municipality": process.municipality}})
    refusal = _census_refusal(process, election, entry)
    if refusal == "age":
        raise ValidationError({"code": _("You must be at least %(age)s to vote.") % {"age": process.min_age}})
    if refusal == "district":
        raise ValidationError({"code": _("This voting code is for another district.")})
    return entry


def census_paper_voter(*, process: BudgetProcess, election: BudgetElection, person_id: str) -> str:
    """The census key of the person a paper ballot is for, after checking that they may vote
    in `election` and have not yet, by any channel. Staff type the identity number; the
    messages speak of the person."""
    entry = census.census_lookup(municipality=process.municipality, identifier=person_id or "")
    if entry is None:
        raise ValidationError({"person_id": _("This person is not on the census of %(municipality)s.")
                               % {"municipality": process.municipality}})
    refusal = _census_refusal(process, election, entry)
    if refusal == "age":
        raise ValidationError({"person_id": _("This person is under %(age)s and may not vote.")
                               % {"age": process.min_age}})
    if refusal == "district":
        raise ValidationError({"person_id": _("This person lives in another district and votes in its budget.")})
    identity = secrecy.voter_hash(process.pk, census_identity(entry.person_key), election.hash_scope)
    if Ballot.objects.filter(process=process, voter_hash=identity).exists() or PaperBallot.objects.filter(
            process=process, district_budget=election.district_budget, voter_person_key=entry.person_key).exists():
        raise ValidationError({"person_id": _("This person has already voted in this budget.")})
    return entry.person_key
