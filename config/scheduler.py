"""The periodic jobs of Celery beat, run inside the web process in the embedded run mode.

`./hoest serve` runs no Celery worker and no beat: tasks run eagerly in the request that
queues them, and this thread runs the beat schedule (config/celery.py), so phase
changes, reminders and the e-mail sweeps happen in the demo too. Each job runs eagerly
(`Task.apply`) in this thread, one after another; they are idempotent, so a job that runs
again after a restart is harmless. Production runs `celery beat` instead.
"""
from __future__ import annotations

import logging
import os
import threading
from datetime import datetime

from config.celery import app

logger = logging.getLogger(__name__)
TICK_SECONDS = 30
_started = False
_lock = threading.Lock()


def due(last_runs: dict[str, datetime], now: datetime) -> list[str]:
    """The names of the schedule's entries due at `now`, given when each last ran."""
    names = []
    for name, entry in app.conf.beat_schedule.items():
        schedule = entry["schedule"]
        last = last_runs.get(name)
        if last is None:
            continue
        # The next due moment after the last run (crontab's own arithmetic, without its clock).
        start, delta, _now = schedule.remaining_delta(last)
        if start + delta <= now:
            names.append(name)
    return names


def tick(last_runs: dict[str, datetime], now: datetime) -> list[str]:
    """Run every entry due at `now` (eagerly, in this thread); returns their names."""
    from django.db import close_old_connections

    names = due(last_runs, now)
    if names:
        # The apps' tasks modules (autodiscover_tasks is lazy; a worker imports them at start).
        app.loader.import_default_modules()
    for name in names:
        task = app.conf.beat_schedule[name]["task"]
        close_old_connections()
        try:
            app.tasks[task].apply(throw=False)
        except Exception:  # one failing job must not stop the others or the thread
            logger.exception("scheduled job %s failed", name)
        finally:
            close_old_connections()
            last_runs[name] = now
    return names


def _loop(stop: threading.Event) -> None:
    last_runs = {name: app.now() for name in app.conf.beat_schedule}
    while not stop.wait(TICK_SECONDS):
        tick(last_runs, app.now())


def start() -> threading.Event | None:
    """Start the scheduler thread once per process, when the run mode asks for it
    (HOEST_RUN_SCHEDULER=1, set by `./hoest serve`) and tasks run eagerly."""
    global _started
    from django.conf import settings

    if os.environ.get("HOEST_RUN_SCHEDULER") != "1" or not settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    with _lock:
        if _started:
            return None
        _started = True
    stop = threading.Event()
    threading.Thread(target=_loop, args=(stop,), name="hoest-scheduler", daemon=True).start()
    logger.info("running the periodic jobs in this process")
    return stop
