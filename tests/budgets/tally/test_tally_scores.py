"""Scores computed from the ballots equal the figures each file publishes."""

from __future__ import annotations

from budgets.tally import compute_scores, parse_pb_text


def test_scores_equal_the_files_votes_and_score_columns(election):
    scores = compute_scores(election)
    checked = 0
    for i, project in enumerate(election.projects):
        if project.votes is not None:
            assert scores.votes[i] == project.votes, project.project_id
            checked += 1
        if project.score is not None:
            assert scores.score[i] == project.score, project.project_id
            checked += 1
    if "votes" in election.project_columns or "score" in election.project_columns:
        assert checked >= len(election.projects)


def test_ordinal_positional_points_follow_ballot_length():
    e = parse_pb_text(
        "META\nkey;value\nbudget;9\nvote_type;ordinal\nPROJECTS\nproject_id;cost\na;1\nb;1\nc;1\n"
        "VOTES\nvoter_id;vote\n1;a,b,c\n2;c\n3;b,a\n"
    )
    s = compute_scores(e)
    # 3-long ballot: 3,2,1; 1-long: 1; 2-long: 2,1
    assert s.score == [3 + 1, 2 + 2, 1 + 1]
    assert s.votes == [2, 2, 2]


def test_repeated_cumulative_entries_add_up_as_in_czestochowa():
    e = parse_pb_text(
        "META\nkey;value\nbudget;9\nvote_type;cumulative\nPROJECTS\nproject_id;cost\na;1\nb;1\n"
        "VOTES\nvoter_id;vote;points\n1;a,a,a,a;1,1,1,1\n2;a,b;2,3\n"
    )
    s = compute_scores(e)
    assert s.score == [6, 3]
    assert s.votes == [5, 1]  # entries, like the file's own votes column


def test_czestochowa_counts_the_repeated_ballot_as_the_file_does(named):
    e = named("Poland_Czestochowa_2020")
    s = compute_scores(e)
    i = e.index_of("579")
    assert (s.votes[i], s.score[i]) == (e.projects[i].votes, e.projects[i].score) == (704, 5437)
