from celery import shared_task
from django.core.management import call_command


@shared_task(acks_late=True)
def purge_expired_sessions() -> None:
    """Idempotent: removes sessions past their expiry date."""
    call_command("clearsessions")
