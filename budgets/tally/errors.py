"""Errors raised by the tally engine.

Every error a person can cause (a broken file, an unknown rule) is a subclass of
:class:`TallyError`, so callers (the management command, an upload view) can catch one type
and show its message without a traceback.
"""

from __future__ import annotations


class TallyError(Exception):
    """Base class for errors the tally engine reports to a person."""


class PbFormatError(TallyError, ValueError):
    """A ``.pb`` file breaks the pabulib format; ``line`` is 1-based (0 when unknown)."""

    def __init__(self, line: int, problem: str):
        self.line = line
        self.problem = problem
        where = f"line {line}: " if line else ""
        super().__init__(f"{where}{problem}")


class UnknownRuleError(TallyError, ValueError):
    """The rule name is not one the engine implements."""


class UnsupportedElectionError(TallyError, ValueError):
    """The rule exists but cannot be applied to this election (e.g. MES on ordinal ballots)."""
