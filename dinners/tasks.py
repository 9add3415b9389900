"""Background work for dinners. Tasks take ids and are idempotent: a notice is sent at most
once per key under a row lock, and the beat tasks only queue notices by key, so running them
twice (two beat processes, a restarted worker) sends nothing twice.

A notice that cannot be sent for a reason of its own is logged by its id, marked `failed_at`
and left alone; one bad notice never holds back the others."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from accounts.mail import log_failed, mail_server_unreachable, sweep


@shared_task(acks_late=True)
def deliver_notice(notice_id: int) -> int:
    from .models import Notice
    from .notices import render

    with transaction.atomic():
        notice = (Notice.objects.select_for_update(skip_locked=True, of=("self",))
                  .select_related("recipient", "dinner__programme", "programme", "seat")
                  .filter(pk=notice_id, sent_at__isnull=True, failed_at__isnull=True).first())
        if notice is None:
            return 0  # sent already (or given up), or another worker is sending it right now
        try:
            # A savepoint: a failure while rendering leaves the transaction (and the row
            # lock) usable for marking the notice failed.
            with transaction.atomic():
                message = render(notice)
                if message is not None:
                    # Sent inside the transaction: if the mail server is unreachable the
                    # notice stays unsent and the sweep tries again; the mark commits only
                    # after the mail server took it.
                    message.send()
        except Exception as exc:
            if mail_server_unreachable(exc):
                raise
            log_failed("dinner notice", notice.pk, exc)
            notice.failed_at = timezone.now()
            notice.save(update_fields=["failed_at"])
            return 0
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    return 1 if message is not None else 0


@shared_task
def deliver_pending(older_than_seconds: int = 120) -> int:
    """Send what a lost task left behind (a worker killed before it ran, a broker outage).
    A notice that fails is marked and the sweep goes on (accounts.mail.sweep)."""
    from .models import Notice

    stale = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = Notice.objects.filter(sent_at__isnull=True, failed_at__isnull=True, created_at__lte=stale)
    return sweep(list(pending.values_list("pk", flat=True)[:500]), deliver_notice, what="dinner notice",
                 mark_failed=lambda pk: Notice.objects.filter(pk=pk).update(failed_at=timezone.now()))


@shared_task
def queue_reminders() -> int:
    """A reminder to every confirmed guest a day before; the guest list with diets to the
    host two days before."""
    from .models import Dinner, DinnerStatus, Seat, SeatStatus
    from .notices import notice_queue

    now = timezone.now()
    queued = 0
    with transaction.atomic():
        for seat in Seat.objects.filter(
                status=SeatStatus.CONFIRMED, reminded_at__isnull=True, dinner__status=DinnerStatus.APPROVED,
                dinner__starts_at__gt=now, dinner__starts_at__lte=now + timedelta(days=1)).select_related("dinner__programme"):
            if notice_queue(kind="reminder", recipient_id=seat.guest_id, dinner=seat.dinner, seat=seat,
                            key=f"reminder:{seat.pk}"):
                queued += 1
            Seat.objects.filter(pk=seat.pk).update(reminded_at=now)
        for dinner in Dinner.objects.filter(
                status=DinnerStatus.APPROVED, guest_list_sent_at__isnull=True, starts_at__gt=now,
                starts_at__lte=now + timedelta(days=2)).select_related("programme"):
            if notice_queue(kind="guest_list", recipient_id=dinner.host_id, dinner=dinner,
                            key=f"guest_list:{dinner.pk}"):
                queued += 1
            Dinner.objects.filter(pk=dinner.pk).update(guest_list_sent_at=now)
    return queued


@shared_task
def plan_matching_after_signup() -> int:
    """When a programme's sign-up has closed, work out the plan for the "any dinner" guests
    once; staff look at it and send it."""
    from .models import Programme
    from .services import matching_plan

    planned = 0
    for programme in Programme.objects.filter(signup_closes__lte=timezone.now(), matching_planned_at__isnull=True,
                                              dinners_until__gt=timezone.now()):
        matching_plan(programme=programme)
        planned += 1
    return planned


@shared_task(acks_late=True, ignore_result=True)
def send_seats(dinner_id: int, programme_id: int) -> None:
    """Broadcast a dinner's free seats, counted now (realtime.coalesce books it a second
    after a sign-up; sending the numbers twice is harmless)."""
    from .events import seats_send

    seats_send(dinner_id, programme_id)
