"""The address search behind the pin drop's search field (static/js/maps.js): JSON, GET only,
rate-limited, cacheable. Høst asks the municipality's address service on the citizen's
behalf (maps.geocoding says why)."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from accounts.selectors import municipality_get
from ui.ratelimit import allow

from . import geocoding

MIN_LENGTH = 2  # one letter finds half the town
# How long a browser (or a cache in front of Høst) may keep an answer: the shipped places
# change only with a release; an outside service's addresses seldom.
MAX_AGE_SHIPPED = 24 * 3600
MAX_AGE_SERVICE = 3600


class PlaceSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Search for an address"), max_length=100, required=False)


def _error(detail: str, code: str, status: int, fields: dict | None = None) -> JsonResponse:
    # The API's one error shape (restapi.errors), which this page-side endpoint shares.
    return JsonResponse({"detail": detail, "code": code, "fields": fields or {}}, status=status)


@require_safe
def place_search(request, slug: str):
    municipality = municipality_get(slug=slug)
    if municipality is None or not geocoding.available(municipality):
        raise Http404
    form = PlaceSearchForm(request.GET)
    if not form.is_valid():
        return _error(_("Some fields need your attention."), "invalid", 400,
                      {name: [str(m) for m in messages] for name, messages in form.errors.items()})
    query = form.cleaned_data["q"]
    if len(query) < MIN_LENGTH:
        places = []
    elif not allow(request, "place_search", settings.PLACE_SEARCH_RATE):
        response = _error(_("That was many searches in a short while. Wait a minute, or choose the place "
                            "on the map."), "throttled", 429)
        response["Retry-After"] = "60"
        return response
    else:
        try:
            places = geocoding.search(municipality, query)
        except geocoding.Unavailable:
            response = _error(_("The address search is not answering just now. Choose the place on the map, "
                                "or type its latitude and longitude."), "geocoder_unavailable", 503)
            response["Retry-After"] = "60"
            return response
    response = JsonResponse({"results": [place.as_json() for place in places]})
    shipped = municipality.map_geocoder not in geocoding.SERVICES
    patch_cache_control(response, public=True, max_age=MAX_AGE_SHIPPED if shipped else MAX_AGE_SERVICE)
    return response
