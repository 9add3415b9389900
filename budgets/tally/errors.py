"""Errors raised by the tally engine.

Every error a person can cause (a broken file, an unknown rule) is a subclass of
:class:`TallyError`, so callers (the management command, an upload view) can catch one type
and show its message without a traceback.

A file that is readable but odd (a vote naming a project twice) is not refused: the reader
keeps a :class:`PbFormatWarning` for each such line in ``Election.warnings``, so a caller can
show them next to the result (or pass them to ``warnings.warn``, they are ``UserWarning``s).
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


class PbFormatWarning(UserWarning):
    """Something odd in a ``.pb`` file that the reader resolved; ``line`` is 1-based."""

    def __init__(self, line: int, problem: str):
        self.line = line
        self.problem = problem
        where = f"line {line}: " if line else ""
        super().__init__(f"{where}{problem}")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PbFormatWarning):
            return NotImplemented
        return (self.line, self.problem) == (other.line, other.problem)

    def __hash__(self) -> int:
        return hash((self.line, self.problem))

    def __repr__(self) -> str:
        return f"PbFormatWarning({self.line!r}, {self.problem!r})"


class UnknownRuleError(TallyError, ValueError):
    """The rule name is not one the engine implements."""


class UnsupportedElectionError(TallyError, ValueError):
    """The rule exists but cannot be applied to this election (e.g. MES on ordinal ballots)."""
