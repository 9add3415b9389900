"""The outbox: every e-mail Høst owes someone, one row each, whichever app owes it."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    #: Nothing to send when its turn came: the recipient has no address or no longer
    #: wants it (unsubscribed), or what it was about is gone.
    SKIPPED = "skipped", _("Skipped")
    #: It could not be sent for a reason of its own (a header the mail library refuses, an
    #: address the server refuses, a template error): logged by id, left alone by the sweep.
    FAILED = "failed", _("Failed")


class Notice(models.Model):
    """An e-mail owed to someone, written in the same transaction as the change it reports.

    The key makes queueing it twice harmless (a retried request, a beat task run twice); the
    worker marks it sent under a row lock in the transaction that sends it, and the sweep
    sends what a lost task left. `context` holds ids, never the text: the e-mail is written
    when it is sent, from what is true then (who may see a dinner's address, say)."""

    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("recipient"))
    language = models.CharField(_("language"), max_length=10)
    context = models.JSONField(_("context"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    #: The exception's type only: its text may hold an address or a title.
    error = models.CharField(_("error"), max_length=100, blank=True, default="")
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        # The sweep's question: which queued notices are due, oldest first.
        indexes = [models.Index(fields=["created_at"], condition=models.Q(state="queued"),
                                name="notify_notice_due")]

    def __str__(self) -> str:
        return self.key
