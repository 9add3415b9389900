"""The e-mail about a budget's result, written when it is sent (a notify renderer): the
followers of an idea behind a project hear whether their project is funded; and its line in
the notification centre."""
from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ideas.models import Follow
from ideas.notices import unsubscribe_url
from notify.registry import Letter, Line, category, describe, lines, renderer

from .models import Project, Result

RESULT = "budgets.result"

category("budgets", gettext_lazy("Participatory budgets"), order=30)
describe(RESULT, category="budgets",
         label=gettext_lazy("A project made from an idea I follow is funded or not in a budget's result"))


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
