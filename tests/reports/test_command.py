"""`barometer_report FILE.csv --json` and the chapter's headline."""
import json

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Country
from reports.figures import VALUES
from tests.factories import MunicipalityFactory
from tests.reports.generate import headline_rows, records, save, statsmodels_or, to_csv


def run(path) -> dict:
    from io import StringIO

    out = StringIO()
    call_command("barometer_report", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_the_chapters_headline_63_percent_of_1942(tmp_path):
    path = tmp_path / "barometer.csv"
    path.write_text(to_csv(headline_rows()), encoding="utf-8")
    report = run(path)
    assert report["n"] == 1942 and report["weighted_n"] == 1942
    assert round(report["citizen_role"]["any"] * 100) == 63
    assert set(report["citizen_role"]) == {"any", "initiated", "promoted", "co_created"}
    assert set(report["outcomes"]) == set(VALUES)
    involvement = report["outcomes"]["citizen_involvement"]
    assert set(involvement) == {"with_citizens", "without_citizens", "unadjusted", "adjusted", "significant"}
    assert set(involvement["adjusted"]) == {"odds_ratio", "ci_low", "ci_high", "p_value"}
    assert involvement["with_citizens"] > involvement["without_citizens"] and involvement["significant"] is True
    assert set(report["by_country"]) == {"DK", "NO"}
    assert report["by_country"]["DK"]["n"] + report["by_country"]["NO"]["n"] == 1942
    assert set(report["by_municipality"]) == {"aarhus", "bergen"}
    assert set(report["by_municipality"]["bergen"]) == {"n", "citizen_role"}


def test_json_numbers_equal_statsmodels_and_numpy(tmp_path):
    rows = records(500, seed=21)
    path = tmp_path / "weighted.csv"
    path.write_text(to_csv(rows), encoding="utf-8")
    report = run(path)
    total = sum(float(r["weight"]) for r in rows)
    assert report["weighted_n"] == pytest.approx(total)
    for value in VALUES:
        for model in ("unadjusted", "adjusted"):
            ours = report["outcomes"][value][model]
            expected = statsmodels_or(rows, value, adjusted=model == "adjusted")
            assert (ours["odds_ratio"], ours["ci_low"], ours["ci_high"], ours["p_value"]) == pytest.approx(
                expected, rel=1e-6)


def test_the_command_and_the_database_give_the_same_figures(tmp_path, municipality):
    from reports import figures, selectors

    rows = records(300, seed=4)
    save(rows, {"aarhus": municipality})
    path = tmp_path / "same.csv"
    path.write_text(to_csv(rows), encoding="utf-8")
    from_file = run(path)
    from_db = figures.as_json(selectors.barometer(selectors.Selection(municipality="aarhus")))
    assert from_file["citizen_role"] == pytest.approx(from_db["citizen_role"])
    for value in VALUES:
        assert from_file["outcomes"][value]["adjusted"] == pytest.approx(from_db["outcomes"][value]["adjusted"])


def test_too_small_selections_print_null_not_a_number(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text(to_csv(records(5, seed=2)), encoding="utf-8")
    report = run(path)
    assert report["outcomes"]["quality"]["unadjusted"]["odds_ratio"] is None
    assert report["outcomes"]["quality"]["significant"] is None


def test_bad_rows_are_reported_by_line_and_column(tmp_path):
    rows = records(3, seed=2)
    text = to_csv(rows).splitlines()
    text[2] = text[2].replace(",municipality,", ",nowhere,").replace("DK", "Danmark")
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(path)
    assert "line 3, column country" in str(error.value)


def test_the_dashboard_shows_the_headline_63_percent(tmp_path, client, municipality):
    from accounts.models import Role
    from tests.reports.conftest import member

    bergen = MunicipalityFactory(slug="bergen", name="Bergen kommune", country=Country.NORWAY)
    save(headline_rows(), {"aarhus": municipality, "bergen": bergen})
    client.force_login(member(municipality, Role.COUNCIL))
    page = client.get("/reports/m/aarhus/?municipality=all")
    assert page.status_code == 200
    headline = page.content.decode().split("data-headline>")[1].split("</p>")[0]
    assert "63 %" in headline and ("1.942" in headline or "1,942" in headline)
