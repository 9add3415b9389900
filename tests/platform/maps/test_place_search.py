"""The address search of the pin drop: the places shipped with Høst for the demo
municipalities (inside their outlines), found however Danish and Norwegian letters are typed;
the endpoint's answers (cacheable, rate-limited, bad input a translated 400, a failing outside
service a translated 503); the outside services asked by Høst on the citizen's behalf, with
nothing of the citizen's sent, their answers read and cached; and the settings' checks.
No test reaches the network: the outside services' answers are recorded shapes."""
from __future__ import annotations

import io
import json
import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Country, Geocoder
from maps import gazetteer, geocoding, outlines
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    """Whether (lng, lat) lies inside the polygon ring (even-odd rule)."""
    x, y = point
    result = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            result = not result
    return result


@pytest.mark.parametrize("slug", sorted(gazetteer.PLACES))
def test_every_shipped_place_lies_inside_its_municipalitys_outline(slug):
    ring = outlines.build(slug)["features"][0]["geometry"]["coordinates"][0]
    places = gazetteer.PLACES[slug]
    assert len(places) >= 15
    outside = [name for name, _area, lat, lng in places if not inside((lng, lat), ring)]
    assert outside == []
    assert len({name for name, *_ in places}) == len(places), "a name twice"


def search(client, query: str, slug: str = "aarhus", **extra):
    return client.get(f"/maps/{slug}/places/", {"q": query}, **extra)


def labels(response) -> list[str]:
    return [place["label"] for place in response.json()["results"]]


def test_a_street_is_found_with_its_place_and_the_answer_may_be_cached(client, municipality):
    response = search(client, "mølle")
    assert response.status_code == 200
    assert response.json() == {"results": [{"label": "Mølleparken, 8000 Aarhus C", "lat": 56.1567, "lng": 10.2037}]}
    assert "public" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]


@pytest.mark.parametrize("typed", ["Mølleparken", "moelleparken", "molle", "MØLLE", "mølleparken 8000"])
def test_danish_letters_however_they_are_typed(client, municipality, typed):
    assert labels(search(client, typed)) == ["Mølleparken, 8000 Aarhus C"]


def test_names_starting_with_the_words_come_first_and_a_postcode_finds_its_streets(client, municipality):
    assert labels(search(client, "vi"))[:2] == ["Viborgvej, 8000 Aarhus C", "Viby Torv, 8260 Viby J"]
    assert labels(search(client, "8200")) == ["Palle Juul-Jensens Boulevard, 8200 Aarhus N",
                                              "Randersvej, 8200 Aarhus N"]
    assert len(labels(search(client, "aarhus"))) == geocoding.LIMIT


def test_each_municipality_searches_its_own_places(client, municipality):
    MunicipalityFactory(slug="bergen", country=Country.NORWAY)
    assert labels(search(client, "bryggen")) == []
    assert labels(search(client, "bryggen", slug="bergen")) == ["Bryggen, 5003 Bergen"]
    assert labels(search(client, "asane", slug="bergen")) == ["Åsane senter, 5116 Ulset"]


def test_too_short_a_query_finds_nothing_without_searching(client, municipality):
    assert search(client, "m").json() == {"results": []}
    assert search(client, "   ").json() == {"results": []}


def test_too_long_a_query_is_a_translated_400_with_the_field(client, municipality):
    response = search(client, "x" * 101)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["fields"]["q"] == ["Denne værdi må højst have 100 tegn (den har 101)."]
    client.cookies["django_language"] = "en"
    english = search(client, "x" * 101)
    assert "at most 100 characters" in english.json()["fields"]["q"][0]


def test_no_search_where_there_is_none(client, municipality):
    assert search(client, "mølle", slug="ingen-kommune").status_code == 404
    MunicipalityFactory(slug="tromso", country=Country.NORWAY)  # no places shipped, no service
    assert search(client, "storgata", slug="tromso").status_code == 404
    assert client.post("/maps/aarhus/places/", {"q": "mølle"}).status_code == 405


def test_searches_are_rate_limited_per_person(client, municipality, settings):
    settings.PLACE_SEARCH_RATE = "3/m"
    for _ in range(3):
        assert search(client, "mølle").status_code == 200
    refused = search(client, "mølle")
    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Vent et minut" in refused.json()["detail"]
    other = UserFactory(municipality=municipality)
    client.force_login(other)
    assert search(client, "mølle").status_code == 200, "another person has their own count"


