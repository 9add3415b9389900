"""The periodic work of dinners. The beat tasks only queue notices by key (notify's outbox
sends them), so running them twice (two beat processes, a restarted worker) sends nothing
twice."""
from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from .models import Programme
from .services import matching_plan, reminders_queue


@shared_task
def queue_reminders() -> int:
    """A reminder to every confirmed guest a day before; the guest list with diets to the
    host two days before."""
    return reminders_queue()


@shared_task
def plan_matching_after_signup() -> int:
    """When a programme's sign-up has closed, work out the plan for the "any dinner" guests
    once; staff look at it and send it."""
    planned = 0
    for programme in Programme.objects.filter(signup_closes__lte=timezone.now(), matching_planned_at__isnull=True,
                                              dinners_until__gt=timezone.now()):
        matching_plan(programme=programme)
        planned += 1
    return planned
