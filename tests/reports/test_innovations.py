"""Innovation records: register, import and export as CSV (page, API, command)."""
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from reports.models import Innovation
from tests.reports.conftest import member
from tests.reports.generate import records, to_csv


def upload(text: str, name="innovations.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_staff_import_a_csv_and_export_it_again(staff_client, municipality):
    rows = records(40, seed=8)
    response = staff_client.post("/reports/m/aarhus/innovations/", {"file": upload(to_csv(rows))})
    assert response.status_code == 302
    assert Innovation.objects.filter(municipality=municipality).count() == 40
    exported = staff_client.get("/reports/m/aarhus/innovations/export.csv")
    lines = list(csv.DictReader(io.StringIO(exported.content.decode())))
    assert len(lines) == 40
    assert lines[0]["country"] == "DK" and lines[0]["municipality"] == "aarhus"
    assert {k for k in lines[0]} >= {"id", "weight", "value_political_goals", "citizens_cocreated"}
    # Re-importing the export updates the same records instead of duplicating them.
    lines[0]["value_quality"] = "1" if lines[0]["value_quality"] == "0" else "0"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(lines[0]))
    writer.writeheader()
    writer.writerows(lines)
    assert staff_client.post("/reports/m/aarhus/innovations/", {"file": upload(out.getvalue())}).status_code == 302
    assert Innovation.objects.filter(municipality=municipality).count() == 40
    changed = Innovation.objects.get(pk=int(lines[0]["id"]))
    assert changed.value_quality == (lines[0]["value_quality"] == "1")


def test_a_file_with_errors_imports_nothing_and_names_line_and_column(staff_client, municipality):
    text = to_csv(records(5, seed=8)).splitlines()
    text[3] = text[3].replace(",municipality,", ",municipal,")  # line 4: bad sector level
    cells = text[5].split(",")
    cells[6] = "-2"  # line 6: negative weight
    text[5] = ",".join(cells)
    response = staff_client.post("/reports/m/aarhus/innovations/", {"file": upload("\n".join(text))})
    assert response.status_code == 400
    html = response.content.decode()
    assert "line 4, column sector_level" in html and "line 6, column weight" in html
    assert Innovation.objects.count() == 0


def test_a_file_cannot_write_into_another_municipality(staff_client, municipality, bergen):
    text = to_csv(records(3, seed=1, municipality="bergen", country="NO"))
    response = staff_client.post("/reports/m/aarhus/innovations/", {"file": upload(text)})
    assert response.status_code == 400 and "column municipality" in response.content.decode()
    assert Innovation.objects.count() == 0


def test_council_read_records_but_cannot_import_or_edit(client, council, municipality):
    client.force_login(council)
    assert client.get("/reports/m/aarhus/innovations/").status_code == 200
    assert client.post("/reports/m/aarhus/innovations/", {"file": upload(to_csv(records(2)))}).status_code == 403
    assert client.get("/reports/m/aarhus/innovations/new/").status_code == 403


def test_staff_register_an_innovation_on_the_page(staff_client, municipality):
    response = staff_client.post("/reports/m/aarhus/innovations/new/", {
        "title": "Digital skolebus", "description": "", "year": "2025", "sector_level": "municipality",
        "subsector": "schools", "innovation_type": "service", "citizens_initiated": "on",
        "citizens_initiated_note": "Forældre foreslog den", "value_quality": "on", "weight": "1"})
    assert response.status_code == 302
    innovation = Innovation.objects.get()
    assert innovation.with_citizens and innovation.citizens_initiated_note == "Forældre foreslog den"
    bad = staff_client.post("/reports/m/aarhus/innovations/new/", {"title": "", "year": "1800", "weight": "1"})
    assert bad.status_code == 400 and Innovation.objects.count() == 1