# --- The outside services -------------------------------------------------------------------
# The answers' shapes as the services give them (only the fields read, and a few around them).
DAWA_ANSWER = [
    {"type": "adgangsadresse", "tekst": "Rådhuspladsen 2, 8000 Aarhus C", "forslagstekst": "Rådhuspladsen 2, 8000 Aarhus C",
     "caretpos": 30, "data": {"id": "0a3f507a-b2e6-32b8-e044-0003ba298018", "vejnavn": "Rådhuspladsen", "husnr": "2",
                              "postnr": "8000", "postnrnavn": "Aarhus C", "kommunekode": "0751",
                              "x": 10.2031, "y": 56.1529, "href": "https://api.dataforsyningen.dk/adgangsadresser/0a3f"}},
    {"type": "vejnavn", "tekst": "Rådhusstræde ", "data": {"navn": "Rådhusstræde", "href": "https://example.invalid"}},
]
GEONORGE_ANSWER = {
    "metadata": {"side": 0, "treffPerSide": 8, "totaltAntallTreff": 1, "viserFra": 0, "viserTil": 1},
    "adresser": [{"adressetekst": "Bryggen 1", "adressenavn": "Bryggen", "postnummer": "5003", "poststed": "BERGEN",
                  "kommunenummer": "4601", "kommunenavn": "BERGEN",
                  "representasjonspunkt": {"epsg": "EPSG:4258", "lat": 60.39755, "lon": 5.32431}}],
}


class Calls:
    """urllib's urlopen stood in for: records each request and answers with `answer`."""

    def __init__(self, answer):
        self.answer = answer
        self.requests = []

    def __call__(self, request, timeout=None):
        self.requests.append(request)
        if isinstance(self.answer, Exception):
            raise self.answer
        return io.BytesIO(json.dumps(self.answer).encode())

    def query(self, n: int = 0) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.requests[n].full_url).query)


@pytest.fixture
def dawa(municipality):
    municipality.map_geocoder, municipality.map_geocoder_area = Geocoder.DAWA, "751"
    municipality.full_clean()
    municipality.save()
    return municipality


def test_dawa_is_asked_by_hoest_for_addresses_inside_the_municipality(client, dawa, monkeypatch):
    calls = Calls(DAWA_ANSWER)
    monkeypatch.setattr("urllib.request.urlopen", calls)
    response = search(client, "rådhuspl", HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_USER_AGENT="Citizen's phone")
    assert response.json() == {"results": [{"label": "Rådhuspladsen 2, 8000 Aarhus C", "lat": 56.1529, "lng": 10.2031}]}
    assert "max-age=3600" in response["Cache-Control"]
    request = calls.requests[0]
    assert request.full_url.startswith("https://api.dataforsyningen.dk/autocomplete?")
    assert calls.query() == {"q": ["rådhuspl"], "type": ["adgangsadresse"], "kommunekode": ["0751"], "per_side": ["8"]}
    # Nothing of the citizen's goes along: no address, no browser, no cookie.
    assert dict(request.header_items()) == {"Accept": "application/json", "User-agent": geocoding.USER_AGENT}

    # The same words again (however spaced or cased) are answered from the cache.
    assert search(client, "Rådhuspl ").json() == response.json()
    assert len(calls.requests) == 1


def test_geonorge_answers_are_read_with_the_credit_its_licence_asks(client, municipality, monkeypatch):
    bergen = MunicipalityFactory(slug="bergen", country=Country.NORWAY, map_geocoder=Geocoder.GEONORGE,
                                 map_geocoder_area="4601")
    calls = Calls(GEONORGE_ANSWER)
    monkeypatch.setattr("urllib.request.urlopen", calls)
    response = search(client, "bryggen 1", slug=bergen.slug)
    assert response.json() == {"results": [{"label": "Bryggen 1, 5003 Bergen", "lat": 60.39755, "lng": 5.32431}]}
    assert calls.requests[0].full_url.startswith("https://ws.geonorge.no/adresser/v1/sok?")
    assert calls.query() == {"sok": ["bryggen 1*"], "kommunenummer": ["4601"], "treffPerSide": ["8"],
                             "utkoordsys": ["4258"]}
    assert geocoding.credit(bergen) == "© Kartverket"


