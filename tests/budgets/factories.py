from datetime import timedelta

import factory
from django.utils import timezone

from budgets.models import PHASE_ORDER, BudgetProcess, Phase, Project
from tests.factories import MunicipalityFactory


def _at(days: int):
    return factory.LazyFunction(lambda: timezone.now() + timedelta(days=days))


class BudgetProcessFactory(factory.django.DjangoModelFactory):
    """A process in its voting phase, with dates to match."""

    class Meta:
        model = BudgetProcess
        skip_postgeneration_save = True

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Borgerbudget {n}")
    slug = factory.Sequence(lambda n: f"borgerbudget-{n}")
    currency = "DKK"
    total_budget = 100_000
    tally_rule = "greedy"
    ballot_type = "approval"
    phase = Phase.VOTING
    proposals_start = _at(-30)
    review_start = _at(-20)
    voting_start = _at(-1)
    voting_end = _at(10)
    results_date = _at(20)

    @factory.post_generation
    def box(obj, create, extracted, **kwargs):
        """Voting opens only on a ready ballot box: a process made in (or past) voting has
        one, unless the test says box=False."""
        if create and extracted is not False and PHASE_ORDER.index(obj.phase) >= PHASE_ORDER.index(Phase.VOTING):
            ballot_box_for(obj)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    process = factory.SubFactory(BudgetProcessFactory)
    code = factory.Sequence(lambda n: f"P{n}")
    title = factory.Sequence(lambda n: f"Projekt {n}")
    cost = 30_000
    feasibility = "feasible"


#: process pk -> the key shares of its test ballot box (tests hold what council members would)
BOX_SHARES: dict[int, list] = {}


def ballot_box_for(process, *, threshold: int = 2, holders: int = 3):
    """A ready ballot box whose shares the test keeps (budgets.ballotbox.box_create_collected)."""
    from budgets.ballotbox import box_create_collected

    box, shares = box_create_collected(process=process, threshold=threshold,
                                       names=[f"Key holder {n}" for n in range(1, holders + 1)])
    BOX_SHARES[process.pk] = shares
    return box


def share_texts(process, count: int | None = None) -> list[str]:
    shares = BOX_SHARES[process.pk]
    return [f"{s.index} {s.words()}" for s in shares[:count or len(shares)]]


def open_box(process, member):
    """Close voting (if the test has not) and open the box with the first k shares, as k
    council members would together."""
    from budgets.ballotbox import box_open
    from budgets.phases import phase_set

    process.refresh_from_db()
    if process.phase == Phase.VOTING:
        phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
        process.refresh_from_db()
    return box_open(process=process, member=member, shares=share_texts(process, process.ballot_box.threshold))


def unsealed(ballots) -> list[dict]:
    """What sealed ballots say, unsealed with the shares the test holds: for asserting what
    the box stores. `ballots` is a queryset of budgets.models.Ballot (or one Ballot)."""
    from budgets import sealing
    from budgets.models import Ballot, BallotBox

    rows = [ballots] if isinstance(ballots, Ballot) else list(ballots)
    keys = {}
    out = []
    for ballot in rows:
        if ballot.process_id not in keys:
            box = BallotBox.objects.get(process_id=ballot.process_id)
            keys[ballot.process_id] = sealing.key_combine(BOX_SHARES[ballot.process_id], bytes(box.public_key))
        out.append(sealing.unseal(keys[ballot.process_id], bytes(ballot.ciphertext)))
    return out


def process_outcome(*, process, rule=None, election=None):
    """The tests' reference: one election's tally by the process's rule (or another), made
    directly from the opened box's ballots; returns (outcome, selected codes)."""
    from budgets.selectors import election_from_ballots
    from budgets.tally import tally

    tallied, projects = election_from_ballots(process=process, election=election)
    outcome = tally(tallied, rule or process.tally_rule)
    return outcome, [projects[i].code for i in outcome.selected]
