"""Paper ballots: typed in by one staff member, confirmed by another, then sealed into the
ballot box like any other ballot, until the council opens the box."""
from __future__ import annotations

import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import eligibility, events, secrecy, services
from .ballots import clean_ballot
from .elections import BudgetElection
from .models import (
    Ballot,
    BallotBox,
    BudgetProcess,
    Channel,
    PaperBallot,
    Participation,
    Phase,
    Voters,
    VotingCode,
)
from .selectors import ballot_projects


def _paper_open(process: BudgetProcess) -> None:
    if process.phase not in (Phase.VOTING, Phase.COUNCIL_REVIEW) or BallotBox.objects.filter(
            process=process, opened_at__isnull=False).exists():
        raise PermissionDenied(_("Paper ballots can be entered while voting and until the council opens the "
                                 "ballot box."))


@transaction.atomic
def paper_ballot_enter(*, process: BudgetProcess, staff, choice: dict,
                       election: BudgetElection | None = None, person_id: str = "") -> PaperBallot:
    """Type in a paper ballot of one election (its district is on the paper); it goes into
    the ballot box once a second staff member confirms it. Until then what was typed is
    sealed with a key outside the database. In a census process staff look the voter up in
    the census by their identity number: the paper is then that person's one ballot in the
    election, as their letter code's would be (eligibility.census_paper_voter)."""
    _paper_open(process)
    election = election or BudgetElection(process)
    content = clean_ballot(process, choice, ballot_projects(process=process, election=election),
                           limit=election.knapsack_limit)
    person = (eligibility.census_paper_voter(process=process, election=election, person_id=person_id)
              if process.voters == Voters.CENSUS else "")
    return PaperBallot.objects.create(process=process, district_budget=election.district_budget,
                                      sealed_content=secrecy.seal_paper(content), entered_by=staff,
                                      voter_person_key=person)


@transaction.atomic
def paper_ballot_confirm(*, paper: PaperBallot, staff) -> None:
    """The second pair of eyes: a different staff member confirms the typed ballot, which is
    then sealed into the ballot box like any other and erased from the paper's row."""
    paper = (PaperBallot.objects.select_for_update(of=("self",)).select_related("process", "district_budget")
             .get(pk=paper.pk))
    if paper.confirmed_by_id:
        raise ValidationError(_("This paper ballot is already confirmed."))
    if paper.entered_by_id == staff.pk:
        raise ValidationError(_("Another staff member must confirm the ballot you typed in."))
    _paper_open(paper.process)
    district_budget = paper.district_budget
    ciphertext, receipt = services.ballot_seal(None, paper.process, paper.content)
    # A census voter's paper is their code's one ballot in the election: the unique voter
    # hash refuses it if the code has voted there since the paper was typed in.
    identity = eligibility.census_identity(paper.voter_person_key) if paper.voter_person_key else f"paper:{uuid.uuid4()}"
    scope = BudgetElection(paper.process, district_budget).hash_scope
    if paper.voter_person_key:
        # Every channel takes the person's letter code before the ballot's unique voter hash
        # (services.ballot_cast does too): in one order, a code ballot cast at the same
        # moment waits for this one instead of deadlocking with it.
        list(VotingCode.objects.select_for_update().filter(process=paper.process, person_key=paper.voter_person_key)
             .order_by("pk").values_list("pk", flat=True))
    try:
        with transaction.atomic():
            Ballot.objects.create(process=paper.process, district_budget=district_budget,
                                  voter_hash=secrecy.voter_hash(paper.process_id, identity, scope),
                                  receipt=receipt, ciphertext=ciphertext)
    except IntegrityError:
        raise ValidationError(_("This person has voted with their letter code since the paper was typed in: "
                                "the paper ballot cannot count.")) from None
    if paper.voter_person_key:  # the letter's code is spent: it would be refused anyway
        VotingCode.objects.filter(process=paper.process, person_key=paper.voter_person_key).update(used=True)
    Participation.objects.create(process=paper.process, district_budget=district_budget, channel=Channel.PAPER,
                                 district_id=district_budget.district_id if district_budget else None,
                                 voted_on=timezone.localdate())
    paper.confirmed_by = staff
    paper.sealed_content = b""
    paper.save(update_fields=["confirmed_by", "sealed_content"])
    events.turnout_changed(paper.process_id)
