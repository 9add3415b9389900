"""The e-mail about a budget's result, written when it is sent (a notify renderer): the
followers of an idea behind a project hear whether their project is funded."""
from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from ideas.models import Follow
from ideas.notices import unsubscribe_url
from notify.registry import Letter, renderer

from .models import Project, Result

RESULT = "budgets.result"


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
