"""The ideas map and places on idea pages: only public ideas are on the map, with the list's
filters, in a constant number of queries; the submit form keeps its typed coordinates."""
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from ideas.models import Idea, Status, Visibility
from tests.factories import MunicipalityFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory

pytestmark = pytest.mark.django_db

PLACE = {"latitude": Decimal("56.156000"), "longitude": Decimal("10.203000")}


def markers(response) -> list[dict]:
    found = re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', response.content.decode(),
                      re.DOTALL)
    assert found, "the page has no markers"
    return json.loads(found.group(1))


def listed(response) -> list[str]:
    """The titles in the list beside the map (what people without the map read)."""
    block = response.content.decode().split('id="map-list"', 1)[1].split("</ol>", 1)[0]
    return re.findall(r'<a href="/ideas/\d+/">([^<]+)</a>', block)


def test_only_public_ideas_with_a_place_are_on_the_map(client, campaign):
    shown = IdeaFactory(campaign=campaign, title="Bænk ved åen", **PLACE)
    IdeaFactory(campaign=campaign, title="Uden sted")
    IdeaFactory(campaign=campaign, title="Venter på moderator", visibility=Visibility.PENDING, **PLACE)
    IdeaFactory(campaign=campaign, title="Skjult af moderator", visibility=Visibility.HIDDEN, **PLACE)
    IdeaFactory(campaign=campaign, title="Slået sammen", merged_into=shown, **PLACE)
    other = CampaignFactory(municipality=MunicipalityFactory(slug="bergen"))
    IdeaFactory(campaign=other, title="I Bergen", latitude=Decimal("60.39"), longitude=Decimal("5.32"))

    response = client.get(reverse("ideas:map"))
    assert response.status_code == 200
    assert markers(response) == [{"lat": 56.156, "lng": 10.203, "title": "Bænk ved åen",
                                  "url": f"/ideas/{shown.pk}/", "meta": "Offentliggjort"}]
    assert listed(response) == ["Bænk ved åen"]
    page = response.content.decode()
    for hidden in ("Venter på moderator", "Skjult af moderator", "Slået sammen", "I Bergen"):
        assert hidden not in page
    assert "1 mere uden sted, i listen" in page  # "Uden sted" is public, without a place


def test_the_map_takes_the_lists_filters(client, campaign):
    viby = campaign.municipality.districts.create(name="Viby", slug="viby")
    IdeaFactory(campaign=campaign, title="I Viby, i gang", district=viby, status=Status.IN_PROGRESS, **PLACE)
    IdeaFactory(campaign=campaign, title="I Viby, ny", district=viby, **PLACE)
    IdeaFactory(campaign=campaign, title="Midtbyen, i gang", status=Status.IN_PROGRESS, **PLACE)

    by_district = client.get(reverse("ideas:map"), {"district": viby.pk})
    assert sorted(m["title"] for m in markers(by_district)) == ["I Viby, i gang", "I Viby, ny"]
    both = client.get(reverse("ideas:map"), {"district": viby.pk, "status": Status.IN_PROGRESS})
    assert [m["title"] for m in markers(both)] == ["I Viby, i gang"] == listed(both)
    # The same filters go back and forth between the list and the map.
    assert f'href="/ideas/?district={viby.pk}&amp;status=in_progress"' in both.content.decode()
    assert f'href="/ideas/map/?district={viby.pk}"' in client.get(
        reverse("ideas:list"), {"district": viby.pk}).content.decode()


def test_a_title_cannot_break_out_of_the_markers(client, campaign):
    IdeaFactory(campaign=campaign, title="</script><script>alert(1)</script>", **PLACE)
    response = client.get(reverse("ideas:map"))
    assert "<script>alert(1)" not in response.content.decode()
    assert markers(response)[0]["title"] == "</script><script>alert(1)</script>"


@pytest.mark.parametrize("ideas", [3, 30])
def test_map_queries_are_constant(client, campaign, ideas, django_assert_max_num_queries):
    district = campaign.municipality.districts.create(name="Viby", slug="viby")
    for n in range(ideas):
        IdeaFactory(campaign=campaign, district=district, latitude=Decimal("56.1") + n / Decimal(1000),
                    longitude=Decimal("10.2"))
    IdeaFactory(campaign=campaign)  # no place
    # The municipality, the filter form's campaigns, categories and districts, the ideas with a
    # place (their districts joined) and the count of those without.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("ideas:map"), {"sort": "supported"})
    assert len(markers(response)) == ideas == len(listed(response))


def test_the_map_shows_at_most_its_limit_and_says_so(client, campaign, monkeypatch):
    from ideas import selectors

    monkeypatch.setattr(selectors, "MAP_LIMIT", 2)
    for _ in range(3):
        IdeaFactory(campaign=campaign, **PLACE)
    response = client.get(reverse("ideas:map"))
    assert len(markers(response)) == 2
    assert "Kortet viser de første 2 idéer" in response.content.decode()


def test_an_idea_with_a_place_shows_it_on_its_page(client, campaign):
    placed = IdeaFactory(campaign=campaign, **PLACE)
    page = client.get(reverse("ideas:detail", args=[placed.pk])).content.decode()
    assert 'id="idea-place"' in page and "56.15600, 10.20300" in page
    assert 'data-map="place"' in page and 'data-lat="56.156000"' in page
    assert "leaflet/leaflet.js" in page
    without = client.get(reverse("ideas:detail", args=[IdeaFactory(campaign=campaign).pk])).content.decode()
    assert 'id="idea-place"' not in without and "leaflet" not in without


def test_the_submit_form_has_the_pin_map_and_keeps_the_typed_coordinates(citizen_client, campaign):
    """Without JavaScript the map stays hidden and the typed numbers are the place."""
    form = citizen_client.get(reverse("ideas:submit")).content.decode()
    assert 'id="id_latitude"' in form and 'id="id_longitude"' in form
    assert 'data-map="pin"' in form and 'data-lat-input="id_latitude"' in form
    response = citizen_client.post(reverse("ideas:submit"), {
        "campaign": campaign.pk, "title": "Bænk ved stien", "body": "Ældre har brug for at hvile.",
        "latitude": "56.1571", "longitude": "10.2071"})
    assert response.status_code == 302
    idea = Idea.objects.get(title="Bænk ved stien")
    assert (idea.latitude, idea.longitude) == (Decimal("56.157100"), Decimal("10.207100"))


def test_a_half_place_is_refused_with_a_message(citizen_client, campaign):
    response = citizen_client.post(reverse("ideas:submit"), {
        "campaign": campaign.pk, "title": "Bænk ved stien", "body": "Ældre har brug for at hvile.",
        "latitude": "56.1571", "longitude": ""})
    assert response.status_code == 200
    assert "Angiv både breddegrad og længdegrad" in response.content.decode()
    assert not Idea.objects.filter(title="Bænk ved stien").exists()
