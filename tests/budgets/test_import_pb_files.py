"""`import_pb` on every shared real election, and on broken files.

Every one of the shared files goes into a named municipality (a district's file into one of
that municipality's existing districts), creates no district, and comes back out of the
export with the same projects, costs, budget and votes. Ten malformed files, written here,
are each refused with the line at fault, and nothing is created.
"""
from __future__ import annotations

from collections import Counter

import pytest
from django.core.exceptions import ValidationError

from accounts.models import District
from budgets.models import BudgetProcess, Project
from budgets.pabulib import process_export, process_import
from budgets.tally import PbFormatError, read_pb
from tests.budgets.tally.pabulib_files import pb_files, require_pabulib
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def votes_of(election) -> Counter:
    """The ballots as a multiset. A project named twice in one vote (real files do) is one
    choice: its points add up on a points ballot, a ranked ballot keeps its first place."""
    ids = election.project_ids
    found = Counter()
    for index, ballot in enumerate(election.ballots):
        points = election.points[index] if getattr(election, "points", None) else None
        chosen = [ids[i] for i in ballot]
        if election.vote_type == "ordinal":
            found[(tuple(dict.fromkeys(chosen)), None)] += 1
            continue
        given: dict[str, int] = {}
        for k, project in enumerate(chosen):
            given[project] = given.get(project, 0) + (points[k] if points else 0)
        found[tuple(sorted(given.items()))] += 1
    return found


def _files():
    files = pb_files()
    return [pytest.param(p, id=p.stem) for p in files] or [pytest.param(None, id="pabulib-folder-missing")]


@pytest.mark.slow_tier  # the largest files hold over 100,000 ballots
@pytest.mark.parametrize("path", _files())
def test_every_shared_file_round_trips_into_a_named_municipality(path, municipality):
    if path is None:
        require_pabulib()
    quarter = DistrictFactory(municipality=municipality, name="Midtbyen", slug="midtbyen")
    districts = set(District.objects.values_list("pk", flat=True))
    original = read_pb(path)
    is_district_file = bool((original.meta.get("subunit") or original.meta.get("district") or "").strip())
    process = process_import(source=path, municipality=municipality,
                             district=quarter if is_district_file else None)
    assert set(District.objects.values_list("pk", flat=True)) == districts, "no district is invented"
    assert process.municipality == municipality
    again = read_pb(process_export(process=process))
    assert again.budget == original.budget
    assert {p.project_id: p.cost for p in again.projects} == {p.project_id: p.cost for p in original.projects}
    assert again.num_voters == original.num_voters
    assert votes_of(again) == votes_of(original)


HEAD = ("META\nkey;value\ndescription;Test\ncountry;Denmark\nunit;Aarhus\ninstance;2026\nnum_projects;2\n"
        "num_votes;2\nbudget;1000\nvote_type;approval\nrule;greedy\n")
PROJECTS = "PROJECTS\nproject_id;cost;name\n1;600;A\n2;400;B\n"
VOTES = "VOTES\nvoter_id;vote\nv1;1,2\nv2;2\n"
GOOD = HEAD + PROJECTS + VOTES

# Each: (what is wrong, the file, the line at fault). The good file's lines: 1 META ...
# 11 rule, 12 PROJECTS, 13 header, 14-15 projects, 16 VOTES, 17 header, 18-19 votes.
MALFORMED = [
    ("no META section", GOOD.replace("META\n", "", 1), 1),
    ("a project's cost is not a number", GOOD.replace("1;600;A", "1;six hundred;A"), 14),
    ("a project id twice", GOOD.replace("2;400;B", "1;400;B"), 15),
    ("a vote names an unknown project", GOOD.replace("v2;2", "v2;7"), 19),
    ("the budget is not a number", GOOD.replace("budget;1000", "budget;lots"), 9),
    ("an unknown vote type", GOOD.replace("vote_type;approval", "vote_type;telepathy"), 10),
    ("a vote row without its vote", GOOD.replace("v2;2", "v2"), 19),
    ("a voter id twice", GOOD.replace("v2;2", "v1;2"), 19),
    ("cumulative points that do not match the vote",
     GOOD.replace("vote_type;approval", "vote_type;cumulative\nmax_sum_points;10").replace(
         "voter_id;vote\nv1;1,2\nv2;2", "voter_id;vote;points\nv1;1,2;5\nv2;2;3"), 19),
    ("a NUL byte", GOOD.replace("2;400;B", "2;400;B\x00"), 15),
]


def test_the_good_file_imports(municipality):
    assert process_import(source=GOOD, municipality=municipality).projects.count() == 2


@pytest.mark.parametrize(("wrong", "text", "line"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_file_is_refused_with_its_line_and_nothing_is_created(wrong, text, line, municipality):
    with pytest.raises((PbFormatError, ValidationError)) as refused:
        process_import(source=text, municipality=municipality)
    error = refused.value
    message = str(error) if isinstance(error, PbFormatError) else " ".join(error.messages)
    at = getattr(error, "line", None)
    assert at == line or f"line {line}" in message, f"{wrong}: {message!r} (line {at})"
    assert not BudgetProcess.objects.exists() and not Project.objects.exists()
