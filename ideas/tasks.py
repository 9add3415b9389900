"""E-mails about ideas. Each task takes ids, loads, sends, and marks what it sent so a
redelivered task (acks_late) sends nothing twice."""
from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

UNSUBSCRIBE_SALT = "ideas.unsubscribe"


def unsubscribe_token(*, user_id: int, idea_id: int) -> str:
    return signing.dumps({"u": user_id, "i": idea_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict:
    return signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)


def _send(*, user, template: str, context: dict, idea) -> None:
    with translation.override(user.preferred_language):
        url = settings.SITE_URL + reverse("ideas:detail", args=[idea.pk])
        unsubscribe = settings.SITE_URL + reverse(
            "ideas:unsubscribe", args=[unsubscribe_token(user_id=user.pk, idea_id=idea.pk)])
        context = {**context, "idea": idea, "user": user, "url": url, "unsubscribe_url": unsubscribe}
        subject = render_to_string(f"ideas/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"ideas/email/{template}.txt", context)
    send_mail(subject, body, None, [user.email])


@shared_task(acks_late=True)
def notify_status_change(status_change_id: int) -> int:
    from .models import Follow, StatusChange

    with transaction.atomic():
        change = (StatusChange.objects.select_for_update().select_related("idea")
                  .filter(pk=status_change_id, notified_at__isnull=True).first())
        if change is None:
            return 0  # already sent
        change.notified_at = timezone.now()
        change.save(update_fields=["notified_at"])
    idea = change.idea
    recipients = {f.user_id: f.user for f in Follow.objects.filter(idea=idea).select_related("user")}
    if not idea.author.is_deleted_placeholder:
        recipients.setdefault(idea.author_id, idea.author)
    sent = 0
    for user in recipients.values():
        if user.is_active and user.email:
            _send(user=user, template="status_changed", context={"change": change}, idea=idea)
            sent += 1
    return sent


@shared_task(acks_late=True)
def notify_hidden(moderation_event_id: int) -> int:
    from .models import ModerationEvent

    with transaction.atomic():
        event = (ModerationEvent.objects.select_for_update()
                 .filter(pk=moderation_event_id, notified_at__isnull=True).first())
        if event is None:
            return 0
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    item = event.comment or event.idea
    author = item.author
    if author.is_deleted_placeholder or not author.is_active:
        return 0
    idea = event.idea or event.comment.idea
    _send(user=author, template="hidden", context={"event": event, "item": item,
                                                   "is_comment": event.comment_id is not None}, idea=idea)
    return 1


@shared_task(acks_late=True)
def notify_merged(idea_id: int) -> int:
    from .models import Idea, ModerationAction, ModerationEvent

    with transaction.atomic():
        event = (ModerationEvent.objects.select_for_update()
                 .filter(idea_id=idea_id, action=ModerationAction.MERGE, notified_at__isnull=True)
                 .order_by("-created_at").first())
        if event is None:
            return 0
        event.notified_at = timezone.now()
        event.save(update_fields=["notified_at"])
    idea = Idea.objects.select_related("author", "merged_into").get(pk=idea_id)
    if idea.author.is_deleted_placeholder or not idea.author.is_active:
        return 0
    _send(user=idea.author, template="merged", context={"into": idea.merged_into}, idea=idea.merged_into)
    return 1
