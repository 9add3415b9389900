from celery import shared_task


@shared_task(acks_late=True)
def advance_budget_phases() -> int:
    """Idempotent: moves processes whose dates have come to their next phase."""
    from .services import phases_advance

    return phases_advance()
