"""The outbox's Celery tasks: one delivers notices, one sweeps what is due, one sends the
daily digests, one sends a live counter. Each takes ids (or a registered name) and is idempotent, so an `acks_late`
redelivery after a worker crash sends nothing twice."""
from __future__ import annotations

from celery import shared_task

from . import delivery, digest, registry


@shared_task(acks_late=True)
def deliver_notices(notice_ids: list[int]) -> int:
    """Send the notices one transaction queued, each once; how many e-mails went out. An
    unreachable mail server stops the task: the sweep sends the rest."""
    return sum(delivery.deliver(notice_id) for notice_id in notice_ids)


@shared_task
def deliver_due(older_than_seconds: int = 120) -> int:
    """The beat sweep: send what a lost task left behind (notify.delivery.sweep)."""
    return delivery.sweep(older_than_seconds)


@shared_task(acks_late=True)
def send_digests() -> int:
    """The daily beat job: one digest e-mail to each person with notices waiting for it
    (notify.digest); run twice, it sends nothing twice."""
    return digest.digests_send()


@shared_task(acks_late=True, ignore_result=True)
def send_counter(name: str, *args) -> None:
    """Count the live counter `name` now and broadcast it (notify.counters books this a
    second after a change; sending the figure twice is harmless)."""
    registry.counter_for(name)(*args)
