"""The outbox: every e-mail Høst owes someone, one row each, whichever app owes it."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

#: The kind of the daily digest e-mail (notify.digest): a notice like the others, so it is
#: sent once by the same delivery, but it is about notices, not about a thing of the person's.
DIGEST_KIND = "notify.digest"


class State(models.TextChoices):
    QUEUED = "queued", _("Queued")
    #: The person chose a daily digest for its kind: the next digest sends it
    #: (notify.digest), bundled with the others; until then it is only in the centre.
    DIGEST = "digest", _("Waiting for the daily digest")
    SENT = "sent", _("Sent")
    #: The person chose never to get its kind by e-mail: it is only in the centre.
    NOT_WANTED = "not_wanted", _("Not e-mailed (the person's choice)")
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
    #: When the person saw it in their notification centre (opened it, or marked all read).
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    #: The daily digest e-mail (itself a notice) that carries it, once one does.
    digest = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="bundled",
                               verbose_name=_("digest"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            # The sweep's question: which queued notices are due, oldest first.
            models.Index(fields=["created_at"], condition=models.Q(state="queued"), name="notify_notice_due"),
            # The centre's: a person's notices, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notify_notice_centre"),
            # The header's: how many a person has not read.
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notify_notice_unread"),
            # The daily digest's: who has notices waiting for it.
            models.Index(fields=["recipient"], condition=models.Q(state="digest", digest__isnull=True),
                         name="notify_notice_digest_due"),
        ]

    def __str__(self) -> str:
        return self.key


class Delivery(models.TextChoices):
    """How a person wants the e-mails of one kind."""

    AT_ONCE = "at_once", _("At once")
    DIGEST = "digest", _("In a daily digest")
    NEVER = "never", _("Never (only in my notifications)")


class MailChoice(models.Model):
    """A person's choice for one kind of e-mail; a kind without a row is sent at once. The
    kinds a person cannot change (notify.registry.describe's `always`) have no rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=40)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.AT_ONCE)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("e-mail choice")
        verbose_name_plural = _("e-mail choices")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="notify_mailchoice_one_per_kind")]

    def __str__(self) -> str:
        return f"{self.kind}: {self.delivery}"
