"""Høst's participatory-budgeting tally engine (pure Python; no Django here).

    from budgets.tally import read_pb, tally
    outcome = tally(read_pb("Poland_Wieliczka_2023_Green_Budget.pb"), "official")
    outcome.selected_ids, outcome.spent_text    # spent in the file's notation ("1794579.57")

Rules (contract names): ``official``, ``greedy``, ``greedy-no-skip``, ``greedy-threshold``,
``mes``, ``mes-add1``, ``equalshares/add1``, ``equalshares/add1-comparison``.
See docs/TALLY.md for the rules, tie-breaking and exactness.
"""

from .analytics import OutcomeStats, outcome_stats, pairwise, preference
from .errors import (
    PbFormatError,
    PbFormatWarning,
    TallyError,
    UnknownRuleError,
    UnsupportedElectionError,
)
from .model import Election, Project
from .outcome import Outcome
from .pbformat import parse_pb_text, read_pb, write_pb
from .rules import RULE_NAMES, RULES, Prepared, official_rule, tally
from .scores import Scores, compute_scores

__all__ = [
    "RULES",
    "RULE_NAMES",
    "Election",
    "Outcome",
    "OutcomeStats",
    "PbFormatError",
    "PbFormatWarning",
    "Prepared",
    "Project",
    "Scores",
    "TallyError",
    "UnknownRuleError",
    "UnsupportedElectionError",
    "compute_scores",
    "official_rule",
    "outcome_stats",
    "pairwise",
    "parse_pb_text",
    "preference",
    "read_pb",
    "tally",
    "write_pb",
]
