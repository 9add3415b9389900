"""The files that carry new voting codes: the census's letters (a PDF to print, or a CSV file
for a printing house), a reissued letter, a batch of codes. Each is the answer to the request
that made the codes, the only time they exist in plain text: never stored or cached. The codes
page (budgets.views_codes) and the API (budgets.api_letters) answer with the same files."""
from __future__ import annotations

from django.http import HttpResponse

from ui.spreadsheets import csv_writer

from . import letters
from .models import BudgetProcess


def _download(response: HttpResponse, name: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def census_letters(*, process: BudgetProcess, made: list[tuple[str, str]], output: str = "pdf",
                   status: int = 200) -> HttpResponse:
    """(code, district name) pairs as one A4 letter each, or as a CSV file (output "csv")."""
    if output == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8", status=status)
        writer = csv_writer(response)
        writer.writerow(["code", "district"])
        writer.writerows(made)
        return _download(response, f"census-voting-codes-{process.pk}.csv")
    response = HttpResponse(letters.letters_pdf(process=process, letters=made), content_type="application/pdf",
                            status=status)
    return _download(response, f"census-letters-{process.pk}.pdf")


def reissued_letter(*, process: BudgetProcess, code: str, district: str, status: int = 200) -> HttpResponse:
    """The one letter that replaces a returned one, to print and send."""
    response = HttpResponse(letters.letters_pdf(process=process, letters=[(code, district)]),
                            content_type="application/pdf", status=status)
    return _download(response, f"reissued-letter-{process.pk}.pdf")


def batch_codes(*, process: BudgetProcess, codes: list[str], batch: str, district: str,
                status: int = 200) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8", status=status)
    writer = csv_writer(response)  # the batch name is typed by staff: never a formula
    writer.writerow(["code", "batch", "district"])
    writer.writerows([code, batch, district] for code in codes)
    return _download(response, f"voting-codes-{process.pk}.csv")
