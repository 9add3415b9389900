from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.selectors import municipality_get, municipality_list
from budgets.models import Phase
from budgets.selectors import process_list_open
from dinners.selectors import programme_list_open
from ideas.selectors import campaign_list_open
from reports.selectors import funnel


def _front_page(request, municipality):
    budgets = list(process_list_open(municipality=municipality)) if municipality else []
    others = [m for m in municipality_list() if municipality is None or m.pk != municipality.pk]
    context = {
        "municipality": municipality,
        "other_municipalities": others,
        "campaigns": campaign_list_open(municipality=municipality) if municipality else [],
        "budgets": budgets,
        # The open vote is the page's main call to action.
        "votes": [budget for budget in budgets if budget.phase == Phase.VOTING],
        "dinner_programmes": programme_list_open(municipality=municipality) if municipality else [],
        # The headline outcome figures the reports already count (cached there).
        "figures": funnel(municipality) if municipality else None,
    }
    return render(request, "dashboard/home.html", context)


@require_safe
def home(request):
    return _front_page(request, request.municipality or None)


@require_safe
def municipality_home(request, slug: str):
    municipality = municipality_get(slug=slug)
    if municipality is None:
        raise Http404
    # Remember the choice: `/` and the header show this municipality from now on.
    request.session["municipality"] = municipality.slug
    request.municipality = municipality
    return _front_page(request, municipality)


@require_safe
def accessibility(request):
    return render(request, "dashboard/accessibility.html")
