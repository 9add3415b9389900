"""The e-mails of budgets, written when they are sent (notify's renderers), and their lines
in the notification centre: the followers of an idea behind a project hear whether their
project is funded; the author of a comment on a project that a moderator hid is told why
(as ideas tell the author of a hidden comment on an idea)."""
from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ideas.models import Follow
from ideas.notices import unsubscribe_url
from ideas.selectors import idea_settings_for
from notify.registry import Letter, Line, category, describe, lines, renderer

from .comments.services import HIDDEN_NOTICE
from .models import Project, ProjectCommentEvent, Result

RESULT = "budgets.result"

category("budgets", gettext_lazy("Participatory budgets"), order=30)
describe(RESULT, category="budgets",
         label=gettext_lazy("A project made from an idea I follow is funded or not in a budget's result"))
# With the hidden ideas and comments (ideas.notices): the same decision about what one wrote.
describe(HIDDEN_NOTICE, category="ideas.mine",
         label=gettext_lazy("A moderator hides my comment on a budget project"),
         always=gettext_lazy("A decision about what you wrote comes with its reasons and how to object, "
                             "and reaches you at once."))


@renderer(RESULT)
def result(notice) -> Letter | None:
    user, idea_id = notice.recipient, notice.context["idea"]
    found = Result.objects.select_related("process").filter(pk=notice.context["result"]).first()
    project = found and Project.objects.filter(process_id=found.process_id, idea_id=idea_id).first()
    if project is None or not Follow.objects.filter(idea_id=idea_id, user=user).exists():
        return None  # the idea's project is gone, or they stopped following the idea
    process = found.process
    context = {"user": user, "project": project, "process": process,
               "url": settings.SITE_URL + reverse("budgets:detail", args=[process.pk]),
               "unsubscribe_url": unsubscribe_url(user=user, idea_id=idea_id)}
    return Letter(subject=render_to_string("budgets/email/result_subject.txt", context),
                  body=render_to_string("budgets/email/result.txt", context))


@lines(RESULT)
def result_lines(notices) -> dict[int, Line]:
    results = Result.objects.select_related("process").in_bulk({n.context.get("result") for n in notices} - {None})
    wanted = {(results[n.context["result"]].process_id, n.context.get("idea"))
              for n in notices if n.context.get("result") in results}
    projects = {(p.process_id, p.idea_id): p for p in Project.objects.filter(
        process_id__in={process for process, _idea in wanted}, idea_id__in={idea for _process, idea in wanted})}
    found = {}
    for notice in notices:
        result = results.get(notice.context.get("result"))
        project = result and projects.get((result.process_id, notice.context.get("idea")))
        if project:
            text = (_("“%(title)s” is funded in %(budget)s") if project.selected
                    else _("“%(title)s” was not funded in %(budget)s"))
            found[notice.pk] = Line(text % {"title": project.title, "budget": result.process.title},
                                    reverse("budgets:detail", args=[result.process_id]) + f"#project-{project.code}")
    return found


@renderer(HIDDEN_NOTICE)
def comment_hidden(notice) -> Letter | None:
    event = (ProjectCommentEvent.objects.select_related("comment__project__process__municipality")
             .filter(pk=notice.context["event"]).first())
    if event is None:
        return None
    project = event.comment.project
    municipality = project.process.municipality
    context = {"user": notice.recipient, "project": project, "event": event, "municipality": municipality,
               "url": settings.SITE_URL + event.comment.get_absolute_url(),
               "contact_email": idea_settings_for(municipality).contact_email}
    return Letter(subject=render_to_string("budgets/email/comment_hidden_subject.txt", context),
                  body=render_to_string("budgets/email/comment_hidden.txt", context))


@lines(HIDDEN_NOTICE)
def comment_hidden_lines(notices) -> dict[int, Line]:
    events = ProjectCommentEvent.objects.select_related("comment__project").in_bulk(
        {n.context.get("event") for n in notices} - {None})
    found = {}
    for notice in notices:
        event = events.get(notice.context.get("event"))
        if event is not None:
            found[notice.pk] = Line(_("Your comment on the project “%(title)s” has been hidden") % {
                "title": event.comment.project.title}, event.comment.get_absolute_url())
    return found
