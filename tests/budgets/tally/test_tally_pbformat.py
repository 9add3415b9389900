"""Reading and writing the pabulib .pb format."""

from __future__ import annotations

from fractions import Fraction

import pytest

from budgets.tally import (
    PbFormatError,
    PbFormatWarning,
    compute_scores,
    parse_pb_text,
    read_pb,
    write_pb,
)

GOOD = '''META
key;value
description;"A test; with a semicolon and ""quotes"""
budget;100
vote_type;approval
num_projects;3
num_votes;3
max_length;2
PROJECTS
project_id;cost;votes;name
a;60;2;"Park; benches"
b;50.0;2;Library
c;40;1;"The ""Big"" Bridge"
VOTES
voter_id;vote;age
v1;a,b;31
v2;a;
v3;b,c;70
'''


def test_reads_meta_projects_and_votes():
    e = parse_pb_text(GOOD)
    assert e.meta["description"] == 'A test; with a semicolon and "quotes"'
    assert e.meta["max_length"] == "2"
    assert e.budget == 100
    assert e.vote_type == "approval"
    assert e.project_ids == ["a", "b", "c"]
    assert e.costs == [60, 50, 40]  # "50.0" is a whole number of currency units
    assert e.projects[0].name == "Park; benches"
    assert e.projects[2].name == 'The "Big" Bridge'
    assert e.projects[0].votes == 2
    assert e.voter_ids == ["v1", "v2", "v3"]
    assert e.ballots == [(0, 1), (0,), (1, 2)]
    assert e.voter_extra == {"age": ["31", "", "70"]}
    assert e.points is None


def test_identical_ballots_share_one_tuple_and_group():
    e = parse_pb_text(GOOD.replace("v3;b,c;70", "v3;a,b;70"))
    assert e.ballots[0] is e.ballots[2]
    assert sorted(m for _, _, m in e.groups()) == [1, 2]


def test_round_trip_keeps_everything():
    e = parse_pb_text(GOOD)
    text = write_pb(e)
    again = parse_pb_text(text)
    assert again == e
    assert write_pb(again) == text


def test_read_pb_accepts_path_bytes_and_text(tmp_path):
    path = tmp_path / "x.pb"
    path.write_text("\ufeff" + GOOD, encoding="utf-8")  # a BOM is tolerated
    assert read_pb(path) == read_pb(str(path)) == read_pb(path.read_bytes()) == read_pb(GOOD)


def test_cumulative_points_and_repeated_entries():
    text = """META
key;value
budget;10
vote_type;cumulative
PROJECTS
project_id;cost;votes;score
x;5;3;7
y;5;1;1
VOTES
voter_id;vote;points
1;x,y;2,1
2;x,x;1,1
3;x;2.5
"""
    e = parse_pb_text(text.replace("2.5", "3"))
    assert e.points == [(2, 1), (1, 1), (3,)]
    assert e.ballots[1] == (0, 0)  # kept as written; points add up (see scores)
    fractional = parse_pb_text(text)
    assert fractional.points[2] == (Fraction(5, 2),)
    assert parse_pb_text(write_pb(fractional)) == fractional


def test_every_shared_file_round_trips(election):
    assert parse_pb_text(write_pb(election)) == election


BROKEN = [
    ("PROJECTS\nproject_id;cost\n", 1, "expected section META here"),
    ("hello\n", 1, "expected the section line 'META'"),
    ("META\nkey;value\nbudget;100\nbudget;200\n", 4, "META key 'budget' appears twice"),
    (
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\na;ten\n",
        7,
        "cost of project 'a': 'ten' is not a number",
    ),
    (
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
        "a;10.0000000001\n",
        7,
        "cost of project 'a': '10.0000000001' has more than 9 decimal places",
    ),
    ("META\nkey;value\nbudget;1e-12\nvote_type;approval\nPROJECTS\n", 3, "META budget"),
    (
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\na;10;x;y\n",
        7,
        "needs 3 fields",
    ),
    (
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\na;10\na;20\n",
        8,
        "project_id 'a' appears twice",
    ),
    ("META\nkey;value\nvote_type;approval\nPROJECTS\n", 4, "META has no 'budget' entry"),
    ("META\nkey;value\nbudget;lots\nvote_type;approval\nPROJECTS\n", 3, "META budget"),
    ("META\nkey;value\nbudget;100\nvote_type;ranked\nPROJECTS\n", 4, "unknown vote_type 'ranked'"),
    (
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\na;10\n"
        "VOTES\nvoter_id;vote\n1;a,b\n",
        10,
        "vote names project 'b', which is not in PROJECTS",
    ),
    (
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\na;10\n"
        "VOTES\nvoter_id;vote\n1;a\n1;a\n",
        11,
        "voter_id '1' appears twice",
    ),
    (
        "META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\na;10\n"
        "VOTES\nvoter_id;vote;points\n1;a;x\n",
        10,
        "'x' is not a number",
    ),
    (
        "META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\na;10\n"
        "VOTES\nvoter_id;vote;points\n1;a;1,2\n",
        10,
        "lists 1 projects but 2 points",
    ),
    (
        "META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\na;10\n"
        "VOTES\nvoter_id;vote\n1;a\n",
        9,
        "needs a 'points' column",
    ),
    (
        "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\na;10\n",
        7,
        "ends without section(s) VOTES",
    ),
]


