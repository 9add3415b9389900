"""E-mails about ideas. Each task takes ids, loads, and sends each e-mail once per
idempotency key (`SentMail`), so a redelivered task (acks_late) or the sweep after a worker
crash sends what is missing and nothing twice.

An e-mail that fails for a reason of its own is logged by its key and the others still go
out; its row (status change, moderation event) is marked `mail_failed_at` and left alone by
the sweep. An unreachable mail server stops the task instead, and the sweep tries again."""
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

from accounts.mail import (
    idempotency_headers,
    log_failed,
    mail_server_unreachable,
    render_subject,
    sweep,
)

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
        subject = render_subject(f"ideas/email/{template}_subject.txt", context)
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


def send_each(key: str, send) -> bool | None:
    """`send_once(key, send)`, for one e-mail among several: True if it went out now, False
    if it had before, None if it failed for a reason of its own (logged by its key), so the
    caller goes on to the next e-mail. An unreachable mail server raises: nothing more can
    go out now, and the sweep tries again."""
    try:
        return send_once(key, send)
    except Exception as exc:
        if mail_server_unreachable(exc):
            raise
        log_failed("e-mail", key, exc)
        return None


@shared_task(acks_late=True)
def notify_status_change(status_change_id: int) -> int:
    """E-mail the idea's author and followers about a status change, each once. The change
    is marked notified only when everyone has had theirs."""
    from .models import Follow, StatusChange

    change = (StatusChange.objects.select_related("idea__author")
              .filter(pk=status_change_id, notified_at__isnull=True, mail_failed_at__isnull=True).first())
    if change is None:
        return 0  # all sent (or given up)
    idea = change.idea
    recipients = {f.user_id: f.user for f in Follow.objects.filter(idea=idea).select_related("user")}
    if not idea.author.is_deleted_placeholder:
        recipients.setdefault(idea.author_id, idea.author)
    sent, failed = 0, False
    for user in recipients.values():
        if not (user.is_active and user.email):
            continue
        outcome = send_each(
            f"status:{change.pk}:{user.pk}",
            lambda user=user: _send(user=user, template="status_changed", context={"change": change},
                                    idea=idea, key=f"status:{change.pk}:{user.pk}"))
        sent += outcome is True
        failed |= outcome is None
    StatusChange.objects.filter(pk=change.pk).update(**_done(failed))
    return sent


def _done(failed: bool) -> dict:
    """The fields that close a row: notified, or given up on the e-mail that failed."""
    return {"mail_failed_at": timezone.now()} if failed else {"notified_at": timezone.now()}


@shared_task(acks_late=True)
def notify_hidden(moderation_event_id: int) -> int:
    from .models import ModerationEvent
    from .selectors import idea_settings_for

    event = (ModerationEvent.objects.select_related("idea__municipality", "comment__idea__municipality")
             .filter(pk=moderation_event_id, notified_at__isnull=True, mail_failed_at__isnull=True).first())
    if event is None:
        return 0
    item = event.comment or event.idea
    author = item.author
    outcome = False
    if not author.is_deleted_placeholder and author.is_active:
        idea = event.idea or event.comment.idea
        key = f"hidden:{event.pk}"
        outcome = send_each(key, lambda: _send(
            user=author, template="hidden", idea=idea, key=key,
            context={"event": event, "item": item, "is_comment": event.comment_id is not None,
                     "contact_email": idea_settings_for(idea.municipality).contact_email,
                     "municipality": idea.municipality}))
    ModerationEvent.objects.filter(pk=event.pk).update(**_done(outcome is None))
    return int(outcome is True)


@shared_task(acks_late=True)
def notify_merged(idea_id: int) -> int:
    from .models import Idea, ModerationAction, ModerationEvent

    event = (ModerationEvent.objects.filter(idea_id=idea_id, action=ModerationAction.MERGE, notified_at__isnull=True,
                                            mail_failed_at__isnull=True).order_by("-created_at").first())
    if event is None:
        return 0
    idea = Idea.objects.select_related("author", "merged_into").get(pk=idea_id)
    outcome = False
    if not idea.author.is_deleted_placeholder and idea.author.is_active:
        key = f"merged:{event.pk}"
        outcome = send_each(key, lambda: _send(user=idea.author, template="merged", key=key,
                                               context={"into": idea.merged_into}, idea=idea.merged_into))
    ModerationEvent.objects.filter(pk=event.pk).update(**_done(outcome is None))
    return int(outcome is True)


@shared_task
def deliver_pending(older_than_seconds: int = 120) -> int:
    """Send what a lost task left behind (a worker killed mid-way, a broker outage when the
    task should have been queued). Safe beside running tasks: every e-mail goes out once.
    A row that fails is marked and the sweep goes on (accounts.mail.sweep)."""
    from .models import ModerationAction, ModerationEvent, StatusChange

    stale = timezone.now() - timedelta(seconds=older_than_seconds)
    now = timezone.now()
    changes = StatusChange.objects.filter(notified_at__isnull=True, mail_failed_at__isnull=True, created_at__lte=stale)
    events = ModerationEvent.objects.filter(notified_at__isnull=True, mail_failed_at__isnull=True,
                                            created_at__lte=stale)
    merges = events.filter(action=ModerationAction.MERGE)
    sent = sweep(list(changes.values_list("pk", flat=True)[:200]), notify_status_change, what="status change",
                 mark_failed=lambda pk: StatusChange.objects.filter(pk=pk).update(mail_failed_at=now))
    sent += sweep(list(events.filter(action=ModerationAction.HIDE).values_list("pk", flat=True)[:200]),
                  notify_hidden, what="moderation event",
                  mark_failed=lambda pk: ModerationEvent.objects.filter(pk=pk).update(mail_failed_at=now))
    sent += sweep(list(merges.values_list("idea_id", flat=True)[:200]), notify_merged, what="merge of idea",
                  mark_failed=lambda idea_id: merges.filter(idea_id=idea_id).update(mail_failed_at=now))
    return sent
