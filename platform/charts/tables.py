"""Tables as CSV or XLSX downloads (the data behind every chart)."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _safe(value):
    # A spreadsheet must not run a label as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def render_table(*, title: str, header: Sequence[str], rows: Sequence[Sequence], fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([_safe(h) for h in header])
        for row in rows:
            writer.writerow(["" if v is None else _safe(v) for v in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        sheet.title = title[:31] or "table"
        sheet.append([_safe(h) for h in header])
        for row in rows:
            sheet.append([_safe(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"unknown format {fmt}")
