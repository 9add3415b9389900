"""The dashboard, its illustrations and downloads, and who may see them."""
import io

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from tests.factories import UserFactory
from tests.reports.conftest import member
from tests.reports.generate import records, save

DASHBOARD = "/reports/m/aarhus/"


@pytest.fixture
def data(municipality, bergen):
    save(records(300, seed=9), {"aarhus": municipality})
    save(records(120, seed=10, municipality="bergen", country="NO"), {"bergen": bergen})


@pytest.mark.parametrize("role, staff_or_council", [
    ("anonymous", False), (None, False), (Role.CITIZEN, False), (Role.MODERATOR, False), (Role.STAFF, True),
    (Role.COUNCIL, True), (Role.ADMIN, True),
])
def test_everyone_sees_the_outcome_figures_and_only_staff_and_council_the_records(
        client, municipality, data, role, staff_or_council):
    if role != "anonymous":
        client.force_login(UserFactory(municipality=municipality) if role is None else member(municipality, role))
    # The Innovation Barometer's outcome figures: public, as the README says.
    for url in (DASHBOARD, DASHBOARD + "chart/roles.png", DASHBOARD + "chart/participation.svg",
                DASHBOARD + "table/values.csv", DASHBOARD + "table/participation.csv"):
        assert client.get(url).status_code == 200, url
    # The innovation records behind them, their export and the reports API: staff and council.
    refused = 302 if role == "anonymous" else 403
    for url in (DASHBOARD + "innovations/", DASHBOARD + "innovations/export.csv"):
        assert client.get(url).status_code == (200 if staff_or_council else refused), url
    api = client.get("/api/v1/reports/aarhus/barometer/").status_code
    assert api == (200 if staff_or_council else 403)
    page = client.get(DASHBOARD).content.decode()
    assert ("/reports/m/aarhus/innovations/" in page) == (role in (Role.STAFF, Role.ADMIN)), \
        "the link to the records only for those who manage them"


def test_staff_of_another_municipality_see_its_figures_not_its_records(client, municipality, bergen, data):
    client.force_login(member(bergen, Role.STAFF))
    assert client.get(DASHBOARD).status_code == 200
    assert client.get(DASHBOARD + "innovations/").status_code == 403
    assert client.get("/reports/m/bergen/innovations/").status_code == 200


def test_the_funnel_counts_ideas_and_the_other_ways_of_taking_part_are_a_figure_of_their_own(client, data):
    html = client.get(DASHBOARD).content.decode()
    funnel = html.split('id="figure-funnel"')[1].split("</section>")[0]
    participation = html.split('id="figure-participation"')[1].split("</section>")[0]
    assert "Ideas submitted" in funnel and "Budget turnout" not in funnel and "Dinner guests" not in funnel
    assert "Budget turnout (voters)" in participation and "Dinner guests" in participation
    assert "Ideas submitted" not in participation


def test_tables_scroll_sideways_in_a_focusable_region(client, data):
    html = client.get(DASHBOARD).content.decode()
    for name in ("roles", "values", "countries", "municipalities", "funnel", "participation"):
        figure = html.split(f'id="figure-{name}"')[1].split("</section>")[0]
        assert (f'<div class="table--responsive-scroll" tabindex="0" role="region" '
                f'aria-labelledby="figure-{name}-title">') in figure


def test_the_dashboard_shows_every_figure_with_table_text_and_downloads(staff_client, data):
    page = staff_client.get(DASHBOARD + "?year_from=2015")
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("roles", "values", "countries", "municipalities", "funnel", "participation"):
        assert f'id="figure-{name}"' in html
        assert f"chart/{name}.png?" in html and f"chart/{name}.svg?" in html
        assert f"table/{name}.csv?" in html and f"table/{name}.xlsx?" in html
    assert "Aarhus Kommune" in html and "Bergen kommune" in html  # side by side
    assert 'href="http://testserver/reports/m/aarhus/?municipality=aarhus&amp;year_from=2015#figure-roles"' in html


def test_share_link_reproduces_the_selection(staff_client, data):
    everywhere = staff_client.get(DASHBOARD + "?municipality=all&country=NO")
    assert 'data-share-page' in everywhere.content.decode()
    headline = everywhere.content.decode().split("data-headline>")[1].split("</p>")[0]
    assert "N = 120" in headline, "the Norwegian selection only"
    own = staff_client.get(DASHBOARD).content.decode().split("data-headline>")[1].split("</p>")[0]
    assert "N = 300" in own


