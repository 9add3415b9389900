"""The address search of the maps' pin drop: one interface over the places shipped with Høst
(maps.gazetteer) and the national address services a municipality may choose
(accounts.Municipality.map_geocoder): Denmark's Dataforsyningen (DAWA's autocomplete) and
Norway's Kartverket (Geonorge's address search).

Høst asks the outside service itself (the page calls maps.views.place_search), rather than
the citizen's browser calling it: the service then never learns the citizen's address (IP)
or which page they were on, the pages' Content-Security-Policy stays 'self' for connect-src,
a slow or changed service costs one adapter here rather than every browser's script, and the
answers are cached and rate-limited in one place. The query itself must be sent: it is never
logged, and the cache keys hold only its hash.
"""
from __future__ import annotations

import hashlib
import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass

from django.core.cache import cache

from accounts.models import Geocoder, Municipality

from . import gazetteer

logger = logging.getLogger(__name__)

LIMIT = 8  # results shown at once: a screenful on a phone
TIMEOUT = 4  # seconds Høst waits for an outside service before it says search is unavailable
CACHE_SECONDS = 24 * 3600  # addresses change seldom; the same words typed again cost nothing
USER_AGENT = "Hoest/1 (participation platform; address search for a pin on a map)"


class Unavailable(Exception):
    """The outside address service did not answer in time, or not as expected."""


@dataclass(frozen=True)
class Place:
    label: str
    lat: float
    lng: float

    def as_json(self) -> dict:
        return {"label": self.label, "lat": round(self.lat, 6), "lng": round(self.lng, 6)}


def fetch_json(url: str) -> object:
    """GET an https address and read its JSON answer (the one place Høst calls outside)."""
    # The address is one of the fixed https services below, never one a person gave; the
    # scheme is checked all the same (urllib would also open file: addresses).
    if not url.startswith("https://"):
        raise ValueError("address services are asked over https only")
    request = urllib.request.Request(  # noqa: S310
        url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310  # nosec B310
        return json.load(response)


@dataclass(frozen=True)
class Service:
    """An outside address service: how to ask it and how to read its answer."""

    url: Callable[[str, str], str]  # (query, municipality number) -> address
    read: Callable[[object], list[Place]]
    credit: str  # shown under the results, as the service's terms ask


def _dawa_url(query: str, area: str) -> str:
    # Access addresses (no floor or door): a place on the map, not a flat.
    return "https://api.dataforsyningen.dk/autocomplete?" + urllib.parse.urlencode(
        {"q": query, "type": "adgangsadresse", "kommunekode": area.zfill(4), "per_side": LIMIT})


def _dawa_read(answer) -> list[Place]:
    places = []
    for item in answer if isinstance(answer, list) else []:
        data = item.get("data") or {}
        if isinstance(data.get("x"), int | float) and isinstance(data.get("y"), int | float):
            places.append(Place(str(item.get("tekst") or item.get("forslagstekst") or ""), data["y"], data["x"]))
    return places


def _geonorge_url(query: str, area: str) -> str:
    # The last word typed is a beginning (a wildcard), as in an autocomplete.
    return "https://ws.geonorge.no/adresser/v1/sok?" + urllib.parse.urlencode(
        {"sok": f"{query}*", "kommunenummer": area.zfill(4), "treffPerSide": LIMIT, "utkoordsys": 4258})


def _geonorge_read(answer) -> list[Place]:
    places = []
    for item in (answer.get("adresser") or []) if isinstance(answer, dict) else []:
        point = item.get("representasjonspunkt") or {}
        if isinstance(point.get("lat"), int | float) and isinstance(point.get("lon"), int | float):
            town = " ".join(filter(None, [item.get("postnummer"), (item.get("poststed") or "").title()]))
            label = ", ".join(filter(None, [item.get("adressetekst"), town]))
            places.append(Place(label, point["lat"], point["lon"]))
    return places


SERVICES: dict[str, Service] = {
    Geocoder.DAWA: Service(_dawa_url, _dawa_read, "Danmarks Adresseregister (DAR), Dataforsyningen"),
    # Geonorge's addresses are CC BY 4.0: the credit is required.
    Geocoder.GEONORGE: Service(_geonorge_url, _geonorge_read, "© Kartverket"),
}


def available(municipality: Municipality | None) -> bool:
    """Whether the municipality's forms offer an address search at all: an outside service,
    or places shipped with Høst for it."""
    if municipality is None:
        return False
    return municipality.map_geocoder in SERVICES or gazetteer.has_places(municipality.slug)


def credit(municipality: Municipality) -> str:
    service = SERVICES.get(municipality.map_geocoder)
    return service.credit if service else ""


def search(municipality: Municipality, query: str) -> list[Place]:
    """The places matching `query` inside the municipality, at most LIMIT, best first.
    Raises Unavailable when the outside service fails (never the shipped places)."""
    query = " ".join(query.split())
    service = SERVICES.get(municipality.map_geocoder)
    if service is None:
        return [Place(*found) for found in gazetteer.search(municipality.slug, query, limit=LIMIT)]
    digest = hashlib.sha256(gazetteer.fold(query).encode()).hexdigest()
    key = f"maps:geocode:{municipality.map_geocoder}:{municipality.map_geocoder_area}:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return [Place(**place) for place in cached]
    try:
        places = service.read(fetch_json(service.url(query, municipality.map_geocoder_area)))[:LIMIT]
    except (OSError, ValueError, urllib.error.URLError) as error:
        # Neither the query nor the address it was sent to: a person's address is no log line.
        logger.warning("address search %s unavailable: %s", municipality.map_geocoder, type(error).__name__)
        raise Unavailable from error
    cache.set(key, [asdict(place) for place in places], CACHE_SECONDS)
    return places
