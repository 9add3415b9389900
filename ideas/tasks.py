from celery import shared_task

from . import upload_stash


@shared_task(acks_late=True)
def sweep_upload_stash() -> int:
    """Idempotent: deletes the images kept for forms nobody came back to."""
    return upload_stash.sweep()
