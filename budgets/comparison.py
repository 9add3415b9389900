"""One election's opened ballots counted by every compared rule: the work of the count task
(budgets.tasks.count_election), and the digest of what a count depends on. budgets.counting
starts counts and decides when a kept one still answers."""
from __future__ import annotations

import hashlib
import json
import logging

from django.db import DatabaseError
from django.db.models import TextField
from django.db.models.functions import MD5, Cast
from django.utils import timezone

from .elections import BudgetElection
from .models import BudgetProcess, CountedBallots, CountState, ElectionCount
from .selectors import COMPARED_RULES, ballot_project_list, rule_comparison

logger = logging.getLogger(__name__)

#: Raise when the tally engine's outcomes change, so that counts kept from before are made again.
COUNT_FORMAT = 1


def count_inputs(process: BudgetProcess, election: BudgetElection) -> str:
    """The digest of everything the election's count depends on, in two queries; the
    ballots are digested by PostgreSQL (jsonb's text is canonical), not read. MD5 is
    PostgreSQL's built-in digest (SHA-256 needs pgcrypto); it detects change here, while
    what protects the result is its signed document (budgets.results)."""
    projects = list(ballot_project_list(process=process, election=election).order_by("pk")
                    .values_list("pk", "code", "cost"))
    ballots = (CountedBallots.objects.filter(**election.filter)
               .annotate(digest=MD5(Cast("contents", TextField()))).values_list("digest", flat=True).first())
    document = {"format": COUNT_FORMAT, "rules": [process.tally_rule, *COMPARED_RULES],
                "ballot_type": process.ballot_type, "points": process.points, "budget": election.amount,
                "projects": projects, "ballots": ballots}
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


def count_run(count_id: int) -> str:
    """The Celery task's work: tally the election, if its inputs are still those the count was
    started for (else a newer count follows), and keep the comparison. Returns what happened."""
    row = ElectionCount.objects.select_related("process__municipality", "district_budget__district").filter(
        pk=count_id).first()
    if row is None or row.state != CountState.COUNTING:
        return "gone"
    process = row.process
    election = BudgetElection(process, row.district_budget)
    if count_inputs(process, election) != row.inputs:
        return "stale"
    started = row.started_at
    try:
        comparison = rule_comparison(process=process, election=election)
    except DatabaseError:  # PostgreSQL away: Celery retries the delivered task, a look restarts it
        raise
    except Exception:  # a bug of the engine: logged; the page says the count failed
        logger.exception("the count of process %s (%s) failed", process.pk, election.key or "citywide")
        ElectionCount.objects.filter(pk=row.pk, inputs=row.inputs, started_at=started).update(
            state=CountState.FAILED, finished_at=timezone.now())
        return "failed"
    # Only the count that was started for these inputs is completed: a newer start wins.
    ElectionCount.objects.filter(pk=row.pk, inputs=row.inputs, started_at=started).update(
        state=CountState.DONE, comparison=comparison, finished_at=timezone.now())
    return "done"
