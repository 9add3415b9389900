"""Every figure against an independent computation: numpy for shares, statsmodels (the
definition) for the regressions, at the row level, on generated records in the database."""
import warnings

import numpy as np
import pytest

from charts.stats import MIN_ROWS, Status, citizen_odds_ratio
from reports import selectors
from reports.figures import VALUES
from tests.reports.generate import records, save, statsmodels_or


def _weighted_share(rows, condition, among=lambda r: True):
    w = np.array([float(r["weight"]) for r in rows if among(r)])
    hit = np.array([condition(r) for r in rows if among(r)], dtype=bool)
    return float(w[hit].sum() / w.sum())


def _with_citizens(r):
    return r["citizens_initiated"] or r["citizens_promoted"] or r["citizens_cocreated"]


@pytest.fixture
def stored(municipality, bergen):
    aarhus_rows = records(600, seed=11)
    bergen_rows = records(300, seed=12, municipality="bergen", country="NO", p_citizens=0.5)
    save(aarhus_rows + bergen_rows, {"aarhus": municipality, "bergen": bergen})
    return aarhus_rows, bergen_rows


def test_weighted_shares_and_n_match_numpy(stored):
    aarhus_rows, _ = stored
    report = selectors.barometer(selectors.Selection(municipality="aarhus"))
    assert report["n"] == 600
    assert report["weighted_n"] == pytest.approx(sum(float(r["weight"]) for r in aarhus_rows), rel=1e-12)
    roles = report["citizen_role"]
    assert roles["any"] == pytest.approx(_weighted_share(aarhus_rows, _with_citizens), rel=1e-12)
    assert roles["initiated"] == pytest.approx(_weighted_share(aarhus_rows, lambda r: r["citizens_initiated"]), rel=1e-12)
    assert roles["promoted"] == pytest.approx(_weighted_share(aarhus_rows, lambda r: r["citizens_promoted"]), rel=1e-12)
    assert roles["co_created"] == pytest.approx(_weighted_share(aarhus_rows, lambda r: r["citizens_cocreated"]), rel=1e-12)
    for value in VALUES:
        result = report["outcomes"][value]
        flag = f"value_{value}"
        assert result["with_citizens"] == pytest.approx(
            _weighted_share(aarhus_rows, lambda r, f=flag: r[f], _with_citizens), rel=1e-12)
        assert result["without_citizens"] == pytest.approx(
            _weighted_share(aarhus_rows, lambda r, f=flag: r[f], lambda r: not _with_citizens(r)), rel=1e-12)


def test_odds_ratios_match_statsmodels_unadjusted_and_adjusted(stored):
    aarhus_rows, _ = stored
    report = selectors.barometer(selectors.Selection(municipality="aarhus"))
    for value in VALUES:
        for adjusted in (False, True):
            ours = report["outcomes"][value]["adjusted" if adjusted else "unadjusted"]
            assert ours.status == Status.OK
            expected = statsmodels_or(aarhus_rows, value, adjusted=adjusted)
            assert (ours.odds_ratio, ours.ci_low, ours.ci_high, ours.p_value) == pytest.approx(expected, rel=1e-6)
    # The generated data has citizens raise involvement strongly: the chapter's finding.
    involvement = report["outcomes"]["citizen_involvement"]
    assert involvement["adjusted"].odds_ratio > 1 and involvement["adjusted"].significant


def test_side_by_side_countries_and_municipalities(stored):
    aarhus_rows, bergen_rows = stored
    report = selectors.barometer(selectors.Selection(municipality="aarhus"))
    assert report["by_country"]["DK"]["n"] == 600 and report["by_country"]["NO"]["n"] == 300
    assert report["by_country"]["NO"]["citizen_role"]["any"] == pytest.approx(
        _weighted_share(bergen_rows, _with_citizens), rel=1e-12)
    assert report["by_municipality"]["aarhus"]["citizen_role"]["any"] == pytest.approx(report["citizen_role"]["any"])
    everything = selectors.barometer(selectors.Selection(municipality="all"))
    assert everything["n"] == 900
    assert everything["citizen_role"]["any"] == pytest.approx(
        _weighted_share(aarhus_rows + bergen_rows, _with_citizens), rel=1e-12)
    norway = selectors.barometer(selectors.Selection(municipality="all", country="NO"))
    assert norway["n"] == 300


