"""A budget's projects on a map: only that budget's projects with a place, filtered by district
and status, the funded ones only once the result is public, in a constant number of queries;
the project page and staff's review form show the place on a map."""
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from budgets.models import BudgetProcess, Phase
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import DistrictFactory, MembershipFactory, UserFactory, sign_in_recently

pytestmark = pytest.mark.django_db

PLACE = {"latitude": Decimal("56.150000"), "longitude": Decimal("10.200000")}


def markers(response) -> list[dict]:
    found = re.search(r'<script id="map-markers" type="application/json">(.*?)</script>', response.content.decode(),
                      re.DOTALL)
    assert found, "the page has no markers"
    return json.loads(found.group(1))


@pytest.fixture
def process(municipality):
    return BudgetProcessFactory(municipality=municipality)


def test_the_map_shows_the_budgets_projects_that_have_a_place(client, process):
    playground = ProjectFactory(process=process, title="Legeplads", cost=45_000, **PLACE)
    ProjectFactory(process=process, title="Uden sted")
    ProjectFactory(process=BudgetProcessFactory(municipality=process.municipality), title="Andet budget", **PLACE)
    response = client.get(reverse("budgets:map", args=[process.pk]))
    assert response.status_code == 200
    assert markers(response) == [{"lat": 56.15, "lng": 10.2, "title": "Legeplads", "url": playground.get_absolute_url(),
                                  "meta": "45.000 kr. · Gennemførligt"}]
    page = response.content.decode()
    assert f'<a href="{playground.get_absolute_url()}">Legeplads</a>' in page  # the list beside the map
    assert "Andet budget" not in page and "1 mere uden sted" in page
    # The process page leads to the map.
    assert reverse("budgets:map", args=[process.pk]) in client.get(reverse("budgets:detail", args=[process.pk])).content.decode()


def test_a_draft_budgets_map_is_for_its_staff_only(client, municipality):
    draft = BudgetProcessFactory(municipality=municipality, draft=True, phase=Phase.PROPOSALS)
    ProjectFactory(process=draft, **PLACE)
    assert client.get(reverse("budgets:map", args=[draft.pk])).status_code == 404
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role="staff")
    client.force_login(staff)
    assert client.get(reverse("budgets:map", args=[draft.pk])).status_code == 200


def test_the_map_filters_by_district_and_assessment(client, process):
    viby = DistrictFactory(municipality=process.municipality, name="Viby", slug="viby")
    ProjectFactory(process=process, title="Viby, gennemførligt", district=viby, **PLACE)
    ProjectFactory(process=process, title="Viby, ikke vurderet", district=viby, feasibility="pending", **PLACE)
    ProjectFactory(process=process, title="Midtbyen, gennemførligt", **PLACE)
    url = reverse("budgets:map", args=[process.pk])
    assert sorted(m["title"] for m in markers(client.get(url, {"district": viby.pk}))) == [
        "Viby, gennemførligt", "Viby, ikke vurderet"]
    assert [m["title"] for m in markers(client.get(url, {"district": viby.pk, "status": "pending"}))] == [
        "Viby, ikke vurderet"]


def test_funded_shows_only_once_the_result_is_public(client, process):
    """`selected` is set while the council reviews the result: never shown before it is public."""
    ProjectFactory(process=process, title="Valgt", selected=True, **PLACE)
    ProjectFactory(process=process, title="Ikke valgt", **PLACE)
    url = reverse("budgets:map", args=[process.pk])
    before = client.get(url, {"status": "funded"})
    assert 'value="funded"' not in before.content.decode()
    assert sorted(m["title"] for m in markers(before)) == ["Ikke valgt", "Valgt"]  # an unknown choice filters nothing
    assert not any("Finansieret" in m["meta"] for m in markers(before))


@pytest.mark.parametrize("projects", [3, 30])
def test_map_queries_are_constant(client, process, projects, django_assert_max_num_queries):
    district = DistrictFactory(municipality=process.municipality, name="Viby", slug="viby")
    for n in range(projects):
        ProjectFactory(process=process, district=district, latitude=Decimal("56.1") + n / Decimal(1000),
                       longitude=Decimal("10.2"))
    # The session's municipality, the process and its district budgets, the projects with a
    # place (their districts joined), the count of those without, the filter form's districts.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("budgets:map", args=[process.pk]))
    assert len(markers(response)) == projects


def test_the_project_page_shows_its_place_on_a_map(client, process):
    placed = ProjectFactory(process=process, **PLACE)
    page = client.get(placed.get_absolute_url()).content.decode()
    assert 'data-map="place"' in page and 'data-lat="56.150000"' in page and "56.15000, 10.20000" in page
    without = client.get(ProjectFactory(process=process).get_absolute_url()).content.decode()
    assert 'data-map="place"' not in without and "leaflet" not in without


def test_the_review_form_has_the_pin_map_beside_its_fields(client, process, budget_staff):
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.REVIEW)  # staff review before voting
    sign_in_recently(client, budget_staff)
    project = ProjectFactory(process=process, **PLACE)
    page = client.get(reverse("budgets:project-review", args=[project.pk])).content.decode()
    assert 'id="id_latitude"' in page and 'data-map="pin"' in page and 'data-lng-input="id_longitude"' in page
