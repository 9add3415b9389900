"""Result tables as CSV and XLSX: per project its cost, votes or points, and whether it
is funded — never anything about a voter."""
from __future__ import annotations

import io

from django.utils.translation import gettext as _

from ui.spreadsheets import csv_writer, spreadsheet_cell

from .elections import process_elections
from .models import BudgetProcess
from .selectors import election_from_ballots
from .tally import compute_scores


def result_rows(process: BudgetProcess) -> list[list]:
    """One row per project, election by election (the last column names the budget: each
    is counted on its own, so votes compare only within one)."""
    selected = set(process.result.selected_codes) if hasattr(process, "result") else set()
    header = [_("Number"), _("Project"), _("Cost"), _("Votes"), _("Points"), _("Funded"), _("Budget")]
    rows = [header]
    for budget_election in process_elections(process):
        election, projects = election_from_ballots(process=process, election=budget_election)
        scores = compute_scores(election)
        for i, project in enumerate(projects):
            rows.append([project.code, project.title, project.cost, scores.votes[i], scores.score[i],
                         _("yes") if project.code in selected else _("no"), budget_election.name])
    return rows


def as_csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv_writer(out).writerows(rows)  # project titles are typed by citizens: never a formula
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel reads the æøå right


def as_xlsx(rows: list[list], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    for row in rows:
        sheet.append([spreadsheet_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
