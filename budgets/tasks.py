from celery import shared_task

from .phases import phases_advance


@shared_task(acks_late=True)
def advance_budget_phases() -> int:
    """Idempotent: moves processes whose dates have come to their next phase."""
    return phases_advance()
