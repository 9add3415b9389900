"""The budgets a person voted in, for their account (accounts.activity): only that they
voted and on which day, never what (the ballot is sealed and not linked to them)."""
from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.activity import LIMIT, Entry, Section, section

from .models import Participation


def sections(user) -> list[Section]:
    rows = (Participation.objects.filter(user=user).select_related("process", "district_budget")
            .only("voted_on", "process__id", "process__title", "district_budget__name")
            .order_by("-voted_on", "-pk"))

    def title(p) -> str:
        return f"{p.process.title}: {p.district_budget.name}" if p.district_budget else p.process.title

    return [section("voted", _("Budgets I voted in"), _("You have not voted in a participatory budget yet."),
                    [Entry(title(p), reverse("budgets:detail", args=[p.process.pk]),
                           _("You voted on %(date)s") % {"date": date_format(p.voted_on, "DATE_FORMAT")})
                     for p in rows[:LIMIT + 1]])]
