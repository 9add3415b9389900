"""Queue a Celery task after the transaction commits, without letting a broker outage undo
or fail the write that asked for it.

Every task queued this way works from state already committed in the database (a notice
row, a status change not yet marked notified), and a periodic sweep sends what a lost
task left behind. So when the broker is down the task is skipped — logged once per outage,
not per request — and the request still succeeds; nothing a person did is lost.
"""
from __future__ import annotations

from django.db import transaction
from kombu.exceptions import OperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from health.outage import Outage

broker_outage = Outage("Celery broker", retry_after=5.0)
# One quick retry for a dropped connection; then leave it to the sweep rather than make
# the person wait.
RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}


def enqueue_now(task, *args, countdown: float | None = None) -> bool:
    """Queue `task(*args)` now (to run `countdown` seconds later); False if the broker is
    away."""
    if task.app.conf.task_always_eager:  # embedded mode: no broker, errors are the task's
        task.apply_async(args=args)
        return True
    if not broker_outage.should_try():
        return False
    try:
        task.apply_async(args=args, countdown=countdown, retry=True, retry_policy=RETRY_POLICY)
    except (OperationalError, OSError, RedisConnectionError, RedisTimeoutError) as exc:
        broker_outage.failed(exc)
        return False
    broker_outage.succeeded()
    return True


def enqueue_on_commit(task, *args) -> None:
    """Queue `task(*args)` once the current transaction has committed (best effort; the
    task's sweep covers an outage)."""
    transaction.on_commit(lambda: enqueue_now(task, *args))
