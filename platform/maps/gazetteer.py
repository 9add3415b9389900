"""The places shipped with Høst: a small gazetteer of real streets, squares and landmarks in
the demo municipalities, so that "Search for an address" works without any outside request
(the demo, the tests, an installation without an address service). It answers through the
same interface as the outside address services (maps.geocoding).

Each place is (name, postcode and town, latitude, longitude), the point on the street or
square's middle, rounded to about ten metres; every one lies inside the municipality's
shipped outline (maps.outlines), which a test checks. A municipality that wants every
address names an address service instead (accounts.Municipality.map_geocoder).
"""
from __future__ import annotations

import unicodedata

PLACES: dict[str, list[tuple[str, str, float, float]]] = {
    "aarhus": [
        ("Rådhuspladsen", "8000 Aarhus C", 56.1527, 10.2035),
        ("Store Torv", "8000 Aarhus C", 56.1568, 10.2103),
        ("Søndergade", "8000 Aarhus C", 56.1535, 10.2083),
        ("Åboulevarden", "8000 Aarhus C", 56.1567, 10.2075),
        ("Mølleparken", "8000 Aarhus C", 56.1567, 10.2037),
        ("Vestergade", "8000 Aarhus C", 56.1577, 10.2025),
        ("Ingerslevs Boulevard", "8000 Aarhus C", 56.1480, 10.2063),
        ("Frederiks Allé", "8000 Aarhus C", 56.1500, 10.2030),
        ("Banegårdspladsen", "8000 Aarhus C", 56.1505, 10.2045),
        ("Hack Kampmanns Plads", "8000 Aarhus C", 56.1535, 10.2140),
        ("Aros Allé", "8000 Aarhus C", 56.1539, 10.1997),
        ("Skovgaardsgade", "8000 Aarhus C", 56.1555, 10.1965),
        ("Nørreport", "8000 Aarhus C", 56.1605, 10.2090),
        ("Nørrebrogade", "8000 Aarhus C", 56.1630, 10.2000),
        ("Universitetsparken", "8000 Aarhus C", 56.1680, 10.2030),
        ("Viborgvej", "8000 Aarhus C", 56.1588, 10.1920),
        ("Stadion Allé", "8000 Aarhus C", 56.1320, 10.1965),
        ("Skovbrynet", "8000 Aarhus C", 56.1370, 10.1960),
        ("Kongevejen", "8000 Aarhus C", 56.1350, 10.2050),
        ("Randersvej", "8200 Aarhus N", 56.1800, 10.1950),
        ("Palle Juul-Jensens Boulevard", "8200 Aarhus N", 56.1935, 10.1720),
        ("Gellerupparken", "8220 Brabrand", 56.1550, 10.1350),
        ("Brabrand Sø", "8220 Brabrand", 56.1467, 10.1060),
        ("Viby Torv", "8260 Viby J", 56.1295, 10.1640),
        ("Moesgård Allé", "8270 Højbjerg", 56.0885, 10.2245),
    ],
    "bergen": [
        ("Bryggen", "5003 Bergen", 60.3975, 5.3245),
        ("Bergenhus festning", "5003 Bergen", 60.3995, 5.3180),
        ("Nordnesparken", "5005 Bergen", 60.4005, 5.3030),
        ("Torgallmenningen", "5014 Bergen", 60.3927, 5.3240),
        ("Fisketorget", "5014 Bergen", 60.3950, 5.3250),
        ("Vetrlidsallmenningen", "5014 Bergen", 60.3963, 5.3285),
        ("Fløyen", "5014 Bergen", 60.3945, 5.3440),
        ("Festplassen", "5015 Bergen", 60.3918, 5.3275),
        ("Strømgaten", "5015 Bergen", 60.3900, 5.3330),
        ("Nygårdsparken", "5008 Bergen", 60.3845, 5.3330),
        ("Jonas Lies vei", "5021 Bergen", 60.3725, 5.3590),
        ("Sandviken", "5035 Bergen", 60.4095, 5.3215),
        ("Danmarks plass", "5063 Bergen", 60.3735, 5.3460),
        ("Ulriken", "5009 Bergen", 60.3780, 5.3860),
        ("Åsane senter", "5116 Ulset", 60.4660, 5.3230),
        ("Laksevåg senter", "5160 Laksevåg", 60.3865, 5.2975),
        ("Nesttun torg", "5221 Nesttun", 60.3190, 5.3530),
        ("Troldhaugvegen", "5232 Paradis", 60.3296, 5.3385),
        ("Lagunen storsenter", "5239 Rådal", 60.2970, 5.3310),
    ],
}


def fold(text: str) -> str:
    """Text as searched: lower case, without accents, Danish and Norwegian letters spelt the
    ways people type them without such a keyboard (ø, oe and o alike; å, aa and a alike)."""
    text = text.casefold().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.replace("aa", "a").replace("oe", "o")


def _words(text: str) -> list[str]:
    return [word for word in "".join(c if c.isalnum() else " " for c in fold(text)).split() if word]


def has_places(slug: str) -> bool:
    return bool(PLACES.get(slug))


def search(slug: str, query: str, *, limit: int) -> list[tuple[str, float, float]]:
    """(label, latitude, longitude) of the places whose name or postcode and town hold a word
    starting with each word of the query, those whose name starts with the query first."""
    wanted = _words(query)
    if not wanted:
        return []
    found = []
    for name, area, lat, lng in PLACES.get(slug, []):
        words = _words(f"{name} {area}")
        if all(any(word.startswith(part) for word in words) for part in wanted):
            starts = fold(name).startswith(" ".join(wanted))
            found.append((not starts, fold(name), f"{name}, {area}", lat, lng))
    found.sort()
    return [(label, lat, lng) for _rank, _key, label, lat, lng in found[:limit]]
