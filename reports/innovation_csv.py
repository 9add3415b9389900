"""The CSV format of innovation records (the Innovation Barometer's columns).

Reading checks every cell and reports errors by line and column; it needs no database, so
`barometer_report` can compute figures straight from a file.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from accounts.models import Country
from ui.numbers import whole_number
from ui.spreadsheets import csv_writer

from .models import InnovationType, SectorLevel, Subsector

COLUMNS = ["id", "municipality", "country", "sector_level", "subsector", "innovation_type", "weight",
           "citizens_initiated", "citizens_promoted", "citizens_cocreated", "value_quality",
           "value_efficiency", "value_employee_satisfaction", "value_citizen_involvement",
           "value_political_goals"]
OPTIONAL_COLUMNS = ["year", "title"]
FLAGS = COLUMNS[7:]
CHOICES = {"sector_level": SectorLevel, "subsector": Subsector, "innovation_type": InnovationType,
           "country": Country}
MAX_WEIGHT = Decimal("999999")


@dataclass
class CsvError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line, "column": self.column or "–", "message": self.message}


@dataclass
class ParsedCsv:
    rows: list[dict] = field(default_factory=list)
    errors: list[CsvError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def parse(data: bytes | str, *, max_errors: int = 100) -> ParsedCsv:
    """Read innovation records; ``rows`` hold typed values (flags as bool, weight as Decimal)."""
    text = _decode(data)
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    result = ParsedCsv()
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    result.columns = header
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        result.errors.append(CsvError(1, ", ".join(missing), _("missing column")))
        return result
    for record in reader:
        line = reader.line_num
        row: dict = {}
        for name in COLUMNS + [c for c in OPTIONAL_COLUMNS if c in header]:
            raw = (record.get(name) or "").strip()
            error = None
            if name == "id":
                row[name] = whole_number(raw)
                if raw and row[name] is None:
                    error = _("must be a whole number or empty")
            elif name == "municipality":
                if not raw:
                    error = _("is required")
                row[name] = raw
            elif name in CHOICES:
                allowed = CHOICES[name].values
                if raw not in allowed:
                    error = _("must be one of: %(allowed)s") % {"allowed": ", ".join(allowed)}
                row[name] = raw
            elif name == "weight":
                try:
                    value = Decimal(raw.replace(",", ".")) if raw else Decimal(1)
                    if not value.is_finite() or value < 0 or value > MAX_WEIGHT:
                        raise InvalidOperation
                    row[name] = value.quantize(Decimal("0.000001"))
                except InvalidOperation:
                    error = _("must be a number from 0 up to 999999")
            elif name in FLAGS:
                if raw not in ("0", "1"):
                    error = _("must be 0 or 1")
                row[name] = raw == "1"
            elif name == "year":
                row[name] = whole_number(raw)
                if raw and not (row[name] is not None and 1990 <= row[name] <= 2100):
                    error = _("must be a year from 1990 to 2100")
            elif name == "title":
                if len(raw) > 200:
                    error = _("is longer than 200 characters")
                row[name] = raw
            if error:
                result.errors.append(CsvError(line, name, error))
        if len(result.errors) >= max_errors:
            break
        row["line"] = line
        result.rows.append(row)
    if not result.rows and not result.errors:
        result.errors.append(CsvError(1, "", _("the file holds no innovation records")))
    return result


def write(rows, out) -> None:
    """Write innovation records (dicts with the columns plus year and title) as CSV."""
    writer = csv_writer(out)  # a spreadsheet must not run a title as a formula
    writer.writerow(COLUMNS + OPTIONAL_COLUMNS)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in COLUMNS + OPTIONAL_COLUMNS])


def _cell(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else str(value)