@pytest.mark.parametrize("failure", [TimeoutError("timed out"), OSError("connection refused"), "not json"])
def test_a_failing_service_is_a_translated_503_and_the_query_is_not_logged(client, dawa, monkeypatch, caplog,
                                                                           failure):
    if isinstance(failure, str):
        monkeypatch.setattr("urllib.request.urlopen", lambda request, timeout=None: io.BytesIO(failure.encode()))
    else:
        monkeypatch.setattr("urllib.request.urlopen", Calls(failure))
    with caplog.at_level(logging.WARNING, logger="maps.geocoding"):
        response = search(client, "Skovvejen 12")
    assert response.status_code == 503
    assert response.json()["code"] == "geocoder_unavailable"
    assert "Adressesøgningen svarer ikke lige nu" in response.json()["detail"]
    assert caplog.records, "the outage is logged"
    assert all("Skovvejen" not in record.getMessage() for record in caplog.records)
    # A failure is not cached: the service is asked again next time.
    monkeypatch.setattr("urllib.request.urlopen", Calls(DAWA_ANSWER))
    assert search(client, "Skovvejen 12").status_code == 200


def test_odd_answers_give_no_places_rather_than_errors(client, dawa, monkeypatch):
    monkeypatch.setattr("urllib.request.urlopen", Calls({"unexpected": True}))
    assert search(client, "rådhus").json() == {"results": []}
    monkeypatch.setattr("urllib.request.urlopen", Calls([{"tekst": "Uden sted", "data": {"x": "10", "y": None}}]))
    assert search(client, "uden sted").json() == {"results": []}


def test_an_outside_service_must_fit_the_country_and_know_the_municipality(municipality):
    municipality.map_geocoder = Geocoder.GEONORGE
    municipality.map_geocoder_area = "4601"
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "map_geocoder" in error.value.message_dict
    municipality.map_geocoder, municipality.map_geocoder_area = Geocoder.DAWA, ""
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "map_geocoder_area" in error.value.message_dict
    municipality.map_geocoder_area = "07a1"
    with pytest.raises(ValidationError) as error:
        municipality.full_clean()
    assert "map_geocoder_area" in error.value.message_dict
    municipality.map_geocoder_area = "0751"
    municipality.full_clean()


# --- On the forms ---------------------------------------------------------------------------
def test_the_submit_form_offers_the_search_as_a_combobox_inside_the_map_that_scripts_show(
        citizen_client, municipality):
    from tests.ideas.factories import CampaignFactory

    CampaignFactory(municipality=municipality, is_general_idea_box=True)
    page = citizen_client.get("/ideas/new/").content.decode()
    pin_map = page.split('class="hoest-pin-map" hidden', 1)[1].split("</button>", 1)[0]
    assert 'data-place-search="/maps/aarhus/places/"' in pin_map
    assert 'role="combobox"' in pin_map and 'aria-controls="place-search-results"' in pin_map
    assert '<label class="form-label" for="place-search" id="place-search-label">Søg efter en adresse</label>' in pin_map
    # Without JavaScript the map and its search stay hidden; the number fields are the way.
    assert 'name="latitude"' in page and 'name="longitude"' in page
    assert 'name="q"' not in page, "the search is never sent with the idea"


def test_with_an_outside_service_the_browser_still_talks_to_hoest_only(citizen_client, dawa):
    from tests.ideas.factories import CampaignFactory

    CampaignFactory(municipality=dawa, is_general_idea_box=True)
    response = citizen_client.get("/ideas/new/")
    assert "connect-src 'self'" in response["Content-Security-Policy"]
    assert "dataforsyningen" not in response["Content-Security-Policy"]
    assert "Adresser: Danmarks Adresseregister (DAR), Dataforsyningen." in response.content.decode()


def test_a_municipality_without_search_shows_no_search_field(client):
    from tests.ideas.factories import CampaignFactory

    tromso = MunicipalityFactory(slug="tromso", country=Country.NORWAY)
    CampaignFactory(municipality=tromso, is_general_idea_box=True)
    client.force_login(UserFactory(municipality=tromso))
    session = client.session
    session["municipality"] = "tromso"
    session.save()
    page = client.get("/ideas/new/").content.decode()
    assert 'class="hoest-pin-map"' in page and 'role="combobox"' not in page
