"""The count of an opened ballot box: each election's ballots tallied by the process's rule
and the compared rules (budgets.comparison), once, in the background.

A large election takes minutes by the add1 rules (docs/BENCHMARKS.md, add1), which no page
and no approval can wait for. The first look at an election's count starts it (the box's
opening leads the council to its page, which looks), it runs as a Celery task, and it is
kept in an `ElectionCount` with the digest of everything it depends on: the counted
ballots, the projects on the ballot and their costs, the budget, the ballot type and the
rules. The council's page, the comparison API and the approval use a count only while that
digest is still the database's; otherwise the count is made again, so a count never
answers for inputs it was not made from. Under the embedded defaults (and in tests) Celery
runs the task at once, in the request that starts it.
"""
from __future__ import annotations

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from realtime.enqueue import enqueue_now

from .comparison import count_inputs, count_run
from .elections import BudgetElection, process_elections
from .models import BudgetProcess, CountState, ElectionCount
from .selectors import ballot_project_list, check_box_opened, turnout
from .tasks import count_election

#: A count still running after this long lost its worker (Celery redelivers a task whose
#: worker died; this covers a task lost with its broker): the next look starts it again.
COUNT_ABANDONED_AFTER = timedelta(hours=1)


def _needs_start(row: ElectionCount | None, inputs: str, now) -> bool:
    if row is None or row.inputs != inputs:
        return True
    if row.state == CountState.COUNTING:
        return row.started_at < now - COUNT_ABANDONED_AFTER
    return False  # done, or failed for these inputs: a failure is logged, not retried on every look


def election_count(process: BudgetProcess, election: BudgetElection) -> ElectionCount:
    """The election's count for the database as it is now: done, failed, or counting (then
    started here if nobody has started it). Raises selectors.BoxNotOpened before the opening.
    Two people looking at once start one count: the row is locked while it is decided."""
    check_box_opened(process)
    inputs = count_inputs(process, election)
    now = timezone.now()
    row = ElectionCount.objects.filter(**election.filter).first()
    if not _needs_start(row, inputs, now):
        return row
    with transaction.atomic():
        row = ElectionCount.objects.select_for_update().filter(**election.filter).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = ElectionCount.objects.create(**election.filter, inputs=inputs, started_at=now)
            except IntegrityError:  # created by another look between the two statements
                row = ElectionCount.objects.select_for_update().get(**election.filter)
        elif _needs_start(row, inputs, now):
            row.inputs, row.state, row.comparison = inputs, CountState.COUNTING, None
            row.started_at, row.finished_at = now, None
            row.save()
        if row.started_at == now:  # this look started it
            _start(row)
    row.refresh_from_db()
    return row


def _start(row: ElectionCount) -> None:
    if count_election.app.conf.task_always_eager:
        count_run(row.pk)  # the embedded defaults: no worker, the count is made here
        return
    count_id, started = row.pk, row.started_at

    def enqueue():
        if not enqueue_now(count_election, count_id):  # the broker is away: the next look starts it
            ElectionCount.objects.filter(pk=count_id, started_at=started, state=CountState.COUNTING).delete()

    transaction.on_commit(enqueue)


def counts_made_here(process: BudgetProcess) -> None:
    """Every election's count made in this process where it is not done for the database as
    it is: for commands (the demo data), which have no worker to wait for. A task queued
    meanwhile then finds the count done and does nothing."""
    for election in process_elections(process):
        row = election_count(process, election)
        if row.state == CountState.COUNTING:
            count_run(row.pk)


def with_current_titles(comparison: dict, process: BudgetProcess, election: BudgetElection) -> dict:
    """The comparison with the projects' titles as they are now (a title is not an input of
    the count, so correcting one does not count again)."""
    titles = dict(ballot_project_list(process=process, election=election).values_list("code", "title"))
    projects = [{**p, "title": titles.get(p["code"], p["title"])} for p in comparison["projects"]]
    return {**comparison, "projects": projects}


def preference_pairs(comparison: dict) -> list[dict]:
    """The comparison's pairwise preferences, one row per pair of rules (the comparison keeps
    both orders): how many voters prefer each rule's outcome, and whether both fund the
    same projects (then nobody prefers either)."""
    voters = {(row["a"], row["b"]): row["voters"] for row in comparison["pairwise"]}
    selected = {row["rule"]: set(row["selected"]) for row in comparison["rules"]}
    rules = [row["rule"] for row in comparison["rules"]]
    return [{"a": a, "b": b, "prefer_a": voters.get((a, b), 0), "prefer_b": voters.get((b, a), 0),
             "same": selected[a] == selected[b]}
            for n, a in enumerate(rules) for b in rules[n + 1:] if (a, b) in voters]


def council_sections(process: BudgetProcess) -> list[dict]:
    """For the council: every election with its count (`state`; the comparison once done,
    with the projects' current titles, and its preferences by pair) and its turnout."""
    sections = []
    for election in process_elections(process):
        row = election_count(process, election)
        done = row.state == CountState.DONE
        sections.append({"election": election, "count": row,
                         "comparison": with_current_titles(row.comparison, process, election) if done else None,
                         "pairs": preference_pairs(row.comparison) if done else [],
                         "turnout": turnout(process=process, election=election)})
    return sections
