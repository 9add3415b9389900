"""Writes a person makes on their own notices and e-mail choices: marking notices read, and
choosing per kind of e-mail whether it comes at once, in a daily digest or never."""
from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from realtime.enqueue import enqueue_on_commit

from .models import DIGEST_KIND, Delivery, MailChoice, Notice, State
from .selectors import choosable, mail_choices, notices_for, unread_key
from .tasks import deliver_notices


def unread_forget(user_ids) -> None:
    """The cached unread counts of `user_ids` are out of date: forgotten now, and again once
    this transaction commits (a page counted in between would have cached the old count)."""
    keys = [unread_key(pk) for pk in set(user_ids)]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


@transaction.atomic
def notices_mark_read(*, user, notice_ids: list[int] | None = None) -> int:
    """Mark the person's unread notices read: all of them, or those of `notice_ids`, which
    must all be theirs (LookupError otherwise, and nothing is marked). How many were unread."""
    notices = notices_for(user=user)
    if notice_ids is not None:
        wanted = set(notice_ids)
        if notices.filter(pk__in=wanted).count() != len(wanted):
            raise LookupError("not all of these notices are the person's own")
        notices = notices.filter(pk__in=wanted)
    marked = notices.filter(read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        unread_forget([user.pk])
    return marked


@transaction.atomic
def notice_open(*, user, notice_id: int) -> Notice | None:
    """The person opens one of their notices: it is read from now on. None if it is not theirs."""
    notice = notices_for(user=user).filter(pk=notice_id).first()
    if notice is not None and notice.read_at is None:
        notice.read_at = timezone.now()
        notice.save(update_fields=["read_at"])
        unread_forget([user.pk])
    return notice


@transaction.atomic
def mail_choices_set(*, user, choices: dict[str, str]) -> None:
    """Keep the person's choice for each kind in `choices` (kind -> Delivery). A kind that
    is always sent at once, or no kind at all, is refused with a message per kind.

    Notices waiting for the digest follow a change at once: to "at once" they are sent
    now, to "never" they are not sent; those already in a digest being sent stay in it."""
    errors = {}
    for kind, delivery in choices.items():
        if choosable(kind) is None:
            errors[kind] = _("E-mails of this kind cannot be changed.")
        elif delivery not in Delivery.values:
            errors[kind] = _("Choose at once, a daily digest or never.")
    if errors:
        raise ValidationError(errors)
    for kind, delivery in choices.items():
        choice, _created = MailChoice.objects.get_or_create(user=user, kind=kind, defaults={"delivery": delivery})
        if choice.delivery != delivery:
            choice.delivery = delivery
            choice.full_clean()
            choice.save(update_fields=["delivery", "updated_at"])
        if delivery == Delivery.DIGEST:
            continue
        waiting = Notice.objects.filter(recipient=user, kind=kind, state=State.DIGEST, digest__isnull=True)
        if delivery == Delivery.NEVER:
            waiting.update(state=State.NOT_WANTED)
            continue
        ids = list(waiting.values_list("pk", flat=True))
        if ids:
            Notice.objects.filter(pk__in=ids, state=State.DIGEST, digest__isnull=True).update(state=State.QUEUED)
            enqueue_on_commit(deliver_notices, ids)


@transaction.atomic
def mail_unsubscribe(*, user, kind: str) -> list[str]:
    """The person's one-click unsubscribe (notify.unsubscribe) from e-mails of `kind`: it is
    "never" from now on; from the daily digest, every kind they get in it is. The kinds
    changed (none if they were "never" already). A kind that is always sent is refused
    (ValidationError), as on the choices page."""
    if kind == DIGEST_KIND:
        kinds = [k for k, delivery in mail_choices(user=user).items() if delivery == Delivery.DIGEST]
    else:
        if choosable(kind) is None:
            raise ValidationError(_("E-mails of this kind cannot be changed."))
        kinds = [kind] if mail_choices(user=user).get(kind) != Delivery.NEVER else []
    if kinds:
        mail_choices_set(user=user, choices=dict.fromkeys(kinds, Delivery.NEVER))
    return kinds