def test_empty_groups_and_a_category_with_one_member(municipality):
    # Only two of four types and three of ten subsectors occur (empty groups), and one
    # subsector has a single record.
    rows = records(400, seed=3, types=["product", "service"], subsectors=["schools", "health", "culture"])
    rows[0]["subsector"] = "employment"
    save(rows, {"aarhus": municipality})
    report = selectors.barometer(selectors.Selection(municipality="aarhus"))
    for value in VALUES:
        ours = report["outcomes"][value]["adjusted"]
        assert ours.status == Status.OK
        # The lone record is predicted perfectly by its own category: statsmodels runs that
        # coefficient off towards infinity, and the citizens' estimate converges to ours.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = statsmodels_or(rows, value, adjusted=True)
        assert (ours.odds_ratio, ours.ci_low, ours.ci_high, ours.p_value) == pytest.approx(expected, rel=1e-4)
        # ... and equals exactly the fit without that record.
        assert (ours.odds_ratio, ours.ci_low, ours.ci_high, ours.p_value) == pytest.approx(
            statsmodels_or(rows[1:], value, adjusted=True), rel=1e-6)


def test_zero_weights_count_in_n_but_not_in_the_figures(municipality):
    rows = records(300, seed=5)
    for row in rows[:40]:
        row["weight"] = 0
    save(rows, {"aarhus": municipality})
    report = selectors.barometer(selectors.Selection(municipality="aarhus"))
    assert report["n"] == 300
    ours = report["outcomes"]["quality"]["unadjusted"]
    assert (ours.odds_ratio, ours.p_value) == pytest.approx(statsmodels_or(rows[40:], "quality", adjusted=False)[::3],
                                                            rel=1e-6)


def _cells(y, wc, w=None):
    n = len(y)
    w = np.ones(n) if w is None else np.asarray(w)
    return {"y": y, "with_citizens": wc, "sum_w": w, "sum_w2": w * w, "count": np.ones(n, dtype=int)}


def test_too_small_no_variation_and_separation_give_a_status_not_a_number():
    few = citizen_odds_ratio(**_cells([0, 1, 0, 1], [0, 0, 1, 1]))
    assert few.status == Status.TOO_SMALL and few.odds_ratio is None and MIN_ROWS > 4
    flat = citizen_odds_ratio(**_cells([1] * 30, [0, 1] * 15))
    assert flat.status == Status.NO_VARIATION and flat.p_value is None
    nobody = citizen_odds_ratio(**_cells([0, 1] * 15, [0] * 30))
    assert nobody.status == Status.NO_VARIATION
    # Every innovation with citizens reached the value: perfect separation.
    separated = citizen_odds_ratio(**_cells([1] * 15 + [0, 1] * 10, [1] * 15 + [0] * 20))
    assert separated.status == Status.SEPARATION and separated.odds_ratio is None


def test_an_empty_selection_has_no_numbers(municipality):
    report = selectors.barometer(selectors.Selection(municipality="aarhus"))
    assert report["n"] == 0 and report["citizen_role"]["any"] is None
    assert report["outcomes"]["quality"]["unadjusted"].status == Status.TOO_SMALL


def test_figures_are_cached_until_an_innovation_changes(municipality, django_assert_num_queries,
                                                        django_capture_on_commit_callbacks):
    from reports import services

    save(records(50, seed=1), {"aarhus": municipality})
    selection = selectors.Selection(municipality="aarhus")
    assert selectors.barometer(selection)["n"] == 50
    with django_assert_num_queries(0):
        assert selectors.barometer(selection)["n"] == 50, "served from the cache"
    with django_capture_on_commit_callbacks(execute=True):
        services.innovation_create(municipality=municipality, title="Ny", year=2016, citizens_promoted=True)
    assert selectors.barometer(selection)["n"] == 51, "a changed record moves the data version on"