def test_illustrations_download_as_png_and_svg_with_an_accessible_title(staff_client, data):
    png = staff_client.get(DASHBOARD + "chart/values.png?municipality=all")
    assert png["Content-Type"] == "image/png" and png.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert png["Content-Disposition"] == 'attachment; filename="hoest-aarhus-values.png"'
    assert b"Values achieved with and without citizens" in png.content  # PNG tEXt Title
    svg = staff_client.get(DASHBOARD + "chart/roles.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    text = svg.content.decode()
    assert 'role="img"' in text and '<title id="chart-title">' in text and "<desc" in text
    radar_missing = staff_client.get(DASHBOARD + "chart/nothing.png")
    assert radar_missing.status_code == 404


def test_every_table_exports_as_csv_and_xlsx(staff_client, data):
    for name in ("roles", "values", "countries", "municipalities", "funnel"):
        csv_response = staff_client.get(f"{DASHBOARD}table/{name}.csv")
        assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
        xlsx = staff_client.get(f"{DASHBOARD}table/{name}.xlsx")
        sheet = load_workbook(io.BytesIO(xlsx.content)).active
        assert sheet.max_row >= 2
    values = load_workbook(io.BytesIO(staff_client.get(DASHBOARD + "table/values.xlsx").content)).active
    header = [c.value for c in values[1]]
    assert "p-value, adjusted" in header
    first = [c.value for c in values[2]]
    assert isinstance(first[1], float) and 0 <= first[1] <= 1, "numbers stay numbers"


def test_dashboard_queries_do_not_grow_with_the_number_of_innovations(staff_client, municipality, data,
                                                                      django_assert_max_num_queries):
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(20):
        assert staff_client.get(DASHBOARD).status_code == 200
    save(records(500, seed=99), {"aarhus": municipality})
    cache.clear()
    with django_assert_max_num_queries(20):
        assert staff_client.get(DASHBOARD).status_code == 200


def test_funnel_counts_ideas_and_median_days_to_first_answer(staff_client, municipality, staff):
    from datetime import timedelta

    from django.utils import timezone

    from ideas.models import Status, StatusChange
    from reports import selectors
    from tests.ideas.factories import CampaignFactory, IdeaFactory

    campaign = CampaignFactory(municipality=municipality)
    now = timezone.now()
    ideas = [IdeaFactory(campaign=campaign, created_at=now - timedelta(days=30)) for _ in range(3)]
    for idea, days, status in zip(ideas[:2], (2, 6), (Status.ACCEPTED, Status.IMPLEMENTED), strict=True):
        StatusChange.objects.create(idea=idea, from_status=Status.PUBLISHED, to_status=status, answer="Svar",
                                    author=staff, created_at=idea.created_at + timedelta(days=days))
        idea.status = status
        idea.save()
    funnel = selectors.funnel(municipality)
    assert funnel["submitted"] == 3 and funnel["answered"] == 2 and funnel["accepted"] == 2
    assert funnel["implemented"] == 1
    assert funnel["median_days_to_answer"] == pytest.approx(4.0)
    assert funnel["dinner_guests"] == 0


def test_funnel_counts_dinner_guests_and_harvested_ideas(municipality):
    from datetime import timedelta

    from django.utils import timezone

    from dinners import services
    from dinners.models import Dinner
    from reports import selectors
    from tests.dinners.conftest import make_dinner, make_programme
    from tests.factories import DistrictFactory, UserFactory

    district = DistrictFactory(municipality=municipality)
    programme = make_programme(municipality)
    host = UserFactory(municipality=municipality)
    dinner = make_dinner(programme, host, district=district, seats=2)
    for _ in range(3):  # two seats, one on the waiting list
        services.seat_book(dinner=dinner, guest=UserFactory(municipality=municipality))
    Dinner.objects.filter(pk=dinner.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    dinner.refresh_from_db()
    services.report_file(dinner=dinner, author=host, participants=3,
                         answers={q.pk: "Svar" for q in programme.questions.all()},
                         ideas=[("Bytteskab", "Et skab på hjørnet."), ("Fællesværksted", "Værktøj til alle.")])
    funnel = selectors.funnel(municipality)
    assert (funnel["dinner_guests"], funnel["dinner_harvested_ideas"]) == (2, 2)
