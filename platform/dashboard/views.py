from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.middleware import use_municipality_language
from accounts.selectors import municipality_get, municipality_list
from budgets.selectors import process_list_open
from dinners.selectors import programme_list_open
from ideas.selectors import campaign_list_open


def _front_page(request, municipality):
    others = [m for m in municipality_list() if municipality is None or m.pk != municipality.pk]
    context = {
        "municipality": municipality,
        "other_municipalities": others,
        "campaigns": campaign_list_open(municipality=municipality) if municipality else [],
        "budgets": process_list_open(municipality=municipality) if municipality else [],
        "dinner_programmes": programme_list_open(municipality=municipality) if municipality else [],
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
    use_municipality_language(request, municipality)
    return _front_page(request, municipality)


@require_safe
def accessibility(request):
    return render(request, "dashboard/accessibility.html")
