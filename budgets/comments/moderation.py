"""Comments on projects in the one moderation queue (ideas.moderation_sources): registered
in budgets.apps, so ideas lists and moderates them without knowing budgets."""
from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ideas.moderation_sources import Item, Source

from . import selectors, services

PATH = "project-comments"


def waiting(municipality) -> list[Item]:
    return [Item(kind="project_comment", pk=c.pk, title=c.project.title,
                 url=c.project.get_absolute_url() + f"#comment-{c.pk}", body=c.body, body_html=c.body_html,
                 author=c.author.public_name, visibility=c.visibility, created_at=c.created_at,
                 open_flags=c.open_flags, open_flag_count=c.open_flag_count)
            for c in selectors.moderation_queue(municipality=municipality)]


def moderate(*, action: str, actor, target, reason: str = "") -> None:
    services.project_comment_moderate(action=action, actor=actor, comment=target, reason=reason)


SOURCE = Source(
    kind="project_comment", path=PATH,
    title=_("Comments on budget projects"), empty=_("No comments on budget projects are waiting."),
    perm="budgets.moderate_project_comment", waiting=waiting,
    pending_count=lambda municipality: selectors.pending_count(municipality=municipality),
    get=lambda pk: selectors.comment_get(pk=pk), moderate=moderate,
)
