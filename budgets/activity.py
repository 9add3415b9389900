"""The budgets a person voted in, for their account (accounts.activity): only that they
voted and on which day, never what (the ballot is sealed and not linked to them). And their
comments on the projects of published budgets."""
from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.activity import LIMIT, Entry, Section, section
from ideas.activity import comment_note

from .models import Participation, ProjectComment


def sections(user) -> list[Section]:
    rows = (Participation.objects.filter(user=user).select_related("process", "district_budget")
            .only("voted_on", "process__id", "process__title", "district_budget__name")
            .order_by("-voted_on", "-pk"))

    def title(p) -> str:
        return f"{p.process.title}: {p.district_budget.name}" if p.district_budget else p.process.title

    comments = (ProjectComment.objects.filter(author=user, project__process__draft=False).select_related("project")
                .only("id", "visibility", "created_at", "project__id", "project__code", "project__title",
                      "project__process_id").order_by("-created_at", "-pk"))
    return [
        section("voted", _("Budgets I voted in"), _("You have not voted in a participatory budget yet."),
                [Entry(title(p), reverse("budgets:detail", args=[p.process.pk]),
                       _("You voted on %(date)s") % {"date": date_format(p.voted_on, "DATE_FORMAT")})
                 for p in rows[:LIMIT + 1]]),
        section("project_comments", _("My comments on budget projects"),
                _("You have not commented on a budget project yet."),
                [Entry(c.project.title, reverse("budgets:project", args=[c.project.process_id, c.project.code])
                       + f"#comment-{c.pk}", comment_note(c)) for c in comments[:LIMIT + 1]]),
    ]
