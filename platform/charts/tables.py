"""Tables as CSV or XLSX downloads (the data behind every chart)."""
from __future__ import annotations

import io
import re
from collections.abc import Sequence

from ui.spreadsheets import csv_writer, spreadsheet_cell

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render_table(*, title: str, header: Sequence[str], rows: Sequence[Sequence], fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv_writer(out)  # a spreadsheet must not run a label as a formula
        writer.writerow(header)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
    if fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        # Excel refuses []:*?/\ in a sheet's name ("Participation funnel: ideas").
        sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "table"
        sheet.append([spreadsheet_cell(h) for h in header])
        for row in rows:
            sheet.append([spreadsheet_cell(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    raise ValueError(f"unknown format {fmt}")
