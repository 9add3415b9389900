"""Rules on small elections worked out by hand, tie-breaking, and the engine's boundaries."""

from __future__ import annotations

import ast
import random
from fractions import Fraction
from pathlib import Path

import pytest

from budgets.tally import (
    Prepared,
    UnknownRuleError,
    UnsupportedElectionError,
    outcome_stats,
    pairwise,
    parse_pb_text,
    preference,
    tally,
)
from budgets.tally.rules.mes import MesProblem
from tests.budgets.tally.pabulib_files import REPO_ROOT
from tests.budgets.tally.reference import pabutools_greedy, pabutools_mes


def election(projects, ballots, budget, vote_type="approval", meta=""):
    """projects: [(id, cost)], ballots: ["a,b", ...] (or ("a,b", "2,1") for points)."""
    lines = ["META", "key;value", f"budget;{budget}", f"vote_type;{vote_type}"]
    lines += [line for line in meta.splitlines() if line]
    lines += ["PROJECTS", "project_id;cost"] + [f"{p};{c}" for p, c in projects]
    if vote_type == "cumulative":
        lines += ["VOTES", "voter_id;vote;points"]
        lines += [f"{i};{v};{pts}" for i, (v, pts) in enumerate(ballots)]
    else:
        lines += ["VOTES", "voter_id;vote"] + [f"{i};{v}" for i, v in enumerate(ballots)]
    return parse_pb_text("\n".join(lines) + "\n")


# 3 voters want A (60), 1 wants B (30), all 4 want C (40); budget 100 -> 25 per voter.
ABC = election([("A", 60), ("B", 30), ("C", 40)], ["A,C", "A,C", "A,C", "B,C"], 100)


def test_greedy_by_score_skips_what_does_not_fit():
    assert tally(ABC, "greedy").selected_ids == ["C", "A"]
    e = election([("A", 70), ("B", 20), ("C", 5)], ["A", "A", "A", "B,C", "B"], 80)
    assert tally(e, "greedy").selected_ids == ["A", "C"]  # 70 + 20 > 80: B skipped, C fits


def test_no_skip_stops_at_the_first_project_that_does_not_fit():
    e = election([("A", 50), ("B", 60), ("C", 10)], ["A,B,C", "A,B", "A"], 100)
    assert tally(e, "greedy").selected_ids == ["A", "C"]
    assert tally(e, "greedy-no-skip").selected_ids == ["A"]


def test_greedy_ties_go_to_lower_cost_then_file_order():
    e = election([("X", 50), ("Y", 40), ("Z", 40)], ["X,Y,Z", "X,Y,Z"], 50)
    assert tally(e, "greedy").selected_ids == ["Y"]  # all tie on score; Y and Z cheaper; Y first
    e = election([("Z", 40), ("Y", 40)], ["Y,Z"], 40)
    assert tally(e, "greedy").selected_ids == ["Z"]  # same score and cost: earlier in the file


def test_greedy_threshold_reads_the_meta_threshold():
    meta = "min_project_score_threshold;3"
    e = election([("A", 50), ("B", 10)], ["A,B", "A,B", "A", "B"], 100, meta=meta)
    assert tally(e, "greedy-threshold").selected_ids == ["B", "A"]  # tie on 3 votes: B cheaper
    e = election([("A", 50), ("B", 10)], ["A,B", "A,B", "A"], 100, meta=meta)
    assert tally(e, "greedy-threshold").selected_ids == ["A"]  # B has 2 < 3 votes
    with pytest.raises(UnsupportedElectionError, match="min_project_score_threshold"):
        tally(ABC, "greedy-threshold")


def test_mes_by_hand():
    """C: 4 supporters pay 10 each (rho 1/4); A: 3 supporters would pay 20 (rho 1/3). C wins,
    leaving 15 each: A (3 x 15 = 45 < 60) and B (15 < 30) become unaffordable."""
    out = tally(ABC, "mes")
    assert out.selected_ids == ["C"]
    assert out.notes["per_voter_budget"] == 25


