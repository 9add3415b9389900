from celery import shared_task

from .comparison import count_run
from .phases import phases_advance


@shared_task(acks_late=True)
def advance_budget_phases() -> int:
    """Idempotent: moves processes whose dates have come to their next phase."""
    return phases_advance()


@shared_task(acks_late=True)
def count_election(count_id: int) -> str:
    """An opened election's count (budgets.counting): minutes for a large one."""
    return count_run(count_id)
