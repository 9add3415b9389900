"""The voting codes page: the census's letters (a PDF, or a CSV file for a printing house),
their text, returned letters (mark, undo, reissue) and codes made without the census. Thin:
permission, the action's form, one service, and the answer. New codes are in the answer to
the POST only (budgets.code_files), never stored or shown again. The API's actions are the
same forms and services (budgets.api_letters)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ui.forms import add_validation_errors

from . import code_files, letters, selectors, voting_codes
from .forms import CodesForm, LettersForm, LetterTextForm, ReturnedLetterForm
from .models import Voters

#: the page's forms, each posted with its own button (the button's name says which)
ACTIONS = ("output", "letter_text", "returned", "count")
#: what a returned letter's buttons do (the value of the button named "returned")
RETURNED_ACTIONS = ("return", "undo", "reissue")


def _codes_process(request, pk: int):
    process = selectors.process_get(pk=pk, user=request.user)
    if process is None:
        raise Http404
    if not request.user.has_perm("budgets.generate_codes", process):
        raise PermissionDenied
    return process


def _back(process, anchor: str):
    return redirect(reverse("budgets:codes", args=[process.pk]) + anchor)


@login_required
@require_http_methods(["GET", "POST"])
def codes(request, pk: int):
    process = _codes_process(request, pk)
    action = next((name for name in ACTIONS if name in request.POST), "") if request.method == "POST" else ""
    if action == "output":
        form = LettersForm(request.POST)
        output = form.cleaned_data["output"] if form.is_valid() else "pdf"
        try:
            made = voting_codes.codes_for_census(process=process)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("budgets:codes", pk=process.pk)
        if not made:
            messages.info(request, _("Every resident on the census who may vote already has a letter: no new codes "
                                     "were made."))
            return redirect("budgets:codes", pk=process.pk)
        return code_files.census_letters(process=process, made=made, output=output)
    text_form = LetterTextForm(request.POST if action == "letter_text" else None, prefix="letter",
                               initial={"letter_text": letters.letter_text(process)})
    if action == "letter_text" and text_form.is_valid():
        try:
            letters.letter_text_set(process=process, text=text_form.cleaned_data["letter_text"])
        except ValidationError as exc:
            add_validation_errors(text_form, exc)
        else:
            messages.success(request, _("The text of the letters is saved."))
            return _back(process, "#letter-text")
    returned_form = ReturnedLetterForm(request.POST if action == "returned" else None, prefix="returned")
    if action == "returned" and returned_form.is_valid():
        response = _returned_letter(request, process, returned_form)
        if response is not None:
            return response
    form = CodesForm(request.POST if action == "count" else None, process=process)
    if action == "count" and form.is_valid():
        generated = voting_codes.codes_generate(process=process, **form.cleaned_data)
        district = form.cleaned_data.get("district")
        return code_files.batch_codes(process=process, codes=generated, batch=form.cleaned_data["batch"],
                                      district=district.name if district else "")
    return render(request, "budgets/codes.html", {
        "process": process, "form": form, "text_form": text_form, "returned_form": returned_form,
        "census": process.voters == Voters.CENSUS, "counts": selectors.voting_code_counts(process=process),
        "vote_address": letters.vote_address(process)})


def _returned_letter(request, process, form):
    """Mark a returned letter, undo the mark, or reissue it (a new letter, answered as a PDF);
    None when the service refuses, its message then on the form."""
    what = request.POST["returned"] if request.POST["returned"] in RETURNED_ACTIONS else "return"
    code = form.cleaned_data["code"]
    try:
        if what == "reissue":
            new, district = voting_codes.code_reissue(process=process, code=code)
            return code_files.reissued_letter(process=process, code=new, district=district)
        if what == "undo":
            voting_codes.code_return_undo(process=process, code=code)
            messages.success(request, _("The letter is no longer marked as returned: its code can be used to vote "
                                        "again."))
        else:
            voting_codes.code_return(process=process, code=code)
            messages.success(request, _("The letter is marked as returned: its code can no longer be used to "
                                        "vote."))
    except ValidationError as exc:
        add_validation_errors(form, exc)
        return None
    return _back(process, "#returned-letters")
