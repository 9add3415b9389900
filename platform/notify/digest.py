"""The daily digest: one e-mail a day to each person who chose a digest for some kinds,
carrying every notice of theirs that waits for it.

The digest is itself a notice (kind notify.DIGEST_KIND, key `digest:<person>:<day>`), so it
is sent exactly once by the outbox's own delivery and, if its task is lost, by the sweep.
Making it takes the person's waiting notices under a row lock and ties them to the digest in
the same transaction: a second run at the same time waits for that lock and then finds
nothing waiting, and a second run the same day cannot make a second digest (the key is
unique); what arrived after the day's digest waits for tomorrow's. When the digest is sent,
the notices it carries are marked sent with it (notify.delivery).
"""
from __future__ import annotations

import logging
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from .delivery import deliver, mark_failed
from .mail import log_failed, nobodys_fault, one_line
from .models import DIGEST_KIND, Notice, State
from .registry import Letter, renderer, renderer_for
from .selectors import lines_for

logger = logging.getLogger("hoest.mail")


def digests_queue(*, day: date | None = None) -> list[int]:
    """Make today's digest for everyone with notices waiting for one; the new digests' ids."""
    day = day or timezone.localdate()
    waiting = list(Notice.objects.filter(state=State.DIGEST, digest__isnull=True)
                   .order_by("recipient_id").values_list("recipient_id", flat=True).distinct())
    made = []
    for user_id in waiting:
        with transaction.atomic():
            pending = list(Notice.objects.select_for_update(of=("self",)).select_related("recipient")
                           .filter(recipient_id=user_id, state=State.DIGEST, digest__isnull=True).order_by("pk"))
            if not pending:
                continue  # another run took them a moment ago
            recipient = pending[0].recipient
            try:
                with transaction.atomic():
                    digest = Notice.objects.create(kind=DIGEST_KIND, key=f"digest:{user_id}:{day.isoformat()}",
                                                   recipient=recipient, language=recipient.preferred_language,
                                                   context={"count": len(pending)})
            except IntegrityError:
                continue  # today's digest went out already: these wait for tomorrow's
            Notice.objects.filter(pk__in=[n.pk for n in pending]).update(digest=digest)
            made.append(digest.pk)
    return made


def digests_send(*, day: date | None = None) -> int:
    """Make today's digests and send them; how many e-mails went out. A digest whose sending
    fails is logged and marked failed like any notice; an unreachable mail server stops the
    run and the sweep sends the rest."""
    sent = 0
    for digest_id in digests_queue(day=day):
        try:
            sent += deliver(digest_id)
        except Exception as exc:  # noqa: BLE001 - one digest's failure must not stop the others
            if nobodys_fault(exc):
                logger.warning("digest run stopped: the mail server or the database is unreachable (%s); "
                               "the sweep sends the rest", type(exc).__name__)
                break
            log_failed(digest_id, exc)
            mark_failed(digest_id, exc)
    return sent


@renderer(DIGEST_KIND)
def render(notice) -> Letter | None:
    """The digest: each notice it carries as its line and link, in the order they happened,
    with the calendar files their own e-mails would have carried. A notice whose own e-mail
    would not be sent now (its idea unfollowed since, its dinner gone) is left out."""
    bundled = list(Notice.objects.filter(digest=notice).order_by("created_at", "pk"))
    for item in bundled:
        item.recipient = notice.recipient
    lines = lines_for(bundled)
    entries, attachments = [], []
    for item in bundled:
        try:
            letter = renderer_for(item.kind)(item)
        except LookupError:
            continue
        if letter is None:
            continue
        line = lines.get(item.pk)
        entries.append({"text": line.text if line else one_line(letter.subject),
                        "url": settings.SITE_URL + line.url if line and line.url else ""})
        for name, content, mimetype in letter.attachments:
            stem, dot, extension = name.rpartition(".")
            attachments.append((f"{stem}-{len(entries)}{dot}{extension}" if dot else name, content, mimetype))
    if not entries:
        return None
    context = {"user": notice.recipient, "entries": entries,
               "centre_url": settings.SITE_URL + reverse("notify:centre")}
    subject = ngettext("Your daily digest from Høst: %(count)s new notification",
                       "Your daily digest from Høst: %(count)s new notifications", len(entries)) % {
        "count": len(entries)}
    return Letter(subject=subject, body=render_to_string("notify/email/digest.txt", context),
                  attachments=tuple(attachments))