def test_mes_add1_by_hand():
    """Per-voter budget 25 + k: from 30 on, A is funded after C; at 40 the B voter keeps
    30 after C and funds B too, overspending (130 > 100). So add1 stops at 39."""
    out = tally(ABC, "mes-add1")
    assert out.selected_ids == ["C", "A"]
    assert out.notes["per_voter_budget"] == 39
    assert out.notes["overspent_at"] == 40
    eq = tally(ABC, "equalshares/add1")  # starts at floor(100 / 4) = 25: same here
    assert eq.selected_ids == ["C", "A"]


def test_add1_when_every_supported_project_fits():
    e = election([("A", 10), ("B", 10), ("C", 500)], ["A", "B"], 100)
    out = tally(e, "mes-add1")
    assert sorted(out.selected_ids) == ["A", "B"]  # C has no supporter


def test_mes_ties_are_exact_and_broken_by_score_cost_file_order():
    """P (cost 6) and Q (cost 3) both cost each supporter exactly 1/60 per unit of utility."""
    projects = [("P", 6), ("Q", 3)]
    # 60 voters approve P, another 60 approve Q, budget 12 -> 1/10 each.
    ballots = ["P"] * 60 + ["Q"] * 60
    e = election(projects, ballots, 12)
    prep = Prepared(e)
    run = prep.mes_problem.run(Fraction(12, 120))
    assert run.rhos[0] == Fraction(1, 60)
    assert [e.project_ids[i] for i in run.selected][0] == "Q"  # same score: lower cost first
    assert sorted(tally(e, "mes").selected_ids) == ["P", "Q"]


def test_cumulative_mes_weights_cost_utility_by_points():
    e = election(
        [("A", 30), ("B", 30)],
        [("A,B", "3,1"), ("A,B", "3,1"), ("B", "1")],
        60,
        vote_type="cumulative",
    )
    prep = Prepared(e)
    assert prep.scores.score == [6, 3]
    out = tally(e, "mes", prep)
    # A: utilities 90, 90 -> y = 30 / 6 per point, rho = 1/6 per unit; B: 3 points -> 1/3
    assert out.selected_ids[0] == "A"


def test_ordinal_greedy_uses_positional_points():
    e = election([("A", 10), ("B", 10), ("C", 10)], ["C,A,B", "B,A", "A"], 20, vote_type="ordinal")
    prep = Prepared(e)
    assert prep.scores.score == [2 + 1 + 1, 1 + 2, 3]
    # B and C tie on 3 points and on cost: B is listed first in the file
    assert tally(e, "greedy", prep).selected_ids == ["A", "B"]


def test_unknown_rule_and_official_without_a_rule():
    with pytest.raises(UnknownRuleError, match="unknown rule 'fastest'"):
        tally(ABC, "fastest")
    with pytest.raises(UnsupportedElectionError, match="does not name the rule"):
        tally(ABC, "official")
    e = election([("A", 1)], ["A"], 1, meta="rule;lottery")
    with pytest.raises(UnsupportedElectionError, match="'lottery'"):
        tally(e, "official")


def test_as_json_is_the_contract_document():
    doc = tally(ABC, "greedy").as_json()
    assert doc == {"selected": ["C", "A"], "spent": 100, "scores": {"A": 3, "B": 1, "C": 4}}


def test_analytics_by_hand():
    greedy, mes = tally(ABC, "greedy"), tally(ABC, "mes")
    g = outcome_stats(greedy)
    assert (g.spent, g.projects, g.voters, g.voters_with_a_funded_project) == (100, 2, 4, 4)
    assert g.avg_cardinality_satisfaction == Fraction(3 * 2 + 1, 4)
    assert g.avg_cost_satisfaction == Fraction(3 * 100 + 40, 4)
    m = outcome_stats(mes)
    assert m.avg_cardinality_satisfaction == 1 and m.share_with_a_funded_project == 1
    assert preference(greedy, mes) == (3, 0)
    assert preference(greedy, mes, measure="cost") == (3, 0)
    table = pairwise([greedy, mes])
    assert table == {("greedy", "mes"): 3, ("mes", "greedy"): 0}