def test_staff_link_an_innovation_to_ideas_of_their_municipality_only(staff_client, municipality, bergen):
    from ideas.models import Status
    from reports import services
    from tests.ideas.factories import CampaignFactory, IdeaFactory

    own = IdeaFactory(campaign=CampaignFactory(municipality=municipality), status=Status.ACCEPTED)
    other = IdeaFactory(campaign=CampaignFactory(municipality=bergen), status=Status.ACCEPTED)
    form = {"title": "Delebus", "year": "2025", "sector_level": "municipality", "subsector": "technical",
            "innovation_type": "service", "weight": "1"}
    assert staff_client.post("/reports/m/aarhus/innovations/new/", {**form, "ideas": [other.pk]}).status_code == 400
    assert staff_client.post("/reports/m/aarhus/innovations/new/", {**form, "ideas": [own.pk]}).status_code == 302
    assert list(Innovation.objects.get().ideas.all()) == [own]
    with pytest.raises(Exception, match="same municipality"):
        services.innovation_create(municipality=municipality, title="X", ideas=[other])


def test_an_implemented_idea_becomes_an_innovation_with_the_citizens_roles(staff, municipality):
    # ideas announces the status change (ideas.signals.idea_implemented); reports records it.
    from django.utils import timezone

    from ideas import services as idea_services
    from ideas.models import Status
    from reports import services
    from tests.ideas.factories import CampaignFactory, IdeaFactory

    idea = IdeaFactory(campaign=CampaignFactory(municipality=municipality), citizens_initiated=True)
    idea_services.idea_roles_record(actor=staff, idea=idea, citizens_cocreated=True,
                                    citizens_cocreated_note="Borgerne byggede stativet")
    idea_services.idea_status_change(actor=staff, idea=idea, to_status=Status.ACCEPTED, answer="Godt")
    assert not idea.innovations.exists(), "only an implemented idea is an innovation"
    idea_services.idea_status_change(actor=staff, idea=idea, to_status=Status.IMPLEMENTED, answer="Færdigt")
    innovation = idea.innovations.get()
    assert (innovation.municipality, innovation.title, innovation.description) == (
        municipality, idea.title, idea.body)
    assert innovation.year == timezone.localdate().year
    assert innovation.citizens_initiated and innovation.citizens_cocreated and not innovation.citizens_promoted
    assert innovation.citizens_cocreated_note == "Borgerne byggede stativet"
    assert services.innovation_from_idea(idea=idea) == innovation, "idempotent"
    assert Innovation.objects.count() == 1


def test_import_command(tmp_path, municipality):
    from django.core.management import CommandError, call_command

    path = tmp_path / "records.csv"
    path.write_text(to_csv(records(12, seed=3)), encoding="utf-8")
    call_command("import_innovations", str(path), "--municipality", "aarhus")
    assert Innovation.objects.count() == 12
    out = tmp_path / "out.csv"
    call_command("export_innovations", str(out), "--municipality", "aarhus")
    assert len(out.read_text().splitlines()) == 13
    path.write_text("id,municipality\n1,aarhus\n", encoding="utf-8")
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_innovations", str(path), "--municipality", "aarhus")


# --- API -----------------------------------------------------------------------------

@pytest.fixture
def staff_api(client, staff):
    client.force_login(staff)
    return client


def test_api_import_is_all_or_nothing_with_errors_in_the_shared_shape(staff_api, municipality):
    text = to_csv(records(4, seed=2)).replace(",service,", ",servise,", 1)
    response = staff_api.post("/api/v1/innovations/import/?municipality=aarhus", {"file": upload(text)})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and any("column innovation_type" in m for m in body["fields"]["file"])
    assert Innovation.objects.count() == 0
    good = staff_api.post("/api/v1/innovations/import/?municipality=aarhus", {"file": upload(to_csv(records(4)))})
    assert good.status_code == 201 and good.json() == {"created": 4, "updated": 0}


