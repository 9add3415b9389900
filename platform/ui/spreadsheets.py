"""Cells for spreadsheets: every CSV and XLSX download of Høst writes its cells through here.

Text people typed (idea and project titles, district names, a voting-code batch name) goes
into files that staff open in Excel or LibreOffice, which run a cell starting with `=`, `+`,
`-` or `@` as a formula (`=HYPERLINK(...)` sends the reader to an attacker's site; others
run commands). A leading tab or carriage return is stripped by some of them before they
look, so those start a formula too. Such text gets a leading apostrophe, which makes the
spreadsheet show it as text (OWASP, "CSV Injection").
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A plain number written as text ("-5", "+3.25") starts with a sign but is no formula: it
# stays as it is, so columns of amounts keep reading as numbers.
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?\Z")


def spreadsheet_cell(value):
    """`value` for a spreadsheet cell: text that a spreadsheet would run gets a leading
    apostrophe; anything else (numbers, dates, None, harmless text) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


class SpreadsheetWriter:
    """`csv.writer` whose every cell goes through `spreadsheet_cell`."""

    def __init__(self, out, **kwargs):
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable):
        return self._writer.writerow([spreadsheet_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs) -> SpreadsheetWriter:
    """The CSV writer for files people open in a spreadsheet (same arguments as csv.writer).
    Høst's one other CSV writer is the .pb data format (budgets.tally.pbformat), which tally
    programs read back exactly and must not be altered."""
    return SpreadsheetWriter(out, **kwargs)
