"""Writing, reporting and moderating comments on projects, as ideas.services.moderation does
for ideas' comments, each decision logged (ProjectCommentEvent) with who, when and why."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ideas.models import ModerationAction, ModerationEvent, ModerationMode, Visibility
from ideas.selectors import idea_settings_for
from ideas.services.events import queue_changed
from notify.outbox import queue
from ui.markdown import render_markdown

from ..events import project_comment_published
from ..models import (
    COMMENT_PHASES,
    Project,
    ProjectComment,
    ProjectCommentEvent,
    ProjectCommentFlag,
)

HIDDEN_NOTICE = "budgets.comment_hidden"


def _log(*, comment: ProjectComment, actor, action: str, reason: str = "") -> ProjectCommentEvent:
    return ProjectCommentEvent.objects.create(comment=comment, actor=actor, action=action, reason=reason)


def _set_visibility(comment: ProjectComment, visibility: str) -> None:
    was_visible = comment.visibility == Visibility.VISIBLE
    comment.visibility = visibility
    comment.save(update_fields=["visibility"])
    if visibility == Visibility.VISIBLE and not was_visible:
        project_comment_published(comment)


@transaction.atomic
def project_comment_add(*, project: Project, author, body: str,
                        parent: ProjectComment | None = None) -> ProjectComment:
    """A comment, or a reply to a published comment on the same project (a reply to a reply
    joins its thread: one level). Published at once, or after a moderator approved it where
    the municipality pre-moderates."""
    process = project.process
    if process.draft or process.phase not in COMMENT_PHASES:
        raise PermissionDenied(_("This project cannot be commented on right now."))
    if parent is not None:
        if parent.project_id != project.pk or parent.visibility != Visibility.VISIBLE:
            raise ValidationError({"parent": _("You can only reply to a published comment on the same project.")})
        if parent.parent_id is not None:
            parent = parent.parent
    pre_moderated = idea_settings_for(process.municipality).moderation_mode == ModerationMode.PRE
    comment = ProjectComment(project=project, parent=parent, author=author, body=body.strip(),
                             visibility=Visibility.PENDING if pre_moderated else Visibility.VISIBLE)
    comment.body_html = render_markdown(comment.body)
    comment.full_clean()
    comment.save()
    if pre_moderated:
        queue_changed(process.municipality_id, "comment.submitted")
    else:
        project_comment_published(comment)
    return comment


@transaction.atomic
def project_comment_flag(*, comment: ProjectComment, user, reason: str, explanation: str = "") -> ProjectCommentFlag:
    """Report a comment, once per person. At the municipality's threshold it is hidden until
    a moderator reviews it (logged as the platform's own decision)."""
    flag = ProjectCommentFlag(comment=comment, user=user, reason=reason, explanation=explanation.strip())
    flag.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            flag.save()
    except IntegrityError:
        raise ValidationError(_("You have already reported this.")) from None
    ProjectComment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
    comment.refresh_from_db(fields=["flag_count", "visibility"])
    municipality = comment.municipality
    if (comment.visibility == Visibility.VISIBLE
            and comment.flag_count >= idea_settings_for(municipality).flag_threshold):
        _set_visibility(comment, Visibility.PENDING)
        _log(comment=comment, actor=None, action=ModerationAction.AUTO_HIDE,
             reason=ModerationEvent.platform_reason(flags=comment.flag_count))
    queue_changed(municipality.pk, "flag")
    return flag


def _resolve_flags(comment: ProjectComment) -> None:
    ProjectCommentFlag.objects.filter(comment=comment).update(resolved=True)


@transaction.atomic
def project_comment_approve(*, actor, comment: ProjectComment, reason: str = "") -> None:
    """Publish a waiting comment, or keep a reported one published: its reports are dealt with."""
    _set_visibility(comment, Visibility.VISIBLE)
    _resolve_flags(comment)
    _log(comment=comment, actor=actor, action=ModerationAction.APPROVE, reason=reason.strip())
    queue_changed(comment.municipality.pk, "approved")


@transaction.atomic
def project_comment_hide(*, actor, comment: ProjectComment, reason: str) -> None:
    """Hide a comment; its author is told why (at once, whatever their e-mail choices)."""
    if not reason.strip():
        raise ValidationError({"reason": _("Tell the author why it is hidden.")})
    _set_visibility(comment, Visibility.HIDDEN)
    _resolve_flags(comment)
    event = _log(comment=comment, actor=actor, action=ModerationAction.HIDE, reason=reason.strip())
    queue_changed(comment.municipality.pk, "hidden")
    queue(HIDDEN_NOTICE, f"project-comment-hidden:{event.pk}", comment.author, event=event.pk)


@transaction.atomic
def project_comment_restore(*, actor, comment: ProjectComment, reason: str = "") -> None:
    _set_visibility(comment, Visibility.VISIBLE)
    _log(comment=comment, actor=actor, action=ModerationAction.RESTORE, reason=reason.strip())
    queue_changed(comment.municipality.pk, "restored")


def project_comment_moderate(*, action: str, actor, comment: ProjectComment, reason: str = "") -> None:
    """The moderation form's three decisions (ideas.forms.ModerationForm)."""
    call = {"approve": project_comment_approve, "hide": project_comment_hide,
            "restore": project_comment_restore}[action]
    call(actor=actor, comment=comment, reason=reason)
