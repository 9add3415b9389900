"""Reading and writing the pabulib ``.pb`` format.

A file has three sections, each introduced by a line holding only its name and followed by a
header row: ``META`` (key;value), ``PROJECTS`` (project_id;cost;...) and ``VOTES``
(voter_id;vote;...). Fields are ``;``-separated with CSV quoting (real project names contain
``;`` and ``"``). Inside ``vote`` and ``points`` the entries are ``,``-separated.

The whole text goes through one ``csv.reader`` (C speed); identical ``vote``/``points``
strings are converted once and share one tuple; project ids are interned. Any problem raises
:class:`~budgets.tally.errors.PbFormatError` naming the line; what the reader can resolve
(a vote naming a project twice) becomes a :class:`~budgets.tally.errors.PbFormatWarning` in
``Election.warnings``.

Money: budgets and costs may have decimals (Kraków's districts: ``budget;1794579.57``). The
reader finds the most decimal places any of them needs, sets ``Election.scale`` to that power
of ten and keeps every amount as an exact integer of minor units (text -> ``Decimal`` ->
``Fraction``, never a float). Files in whole units (``4000.0`` included) get scale 1, as before.
The writer gives back each amount as the file wrote it.
"""

from __future__ import annotations

import csv
import io
import os
import sys
from fractions import Fraction
from pathlib import Path

from .errors import PbFormatError, PbFormatWarning
from .model import POINT_TYPES, VOTE_TYPES, Election, Project
from .numbers import (
    MAX_MONEY_PLACES,
    Number,
    decimal_places,
    format_money,
    parse_money,
    parse_number,
)

SECTIONS = ("meta", "projects", "votes")
# A vote row can be long (Amsterdam ballots list dozens of ids); names can hold essays.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def _money(text: str) -> tuple[Number, int]:
    """(exact value, decimal places it needs); ``ValueError`` for what is not money."""
    value = parse_number(text)
    places = decimal_places(value)
    if places > MAX_MONEY_PLACES:
        raise ValueError(f"{text.strip()!r} has more than {MAX_MONEY_PLACES} decimal places")
    return value, places


def read_pb(source: str | os.PathLike | bytes) -> Election:
    """Read an election from a path, from ``bytes``, or from the file's text.

    A ``str`` is taken as a path when it has no line break, otherwise as the file's text.
    """
    if isinstance(source, bytes):
        text = _decode(source, 0)
    elif isinstance(source, os.PathLike) or (isinstance(source, str) and "\n" not in source):
        try:
            data = Path(source).read_bytes()
        except OSError as exc:
            raise PbFormatError(
                0, f"cannot read {os.fspath(source)!r}: {exc.strerror or exc}"
            ) from None
        text = _decode(data, 0)
    else:
        text = source
    return parse_pb_text(text)


def _decode(data: bytes, line: int) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad_line = data[: exc.start].count(b"\n") + 1
        raise PbFormatError(bad_line, "the file is not valid UTF-8 text") from None


