"""Queueing notices: `queue` (one e-mail) and `queue_all` (the same e-mail to many), called
from an app's services inside the transaction of the change the e-mail reports.

The notice is written in that transaction, so it exists exactly when the change does; its
delivery is queued to Celery once the transaction commits. A broker outage skips that (see
realtime.enqueue) and leaves the notice queued in the database for the sweep. It is in the
recipient's notification centre from that commit on, whatever their e-mail choices.
"""
from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from realtime.enqueue import enqueue_on_commit

from .models import Notice, State
from .services import unread_forget
from .tasks import deliver_notices


def _in_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("notices are queued inside the transaction of the change they report "
                           "(from a service decorated with transaction.atomic)")


def queue(kind: str, key: str, recipient, **context) -> Notice | None:
    """Owe `recipient` (a user) the e-mail of `kind`, written when it is sent from
    `context` (ids, JSON) in the recipient's language. Once per `key`: None when a notice
    with that key was queued (or sent) before."""
    _in_transaction()
    try:
        with transaction.atomic():
            notice = Notice.objects.create(kind=kind, key=key[:120], recipient=recipient,
                                           language=recipient.preferred_language, context=context)
    except IntegrityError:
        return None
    enqueue_on_commit(deliver_notices, [notice.pk])
    unread_forget([recipient.pk])
    return notice


def queue_all(kind: str, letters: Iterable[tuple[str, object]], **context) -> int:
    """`queue` for many recipients at once: `letters` are (key, recipient) pairs sharing one
    `context`. One insert and one task, however many; returns how many were new."""
    _in_transaction()
    rows = {key[:120]: Notice(kind=kind, key=key[:120], recipient=recipient,
                              language=recipient.preferred_language, context=context)
            for key, recipient in letters}
    if not rows:
        return 0
    before = set(Notice.objects.filter(key__in=rows).values_list("key", flat=True))
    Notice.objects.bulk_create([row for key, row in rows.items() if key not in before], ignore_conflicts=True)
    new = list(Notice.objects.filter(key__in=set(rows) - before, state=State.QUEUED)
               .order_by("pk").values_list("pk", flat=True))
    if new:
        enqueue_on_commit(deliver_notices, new)
        unread_forget(row.recipient.pk for key, row in rows.items() if key not in before)
    return len(new)
