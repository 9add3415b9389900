"""``greedy-threshold`` and its relatives as pabulib's files define them.

pabulib's format documentation: ``min_project_score_threshold`` is "a minimum score a project
must receive to be eligible for implementation. Even if a project fits within the available
budget, it will not be selected unless it meets this threshold. In the case of approval
ballots, the score is simply the number of votes received." pabulib's file checker verifies
``rule;greedy-threshold`` as greedy over the projects sorted by their ``score`` (``votes`` when
the file has no score column) whose score is ``>=`` the threshold, and a ``greedy-no-skip``
walk as stopping at the first project that does not fit, except one whose cost is the
withdrawn-project mark 999999999.

The shared greedy-threshold files (Łódź 2022, Warszawa 2026, Katowice 2024 Murcki) are
reproduced in ``test_tally_official.py``; these are small files built to that definition, and
the official results of Warszawa 2018's 35 district and area files (warszawa_2018.py).
"""

from __future__ import annotations

import random

import pytest

from budgets.tally import UnsupportedElectionError, compute_scores, parse_pb_text, tally, write_pb

from .warszawa_2018 import ELECTIONS


def pb(vote_type, projects, votes, budget, threshold=None, points=False, extra_meta=""):
    lines = ["META", "key;value", f"budget;{budget}", f"vote_type;{vote_type}"]
    lines += ["rule;greedy-threshold"]
    if threshold is not None:
        lines.append(f"min_project_score_threshold;{threshold}")
    lines += [line for line in extra_meta.splitlines() if line]
    lines += ["PROJECTS", "project_id;cost"] + [f"{p};{c}" for p, c in projects]
    lines += ["VOTES", "voter_id;vote;points" if points else "voter_id;vote"]
    lines += [f"{i};{v}" for i, v in enumerate(votes, start=1)]
    return parse_pb_text("\n".join(lines) + "\n")


def test_a_project_that_fits_is_not_funded_below_the_threshold():
    # A 5 votes, B 3, C 2 (threshold 3); the budget holds all three
    e = pb(
        "approval",
        [("A", 40), ("B", 30), ("C", 10)],
        ["A,B,C", "A,B,C", "A,B", "A", "A"],
        100,
        threshold=3,
    )
    assert tally(e, "greedy").selected_ids == ["A", "B", "C"]
    out = tally(e, "official")
    assert out.rule == "greedy-threshold"
    assert out.selected_ids == ["A", "B"]  # B reaches the threshold exactly (3 >= 3), C not
    assert out.notes["threshold"] == 3


def test_below_the_threshold_nothing_is_funded_even_with_money_left():
    e = pb("approval", [("A", 90), ("B", 20)], ["A", "A", "A", "B"], 100, threshold=2)
    assert tally(e, "greedy-threshold").selected_ids == ["A"]  # B fits in 10? no; and 1 < 2
    e = pb("approval", [("A", 50), ("B", 20)], ["A", "A", "A", "B"], 100, threshold=2)
    assert tally(e, "greedy-threshold").selected_ids == ["A"]  # B fits, but 1 vote < 2


def test_cumulative_threshold_is_on_points_not_on_voters():
    """X: one voter gives 5 points (votes 1, score 5); Y: four voters give 1 point each
    (votes 4, score 4). With threshold 5 only X is eligible: the score decides."""
    e = pb(
        "cumulative",
        [("X", 10), ("Y", 10)],
        ["X;5", "Y;1", "Y;1", "Y;1", "Y;1"],
        100,
        threshold=5,
        points=True,
    )
    s = compute_scores(e)
    assert (s.votes, s.score) == ([1, 4], [5, 4])
    assert tally(e, "greedy-threshold").selected_ids == ["X"]


def test_ordinal_points_from_the_file_decide_score_and_threshold():
    """Ruda Śląska 2026 style: ordinal ballots with the city's points, 4/3/2/1 from the top
    of every ballot whatever its length. Positional L..1 points would give A (first on three
    1-long ballots) 3, B 3, C 5, D 1; the file's points give A 12, B 6, C 8, D 1. With
    threshold 6, A, C and B are eligible; positionally none would be."""
    e = pb(
        "ordinal",
        [("A", 50), ("B", 30), ("C", 20), ("D", 5)],
        ["A;4", "A;4", "A;4", "C,B;4,3", "C,B,D;4,3,1"],
        100,
        threshold=6,
        points=True,
    )
    s = compute_scores(e)
    assert s.score == [12, 6, 8, 1]
    assert s.votes == [3, 2, 2, 1]
    assert tally(e, "greedy-threshold").selected_ids == ["A", "C", "B"]
    assert parse_pb_text(write_pb(e)) == e
    positional = pb(
        "ordinal",
        [("A", 50), ("B", 30), ("C", 20), ("D", 5)],
        ["A", "A", "A", "C,B", "C,B,D"],
        100,
        threshold=6,
    )
    assert compute_scores(positional).score == [3, 3, 5, 1]
    assert tally(positional, "greedy-threshold").selected_ids == []


def test_greedy_threshold_needs_a_number():
    e = pb("approval", [("A", 10)], ["A"], 10)
    with pytest.raises(UnsupportedElectionError, match="needs META min_project_score_threshold"):
        tally(e, "official")
    e = pb("approval", [("A", 10)], ["A"], 10, threshold="many")
    with pytest.raises(UnsupportedElectionError, match="is not a number: 'many'"):
        tally(e, "official")