class _Parser:
    def __init__(self, text: str):
        if text.startswith("\ufeff"):
            text = text[1:]
        self.reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
        self.meta: dict[str, str] = {}
        self.meta_lines: dict[str, int] = {}
        self.projects: list[Project] = []
        self.project_columns: list[str] = []
        self.project_index: dict[str, int] = {}
        self.vote_columns: list[str] = []
        self.voter_ids: list[str] = []
        self.first_vote_line = 0
        self.vote_lines: dict[int, int] = {}
        self.ballots: list[tuple[int, ...]] = []
        self.points: list[tuple[Number, ...]] | None = None
        self.voter_extra: dict[str, list[str]] = {}
        self.seen_sections: list[str] = []
        self.warnings: list[PbFormatWarning] = []
        # decimal places the budget and the costs need; the largest sets Election.scale
        self.money_places = 0
        # The longest row that spans several physical lines: an unclosed quote swallows the
        # rest of the file into one field, and the error should point at where that began.
        self.longest_span: tuple[int, int] = (0, 0)

    # -- driver --------------------------------------------------------------------------
    def parse(self) -> Election:
        reader = self.reader
        section = None
        header: list[str] | None = None
        handler = None
        end = 0
        try:
            for row in reader:
                line = end + 1
                end = reader.line_num
                if end - line > self.longest_span[1] - self.longest_span[0]:
                    self.longest_span = (line, end)
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue
                if len(row) == 1 and row[0].strip().lower() in SECTIONS:
                    section = row[0].strip().lower()
                    self._enter_section(section, line)
                    header = None
                    continue
                if section is None:
                    raise PbFormatError(
                        line, f"expected the section line 'META', found {_show(row)}"
                    )
                if header is None:
                    header = [h.strip() for h in row]
                    handler = self._start(section, header, line)
                    continue
                handler(row, line)
            return self._finish(end)
        except csv.Error as exc:
            raise PbFormatError(end + 1, f"broken CSV quoting ({exc})") from None
        except PbFormatError as exc:
            start, stop = self.longest_span
            if stop > start and "quote" not in exc.problem:
                raise PbFormatError(
                    exc.line,
                    f"{exc.problem} (a quoted field opened on line {start} runs to line {stop}: "
                    "is a quote unclosed?)",
                ) from None
            raise

    def _enter_section(self, section: str, line: int) -> None:
        if section in self.seen_sections:
            raise PbFormatError(line, f"section {section.upper()} appears twice")
        expected = SECTIONS[len(self.seen_sections)]
        if section != expected:
            raise PbFormatError(
                line, f"expected section {expected.upper()} here, found {section.upper()}"
            )
        self.seen_sections.append(section)
        if section == "projects":
            self._check_meta(line)

    def _start(self, section: str, header: list[str], line: int):
        if len(set(header)) != len(header):
            raise PbFormatError(
                line, f"{section.upper()} header repeats a column: {';'.join(header)}"
            )
        if section == "meta":
            if len(header) != 2:
                raise PbFormatError(line, f"META header must be 'key;value', found {_show(header)}")
            return self._meta_row
        if section == "projects":
            if header[:1] != ["project_id"] or "cost" not in header:
                raise PbFormatError(
                    line,
                    f"PROJECTS header must start with 'project_id' and contain 'cost', found {_show(header)}",
                )
            self.project_columns = header
            self.cost_col = header.index("cost")
            self.other_cols = [
                (i, h) for i, h in enumerate(header) if h not in ("project_id", "cost")
            ]
            return self._project_row
        # votes
        if header[:1] != ["voter_id"] or "vote" not in header:
            raise PbFormatError(
                line,
                f"VOTES header must start with 'voter_id' and contain 'vote', found {_show(header)}",
            )
        self.vote_columns = header
        self.vote_col = header.index("vote")
        if self.vote_type in POINT_TYPES and "points" not in header:
            raise PbFormatError(
                line, f"vote_type {self.vote_type} needs a 'points' column in VOTES"
            )
        # Ordinal files may carry the points the city gave each rank (Ruda Śląska 2026: 4/3/2/1
        # from the top whatever the ballot's length); they then decide the score, as in
        # pabulib's own count, instead of the positional L..1.
        if "points" in header and (self.vote_type in POINT_TYPES or self.vote_type == "ordinal"):
            self.points = []
            self.points_col = header.index("points")
        else:
            self.points_col = None
        self.extra_cols = [
            (i, h)
            for i, h in enumerate(header)
            if h not in ("voter_id", "vote") and i != self.points_col
        ]
        for _, h in self.extra_cols:
            self.voter_extra[h] = []
        self.width = len(header)
        self.ballot_cache: dict[str, tuple[int, ...]] = {"": ()}
        self.points_cache: dict[str, tuple[Number, ...]] = {"": ()}
        self.seen_voters: set[str] = set()
        # vote text -> the project ids it names more than once (approval/ordinal ballots)
        self.repeats: dict[str, list[str]] = {}
        return self._vote_row

    # -- rows ----------------------------------------------------------------------------
    def _meta_row(self, row: list[str], line: int) -> None:
        if len(row) != 2:
            raise PbFormatError(
                line, f"a META line must be 'key;value', found {len(row)} fields: {_show(row)}"
            )
        key, value = row[0].strip(), row[1].strip()
        if not key:
            raise PbFormatError(line, "META key is empty")
        if key in self.meta:
            raise PbFormatError(
                line, f"META key {key!r} appears twice (first on line {self.meta_lines[key]})"
            )
        self.meta[key] = value
        self.meta_lines[key] = line

    def _check_meta(self, line: int) -> None:
        for key in ("budget", "vote_type"):
            if key not in self.meta:
                raise PbFormatError(line, f"META has no {key!r} entry (required before PROJECTS)")
        try:
            budget, self.money_places = _money(self.meta["budget"])
        except ValueError as exc:
            raise PbFormatError(self.meta_lines["budget"], f"META budget: {exc}") from None
        if budget < 0:
            raise PbFormatError(self.meta_lines["budget"], "META budget is negative")
        self.vote_type = self.meta["vote_type"].strip().lower()
        if self.vote_type not in VOTE_TYPES:
            raise PbFormatError(
                self.meta_lines["vote_type"],
                f"unknown vote_type {self.meta['vote_type']!r} (expected one of {', '.join(sorted(VOTE_TYPES))})",
            )

    def _project_row(self, row: list[str], line: int) -> None:
        if len(row) != len(self.project_columns):
            raise PbFormatError(
                line,
                f"a PROJECTS line needs {len(self.project_columns)} fields "
                f"({';'.join(self.project_columns)}), found {len(row)}"
                + (
                    " (is a ';' inside an unquoted name?)"
                    if len(row) > len(self.project_columns)
                    else ""
                ),
            )
        pid = sys.intern(row[0].strip())
        if not pid:
            raise PbFormatError(line, "project_id is empty")
        if "," in pid:
            raise PbFormatError(
                line, f"project_id {pid!r} contains ',' (votes could not refer to it)"
            )
        if pid in self.project_index:
            raise PbFormatError(line, f"project_id {pid!r} appears twice")
        cost_text = row[self.cost_col].strip()
        try:
            cost, places = _money(cost_text)
        except ValueError as exc:
            raise PbFormatError(line, f"cost of project {pid!r}: {exc}") from None
        if cost < 0:
            raise PbFormatError(line, f"cost of project {pid!r} is negative")
        if places > self.money_places:
            self.money_places = places
        fields = {h: row[i].strip() for i, h in self.other_cols}
        self.project_index[pid] = len(self.projects)
        # a fractional cost stays a Fraction until _finish knows the file's scale
        self.projects.append(Project(pid, cost, fields, cost_text))

    def _vote_row(self, row: list[str], line: int) -> None:
        if len(row) != self.width:
            raise PbFormatError(
                line,
                f"a VOTES line needs {self.width} fields ({';'.join(self.vote_columns)}), found {len(row)}",
            )
        voter = row[0].strip()
        if not voter:
            raise PbFormatError(line, "voter_id is empty")
        seen = self.seen_voters
        if voter in seen:
            raise PbFormatError(line, f"voter_id {voter!r} appears twice")
        seen.add(voter)
        # Each vote's line, kept only where it is not the first vote's line + its index
        # (a quoted field spanning lines): errors about a ballot can name its line.
        if line != self.first_vote_line + len(self.voter_ids):
            if not self.voter_ids:
                self.first_vote_line = line
            else:
                self.vote_lines[len(self.voter_ids)] = line
        self.voter_ids.append(voter)
        text = row[self.vote_col]
        ballot = self.ballot_cache.get(text)
        if ballot is None:
            ballot = self._ballot(text, line)
            self.ballot_cache[text] = ballot
        self.ballots.append(ballot)
        if self.repeats and text in self.repeats:
            repeated = self.repeats[text]
            named = ("project " if len(repeated) == 1 else "projects ") + ", ".join(
                repr(p) for p in repeated
            )
            self.warnings.append(
                PbFormatWarning(
                    line,
                    f"voter {voter!r}: vote {text!r} names {named} more than once; counted once",
                )
            )
        if self.points is not None:
            ptext = row[self.points_col]
            pts = self.points_cache.get(ptext)
            if pts is None:
                pts = self._points(ptext, line)
                self.points_cache[ptext] = pts
            if len(pts) != len(ballot):
                raise PbFormatError(
                    line, f"voter {voter!r} lists {len(ballot)} projects but {len(pts)} points"
                )
            self.points.append(pts)
        for i, h in self.extra_cols:
            self.voter_extra[h].append(row[i])

    def _ballot(self, text: str, line: int) -> tuple[int, ...]:
        index = self.project_index
        out = []
        for raw in text.split(","):
            pid = raw.strip()
            if not pid:
                if text.strip():
                    raise PbFormatError(line, f"empty project id in vote {text!r}")
                continue
            try:
                out.append(index[pid])
            except KeyError:
                raise PbFormatError(
                    line, f"vote names project {pid!r}, which is not in PROJECTS"
                ) from None
        # Cumulative/scoring ballots may repeat a project (Czestochowa 2020 has "579,579,579,579"
        # with 1 point each); the points add up, as the file's own votes/score columns confirm.
        # An approval or ordinal ballot cannot approve or rank a project twice (a Warszawa 2026
        # district file has "1178,1178,989,843,1781"): the first mention counts, the others
        # are dropped, and _vote_row warns for every voter who cast such a vote.
        if self.points is None and len(set(out)) != len(out):
            seen: set[int] = set()
            kept = []
            repeated: list[str] = []
            for p in out:
                if p in seen:
                    pid = self.projects[p].project_id
                    if pid not in repeated:
                        repeated.append(pid)
                    continue
                seen.add(p)
                kept.append(p)
            self.repeats[text] = repeated
            out = kept
        return tuple(out)

    def _points(self, text: str, line: int) -> tuple[Number, ...]:
        if not text.strip():
            return ()
        out = []
        for raw in text.split(","):
            try:
                out.append(parse_number(raw))
            except ValueError:
                raise PbFormatError(
                    line, f"points {text!r}: {raw.strip()!r} is not a number"
                ) from None
        return tuple(out)

    def _finish(self, last_line: int) -> Election:
        missing = [s.upper() for s in SECTIONS if s not in self.seen_sections]
        if missing:
            raise PbFormatError(last_line, f"the file ends without section(s) {', '.join(missing)}")
        if not self.vote_columns:
            raise PbFormatError(last_line, "VOTES has no header line")
        if not self.projects and not self.project_columns:
            raise PbFormatError(last_line, "PROJECTS has no header line")
        scale = 10**self.money_places
        if scale != 1:
            for p in self.projects:
                minor = p.cost * scale  # exact: p.cost needs at most money_places places
                p.cost = minor if isinstance(minor, int) else minor.numerator
        return Election(
            meta=self.meta,
            projects=self.projects,
            project_columns=self.project_columns,
            vote_columns=self.vote_columns,
            voter_ids=self.voter_ids,
            ballots=self.ballots,
            points=self.points,
            voter_extra=self.voter_extra,
            scale=scale,
            warnings=self.warnings,
            vote_lines=(self.first_vote_line, self.vote_lines),
        )


