from django import template
from django.urls import reverse
from django.utils.html import json_script

from maps import geocoding
from maps.config import map_config, tile_source

register = template.Library()


@register.simple_tag(takes_context=True)
def map_config_script(context, municipality, element_id: str = "map-config"):
    """The municipality's map settings as a JSON script element for static/js/maps.js. A tile
    server's origin is noted on the request, for maps.middleware to allow its images."""
    request = context.get("request")
    source = tile_source(municipality)
    if request is not None and source:
        sources = getattr(request, "map_tile_sources", set())
        sources.add(source)
        request.map_tile_sources = sources
    return json_script(map_config(municipality), element_id)


@register.simple_tag
def place_search(municipality) -> dict | None:
    """The address search of a pin map (maps.views.place_search): its address and the credit
    its service asks for, or None when the municipality has none."""
    if not geocoding.available(municipality):
        return None
    return {"url": reverse("maps:place-search", args=[municipality.slug]), "credit": geocoding.credit(municipality)}
