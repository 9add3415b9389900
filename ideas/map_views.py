"""The ideas map: the list's ideas that have a place, with the list's filters."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from maps.config import marker

from . import selectors
from .forms import SearchForm


@require_safe
def idea_map(request):
    municipality = request.municipality
    if municipality is None:
        raise Http404
    form = SearchForm(request.GET or None, municipality=municipality)
    filters = selectors.IdeaFilters.from_search(form.cleaned_data if form.is_valid() else {})
    found = selectors.idea_map(municipality=municipality, filters=filters, limit=selectors.MAP_LIMIT)
    markers = [marker(latitude=idea.latitude, longitude=idea.longitude, title=idea.title,
                      url=reverse("ideas:detail", args=[idea.pk]),
                      meta=" · ".join(filter(None, [idea.get_status_display(), getattr(idea.district, "name", "")])))
               for idea in found.ideas]
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ideas/map.html", {
        "form": form, "map": found, "markers": markers, "limit": selectors.MAP_LIMIT, "query": query.urlencode()})
