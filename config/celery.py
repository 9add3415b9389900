"""The Celery app.

Task conventions (see docs/ARCHITECTURE.md): tasks take ids, load what they need, call one service and
are idempotent, so `acks_late` redelivery after a worker crash is harmless. They are queued
from `transaction.on_commit`, never from inside an open transaction.
"""
import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("hoest")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Later apps add their periodic jobs here (phase changes, reminders, matching).
app.conf.beat_schedule = {
    "purge-expired-sessions": {
        "task": "accounts.tasks.purge_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
    "dinner-reminders": {
        "task": "dinners.tasks.queue_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "dinner-matching-plan": {
        "task": "dinners.tasks.plan_matching_after_signup",
        "schedule": crontab(minute="*/10"),
    },
    # The outbox's sweep: sends the e-mails a lost task left behind (a killed worker, a
    # broker outage), for every app.
    "notice-sweep": {
        "task": "notify.tasks.deliver_due",
        "schedule": crontab(minute="*/5"),
    },
    "sweep-upload-stash": {
        "task": "ideas.tasks.sweep_upload_stash",
        "schedule": crontab(minute=41),
    },
    # The daily digest of the notices people chose to get once a day (notify.digest), in
    # the morning of the installation's time zone.
    "notice-digest": {
        "task": "notify.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    "advance-budget-phases": {
        "task": "budgets.tasks.advance_budget_phases",
        "schedule": crontab(minute="*/5"),
    },
}
