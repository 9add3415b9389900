from django import template
from django.utils.html import json_script

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
