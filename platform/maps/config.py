"""What static/js/maps.js is told about a municipality's maps, as JSON (json_script)."""
from __future__ import annotations

import json
from decimal import Decimal
from functools import lru_cache
from urllib.parse import urlsplit

from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Municipality

# Where a map opens when the municipality gives no centre and has no outline: its country.
COUNTRY_VIEWS = {"DK": ((56.0, 10.5), 7), "NO": ((61.0, 9.0), 5), "SE": ((62.0, 16.0), 5)}
NORDIC_VIEW = ((60.0, 12.0), 4)
# A marker's own map (an idea's, a project's) and the pin once placed: streets on a tile
# map; on the schematic outline, which has no streets, the districts around the place.
PLACE_ZOOM = 15
PLACE_ZOOM_OUTLINE = 11


def outline_path(slug: str) -> str | None:
    """The static path of the municipality's shipped outline (maps.outlines), if it has one."""
    path = f"maps/outlines/{slug}.geojson"
    return path if _found(path) else None


@lru_cache(maxsize=256)
def _found(path: str) -> str | None:
    return finders.find(path)


@lru_cache(maxsize=256)
def outline_bounds(path: str) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the outline's boundary, read once per process."""
    with open(_found(path), encoding="utf-8") as f:
        data = json.load(f)
    points = [point for feature in data.get("features", [])
              for ring in feature.get("geometry", {}).get("coordinates", []) for point in ring]
    if not points:
        return None
    return [[min(p[1] for p in points), min(p[0] for p in points)],
            [max(p[1] for p in points), max(p[0] for p in points)]]


def tile_source(municipality: Municipality | None) -> str | None:
    """The origin a page must allow images from (img-src) for the municipality's tiles."""
    url = getattr(municipality, "map_tiles_url", "")
    if not url:
        return None
    parts = urlsplit(url.replace("{s}.", "tiles-subdomain.", 1))
    host = parts.netloc.replace("tiles-subdomain.", "*.", 1)
    return f"{parts.scheme}://{host}"


def map_config(municipality: Municipality | None) -> dict:
    """Everything a map of the municipality needs besides its markers: the tiles or the
    outline, where it opens, and its texts in the page's language."""
    config: dict = {"tiles": None, "outline": None, "bounds": None, "labels": labels()}
    centre, zoom = COUNTRY_VIEWS.get(getattr(municipality, "country", ""), NORDIC_VIEW)
    if municipality is not None:
        if municipality.map_tiles_url:
            config["tiles"] = {"url": municipality.map_tiles_url, "attribution": municipality.map_tiles_attribution}
        else:
            path = outline_path(municipality.slug)
            if path:
                config["outline"] = static(path)
                config["bounds"] = outline_bounds(path)
        if municipality.map_latitude is not None and municipality.map_longitude is not None:
            centre = (float(municipality.map_latitude), float(municipality.map_longitude))
            zoom = municipality.map_zoom or 12
            config["bounds"] = None  # the municipality's own choice wins over its outline's extent
        elif municipality.map_zoom:
            zoom = municipality.map_zoom
    config["center"], config["zoom"] = list(centre), zoom
    config["placeZoom"] = PLACE_ZOOM if config["tiles"] else PLACE_ZOOM_OUTLINE
    return config


def labels() -> dict:
    """The words the map script shows or reads out, translated here (the script has none)."""
    return {
        "zoomIn": _("Zoom in"),
        "zoomOut": _("Zoom out"),
        "closePopup": _("Close"),
        "outlineCredit": _("Schematic map: Høst"),
        "pinPlaced": _("Pin placed at %(lat)s, %(lng)s."),
        "pinRemoved": _("The pin is removed."),
        "pinPlacedAt": _("Pin placed at %(place)s: %(lat)s, %(lng)s."),
        # The address search's announcements; the script picks the form for the count (Danish,
        # English and Norwegian have two: one, and every other number).
        "searchOne": ngettext("%(count)s place found. Choose it with the down arrow key and Enter.",
                              "%(count)s places found. Choose one with the arrow keys and Enter.", 1),
        "searchOther": ngettext("%(count)s place found. Choose it with the down arrow key and Enter.",
                                "%(count)s places found. Choose one with the arrow keys and Enter.", 2),
        "searchNone": _("No place found. Try another spelling, or choose the place on the map."),
        "searchFailed": _("The address search is not answering just now. Choose the place on the map, "
                          "or type its latitude and longitude."),
        # A group of pins drawn as one (marker clustering); always two or more.
        "cluster": _("%(count)s places here. Press Enter to zoom in."),
    }


def marker(*, latitude: Decimal | float, longitude: Decimal | float, title: str, url: str, meta: str = "") -> dict:
    """One marker in the form maps.js reads: where, what (the popup's link text) and more."""
    return {"lat": float(latitude), "lng": float(longitude), "title": title, "url": url, "meta": meta}
