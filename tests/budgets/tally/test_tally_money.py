"""Budgets and costs with decimals (Kraków's districts, Warszawa 2017/2018) are exact.

Money is an integer of minor units inside the engine; ``Election.scale`` says how many make a
currency unit, and everything shown or written goes back to the file's notation.
"""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from budgets.tally import Prepared, outcome_stats, parse_pb_text, tally, write_pb
from budgets.tally.outcome import json_money
from budgets.tally.pbformat import decimal_places, format_money, parse_money

# Shaped like Kraków's district files (budget with grosze). A and C tie on votes, C is
# cheaper and goes first; A would then overspend by exactly 0.01, so greedy skips it and
# funds B. Rounded or floored to whole złoty, A + C fits and the outcome changes.
KRAKOW_LIKE = """META
key;value
description;District PB in Kraków, Dzielnica XVII
country;Poland
unit;Kraków
subunit;Dzielnica XVII
instance;2021
budget;1794579.57
vote_type;approval
rule;greedy
currency;PLN
PROJECTS
project_id;cost;votes;name
A;1000000.5;3;Park
C;794579.08;3;Library
B;794579.07;2;Bridge
D;350000;1;Benches
E;4000.0;0;Bins
VOTES
voter_id;vote
1;A,B,C
2;A,B,C
3;A,C
4;D
"""


def krakow():
    return parse_pb_text(KRAKOW_LIKE)


def test_amounts_become_exact_integers_of_grosze():
    e = krakow()
    assert e.scale == 100
    assert e.budget == 179_457_957
    assert e.costs == [100_000_050, 79_457_908, 79_457_907, 35_000_000, 400_000]
    assert e.format_money(e.budget) == "1794579.57"
    assert e.format_money(e.budget, grouping=True) == "1,794,579.57"


def test_greedy_is_exact_to_the_grosz_at_the_budget_edge():
    e = krakow()
    out = tally(e, "greedy")
    assert out.selected_ids == ["C", "B", "E"]  # A would overspend by 0.01
    assert out.spent == 159_315_815 and out.spent_text == "1593158.15"
    assert e.budget - (e.costs[e.index_of("C")] + e.costs[e.index_of("A")]) == -1
    assert tally(e, "greedy-no-skip").selected_ids == ["C"]  # stops at A
    # The same file with amounts cut to whole złoty funds A: rounding changes the outcome.
    whole = parse_pb_text(
        KRAKOW_LIKE.replace("1794579.57", "1794579")
        .replace("1000000.5", "1000000")
        .replace("794579.08", "794579")
        .replace("794579.07", "794579")
    )
    assert whole.scale == 1
    assert tally(whole, "greedy").selected_ids == ["C", "A"]  # exactly the budget


def test_json_and_stats_give_currency_units():
    e = krakow()
    out = tally(e, "greedy")
    doc = out.as_json()
    assert doc["spent"] == 1593158.15
    assert '"spent": 1593158.15' in json.dumps(doc)
    stats = outcome_stats(out)
    assert (stats.spent, stats.budget, stats.scale) == (159_315_815, 179_457_957, 100)
    whole = json_money(35_400_000, 100)
    assert whole == 354000 and isinstance(whole, int)  # whole amounts stay ints in JSON
    assert json_money(7, 1000) == 0.007
    assert json_money(10**20 + 1, 100) == "1000000000000000000.01"  # beyond a float: text


def test_round_trip_gives_back_the_same_text():
    e = krakow()
    assert write_pb(e) == KRAKOW_LIKE  # 1794579.57, 1000000.5, 350000, 4000.0 as written
    assert parse_pb_text(write_pb(e)) == e


def test_a_changed_cost_is_written_in_the_files_notation():
    e = krakow()
    e.projects[e.index_of("D")].cost = 35_000_001
    e.projects[e.index_of("E")].cost = 500_000
    text = write_pb(e)
    assert "D;350000.01;" in text and "E;5000;" in text
    assert parse_pb_text(text) == e


def test_mes_on_grosze_equals_mes_on_whole_units():
    """MES does not depend on the unit: the same election written in grosze as whole
    numbers selects the same projects."""
    e = krakow()
    in_grosze = parse_pb_text(
        KRAKOW_LIKE.replace("1794579.57", "179457957")
        .replace("1000000.5", "100000050")
        .replace("794579.08", "79457908")
        .replace("794579.07", "79457907")
        .replace("350000;", "35000000;")
        .replace("4000.0", "400000")
    )
    assert in_grosze.scale == 1 and in_grosze.costs == e.costs
    assert tally(e, "mes").selected_ids == tally(in_grosze, "mes").selected_ids


def test_add1_raises_the_per_voter_budget_one_currency_unit_at_a_time():
    text = """META
key;value
budget;100.01
vote_type;approval
PROJECTS
project_id;cost
A;60
B;30
C;40
VOTES
voter_id;vote
1;A,C
2;A,C
3;A,C
4;B,C
"""
    e = parse_pb_text(text)
    assert e.scale == 100
    eq = tally(e, "equalshares/add1")
    # starts at floor(100.01 / 4) = 25.00 a voter, +1.00 a step; at 40.00 B is funded too
    assert eq.selected_ids == ["C", "A"]
    assert eq.notes["per_voter_budget"] == 3900 and eq.notes["overspent_at"] == 4000
    textbook = tally(e, "mes-add1", Prepared(e))
    start = Fraction(10001, 4)
    assert textbook.notes["per_voter_budget"] == start + 1400
    assert textbook.notes["overspent_at"] - textbook.notes["per_voter_budget"] == 100


@pytest.mark.parametrize(
    ("text", "scale", "minor"),
    [("1794579.57", 100, 179_457_957), ("4000.0", 1, 4000), ("1,5", 10, 15), ("7", 1000, 7000)],
)
def test_parse_money(text, scale, minor):
    assert parse_money(text, scale) == minor


def test_parse_money_refuses_what_the_scale_cannot_hold():
    with pytest.raises(ValueError, match="not a whole number of currency units"):
        parse_money("10.5")
    with pytest.raises(ValueError, match="not a whole number of 1/100 units"):
        parse_money("0.001", 100)


def test_format_money_and_decimal_places():
    assert format_money(179_457_957, 100) == "1794579.57"
    assert format_money(-5, 100) == "-0.05"
    assert format_money(1_234_567, 1, grouping=True) == "1,234,567"
    assert format_money(7, 1000) == "0.007"
    with pytest.raises(ValueError, match="power of ten"):
        format_money(1, 12)
    assert [decimal_places(v) for v in (4000, Fraction(1, 2), Fraction(157, 100))] == [0, 1, 2]


def test_every_shared_file_is_in_whole_units(election):
    """The shared files write whole amounts (Toulouse's '4000.0' included): scale 1, and the
    engine behaves on them exactly as before decimals were accepted."""
    assert election.scale == 1
