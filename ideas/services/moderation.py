"""Comments, flags and the moderators' decisions, every one of them logged."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from notify.outbox import queue
from ui.markdown import render_markdown

from ..models import (
    Comment,
    Flag,
    Idea,
    ModerationAction,
    ModerationEvent,
    ModerationMode,
    Status,
    Visibility,
)
from ..selectors import idea_settings_for
from . import events


def _target(idea: Idea | None, comment: Comment | None):
    if (idea is None) == (comment is None):
        raise ValueError("give exactly one of idea or comment")
    return idea or comment


def _log(*, target, actor, action: str, reason: str = "") -> ModerationEvent:
    return ModerationEvent.objects.create(
        idea=target if isinstance(target, Idea) else None,
        comment=target if isinstance(target, Comment) else None,
        actor=actor, action=action, reason=reason,
    )


def _set_visibility(target, visibility: str) -> None:
    """Change visibility, keeping the idea's count of visible comments right."""
    was_visible = target.visibility == Visibility.VISIBLE
    target.visibility = visibility
    target.save(update_fields=["visibility"])
    if isinstance(target, Comment):
        now_visible = visibility == Visibility.VISIBLE
        if was_visible != now_visible:
            delta = 1 if now_visible else -1
            Idea.objects.filter(pk=target.idea_id).update(comment_count=F("comment_count") + delta)
            events.counts_changed(target.idea)
            if now_visible:
                events.comment_published(target)


@transaction.atomic
def comment_add(*, idea: Idea, author, body: str, parent: Comment | None = None) -> Comment:
    if not idea.is_public:
        raise PermissionDenied(_("This idea cannot be commented on right now."))
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise ValidationError({"parent": _("You can only reply to a comment on the same idea.")})
        if parent.parent_id is not None:
            # One level of replies: a reply to a reply joins the same thread.
            parent = parent.parent
    pre_moderated = idea_settings_for(idea.municipality).moderation_mode == ModerationMode.PRE
    comment = Comment(idea=idea, parent=parent, author=author, body=body.strip(),
                      visibility=Visibility.PENDING)
    comment.body_html = render_markdown(comment.body)
    comment.full_clean()
    comment.save()
    if pre_moderated:
        events.queue_changed(idea.municipality_id, "comment.submitted")
    else:
        _set_visibility(comment, Visibility.VISIBLE)
    return comment


@transaction.atomic
def flag_add(*, user, reason: str, explanation: str = "", idea: Idea | None = None,
             comment: Comment | None = None) -> Flag:
    """Flag an idea or comment once per person. At the municipality's threshold it is
    hidden until a moderator reviews it."""
    target = _target(idea, comment)
    flag = Flag(idea=idea, comment=comment, user=user, reason=reason, explanation=explanation.strip())
    flag.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise ValidationError(_("You have already reported this.")) from None
    type(target).objects.filter(pk=target.pk).update(flag_count=F("flag_count") + 1)
    target.refresh_from_db(fields=["flag_count", "visibility"])
    municipality = target.municipality
    if (target.visibility == Visibility.VISIBLE
            and target.flag_count >= idea_settings_for(municipality).flag_threshold):
        _set_visibility(target, Visibility.PENDING)
        _log(target=target, actor=None, action=ModerationAction.AUTO_HIDE,
             reason=ModerationEvent.platform_reason(flags=target.flag_count))
    events.queue_changed(municipality.pk, "flag")
    return flag


def _resolve_flags(target) -> None:
    Flag.objects.filter(**{type(target).__name__.lower(): target}).update(resolved=True)


@transaction.atomic
def moderation_approve(*, actor, idea: Idea | None = None, comment: Comment | None = None,
                       reason: str = "") -> None:
    target = _target(idea, comment)
    _set_visibility(target, Visibility.VISIBLE)
    if isinstance(target, Idea) and target.status == Status.SUBMITTED:
        target.status = Status.PUBLISHED
        target.save(update_fields=["status"])
    _resolve_flags(target)
    _log(target=target, actor=actor, action=ModerationAction.APPROVE, reason=reason)
    events.queue_changed(target.municipality.pk, "approved")


@transaction.atomic
def moderation_hide(*, actor, reason: str, idea: Idea | None = None,
                    comment: Comment | None = None) -> None:
    """Hide an item; the author is told why."""
    target = _target(idea, comment)
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the author why it is hidden.")})
    _set_visibility(target, Visibility.HIDDEN)
    _resolve_flags(target)
    event = _log(target=target, actor=actor, action=ModerationAction.HIDE, reason=reason.strip())
    events.queue_changed(target.municipality.pk, "hidden")
    queue("ideas.hidden", f"hidden:{event.pk}", target.author, event=event.pk)


@transaction.atomic
def moderation_restore(*, actor, reason: str = "", idea: Idea | None = None,
                       comment: Comment | None = None) -> None:
    target = _target(idea, comment)
    _set_visibility(target, Visibility.VISIBLE)
    _log(target=target, actor=actor, action=ModerationAction.RESTORE, reason=reason.strip())
    events.queue_changed(target.municipality.pk, "restored")
