"""Every read of comments on projects, in a fixed number of queries however many there are."""
from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Municipality
from ideas.models import Visibility
from ideas.selectors import threaded
from ui.numbers import whole_number

from ..models import Project, ProjectComment, ProjectCommentEvent, ProjectCommentFlag


def project_comments(*, project: Project, include_hidden: bool = False, viewer=None) -> list[ProjectComment]:
    """Top-level comments, each with `thread_replies`, oldest first, in one query: the
    published ones, and the viewer's own whatever their state (waiting for a moderator, or
    hidden: the e-mail about it leads here); with `include_hidden` (for moderators) every
    one. A reply under a comment that is not shown is not shown either."""
    qs = ProjectComment.objects.filter(project=project).select_related("author").order_by("created_at", "pk")
    if not include_hidden:
        shown = Q(visibility=Visibility.VISIBLE)
        if getattr(viewer, "is_authenticated", False):
            shown |= Q(author=viewer)
        qs = qs.filter(shown)
    return threaded(qs)


def published_count_expression():
    """A project's published comments as an annotation (`comment_count`), so a list of
    projects counts them in its own query: those `project_comments` shows everyone, a reply
    only under a published comment."""
    shown = (ProjectComment.objects.filter(project=OuterRef("pk"), visibility=Visibility.VISIBLE)
             .filter(Q(parent__isnull=True) | Q(parent__visibility=Visibility.VISIBLE))
             .order_by().values("project").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(shown, output_field=IntegerField()), 0)


def published_count(comments: list[ProjectComment]) -> int:
    """How many of a thread's comments (from `project_comments`) are published."""
    return sum((c.visibility == Visibility.VISIBLE) + sum(r.visibility == Visibility.VISIBLE
                                                         for r in c.thread_replies) for c in comments)


def comment_get(*, pk) -> ProjectComment | None:
    """One comment with what its rules and pages read: the project, its process and the
    process's municipality (whose moderators decide on it). None for an id that is no
    database integer (from an address)."""
    pk = whole_number(pk)
    if pk is None:
        return None
    return (ProjectComment.objects.select_related("project__process__municipality", "author")
            .filter(pk=pk).first())


def reply_target(*, project: Project, pk: int | None) -> ProjectComment | None:
    """The published comment of the project that a reply answers (the page's "Reply" link)."""
    if pk is None:
        return None
    return (ProjectComment.objects.filter(project=project, pk=pk, visibility=Visibility.VISIBLE)
            .select_related("author").first())


def _waiting(municipality: Municipality):
    reported = Exists(ProjectCommentFlag.objects.filter(comment=OuterRef("pk"), resolved=False))
    return ProjectComment.objects.filter(
        Q(visibility=Visibility.PENDING) | (Q(visibility=Visibility.VISIBLE) & reported),
        project__process__municipality=municipality)


def moderation_queue(*, municipality: Municipality, limit: int = 200) -> list[ProjectComment]:
    """The municipality's comments on projects waiting for a moderator: pending ones and
    published ones that people reported, oldest first, each with its open reports
    (`open_flags`) and their number (`open_flag_count`). Two queries."""
    open_flags = ProjectCommentFlag.objects.filter(resolved=False).order_by("created_at")
    return list(
        _waiting(municipality)
        .annotate(open_flag_count=Count("flags", filter=Q(flags__resolved=False)))
        .select_related("author", "project")
        .prefetch_related(Prefetch("flags", queryset=open_flags, to_attr="open_flags"))
        .order_by("created_at", "pk")[:limit])


def pending_count(*, municipality: Municipality) -> int:
    return ProjectComment.objects.filter(project__process__municipality=municipality,
                                         visibility=Visibility.PENDING).count()


def moderation_history(*, project: Project) -> list[ProjectCommentEvent]:
    """Every moderation decision on the project's comments, newest first."""
    return list(ProjectCommentEvent.objects.filter(comment__project=project).select_related("actor"))
