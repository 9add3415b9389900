"""A budget's projects on a map, filtered by district and status."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from maps.config import marker

from . import selectors
from .ballots import money
from .forms import FUNDED, ProjectFilterForm


@require_safe
def project_map(request, pk: int):
    process = selectors.process_get(pk=pk, user=request.user)
    if process is None:
        raise Http404
    # Which projects were funded is public once the council's result is (as on the process page).
    result_public = process.results_public and hasattr(process, "result")
    form = ProjectFilterForm(request.GET or None, process=process, result_public=result_public)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", "")
    projects, without_place = selectors.project_map(
        process=process, district=getattr(data.get("district"), "pk", None), status=status,
        funded=result_public and status == FUNDED)
    for project in projects:
        project.process = process  # for get_absolute_url and the list, without a query each
    markers = [marker(latitude=p.latitude, longitude=p.longitude, title=p.title, url=p.get_absolute_url(),
                      meta=" · ".join(filter(None, [
                          money(p.cost, process.currency), p.get_feasibility_display(),
                          _("Funded") if result_public and p.selected else "", getattr(p.district, "name", "")])))
               for p in projects]
    return render(request, "budgets/map.html", {
        "process": process, "form": form, "projects": projects, "without_place": without_place,
        "markers": markers, "result_public": result_public})