def _show(row: list[str], limit: int = 80) -> str:
    text = ";".join(row)
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def parse_pb_text(text: str) -> Election:
    if "\0" in text:  # the csv module would stop with its own error
        raise PbFormatError(text[: text.index("\0")].count("\n") + 1,
                            "the line contains a NUL byte: this is not a pabulib text file")
    return _Parser(text).parse()


def _fmt_number(value: Number) -> str:
    """Exact decimal text ("2.5"); fractional points always come from decimal text."""
    if isinstance(value, Fraction) and value.denominator != 1:
        den, k = value.denominator, 0
        while 10**k % den and k < 64:  # denominators of parsed decimals divide a power of ten
            k += 1
        if 10**k % den:
            raise ValueError(f"{value} has no exact decimal form")
        digits = str(abs(value.numerator) * (10**k // den)).rjust(k + 1, "0")
        sign = "-" if value < 0 else ""
        return f"{sign}{digits[:-k]}.{digits[-k:]}".rstrip("0")
    return str(value)


def _cost_text(project: Project, scale: int) -> str:
    """The cost as the file wrote it while that still means ``project.cost``, otherwise
    as pabulib writes amounts: whole ones without decimals, others with all the scale's."""
    text = project.cost_text
    if text is not None:
        try:
            if parse_money(text, scale) == project.cost:
                return text
        except ValueError:
            pass
    if project.cost % scale == 0:
        return str(project.cost // scale)
    return format_money(project.cost, scale)


def write_pb(election: Election) -> str:
    """Serialise an election to ``.pb`` text; ``read_pb(write_pb(e)) == e``."""
    buf = io.StringIO()
    # Not ui.spreadsheets.csv_writer: a .pb file is data for tally programs, which must read
    # back exactly what was written (a formula guard would change project names).
    writer = csv.writer(
        buf, delimiter=";", quotechar='"', lineterminator="\n", quoting=csv.QUOTE_MINIMAL
    )
    buf.write("META\n")
    writer.writerow(["key", "value"])
    for key, value in election.meta.items():
        writer.writerow([key, value])
    buf.write("PROJECTS\n")
    writer.writerow(election.project_columns)
    for p in election.projects:
        row = []
        for col in election.project_columns:
            if col == "project_id":
                row.append(p.project_id)
            elif col == "cost":
                row.append(_cost_text(p, election.scale))
            else:
                row.append(p.fields.get(col, ""))
        writer.writerow(row)
    buf.write("VOTES\n")
    writer.writerow(election.vote_columns)
    ids = election.project_ids
    ballot_text: dict[tuple[int, ...], str] = {}
    points_text: dict[tuple, str] = {}
    extra = election.voter_extra
    for n, voter in enumerate(election.voter_ids):
        ballot = election.ballots[n]
        vt = ballot_text.get(ballot)
        if vt is None:
            vt = ballot_text[ballot] = ",".join(ids[i] for i in ballot)
        row = []
        for col in election.vote_columns:
            if col == "voter_id":
                row.append(voter)
            elif col == "vote":
                row.append(vt)
            elif col == "points" and election.points is not None:
                pts = election.points[n]
                pt = points_text.get(pts)
                if pt is None:
                    pt = points_text[pts] = ",".join(_fmt_number(x) for x in pts)
                row.append(pt)
            else:
                row.append(extra[col][n])
        writer.writerow(row)
    return buf.getvalue()
