"""Sending the outbox: one notice (`deliver`), and the sweep of what is due (`sweep`).

A notice is sent under a row lock, in the transaction that marks it sent, so two workers (a
redelivered task, a sweep beside the task) never both send it. A notice that fails for a
reason of its own is logged by its id, marked failed and left alone; one bad notice never
holds back the others. An unreachable mail server, or a database that went away, stops the
sweep instead, marking nothing: the next sweep tries again.

The person's e-mail choice for the notice's kind is honoured here, under the same lock: a
kind they never want by e-mail is marked not wanted, one they want in a daily digest waits
for it (notify.digest). Either way the notice stays in their notification centre.
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .mail import idempotency_headers, log_failed, mail_server_unreachable, nobodys_fault, one_line
from .models import DIGEST_KIND, Delivery, Notice, State
from .registry import description_for, renderer_for
from .selectors import delivery_for
from .unsubscribe import headers_for as unsubscribe_headers

logger = logging.getLogger("hoest.mail")
SWEEP_BATCH = 500


def compose(notice: Notice) -> EmailMultiAlternatives | None:
    """The e-mail for `notice`, written now in its language; None when there is nothing to
    send (the recipient has no address or is gone, or the renderer says so)."""
    user = notice.recipient
    if not user.is_active or not user.email or user.is_deleted_placeholder:
        return None
    render = renderer_for(notice.kind)
    with translation.override(notice.language):
        letter = render(notice)
        if letter is None:
            return None
        # The kinds a person receives about their own things, and the digest of them, end
        # with the link to their choices.
        mine = notice.kind == DIGEST_KIND or description_for(notice.kind) is not None
        body = with_footer(letter.body) if mine else letter.body
    headers = {**idempotency_headers(notice.key), **unsubscribe_headers(user_id=user.pk, kind=notice.kind)}
    message = EmailMultiAlternatives(one_line(letter.subject), body, None, [user.email], headers=headers)
    for name, content, mimetype in letter.attachments:
        message.attach(name, content, mimetype)
    return message


def with_footer(body: str) -> str:
    """The body with the link to the person's e-mail choices at its end, below the
    signature line ("-- ") the app's own footer may have started."""
    body = body.rstrip("\n")
    separator = "\n" if "\n--\n" in body or "\n-- \n" in body else "\n\n--\n"
    text = _("Choose which e-mails you get, and when:")
    return f"{body}{separator}{text} {settings.SITE_URL}{reverse('notify:choices')}\n"


def deliver(notice_id: int) -> int:
    """Send the queued notice `notice_id`: 1 if an e-mail went out now, else 0 (sent before,
    nothing to send, failed, or another worker is sending it this moment). Raises when no
    notice is to blame (the mail server is unreachable), leaving it queued."""
    try:
        with transaction.atomic():
            notice = (Notice.objects.select_for_update(skip_locked=True, of=("self",))
                      .select_related("recipient").filter(pk=notice_id, state=State.QUEUED).first())
            if notice is None:
                return 0
            choice = delivery_for(user_id=notice.recipient_id, kind=notice.kind)
            if choice != Delivery.AT_ONCE:
                notice.state = State.DIGEST if choice == Delivery.DIGEST else State.NOT_WANTED
                notice.save(update_fields=["state"])
                return 0
            notice.attempts += 1
            try:
                # A savepoint: a failure while writing or sending leaves the transaction
                # (and the row lock) usable for marking the notice failed.
                with transaction.atomic():
                    message = compose(notice)
                    if message is not None:
                        # Sent inside the transaction: the mark commits only after the mail
                        # server took it.
                        message.send()
            except Exception as exc:
                if nobodys_fault(exc):
                    raise
                log_failed(notice.pk, exc, notice.key)
                notice.state, notice.error, notice.failed_at = State.FAILED, type(exc).__name__[:100], timezone.now()
                notice.save(update_fields=["state", "error", "failed_at", "attempts"])
                return 0
            notice.state = State.SENT if message is not None else State.SKIPPED
            notice.sent_at = timezone.now() if message is not None else None
            notice.error = ""
            notice.save(update_fields=["state", "sent_at", "error", "attempts"])
            if notice.kind == DIGEST_KIND:  # it passes its outcome on to the notices it carries
                Notice.objects.filter(digest_id=notice.pk, state=State.DIGEST).update(
                    state=notice.state, sent_at=notice.sent_at)
            return int(message is not None)
    except Exception as exc:
        if mail_server_unreachable(exc):
            # Rolled back with the transaction: counted apart, so staff see it in the admin.
            Notice.objects.filter(pk=notice_id, state=State.QUEUED).update(
                attempts=F("attempts") + 1, error=type(exc).__name__[:100])
        raise


def mark_failed(notice_id: int, exc: BaseException) -> None:
    Notice.objects.filter(pk=notice_id, state=State.QUEUED).update(
        state=State.FAILED, error=type(exc).__name__[:100], failed_at=timezone.now())


def sweep(older_than_seconds: int = 120) -> int:
    """Send what is due: every notice still queued `older_than_seconds` after it was queued
    (its task was lost: a worker killed, a broker outage), oldest first. Returns how many
    e-mails went out. A notice whose delivery raises is logged, marked failed and the sweep
    goes on to the next."""
    stale = timezone.now() - timedelta(seconds=older_than_seconds)
    due = list(Notice.objects.filter(state=State.QUEUED, created_at__lte=stale)
               .order_by("created_at", "pk").values_list("pk", flat=True)[:SWEEP_BATCH])
    sent = 0
    for notice_id in due:
        try:
            sent += deliver(notice_id)
        except Exception as exc:  # noqa: BLE001 - one notice's failure must not stop the others
            if nobodys_fault(exc):
                logger.warning("notice sweep stopped: the mail server or the database is unreachable (%s); "
                               "the rest waits for the next sweep", type(exc).__name__)
                break
            log_failed(notice_id, exc)
            mark_failed(notice_id, exc)
    return sent
