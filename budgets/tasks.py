from celery import shared_task


@shared_task(acks_late=True)
def advance_budget_phases() -> int:
    """Idempotent: moves processes whose dates have come to their next phase."""
    from .phases import phases_advance

    return phases_advance()


@shared_task(acks_late=True)
def email_result_to_idea_followers(process_id: int) -> int:
    """E-mail the followers of the ideas behind a process's projects whether their project
    is funded: each e-mail once per idempotency key (ideas' `SentMail`), the result marked
    when all went out, so a redelivered or swept task sends what is missing, nothing twice.
    An e-mail that fails for a reason of its own is logged by its key, the others still go
    out, and the result is marked `followers_email_failed_at` instead."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import timezone, translation

    from accounts.mail import idempotency_headers, render_subject
    from ideas.models import Follow
    from ideas.tasks import send_each, unsubscribe_token

    from .models import Project, Result

    result = (Result.objects.select_related("process")
              .filter(process_id=process_id, followers_emailed_at__isnull=True,
                      followers_email_failed_at__isnull=True).first())
    if result is None:
        return 0
    process = result.process
    projects = {p.idea_id: p for p in Project.objects.filter(process=process, idea__isnull=False)}
    sent, failed = 0, False
    for follow in Follow.objects.filter(idea_id__in=projects).select_related("user"):
        user, project = follow.user, projects[follow.idea_id]
        if not user.is_active or not user.email:
            continue
        key = f"result:{result.pk}:{follow.idea_id}:{user.pk}"

        def send(user=user, project=project, follow=follow, key=key):
            with translation.override(user.preferred_language):
                context = {"user": user, "project": project, "process": process,
                           "url": settings.SITE_URL + reverse("budgets:detail", args=[process.pk]),
                           "unsubscribe_url": settings.SITE_URL + reverse(
                               "ideas:unsubscribe", args=[unsubscribe_token(user_id=user.pk, idea_id=follow.idea_id)])}
                subject = render_subject("budgets/email/result_subject.txt", context)
                body = render_to_string("budgets/email/result.txt", context)
            EmailMessage(subject, body, None, [user.email], headers=idempotency_headers(key)).send()

        outcome = send_each(key, send)
        sent += outcome is True
        failed |= outcome is None
    Result.objects.filter(pk=result.pk).update(
        **{"followers_email_failed_at" if failed else "followers_emailed_at": timezone.now()})
    return sent


@shared_task
def email_pending_results(older_than_seconds: int = 120) -> int:
    """Finish what a lost task left behind (a worker killed mid-way, a broker outage). A
    result whose e-mails fail is marked and the sweep goes on (accounts.mail.sweep)."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.mail import sweep

    from .models import Result

    stale = timezone.now() - timedelta(seconds=older_than_seconds)
    pending = Result.objects.filter(followers_emailed_at__isnull=True, followers_email_failed_at__isnull=True,
                                    approved_at__lte=stale)
    return sweep(list(pending.values_list("process_id", flat=True)[:50]), email_result_to_idea_followers,
                 what="budget result of process", mark_failed=lambda process_id: Result.objects.filter(
                     process_id=process_id).update(followers_email_failed_at=timezone.now()))


@shared_task(acks_late=True, ignore_result=True)
def send_turnout(process_id: int) -> None:
    """Broadcast a process's turnout, counted now (realtime.coalesce books it a second
    after a ballot; sending the number twice is harmless)."""
    from .services import turnout_send

    turnout_send(process_id)