@pytest.mark.parametrize(("text", "line", "problem"), BROKEN, ids=[b[2][:40] for b in BROKEN])
def test_broken_files_name_the_line_and_the_problem(text, line, problem):
    with pytest.raises(PbFormatError) as info:
        parse_pb_text(text)
    assert info.value.line == line
    assert problem in str(info.value)
    assert str(info.value).startswith(f"line {line}: ")


def test_an_unclosed_quote_is_pointed_at():
    text = GOOD.replace("b;50.0;2;Library", 'b;50;2;"Library')
    with pytest.raises(PbFormatError) as info:
        parse_pb_text(text)
    assert "opened on line 12 runs to line 13: is a quote unclosed?" in str(info.value)
    swallowed = GOOD.replace('c;40;1;"The ""Big"" Bridge"', "c;40;1;Bridge")
    with pytest.raises(PbFormatError) as info:
        parse_pb_text(swallowed.replace("b;50.0;2;Library", 'b;50;2;"Library'))
    assert "ends without section(s) VOTES" in str(info.value)
    assert "opened on line 12 runs to line 18" in str(info.value)


def test_unreadable_file_is_a_format_error(tmp_path):
    with pytest.raises(PbFormatError, match="cannot read"):
        read_pb(tmp_path / "missing.pb")
    bad = tmp_path / "latin1.pb"
    bad.write_bytes(GOOD.replace("Library", "Bibliot\xe8que").encode("latin-1"))
    with pytest.raises(PbFormatError, match="line 12: the file is not valid UTF-8"):
        read_pb(bad)


def test_parsing_the_largest_shared_files_is_fast(pabulib):
    """Parsing 130,000 ballots takes well under a second (a loose bound for slow CI)."""
    import time

    path = pabulib / "Poland_Wroclaw_2015_150_-_500.pb"
    start = time.perf_counter()
    e = read_pb(path)
    elapsed = time.perf_counter() - start
    assert e.num_voters == 131_778
    assert elapsed < 5


def test_a_vote_naming_a_project_twice_counts_it_once_with_a_warning():
    """A Warszawa 2026 district file has the approval vote '1178,1178,989,843,1781': the
    project is approved once, and every voter who cast such a vote is named in a warning."""
    text = (
        "META\nkey;value\nbudget;1000\nvote_type;approval\nPROJECTS\nproject_id;cost\n"
        "1178;100\n989;100\n843;100\n1781;100\n"
        "VOTES\nvoter_id;vote\n"
        "w1;1178,1178,989,843,1781\nw2;989\nw3;1178,1178,989,843,1781\n"
    )
    e = parse_pb_text(text)
    assert e.ballots == [(0, 1, 2, 3), (1,), (0, 1, 2, 3)]
    assert e.ballots[0] is e.ballots[2]
    assert [(w.line, w.problem) for w in e.warnings] == [
        (
            line,
            f"voter '{voter}': vote '1178,1178,989,843,1781' names project '1178' more than "
            "once; counted once",
        )
        for line, voter in [(13, "w1"), (15, "w3")]
    ]
    assert str(e.warnings[0]).startswith("line 13: voter 'w1'")
    assert all(isinstance(w, PbFormatWarning) and isinstance(w, UserWarning) for w in e.warnings)
    assert compute_scores(e).votes == [2, 3, 2, 2]
    again = parse_pb_text(write_pb(e))
    assert again == e and again.warnings == []  # written back once, nothing left to warn


def test_an_ordinal_vote_keeps_the_first_mention_of_a_repeated_project():
    text = (
        "META\nkey;value\nbudget;100\nvote_type;ordinal\nPROJECTS\nproject_id;cost\na;10\nb;10\n"
        "c;10\nVOTES\nvoter_id;vote\n1;b,a,b,c,a\n"
    )
    e = parse_pb_text(text)
    assert e.ballots == [(1, 0, 2)]
    assert compute_scores(e).score == [2, 3, 1]  # b first of three, a second, c third
    (warning,) = e.warnings
    assert (
        warning.problem
        == "voter '1': vote 'b,a,b,c,a' names projects 'b', 'a' more than once; counted once"
    )


def test_files_without_repeats_have_no_warnings(election):
    assert election.warnings == []


def test_cumulative_repeats_add_up_without_a_warning():
    text = (
        "META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\nx;5\n"
        "VOTES\nvoter_id;vote;points\n1;x,x;1,1\n"
    )
    e = parse_pb_text(text)
    assert e.ballots == [(0, 0)] and e.warnings == []
    assert compute_scores(e).score == [2]
