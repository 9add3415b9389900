"""E-mails about ideas. Each task takes ids, loads, and sends each e-mail once per
idempotency key (`SentMail`), so a redelivered task (acks_late) or the sweep after a worker
crash sends what is missing and nothing twice."""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from accounts.mail import idempotency_headers

UNSUBSCRIBE_SALT = "ideas.unsubscribe"


def unsubscribe_token(*, user_id: int, idea_id: int) -> str:
    return signing.dumps({"u": user_id, "i": idea_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict:
    return signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)


def _send(*, user, template: str, context: dict, idea, key: str) -> None:
    with translation.override(user.preferred_language):
        url = settings.SITE_URL + reverse("ideas:detail", args=[idea.pk])
        unsubscribe = settings.SITE_URL + reverse(
            "ideas:unsubscribe", args=[unsubscribe_token(user_id=user.pk, idea_id=idea.pk)])
        context = {**context, "idea": idea, "user": user, "url": url, "unsubscribe_url": unsubscribe}
        subject = render_to_string(f"ideas/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"ideas/email/{template}.txt", context)
    EmailMessage(subject, body, None, [user.email], headers=idempotency_headers(key)).send()


def send_once(key: str, send) -> bool:
    """Call `send()` unless the e-mail with this idempotency key went out already.

    The key is written in the transaction that sends, and committed only after the mail
    server took the message: a crash before that leaves no key, so a redelivered or swept
    task sends it; a second worker on the same key waits for the first one's commit and
    then skips it."""
    from .models import SentMail

    with transaction.atomic():
        try:
            with transaction.atomic():
                SentMail.objects.create(key=key[:120])
        except IntegrityError:
            return False
        send()
    return True


@shared_task(acks_late=True)
def notify_status_change(status_change_id: int) -> int:
    """E-mail the idea's author and followers about a status change, each once. The change
    is marked notified only when everyone has had theirs."""
    from .models import Follow, StatusChange

    change = (StatusChange.objects.select_related("idea__author")
              .filter(pk=status_change_id, notified_at__isnull=True).first())
    if change is None:
        return 0  # all sent
    idea = change.idea
    recipients = {f.user_id: f.user for f in Follow.objects.filter(idea=idea).select_related("user")}
    if not idea.author.is_deleted_placeholder:
        recipients.setdefault(idea.author_id, idea.author)
    sent = 0
    for user in recipients.values():
        if user.is_active and user.email and send_once(
                f"status:{change.pk}:{user.pk}",
                lambda user=user: _send(user=user, template="status_changed", context={"change": change},
                                        idea=idea, key=f"status:{change.pk}:{user.pk}")):
            sent += 1
    StatusChange.objects.filter(pk=change.pk).update(notified_at=timezone.now())
    return sent


@shared_task(acks_late=True)
def notify_hidden(moderation_event_id: int) -> int:
    from .models import ModerationEvent

    event = (ModerationEvent.objects.select_related("idea", "comment__idea")
             .filter(pk=moderation_event_id, notified_at__isnull=True).first())
    if event is None:
        return 0
    item = event.comment or event.idea
    author = item.author
    sent = 0
    if not author.is_deleted_placeholder and author.is_active:
        idea = event.idea or event.comment.idea
        key = f"hidden:{event.pk}"
        sent = int(send_once(key, lambda: _send(
            user=author, template="hidden", idea=idea, key=key,
            context={"event": event, "item": item, "is_comment": event.comment_id is not None})))
    ModerationEvent.objects.filter(pk=event.pk).update(notified_at=timezone.now())
    return sent


@shared_task(acks_late=True)
def notify_merged(idea_id: int) -> int:
    from .models import Idea, ModerationAction, ModerationEvent

    event = (ModerationEvent.objects.filter(idea_id=idea_id, action=ModerationAction.MERGE,
                                            notified_at__isnull=True).order_by("-created_at").first())
    if event is None:
        return 0
    idea = Idea.objects.select_related("author", "merged_into").get(pk=idea_id)
    sent = 0
    if not idea.author.is_deleted_placeholder and idea.author.is_active:
        key = f"merged:{event.pk}"
        sent = int(send_once(key, lambda: _send(user=idea.author, template="merged", key=key,
                                                context={"into": idea.merged_into}, idea=idea.merged_into)))
    ModerationEvent.objects.filter(pk=event.pk).update(notified_at=timezone.now())
    return sent


@shared_task
def deliver_pending(older_than_seconds: int = 120) -> int:
    """Send what a lost task left behind (a worker killed mid-way, a broker outage when the
    task should have been queued). Safe beside running tasks: every e-mail goes out once."""
    from .models import ModerationAction, ModerationEvent, StatusChange

    stale = timezone.now() - timedelta(seconds=older_than_seconds)
    sent = 0
    for pk in StatusChange.objects.filter(notified_at__isnull=True, created_at__lte=stale).values_list(
            "pk", flat=True)[:200]:
        sent += notify_status_change(pk)
    unnotified = ModerationEvent.objects.filter(notified_at__isnull=True, created_at__lte=stale)
    for pk in unnotified.filter(action=ModerationAction.HIDE).values_list("pk", flat=True)[:200]:
        sent += notify_hidden(pk)
    for idea_id in unnotified.filter(action=ModerationAction.MERGE).values_list("idea_id", flat=True)[:200]:
        sent += notify_merged(idea_id)
    return sent
