"""The budget projects an idea became, for the idea's page (ideas.panels)."""
from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from ideas.panels import Link, Panel

from .selectors import idea_projects


def projects_of_idea(idea, user) -> Panel | None:
    links = [Link(text=f"{project.title} – {project.process.title}",
                  url=reverse("budgets:project", args=[project.process_id, project.code]))
             for project in idea_projects(idea=idea)]
    return Panel(key="budget", title=_("In a participatory budget"), links=links) if links else None
