"""Per-project figures computed from the ballots.

``votes``: how many ballot entries name the project (a voter who lists a cumulative project
twice counts twice, as pabulib's own ``votes`` column does in Czestochowa 2020).

``score``: approval / choose-1: the number of approvals; cumulative / scoring: the sum of the
points; ordinal: positional points where a ballot of length L gives L points to its first
choice, L-1 to the second, ... and 1 to its last. That is the convention behind the ``score``
column of every ordinal file in pabulib's sample (Krakow 2018 with 3-long ballots, Zurich S5R
with one 1-long ballot among 5-long ones, Merced with ballots of 1 to 8 projects); ``max_length
- position`` and ``num_projects - position`` both fail on Zurich/Merced. An ordinal file with a
``points`` column (Ruda Śląska 2026 gives 4/3/2/1 from the top of every ballot) is scored by
those points, as pabulib counts it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain

from .model import APPROVAL_TYPES, Election, Number


@dataclass(frozen=True)
class Scores:
    votes: list[int]
    score: list[Number]


def compute_scores(election: Election) -> Scores:
    m = len(election.projects)
    if election.vote_type in APPROVAL_TYPES:  # count every entry of every ballot, in C
        counts = Counter(chain.from_iterable(election.ballots))
        votes = [counts.get(p, 0) for p in range(m)]
        return Scores(votes=votes, score=list(votes))
    votes = [0] * m
    score: list[Number] = [0] * m
    vote_type = election.vote_type
    for ballot, points, mult in election.groups():
        if points is not None:  # cumulative / scoring, or ordinal with the city's points
            for p, pts in zip(ballot, points, strict=True):
                votes[p] += mult
                score[p] += pts * mult
        elif vote_type == "ordinal":
            length = len(ballot)
            for pos, p in enumerate(ballot):
                votes[p] += mult
                score[p] += (length - pos) * mult
        else:
            for p in ballot:
                votes[p] += mult
    if vote_type in APPROVAL_TYPES:
        score = list(votes)
    return Scores(votes=votes, score=score)


def utility_ballots(
    election: Election,
) -> list[tuple[tuple[int, ...], tuple[Number, ...] | None, int]]:
    """Ballots as ``(projects, weights, multiplicity)``, identical ones merged.

    A voter's utility for a project is ``weight * cost`` (cost utilities, used by MES): the
    weight is 1 for an approval (``weights`` is then None), the points for a cumulative or
    scoring ballot (repeated entries add up), the positional points for an ordinal ballot
    (its own points when the file gives them).
    Projects with weight 0 are left out (a 0-point entry gives no utility)."""
    vote_type = election.vote_type
    merged: dict[tuple, int] = {}
    if vote_type in APPROVAL_TYPES:  # groups are already distinct ballots
        return [(ballot, None, mult) for ballot, _, mult in election.groups()]
    for ballot, points, mult in election.groups():
        if points is not None:
            weights: dict[int, Number] = {}
            for p, pts in zip(ballot, points, strict=True):
                weights[p] = weights.get(p, 0) + pts
        else:  # ordinal
            length = len(ballot)
            weights = {p: length - pos for pos, p in enumerate(ballot)}
        key = tuple(sorted((p, w) for p, w in weights.items() if w))
        merged[key] = merged.get(key, 0) + mult
    return [
        (tuple(p for p, _ in key), tuple(w for _, w in key), mult) for key, mult in merged.items()
    ]