def test_api_import_takes_what_the_innovations_page_takes(staff_api, municipality, monkeypatch):
    from reports import forms

    url = "/api/v1/innovations/import/?municipality=aarhus"
    assert staff_api.post(url, {}, HTTP_ACCEPT_LANGUAGE="en").json()["fields"] == {"file": ["This field is required."]}
    monkeypatch.setattr(forms, "MAX_IMPORT_BYTES", 1024 * 1024)
    too_large = staff_api.post(url, {"file": upload("x" * (1024 * 1024 + 1))}, HTTP_ACCEPT_LANGUAGE="en")
    assert too_large.status_code == 400
    assert too_large.json()["fields"] == {"file": ["The file is larger than 1 MB."]}
    assert Innovation.objects.count() == 0


def test_api_innovation_records_crud_by_staff_read_by_council(staff_api, staff, council, municipality):
    created = staff_api.post("/api/v1/innovations/", {
        "municipality": "aarhus", "title": "Fælles madordning", "year": 2024, "innovation_type": "process",
        "subsector": "childcare", "citizens_cocreated": True, "value_quality": True}, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["with_citizens"] is True and created.json()["country"] == "DK"
    patched = staff_api.patch(f"/api/v1/innovations/{pk}/", {"weight": "2.5"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["weight"] == "2.500000"
    staff_api.force_login(council)
    assert staff_api.get("/api/v1/innovations/?municipality=aarhus").json()["count"] == 1
    assert staff_api.patch(f"/api/v1/innovations/{pk}/", {"weight": "1"}, content_type="application/json").status_code == 403
    assert staff_api.delete(f"/api/v1/innovations/{pk}/").status_code == 403
    staff_api.force_login(staff)
    assert staff_api.delete(f"/api/v1/innovations/{pk}/").status_code == 204


def test_api_innovations_hidden_from_other_municipalities(client, municipality, bergen):
    innovation = Innovation.objects.create(municipality=municipality, title="Skjult", year=2020)
    client.force_login(member(bergen, Role.STAFF))
    assert client.get(f"/api/v1/innovations/{innovation.pk}/").status_code == 404
    assert client.get("/api/v1/innovations/?municipality=aarhus").status_code == 403


def test_api_reports_barometer_and_funnel(staff_api, municipality):
    from tests.reports.generate import save

    save(records(200, seed=6), {"aarhus": municipality})
    body = staff_api.get("/api/v1/reports/aarhus/barometer/?subsector=health").json()
    assert body["selection"] == {"municipality": "aarhus", "subsector": "health"}
    assert 0 < body["n"] < 200
    assert body["outcomes"]["quality"]["unadjusted"]["status"] in ("ok", "too_small", "separation", "no_variation")
    funnel = staff_api.get("/api/v1/reports/aarhus/funnel/").json()
    assert funnel["submitted"] == 0 and "budget_voters" in funnel


def test_api_innovation_records_link_the_ideas_the_page_offers(staff_api, municipality, bergen):
    from ideas.models import Status
    from tests.ideas.factories import IdeaFactory

    accepted = IdeaFactory(campaign__municipality=municipality, status=Status.ACCEPTED)
    elsewhere = IdeaFactory(campaign__municipality=bergen, status=Status.ACCEPTED)
    record = {"municipality": "aarhus", "title": "Fælles madordning", "year": 2024}
    refused = staff_api.post("/api/v1/innovations/", {**record, "year": 2200, "ideas": [elsewhere.pk]},
                             content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["fields"] == {"ideas": ["Link ideas of this municipality that are accepted or later."],
                                        "year": ["Ensure this value is less than or equal to 2100."]}
    created = staff_api.post("/api/v1/innovations/", {**record, "ideas": [accepted.pk]}, content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["ideas"] == [accepted.pk]
    # The idea is given up after it was linked: a change that does not touch the link keeps it.
    type(accepted).objects.filter(pk=accepted.pk).update(status=Status.NOT_PURSUED)
    patched = staff_api.patch(f"/api/v1/innovations/{pk}/", {"weight": "2.5"}, content_type="application/json")
    assert patched.status_code == 200, patched.content
    assert (patched.json()["ideas"], patched.json()["title"], patched.json()["weight"]) == (
        [accepted.pk], "Fælles madordning", "2.500000")
