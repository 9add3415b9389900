"""Bridge to pabutools, the academic reference implementation (GPL: used by tests only).

Both engines get the *same* ballots: the pabutools profile is built from Høst's parsed
election, so a disagreement can only come from the rules, not from parsing (pabutools keeps
only the last of repeated cumulative entries, Høst adds their points up).
"""

from __future__ import annotations

from fractions import Fraction

from pabutools.election import (
    AdditiveSatisfaction,
    ApprovalBallot,
    ApprovalMultiProfile,
    ApprovalProfile,
    Cost_Sat,
    CumulativeBallot,
    CumulativeProfile,
    FrozenApprovalBallot,
    Instance,
    Project,
)
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from budgets.tally.model import APPROVAL_TYPES, POINT_TYPES, Election


def _points_cost_sat_func(instance, profile, ballot, project, precomputed_values):
    # cost utility weighted by the points: what Høst uses for cumulative ballots
    return ballot.get(project, 0) * project.cost


class PointsCostSat(AdditiveSatisfaction):
    def __init__(self, instance, profile, ballot):
        AdditiveSatisfaction.__init__(self, instance, profile, ballot, _points_cost_sat_func)


class IndexedApprovalBallot(FrozenApprovalBallot):
    """pabutools' frozen approval ballot (a tuple), with its hash computed once and a set
    beside it for `project in ballot`. pabutools' rules ask both for every project and
    ballot: on the tuple that is a scan comparing projects by name and a hash of every
    project, most of a large comparison's time. The rules and their answers are pabutools'
    own; only these two lookups are quicker. The ballot never changes once made."""

    def __init__(self, init=(), name=None, meta=None):
        super().__init__(init, name=name, meta=meta)
        self._hash = tuple.__hash__(self)
        self._members = frozenset(self)

    def __hash__(self):
        return self._hash

    def __contains__(self, project):
        return project in self._members


_CACHE: dict[tuple[int, bool], tuple] = {}


def to_pabutools(election: Election, *, multiprofile: bool = True):
    """(instance, profile, sat_class) for pabutools from a Høst election (cached per election:
    building a 90,000-ballot pabutools profile takes seconds)."""
    key = (id(election), multiprofile)
    if key not in _CACHE:
        _CACHE.clear()  # keep one election's profile alive at a time
        _CACHE[key] = (election, _build(election, multiprofile))
    return _CACHE[key][1]


def _build(election: Election, multiprofile: bool):
    projects = [Project(p.project_id, p.cost) for p in election.projects]
    instance = Instance(projects, budget_limit=election.budget)
    vote_type = election.vote_type
    if vote_type in APPROVAL_TYPES and multiprofile:
        # Each ballot's projects in the file's order, so that equal ballots are one entry.
        profile = ApprovalMultiProfile(instance=instance, ballot_type=IndexedApprovalBallot)
        profile.extend(IndexedApprovalBallot(projects[i] for i in sorted(set(ballot)))
                       for ballot in election.ballots)
        return instance, profile, Cost_Sat
    if vote_type in APPROVAL_TYPES:
        profile = ApprovalProfile(
            (ApprovalBallot(projects[i] for i in ballot) for ballot in election.ballots),
            instance=instance,
        )
        sat_class = Cost_Sat
    elif vote_type in POINT_TYPES:
        ballots = []
        for ballot, points in zip(election.ballots, election.points, strict=True):
            merged: dict = {}
            for i, pts in zip(ballot, points, strict=True):
                merged[projects[i]] = merged.get(projects[i], 0) + pts
            ballots.append(CumulativeBallot({p: Fraction(v) for p, v in merged.items() if v}))
        profile = CumulativeProfile(ballots, instance=instance)
        sat_class = PointsCostSat
    else:
        raise ValueError(f"no pabutools comparison for {vote_type} ballots")
    if multiprofile:
        profile = profile.as_multiprofile()
    return instance, profile, sat_class


def rank_tie_breaking(rank_by_id: dict[str, int]) -> TieBreakingRule:
    """pabutools tie-breaking that follows Høst's order (rank 0 wins a tie)."""
    return TieBreakingRule(lambda inst, prof, proj: rank_by_id[proj.name])


def pabutools_greedy(election: Election, rank_by_id: dict[str, int]) -> set[str]:
    instance, profile, sat_class = to_pabutools(election)
    out = greedy_utilitarian_welfare(
        instance, profile, sat_class=sat_class, tie_breaking=rank_tie_breaking(rank_by_id)
    )
    return {p.name for p in out}


def pabutools_mes(election: Election, rank_by_id: dict[str, int], *, multiprofile=True) -> set[str]:
    instance, profile, sat_class = to_pabutools(election, multiprofile=multiprofile)
    out = method_of_equal_shares(
        instance, profile, sat_class=sat_class, tie_breaking=rank_tie_breaking(rank_by_id)
    )
    return {p.name for p in out}
