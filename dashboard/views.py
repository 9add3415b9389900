from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from accounts.middleware import use_municipality_language
from accounts.selectors import municipality_get, municipality_list
from budgets import selectors as budget_selectors
from budgets.models import Phase
from budgets.selectors import process_list_open
from dinners import selectors as dinner_selectors
from dinners.selectors import programme_list_open
from ideas import selectors as idea_selectors
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
    use_municipality_language(request, municipality)
    return _front_page(request, municipality)


@require_safe
def accessibility(request):
    return render(request, "dashboard/accessibility.html")


@require_safe
@login_required
def staff_home_index(request):
    """The staff home of the municipality being shown (the menu's link leads here)."""
    municipality = request.municipality
    if municipality is None:
        raise Http404
    return redirect("staff-home", slug=municipality.slug)


@require_safe
@login_required
def staff_home(request, slug: str):
    """What needs a staff member of the municipality today, each block linking to the page
    where the work is done. A constant number of queries: each block is one app's selector."""
    municipality = municipality_get(slug=slug)
    if municipality is None:
        raise Http404
    if not request.user.has_perm("accounts.work_as_staff", municipality):
        raise PermissionDenied
    # The moderation queue and the other municipality-wide pages follow the one shown here.
    request.session["municipality"] = municipality.slug
    request.municipality = municipality
    return render(request, "dashboard/staff_home.html", {
        "municipality": municipality,
        "awaiting_answer": idea_selectors.ideas_awaiting_answer(municipality=municipality),
        "moderation": idea_selectors.moderation_summary(municipality=municipality),
        "phase_dates": budget_selectors.phase_dates_coming(municipality=municipality),
        "projects": budget_selectors.projects_awaiting_review(municipality=municipality),
        "dinners": dinner_selectors.dinners_awaiting_approval(municipality=municipality),
    })
