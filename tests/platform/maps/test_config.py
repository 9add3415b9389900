"""The maps' settings per municipality: the shipped outline when there is no tile server,
a tile server's origin allowed in the Content-Security-Policy of map pages only, and the
checks on what an admin may enter."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Country, validate_tile_url
from maps import outlines
from maps.config import map_config, tile_source
from tests.factories import MunicipalityFactory
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db

TILES = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"


@pytest.mark.parametrize("slug", sorted(outlines.OUTLINES))
def test_the_shipped_outlines_are_what_the_generator_makes(slug):
    """static/maps/outlines/ is made by maps.outlines: a change to one without the other fails."""
    shipped = (outlines.FOLDER / f"{slug}.geojson").read_text(encoding="utf-8")
    assert shipped == outlines.text(slug), "run `python -m maps.outlines` (PYTHONPATH=platform)"


def test_each_outline_has_the_demo_districts_inside_the_boundary():
    from accounts.demo import MUNICIPALITIES

    for spec in MUNICIPALITIES:
        data = outlines.build(spec["slug"])
        kinds = [f["properties"]["kind"] for f in data["features"]]
        assert kinds.count("municipality") == 1
        assert sorted(f["properties"]["name"] for f in data["features"] if f["properties"]["kind"] == "district") \
            == sorted(spec["districts"])
        ring = data["features"][0]["geometry"]["coordinates"][0]
        south, north = min(p[1] for p in ring), max(p[1] for p in ring)
        for feature in data["features"][1:]:
            lat, _lng = feature["properties"]["label"]
            assert south < lat < north


def test_without_a_tile_server_the_map_draws_the_shipped_outline(municipality):
    config = map_config(municipality)
    assert config["tiles"] is None
    assert config["outline"] == "/static/maps/outlines/aarhus.geojson"
    (south, west), (north, east) = config["bounds"]
    assert south < 56.15 < north and west < 10.2 < east  # around Aarhus
    assert tile_source(municipality) is None


def test_a_municipality_without_outline_opens_on_its_country():
    norwegian = MunicipalityFactory(slug="tromso", country=Country.NORWAY)
    config = map_config(norwegian)
    assert config["outline"] is None and config["bounds"] is None
    assert config["center"] == [61.0, 9.0]


def test_a_tile_server_replaces_the_outline_and_its_own_centre_wins(municipality):
    municipality.map_tiles_url = TILES
    municipality.map_tiles_attribution = "© Kortbutikken"
    municipality.map_latitude, municipality.map_longitude, municipality.map_zoom = Decimal("56.1"), Decimal("10.2"), 13
    config = map_config(municipality)
    assert config["tiles"] == {"url": TILES, "attribution": "© Kortbutikken"}
    assert config["outline"] is None and config["bounds"] is None
    assert (config["center"], config["zoom"]) == ([56.1, 10.2], 13)
    assert tile_source(municipality) == "https://*.tiles.example.org"


@pytest.mark.parametrize("url", [TILES, "https://tiles.example.org:8443/osm/{z}/{x}/{y}.png?key=abc"])
def test_tile_addresses_that_are_taken(url):
    validate_tile_url(url)


@pytest.mark.parametrize("url", [
    "http://tiles.example.org/{z}/{x}/{y}.png",  # not https: refused on an https page
    "https://tiles.example.org/{z}/{x}.png",  # no {y}
    "javascript:alert(1)//{z}/{x}/{y}",
    "https://tiles.example.org/{z}/{x}/{y}.png\" onerror=\"alert(1)",
    "https://a.{s}.example.org/{z}/{x}/{y}.png",  # {s} not the first label: no CSP source for it
])
def test_tile_addresses_that_are_refused(url):
    with pytest.raises(ValidationError):
        validate_tile_url(url)


def test_a_tile_server_must_be_credited_and_a_centre_needs_both_coordinates(municipality):
    municipality.map_tiles_url = TILES
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "map_tiles_attribution" in error.value.message_dict
    municipality.map_tiles_attribution = "© Kortbutikken"
    municipality.map_latitude = Decimal("56.1")
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "map_latitude" in error.value.message_dict


def directives(policy: str) -> list[str]:
    """A Content-Security-Policy's directives (their order is not part of the policy)."""
    return [directive.strip() for directive in policy.split(";")]


def test_only_pages_with_a_map_allow_the_tile_server(client, municipality):
    municipality.map_tiles_url = TILES
    municipality.map_tiles_attribution = "© Kortbutikken"
    municipality.save()
    IdeaFactory(campaign__municipality=municipality, latitude=Decimal("56.15"), longitude=Decimal("10.2"))
    with_map = directives(client.get("/ideas/map/")["Content-Security-Policy"])
    assert "img-src 'self' https://*.tiles.example.org" in with_map
    assert "script-src 'self'" in with_map  # nothing else is relaxed
    assert "tiles.example.org" not in client.get("/ideas/")["Content-Security-Policy"]


def test_without_a_tile_server_the_map_pages_keep_the_strict_policy(client, municipality):
    assert "img-src 'self'" in directives(client.get("/ideas/map/")["Content-Security-Policy"])
