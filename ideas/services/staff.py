"""Staff's work on ideas: public statuses with answers, citizens' roles, merging duplicates."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from notify.outbox import queue, queue_all

from ..models import (
    Comment,
    Follow,
    Idea,
    ModerationAction,
    ModerationEvent,
    Status,
    StatusChange,
    Support,
    Visibility,
)
from ..signals import idea_implemented
from . import events

# The public path of an idea. Staff may move forward (also skipping steps) or stop with
# "not pursued"; a "not pursued" idea can be taken up again for review.
ORDER = [Status.SUBMITTED, Status.PUBLISHED, Status.UNDER_REVIEW, Status.ACCEPTED,
         Status.IN_PROGRESS, Status.IMPLEMENTED]


def allowed_next_statuses(current: str) -> list[str]:
    if current == Status.NOT_PURSUED:
        return [Status.UNDER_REVIEW]
    if current == Status.IMPLEMENTED:
        return []
    later = ORDER[ORDER.index(current) + 1:]
    return [*later, Status.NOT_PURSUED]


@transaction.atomic
def idea_status_change(*, actor, idea: Idea, to_status: str, answer: str) -> StatusChange:
    """Move an idea to a new public status with a public answer; author and followers
    hear about it by e-mail and live."""
    idea = Idea.objects.select_for_update().get(pk=idea.pk)
    if to_status not in allowed_next_statuses(idea.status):
        raise ValidationError({"to_status": _("An idea that is “%(current)s” cannot become “%(new)s”.") % {
            "current": Status(idea.status).label, "new": Status(to_status).label}})
    answer = answer.strip()
    if not answer:
        message = (_("Explain why the idea is not pursued.") if to_status == Status.NOT_PURSUED
                   else _("Write the public answer that goes with the new status."))
        raise ValidationError({"answer": message})
    change = StatusChange(idea=idea, from_status=idea.status, to_status=to_status, answer=answer,
                          author=actor)
    change.full_clean()
    change.save()
    idea.status = to_status
    if idea.visibility == Visibility.PENDING and to_status != Status.SUBMITTED:
        idea.visibility = Visibility.VISIBLE  # answering an idea publishes it
    idea.save(update_fields=["status", "visibility", "updated_at"])
    if to_status == Status.IMPLEMENTED:
        # reports makes the innovation record (same transaction).
        idea_implemented.send(sender=Idea, idea=idea)
    recipients = [f.user for f in Follow.objects.filter(idea=idea).select_related("user")]
    if not idea.author.is_deleted_placeholder and idea.author_id not in {user.pk for user in recipients}:
        recipients.append(idea.author)
    queue_all("ideas.status_changed", [(f"status:{change.pk}:{user.pk}", user) for user in recipients],
              change=change.pk)
    url = reverse("ideas:detail", args=[idea.pk])
    events.tell_followers_live(
        idea_ids=[idea.pk], event="idea.status",
        payload=lambda _id: {"idea": idea.pk, "status": to_status, "url": url},
        message=lambda _id: _("“%(title)s” is now: %(status)s") % {"title": idea.title,
                                                                   "status": Status(to_status).label})
    return change


# The citizens' roles (ideas.models.CitizenRoles); reports carries them to the innovation
# record an implemented idea becomes.
ROLE_FIELDS = ["citizens_initiated", "citizens_initiated_note", "citizens_promoted",
               "citizens_promoted_note", "citizens_cocreated", "citizens_cocreated_note"]


@transaction.atomic
def idea_roles_record(*, actor, idea: Idea, **roles) -> Idea:
    """Record the citizens' roles in an idea (each with a note); changes are logged."""
    unknown = set(roles) - set(ROLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown role fields: {sorted(unknown)}")
    changes = {}
    for name, value in roles.items():
        old = getattr(idea, name)
        if old != value:
            changes[name] = value
            setattr(idea, name, value)
    if not changes:
        return idea
    idea.full_clean()
    idea.save(update_fields=[*roles, "updated_at"])
    # Worded when shown, in the reader's language (ModerationEvent.reason_display).
    ModerationEvent.objects.create(idea=idea, actor=actor, action=ModerationAction.ROLES,
                                   reason=ModerationEvent.platform_reason(roles=changes))
    return idea


@transaction.atomic
def idea_merge(*, actor, duplicate: Idea, into: Idea, reason: str = "") -> Idea:
    """Merge a duplicate into another idea: supporters and followers move (once each), the
    duplicate closes with a link to the other, and its author is told."""
    if duplicate.pk == into.pk:
        raise ValidationError({"into": _("An idea cannot be merged into itself.")})
    if duplicate.municipality_id != into.municipality_id:
        raise ValidationError({"into": _("Choose an idea of the same municipality.")})
    if into.merged_into_id:
        raise ValidationError({"into": _("That idea has itself been merged; choose the idea it was merged into.")})
    ideas = {i.pk: i for i in Idea.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk])}
    duplicate, into = ideas[duplicate.pk], ideas[into.pk]

    already = Support.objects.filter(idea=into).values_list("user_id", flat=True)
    Support.objects.filter(idea=duplicate).exclude(user_id__in=already).update(idea=into)
    Support.objects.filter(idea=duplicate).delete()
    following = Follow.objects.filter(idea=into).values_list("user_id", flat=True)
    Follow.objects.filter(idea=duplicate).exclude(user_id__in=following).update(idea=into)
    Follow.objects.filter(idea=duplicate).delete()

    into.support_count = Support.objects.filter(idea=into).count()
    into.save(update_fields=["support_count", "updated_at"])
    duplicate.support_count = 0
    duplicate.merged_into = into
    duplicate.save(update_fields=["support_count", "merged_into", "updated_at"])
    event = ModerationEvent.objects.create(idea=duplicate, actor=actor, action=ModerationAction.MERGE,
                                           reason=reason or f"→ #{into.pk}")
    events.counts_changed(into)
    queue("ideas.merged", f"merged:{event.pk}", duplicate.author, event=event.pk)
    return into


def recount(idea: Idea) -> None:
    """Recompute an idea's counters from the rows (for repairs and tests)."""
    counts = Idea.objects.filter(pk=idea.pk).annotate(
        s=Count("supports", distinct=True),
    ).values("s").get()
    Idea.objects.filter(pk=idea.pk).update(
        support_count=counts["s"],
        comment_count=Comment.objects.filter(idea=idea, visibility=Visibility.VISIBLE).count(),
    )