def test_greedy_threshold_with_decimal_costs():
    """Both at once: a Kraków-like budget with grosze and a threshold. A (4 votes) first, then
    C before B (both 3 votes, C cheaper); 399.50 is left and B costs 400.00. With costs cut
    to whole złoty (600 + 0 + 400 = 1000) B would fit. D is below the threshold."""
    e = pb(
        "approval",
        [("A", "600.50"), ("B", "400.00"), ("C", "0.49"), ("D", "0.01")],
        ["A,B,C,D", "A,B,C", "A,B,C", "A"],
        "1000.49",
        threshold=3,
    )
    assert e.scale == 100
    out = tally(e, "greedy-threshold")
    assert out.selected_ids == ["A", "C"]
    assert out.spent_text == "600.99"


def test_withdrawn_project_does_not_stop_greedy_no_skip():
    """Katowice's comment: a project withdrawn after the vote has its cost set to
    999999999 "to ensure it is not selected by the greedy rule"; pabulib's checker walks on
    past it in greedy-no-skip instead of stopping there."""
    e = pb(
        "approval",
        [("A", 50), ("W", 999_999_999), ("B", 40), ("C", 30)],
        ["A,W,B,C", "A,W,B", "A,W", "A"],
        100,
    )
    assert tally(e, "greedy-no-skip").selected_ids == ["A", "B"]  # W passed; C does not fit
    plain = pb("approval", [("A", 50), ("X", 60), ("B", 40)], ["A,X,B", "A,X", "A"], 100)
    assert tally(plain, "greedy-no-skip").selected_ids == ["A"]  # an ordinary misfit stops


def pabulib_checker_greedy(rows, budget, threshold):
    """pabulib's ``verify_greedy_selected``, transcribed: ``rows`` are (id, cost, score) as
    the PROJECTS section lists them; sorted by score, highest first (a stable sort: ties
    keep the file's order); each project at or above the threshold that fits is funded."""
    chosen = []
    for pid, cost, score in sorted(rows, key=lambda r: r[2], reverse=True):
        if score >= threshold and budget >= cost:
            chosen.append(pid)
            budget -= cost
    return chosen


@pytest.mark.parametrize("seed", range(40))
def test_greedy_threshold_matches_pabulibs_checker(seed):
    """Random approval elections with distinct scores (ties are where the engine's documented
    order, cheaper first, and the checker's file order may part)."""
    rng = random.Random(seed)
    m = rng.randint(3, 12)
    ids = [f"p{i}" for i in range(m)]
    costs = [rng.randint(1, 60) for _ in range(m)]
    while True:
        ballots = [
            ",".join(p for p in ids if rng.random() < 0.4) or ids[0]
            for _ in range(rng.randint(5, 60))
        ]
        e = pb("approval", list(zip(ids, costs, strict=True)), ballots, 100, threshold=1)
        votes = compute_scores(e).votes
        if len(set(votes)) == m:
            break
    threshold = rng.randint(0, max(votes))
    e.meta["min_project_score_threshold"] = str(threshold)
    rows = list(zip(ids, costs, votes, strict=True))
    assert tally(e, "greedy-threshold").selected_ids == pabulib_checker_greedy(rows, 100, threshold)


def warszawa_2018(area: str):
    """The area's election from its official figures (warszawa_2018.py): ballots made up so
    that each project has exactly its recorded approvals (voter k approves every project
    with more than k votes); greedy-threshold reads nothing else of them."""
    budget, threshold, rows = ELECTIONS[area]
    projects = [row.split() for row in rows.split("\n") if row]
    most = max(int(votes) for _p, _c, votes, _s in projects)
    lines = ["META", "key;value", f"budget;{budget}", "vote_type;approval", "rule;greedy-threshold",
             f"min_project_score_threshold;{threshold}", "PROJECTS", "project_id;cost;votes;selected"]
    lines += [";".join(row) for row in projects]
    lines += ["VOTES", "voter_id;vote"]
    lines += [f"{k};{','.join(p for p, _c, votes, _s in projects if int(votes) > k)}" for k in range(most)]
    return parse_pb_text("\n".join(lines) + "\n")


@pytest.mark.parametrize("area", sorted(ELECTIONS))
def test_warszawa_2018_official_results_are_reproduced(area):
    """All 35 district and area files of Warszawa 2018 on pabulib (none is in the shared
    folder): budgets in złoty and grosze, each area's own threshold."""
    e = warszawa_2018(area)
    assert [p.votes for p in e.projects] == compute_scores(e).votes
    out = tally(e, "official")
    assert out.rule == "greedy-threshold"
    assert set(out.selected_ids) == {p.project_id for p in e.projects if p.selected == "1"}
    assert out.spent <= e.budget


def test_in_five_warszawa_2018_areas_the_threshold_decides():
    """Without the threshold, greedy would also fund a project below it that still fits."""
    decided = {area for area in ELECTIONS
               if set(tally(warszawa_2018(area), "greedy").selected_ids)
               != set(tally(warszawa_2018(area), "official").selected_ids)}
    assert decided == {"Bielany", "Wawer", "Wilanow", "Bialoleka_obszar_2", "Brodno-Podgrodzie"}
