"""The letters to the residents on the census: one A4 page each, with the municipality's
name, a text staff edit per process, the resident's voting code, their district and the
address to vote at. The letters carry no name or identity number: the census holds only
keyed hashes (accounts.census). The PDF is made in memory for the one answer that
returns the codes (budgets.voting_codes.codes_for_census) and is never stored.
"""
from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from .models import BudgetProcess

MAX_TEXT_CHARS = 1500
#: what fits on the page between the heading and the code's box, at the text's size
MAX_TEXT_LINES = 25
_PLEX = Path(settings.BASE_DIR) / "node_modules" / "dkfds" / "dist" / "fonts" / "IBMPlexSans" / "complete" / "ttf"
_LINE_MM = 5.6
_TEXT_PT = 11
# fontTools says at INFO level what it drops from the font on every PDF: not news for a log.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)


def letter_text_default(process: BudgetProcess) -> str:
    """The text a process's letters say until staff write their own, in the active language."""
    deadline = date_format(timezone.localtime(process.voting_end), "DATETIME_FORMAT")
    return _("You can help decide which projects %(municipality)s carries out in “%(title)s”. Vote by "
             "%(deadline)s.\n\n"
             "How to vote:\n"
             "• Online with the code in this letter: go to the address below and type the code. You need no "
             "account.\n"
             "• Online with your national e-ID: sign in on the same site and vote.\n"
             "• On paper: at a citizen service centre of the municipality. Bring your identity card.\n\n"
             "You have one vote in each budget you may vote in, whichever way you vote. The projects are "
             "described on the site.") % {"municipality": process.municipality.name, "title": process.title,
                                          "deadline": deadline}


def letter_text(process: BudgetProcess) -> str:
    return process.letter_text.strip() or letter_text_default(process)


def vote_address(process: BudgetProcess) -> str:
    return settings.SITE_URL + reverse("budgets:vote-code", args=[process.pk])


@transaction.atomic
def letter_text_set(*, process: BudgetProcess, text: str) -> BudgetProcess:
    """Staff's own text for the letters; empty brings back the default. It must fit on the
    one page of a letter, beside the code."""
    text = (text or "").strip()
    if text == letter_text_default(process).strip():
        text = ""  # unchanged: it follows the process's dates and language
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError({"letter_text": _("The text is %(n)s characters long: at most %(max)s fit on a "
                                                "letter.") % {"n": len(text), "max": MAX_TEXT_CHARS}})
    lines = _text_lines(_LetterPDF(), text) if text else 0
    if lines > MAX_TEXT_LINES:
        raise ValidationError({"letter_text": _("The text takes %(n)s lines, but at most %(max)s fit on a letter "
                                                "beside the code: shorten it.") % {"n": lines, "max": MAX_TEXT_LINES}})
    process.letter_text = text
    process.full_clean(exclude=["slug", "image"])
    process.save(update_fields=["letter_text"])
    return process


# --- The PDF --------------------------------------------------------------------------------
@cache
def _fonts() -> tuple[str, str] | None:
    """The design system's IBM Plex Sans (installed with the styles, package.json) when it is
    there; otherwise the PDF's built-in Helvetica, which knows only Latin-1."""
    regular, bold = _PLEX / "IBMPlexSans-Regular.ttf", _PLEX / "IBMPlexSans-SemiBold.ttf"
    return (str(regular), str(bold)) if regular.exists() and bold.exists() else None


class _LetterPDF(FPDF):
    def __init__(self):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.set_margins(20, 22, 20)
        self.set_auto_page_break(False)
        fonts = _fonts()
        self.family = "helvetica"
        if fonts is not None:
            self.add_font("plex", "", fonts[0])
            self.add_font("plex", "B", fonts[1])
            self.family = "plex"
        self.set_font(self.family, size=_TEXT_PT)

    def text_of(self, text: str) -> str:
        if self.family == "plex":
            return text
        plain = text.replace("“", '"').replace("”", '"').replace("–", "-").replace("•", "-").replace("’", "'")
        return plain.encode("latin-1", "replace").decode("latin-1")


def _text_lines(pdf: _LetterPDF, text: str) -> int:
    """How many lines the text takes on a letter, measured as the letter lays it out."""
    pdf.add_page()
    pdf.set_font(pdf.family, size=_TEXT_PT)
    return len(pdf.multi_cell(0, _LINE_MM, pdf.text_of(text), align="L", dry_run=True, output="LINES"))


def letters_pdf(*, process: BudgetProcess, letters: list[tuple[str, str]]) -> bytes:
    """One A4 page per (code, district name), in the order given (codes_for_census shuffles)."""
    pdf = _LetterPDF()
    pdf.set_title(_("Voting letters: %(title)s") % {"title": process.title})
    pdf.set_creator("Høst")
    body = pdf.text_of(letter_text(process))
    address = vote_address(process)
    t = pdf.text_of
    texts = {"kind": t(_("Participatory budget")), "title": t(process.title),
             "municipality": t(process.municipality.name), "code": t(_("Your personal voting code")),
             "district": t(_("District")), "where": t(_("Vote online at")),
             "personal": t(_("The code is personal: it is meant for you alone and gives you one vote in each budget "
                             "you may vote in. Do not give it to anyone, and keep the letter until the vote has "
                             "closed. The letter has no name on it because the municipality's voter list for the "
                             "vote holds no names."))}
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for code, district in letters:
        pdf.add_page()
        pdf.set_font(pdf.family, "B", 16)
        pdf.cell(width, 8, texts["municipality"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.family, size=10)
        pdf.cell(width, 6, texts["kind"], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        pdf.set_font(pdf.family, "B", 14)
        pdf.multi_cell(width, 7, texts["title"], new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(pdf.family, size=_TEXT_PT)
        pdf.multi_cell(width, _LINE_MM, body, align="L", new_x="LMARGIN", new_y="NEXT")
        # The code's box sits at the same place on every letter, below the longest text allowed.
        pdf.set_y(max(pdf.get_y() + 6, 200))
        top = pdf.get_y()
        pdf.set_draw_color(0, 0, 0)
        pdf.set_line_width(0.5)
        pdf.rect(pdf.l_margin, top, width, 44)
        pdf.set_xy(pdf.l_margin + 6, top + 5)
        pdf.set_font(pdf.family, size=10)
        pdf.cell(width - 12, 5, texts["code"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(pdf.l_margin + 6)
        pdf.set_font("courier", "B", 22)
        pdf.cell(width - 12, 12, code, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(pdf.family, size=10)
        if district:
            pdf.set_x(pdf.l_margin + 6)
            pdf.cell(width - 12, 6, f"{texts['district']}: {t(district)}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_x(pdf.l_margin + 6)
        pdf.cell(width - 12, 6, f"{texts['where']}: {address}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(top + 50)
        pdf.set_font(pdf.family, size=9)
        pdf.multi_cell(width, 4.6, texts["personal"], align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
