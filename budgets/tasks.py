from celery import shared_task


@shared_task(acks_late=True)
def advance_budget_phases() -> int:
    """Idempotent: moves processes whose dates have come to their next phase."""
    from .services import phases_advance

    return phases_advance()


@shared_task(acks_late=True)
def reseal_ballots() -> int:
    """Idempotent: rewrites the ballots cast since the last run so that none shares its
    transaction id with the voter's participation (services.ballots_reseal)."""
    from .services import ballots_reseal

    return ballots_reseal()


@shared_task(acks_late=True)
def email_result_to_idea_followers(process_id: int) -> int:
    """E-mail the followers of the ideas behind a process's projects whether their project
    is funded. Marked when done, so a redelivered task sends nothing twice."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import timezone, translation

    from ideas.models import Follow
    from ideas.tasks import unsubscribe_token

    from .models import Project, Result

    with transaction.atomic():
        result = (Result.objects.select_for_update().select_related("process")
                  .filter(process_id=process_id, followers_emailed_at__isnull=True).first())
        if result is None:
            return 0
        result.followers_emailed_at = timezone.now()
        result.save(update_fields=["followers_emailed_at"])
    process = result.process
    projects = {p.idea_id: p for p in Project.objects.filter(process=process, idea__isnull=False)}
    sent = 0
    for follow in Follow.objects.filter(idea_id__in=projects).select_related("user"):
        user, project = follow.user, projects[follow.idea_id]
        if not user.is_active or not user.email:
            continue
        with translation.override(user.preferred_language):
            context = {"user": user, "project": project, "process": process,
                       "url": settings.SITE_URL + reverse("budgets:detail", args=[process.pk]),
                       "unsubscribe_url": settings.SITE_URL + reverse(
                           "ideas:unsubscribe", args=[unsubscribe_token(user_id=user.pk, idea_id=follow.idea_id)])}
            subject = render_to_string("budgets/email/result_subject.txt", context).strip()
            body = render_to_string("budgets/email/result.txt", context)
        send_mail(subject, body, None, [user.email])
        sent += 1
    return sent
