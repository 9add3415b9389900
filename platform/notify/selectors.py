"""Reads of the outbox for the person it is about: their notification centre (each notice as
a short line with a link, read with a fixed number of queries however many rows a page has),
how many they have not read (cached for the header of every page), and their e-mail
choices."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import QuerySet

from .models import Delivery, MailChoice, Notice
from .registry import Description, Line, described, description_for, line_renderer_for

UNREAD_SECONDS = 300


def unread_key(user_id: int) -> str:
    return f"notify:unread:{user_id}"


def centre_kinds() -> list[str]:
    """The kinds shown in the centre: those described to the person who receives them (not
    the daily digest, which only carries them, nor an operator's test kind)."""
    return [d.kind for _category, descriptions in described() for d in descriptions]


def notices_for(*, user) -> QuerySet[Notice]:
    """The person's own notices for their centre, newest first."""
    return Notice.objects.filter(recipient=user, kind__in=centre_kinds()).order_by("-created_at", "-pk")


def notice_get(*, user, notice_id: int) -> Notice | None:
    """One of the person's own notices; None for anyone else's (and for a kind not shown)."""
    return notices_for(user=user).filter(pk=notice_id).first()


def unread_count(*, user) -> int:
    """How many of the person's notices they have not read: counted once, then kept in the
    cache (forgotten when a notice is queued for them or they read one), since every page's
    header shows it."""
    key = unread_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = notices_for(user=user).filter(read_at__isnull=True).count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


@dataclass(frozen=True)
class Item:
    """A notice as the centre shows it."""

    notice: Notice
    text: str
    url: str  # empty when what it was about is gone
    category: str

    @property
    def unread(self) -> bool:
        return self.notice.read_at is None


def lines_for(notices: list[Notice]) -> dict[int, Line]:
    """Each notice's line from its kind's line renderer: one call per renderer for all its
    notices, so the queries do not grow with the rows."""
    groups: dict = defaultdict(list)
    for notice in notices:
        render = line_renderer_for(notice.kind)
        if render is not None:
            groups[render].append(notice)
    found: dict[int, Line] = {}
    for render, group in groups.items():
        found.update(render(group))
    return found


def items_for(notices: list[Notice]) -> list[Item]:
    found = lines_for(notices)
    items = []
    for notice in notices:
        description = description_for(notice.kind)
        line = found.get(notice.pk)
        label = str(description.label) if description else notice.kind
        items.append(Item(notice=notice, text=line.text if line else label, url=line.url if line else "",
                          category=description.category if description else ""))
    return items


def delivery_for(*, user_id: int, kind: str) -> str:
    """How the person wants e-mails of `kind` now: at once unless they chose otherwise, and
    always at once for the kinds nobody can turn off."""
    description = description_for(kind)
    if description is None or description.always:
        return Delivery.AT_ONCE
    stored = MailChoice.objects.filter(user_id=user_id, kind=kind).values_list("delivery", flat=True).first()
    return stored or Delivery.AT_ONCE


def choosable(kind: str) -> Description | None:
    """The description of `kind` if a person may choose how they get it."""
    description = description_for(kind)
    return description if description is not None and not description.always else None


def mail_choices(*, user) -> dict[str, str]:
    """The person's choice for every kind they can choose for (at once where they never chose)."""
    stored = dict(MailChoice.objects.filter(user=user).values_list("kind", "delivery"))
    return {d.kind: stored.get(d.kind, Delivery.AT_ONCE)
            for _category, descriptions in described() for d in descriptions if not d.always}
