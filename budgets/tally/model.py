"""Plain data classes for a participatory-budgeting election.

Ballots are stored column-wise and light: a ballot is a tuple of project *indices* (positions
in ``Election.projects``), and identical ballots share one tuple object, so a 130,000-voter
file costs a few lists rather than 130,000 objects.

Money is an integer number of *minor units* everywhere in the engine: ``Project.cost``,
``Election.budget``, ``Outcome.spent``, the per-voter budgets of MES. ``Election.scale`` is how
many minor units make one currency unit as the file writes it: 1 for files in whole units
(most of pabulib), 100 for Kraków's ``1794579.57``. Rules never see a fraction of a grosz, so
they stay exact; :meth:`Election.format_money` turns an amount back into the file's notation.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .numbers import Number, format_money, parse_money, parse_number

APPROVAL_TYPES = frozenset({"approval", "choose-1"})
POINT_TYPES = frozenset({"cumulative", "scoring"})
VOTE_TYPES = APPROVAL_TYPES | POINT_TYPES | {"ordinal"}


@dataclass(eq=True)
class Project:
    """One project. ``fields`` holds every PROJECTS column other than project_id and cost,
    as the text found in the file (so writing the file back loses nothing). ``cost`` is in
    minor units (see ``Election.scale``); ``cost_text`` is the cost as the file wrote it
    (``"4000.0"``, ``"350000"`` in a file whose budget has grosze), which the writer gives back
    while it still means ``cost``."""

    project_id: str
    cost: int
    fields: dict[str, str] = field(default_factory=dict)
    cost_text: str | None = field(default=None, compare=False, repr=False)

    @property
    def name(self) -> str:
        return self.fields.get("name", "")

    def _int_field(self, key: str) -> Number | None:
        text = self.fields.get(key, "").strip()
        if not text or text.lower() == "none":
            return None
        return parse_number(text)

    @property
    def votes(self) -> Number | None:
        """The ``votes`` column as recorded in the file (None when absent)."""
        return self._int_field("votes")

    @property
    def score(self) -> Number | None:
        """The ``score`` column as recorded in the file (None when absent)."""
        return self._int_field("score")

    @property
    def selected(self) -> str | None:
        """The raw ``selected`` code from the file (``"1"`` = funded; others per META comment)."""
        text = self.fields.get("selected")
        if text is None or not text.strip():
            return None
        return text.strip()


@dataclass(eq=True)
class Election:
    """A whole ``.pb`` file: META, PROJECTS and VOTES."""

    meta: dict[str, str]
    projects: list[Project]
    project_columns: list[str]
    vote_columns: list[str]
    voter_ids: list[str]
    ballots: list[tuple[int, ...]]
    #: points per ballot entry (cumulative/scoring); None for other vote types
    points: list[tuple[Number, ...]] | None = None
    #: the other VOTES columns (age, sex, ...), column-wise, as text
    voter_extra: dict[str, list[str]] = field(default_factory=dict)
    #: minor units per currency unit (a power of ten): costs and budget are integers in them
    scale: int = 1
    #: what the reader resolved rather than refused (``PbFormatWarning``s, by line)
    warnings: list = field(default_factory=list, compare=False, repr=False)
    #: (line of the first vote, {vote index: line} where a vote is not on the next line)
    vote_lines: tuple = field(default=(0, None), compare=False, repr=False)
    _groups: list | None = field(default=None, compare=False, repr=False)
    _index: dict | None = field(default=None, compare=False, repr=False)

    def vote_line(self, index: int) -> int:
        """The file line of vote ``index`` (0 for an election not read from a file)."""
        first, moved = self.vote_lines
        if not first:
            return 0
        return (moved or {}).get(index, first + index)

    # -- META helpers --------------------------------------------------------------------
    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "").strip().lower()

    @property
    def budget(self) -> int:
        """The META budget in minor units."""
        return parse_money(self.meta["budget"], self.scale)

    def format_money(self, amount: int, *, grouping: bool = False) -> str:
        """``amount`` minor units in the file's notation: ``"1794579.57"`` at scale 100,
        ``"440000"`` at scale 1; ``grouping`` adds thousands separators for display."""
        return format_money(amount, self.scale, grouping=grouping)

    @property
    def rule(self) -> str:
        return self.meta.get("rule", "").strip()

    @property
    def num_voters(self) -> int:
        return len(self.ballots)

    def meta_number(self, key: str) -> Number | None:
        text = self.meta.get(key, "").strip()
        if not text or text.lower() == "none":
            return None
        return parse_number(text)

    # -- projects ------------------------------------------------------------------------
    def index_of(self, project_id: str) -> int:
        if self._index is None:
            self._index = {p.project_id: i for i, p in enumerate(self.projects)}
        return self._index[project_id]

    @property
    def project_ids(self) -> list[str]:
        return [p.project_id for p in self.projects]

    @property
    def costs(self) -> list[int]:
        return [p.cost for p in self.projects]

    # -- ballots -------------------------------------------------------------------------
    def groups(self) -> list[tuple[tuple[int, ...], tuple[Number, ...] | None, int]]:
        """Identical ballots collapsed: ``[(ballot, points_or_None, multiplicity), ...]``
        in order of first appearance (deterministic)."""
        if self._groups is None:
            if self.points is None:
                counts = Counter(self.ballots)
                self._groups = [(b, None, m) for b, m in counts.items()]
            else:
                counts = Counter(zip(self.ballots, self.points, strict=True))
                self._groups = [(b, pts, m) for (b, pts), m in counts.items()]
        return self._groups

    def invalidate(self) -> None:
        """Call after mutating ballots or projects in place."""
        self._groups = None
        self._index = None