def _tie_heavy(rng: random.Random):
    m = rng.randint(2, 6)
    projects = [(f"p{i}", rng.choice([2, 4])) for i in range(m)]
    patterns = [
        ",".join(sorted({f"p{rng.randrange(m)}" for _ in range(rng.randint(1, 3))}))
        for _ in range(rng.randint(1, 3))
    ]
    ballots = [rng.choice(patterns) for _ in range(rng.randint(1, 8))]
    return election(projects, ballots, rng.randint(2, 12))


def test_ties_happen_and_follow_the_documented_order_in_pabutools_too():
    """200 seeded tie-heavy elections: Høst equals pabutools given Høst's order; in many of
    them the *reverse* order changes the outcome, so ties really are being broken."""
    rng = random.Random(20240527)
    mattered = {"greedy": 0, "mes": 0}
    for _ in range(200):
        e = _tie_heavy(rng)
        prep = Prepared(e)
        order = {e.project_ids[i]: r for i, r in enumerate(prep.rank)}
        reverse = {pid: -r for pid, r in order.items()}
        for rule, reference in (("greedy", pabutools_greedy), ("mes", pabutools_mes)):
            ours = set(tally(e, rule, prep).selected_ids)
            assert ours == reference(e, order)
            if ours != reference(e, reverse):
                mattered[rule] += 1
    assert mattered["greedy"] >= 20 and mattered["mes"] >= 20, mattered


def test_both_mes_bookkeepings_agree_on_every_shared_file(pb_path, election, prep):
    pytest.importorskip("numpy")
    if election.num_voters == 0:
        pytest.skip("no voters")
    from budgets.tally.scores import utility_ballots

    groups = utility_ballots(election)
    pure = MesProblem(election.costs, groups, prep.rank, accelerate=False)
    fast = MesProblem(election.costs, groups, prep.rank, accelerate=True)
    for b in (
        Fraction(election.budget, election.num_voters),
        Fraction(election.budget // election.num_voters + 7),
    ):
        assert pure.run(b) == fast.run(b)


# -- boundaries of the package -------------------------------------------------------------
TALLY = REPO_ROOT / "budgets" / "tally"


def _modules(root: Path):
    for path in sorted(root.rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_tally_package_is_pure_python_without_django():
    allowed = {"numpy"}  # optional accelerator, imported inside try/except
    for path, tree in _modules(TALLY):
        for name in _imports(tree):
            top = name.split(".")[0]
            assert top != "django", f"{path} imports {name}"
            if top not in allowed:
                __import__(top)  # a stdlib module (or the package itself)
                assert top in {"budgets"} or top in __import__("sys").stdlib_module_names, (
                    f"{path} imports {name}, which is neither stdlib nor the package"
                )


def test_pabutools_stays_out_of_budgets():
    for path, tree in _modules(REPO_ROOT / "budgets"):
        assert not any(n.split(".")[0] == "pabutools" for n in _imports(tree)), path


def test_no_float_decides_anything():
    """Only outcome.py may make a float, for JSON display of fractional point totals and of
    amounts with decimals."""
    for path, tree in _modules(TALLY):
        if path.name == "outcome.py":
            continue
        for node in ast.walk(tree):
            assert not (isinstance(node, ast.Name) and node.id == "float"), f"float() in {path}"
            assert not (isinstance(node, ast.Constant) and isinstance(node.value, float)), (
                f"float literal in {path}:{node.lineno}"
            )
            assert not (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div)), (
                f"true division (a float) in {path}:{node.lineno}"
            )
