"""Live numbers under a surge: at most one count-and-broadcast per subject per interval,
and the last change is never left off the screen.

A ballot (or a seat) changes a live number that staff or citizens watch. Counting and
broadcasting on every change costs a surge more than the change itself (docs/BENCHMARKS.md,
Vote surge), so changes are coalesced per subject:

- The first change after a quiet interval sends now (the number moves at once), and books
  one more send `interval` seconds later with Celery, recording in the shared cache when
  that send will run.
- A change within the interval sends nothing: the booked send runs after it has committed
  and counts it. The web process remembers until when that is, so during a surge it asks
  neither the database nor Redis again.

`task` is a Celery task taking `args`; it must count from the database when it runs (so a
late or doubled run only repeats the right number). In the embedded mode (tasks run
in-process, no broker) every change simply sends.
"""
from __future__ import annotations

import logging
import time

from django.core.cache import cache

from .enqueue import enqueue_now

logger = logging.getLogger(__name__)
# A booked send due sooner than this may run before the change is visible to it (clocks of
# web and worker hosts differ a little): send now instead.
MARGIN = 0.05
_covered_until: dict[str, float] = {}  # per process: subject -> when its booked send runs


def send_coalesced(subject: str, task, *args, interval: float = 1.0) -> None:
    """Call after the change has committed (from `transaction.on_commit`)."""
    now = time.time()
    if _covered_until.get(subject, 0.0) > now + MARGIN:  # first: the common case of a surge
        return
    if task.app.conf.task_always_eager:
        task(*args)
        return
    run_at = now + interval
    key = f"coalesce:{subject}"
    try:
        booked = _book(key, run_at, interval)
    except Exception:  # noqa: BLE001 - a live number must not fail the change
        logger.warning("could not coalesce the live update of %s", subject, exc_info=True)
        task(*args)
        return
    if booked is None:  # first in this interval
        task(*args)
        if enqueue_now(task, *args, countdown=interval):
            _covered_until[subject] = run_at
        else:  # no broker: let the next change send for itself
            cache.delete(key)
        return
    if booked > now + MARGIN:
        _covered_until[subject] = booked
        return
    task(*args)


def _book(key: str, run_at: float, interval: float) -> float | None:
    """Record `run_at` under `key` unless a send is booked already: None when this call
    booked it, else when the booked one runs. One round trip on Redis.

    The record lasts until 2 × MARGIN before the booked send, not until the send itself:
    a change in the last MARGIN cannot count on the booked send to see it, and it books
    the next round (sending at once) instead of finding a booking it cannot use (the
    record goes a MARGIN earlier still, so that no process's clock finds it there in that
    moment). Were the record kept to the end, every change of that moment, in every web
    process, would count and broadcast for itself, in its request."""
    milliseconds = int(run_at * 1000)
    lasts = max(interval - 2 * MARGIN, MARGIN)
    book = getattr(cache, "set_if_absent_get", None)
    if book is not None:
        previous = book(key, milliseconds, lasts)
    elif cache.add(key, milliseconds, timeout=lasts):
        previous = None
    else:
        previous = cache.get(key)
    return None if previous is None else int(previous) / 1000
