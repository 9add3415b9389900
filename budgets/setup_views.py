"""The set-up pages: staff write a budget as a draft, step by step, check it and publish it.
Thin: permission, the form of the step (budgets.forms.setup_form_class), one service of
budgets.setup, render."""
from __future__ import annotations

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from ideas import upload_stash
from ui.forms import add_validation_errors
from ui.numbers import whole_number

from . import selectors, setup
from .elections import BudgetElection
from .forms import DistrictBudgetForm, ballot_form_class, setup_form_class
from .models import Project

EXTRA_FIELDS = ("image", "remove_image")


def _municipality(request):
    municipality = request.municipality
    if municipality is None:
        raise Http404
    if not request.user.has_perm("budgets.create_process", municipality):
        raise PermissionDenied
    return municipality


def _draft(request, pk: int):
    process = selectors.process_get(pk=pk, user=request.user)
    if process is None:
        raise Http404
    if not request.user.has_perm("budgets.set_up_process", process):
        raise PermissionDenied
    return process


def _steps(process, current: str) -> list[dict]:
    done = set(process.setup_done or []) if process is not None else set()
    steps = [{"key": key, "n": setup.step_number(key), "title": setup.STEP_TITLES[key], "done": key in done,
              "current": key == current,
              "url": reverse("budgets:setup", args=[process.pk, key]) if process is not None else ""}
             for key in setup.STEPS]
    steps.append({"key": "check", "n": len(setup.STEPS) + 1, "title": _("Check and publish"), "done": False,
                  "current": current == "check",
                  "url": reverse("budgets:setup-check", args=[process.pk]) if process is not None else ""})
    return steps


def _data(form) -> tuple[dict, object, bool]:
    data = {k: v for k, v in form.cleaned_data.items() if k not in EXTRA_FIELDS}
    return data, form.cleaned_data.get("image"), bool(form.cleaned_data.get("remove_image"))


@login_required
@require_safe
def setup_list(request):
    """The municipality's drafts, and the way to start a new budget."""
    municipality = _municipality(request)
    return render(request, "budgets/setup/list.html", {
        "municipality": municipality, "drafts": selectors.draft_list(municipality=municipality)})


@login_required
@require_http_methods(["GET", "POST"])
def setup_new(request):
    """Step 1 of a new budget: its basics make the draft."""
    municipality = _municipality(request)
    Form = setup_form_class("basics")
    uploads, kept = upload_stash.picture_files(request)
    form = Form(request.POST or None, uploads, initial={"currency": municipality_currency(municipality)})
    if request.method == "POST" and form.is_valid():
        data, image, _remove = _data(form)
        try:
            process = setup.draft_create(municipality=municipality, actor=request.user, image=image, **data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            upload_stash.picture_done(request)
            messages.success(request, _("The draft is saved. Only staff of %(municipality)s can see it. Add district "
                                        "budgets below, or go on to the ballot.") % {"municipality": municipality})
            return redirect("budgets:setup", pk=process.pk, step="basics")
    return render(request, "budgets/setup/step.html", {
        "process": None, "step": "basics", "n": 1, "title": setup.STEP_TITLES["basics"], "form": form,
        "steps": _steps(None, "basics"), "kept_picture": upload_stash.picture_keep(request, kept)})


def municipality_currency(municipality) -> str:
    return {"NO": "NOK", "SE": "SEK", "IS": "ISK"}.get(getattr(municipality, "country", ""), "DKK")


@login_required
@require_http_methods(["GET", "POST"])
def setup_step(request, pk: int, step: str):
    process = _draft(request, pk)
    if step not in setup.STEPS:
        raise Http404
    Form = setup_form_class(step)
    # The basics page holds three forms: the step's, adding and removing a district budget.
    action = ""
    if request.method == "POST":
        action = "save"
        if step == "basics" and "remove_district" in request.POST:
            action = "remove-district"
        elif step == "basics" and "district-amount" in request.POST:
            action = "add-district"
    if action == "remove-district":
        return _district_remove(request, process)
    posted = action == "save"
    # Only the basics have a picture, kept across an error (ideas.upload_stash).
    uploads, kept = upload_stash.picture_files(request) if step == "basics" else (request.FILES, None)
    form = Form(request.POST if posted else None, uploads if posted else None, instance=process)
    district_form = None
    if step == "basics":
        district_form = DistrictBudgetForm(request.POST if action == "add-district" else None, process=process,
                                           prefix="district")
        if action == "add-district" and district_form.is_valid():
            try:
                setup.district_budget_add(process=process, **district_form.cleaned_data)
            except ValidationError as exc:
                add_validation_errors(district_form, exc)
            else:
                messages.success(request, _("The district budget is added."))
                return redirect(reverse("budgets:setup", args=[process.pk, "basics"]) + "#district-budgets")
    preview = None
    if posted and form.is_valid():
        data, image, remove_image = _data(form)
        if step == "ballot" and "preview" in request.POST:
            preview = _preview(process, data)
        else:
            try:
                setup.setup_update(process=process, data=data, image=image, remove_image=remove_image)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                upload_stash.picture_done(request)
                messages.success(request, _("Step %(n)s is saved.") % {"n": setup.step_number(step)})
                following = setup.STEPS[setup.STEPS.index(step) + 1] if step != setup.STEPS[-1] else None
                return redirect(reverse("budgets:setup", args=[process.pk, following]) if following
                                else reverse("budgets:setup-check", args=[process.pk]))
    if step == "ballot" and preview is None:
        preview = _preview(process, {})
    context = {"process": process, "step": step, "n": setup.step_number(step), "title": setup.STEP_TITLES[step],
               "form": form, "steps": _steps(process, step), "district_form": district_form, "preview": preview,
               "district_budgets": list(process.district_budgets.all()) if step == "basics" else [],
               "kept_picture": upload_stash.picture_keep(request, kept) if step == "basics" else None}
    if step == "eligibility":
        context["census"] = setup.census_status(process)
        context["may_upload_census"] = request.user.has_perm("accounts.manage_census", process.municipality)
    elif step == "tally":
        context["example"] = setup.tally_example()
    elif step == "timeline":
        context["events"] = _timeline(process)
    return render(request, "budgets/setup/step.html", context)


def _district_remove(request, process):
    budget_pk = whole_number(request.POST["remove_district"])
    if budget_pk is None:
        raise Http404
    budget = get_object_or_404(process.district_budgets, pk=budget_pk)
    setup.district_budget_remove(process=process, budget=budget)
    messages.success(request, _("The district budget “%(name)s” is removed.") % {"name": budget.name})
    return redirect(reverse("budgets:setup", args=[process.pk, "basics"]) + "#district-budgets")


def _preview(process, data: dict) -> dict:
    """The ballot as a citizen will see it, from the values typed (not yet saved) or saved,
    with the draft's projects or, before there are any, three examples."""
    shown = copy.copy(process)
    for name, value in data.items():
        setattr(shown, name, value)
    projects = list(Project.objects.filter(process=process, district_budget=None).order_by("pk")[:6])
    if not projects:
        amount = shown.total_budget or 100_000
        projects = [Project(process=shown, code=str(n), title=title, cost=max(amount * share // 100, 1))
                    for n, (title, share) in enumerate(((_("Example: a new playground"), 50),
                                                       (_("Example: benches along the river"), 20),
                                                       (_("Example: trees in the square"), 35)), start=1)]
    budgets = list(process.district_budgets.all())
    election = BudgetElection(shown) if shown.citywide or not budgets else BudgetElection(shown, budgets[0])
    return {"process": shown, "projects": projects, "election": election,
            "form": ballot_form_class(shown, projects)(prefix="preview")}


def _timeline(process) -> list[dict]:
    """Each change of phase on one line: when, what happens, who sees what."""
    return [
        {"when": None, "title": _("Now: draft"),
         "text": _("Only staff of %(municipality)s see the budget and its set-up. Citizens see nothing of it.")
         % {"municipality": process.municipality}},
        {"when": process.proposals_start, "title": _("Publication: proposals open"),
         "text": _("When you publish, everyone sees the budget, its amounts, dates, ballot and counting rule. "
                   "Signed-in people can propose projects.")},
        {"when": process.review_start, "title": _("Review"),
         "text": _("No new proposals. Staff estimate each project's cost and mark it feasible or not, with a "
                   "public reason. Staff prepare the ballot box, and the council members who hold its key collect "
                   "their shares.")},
        {"when": process.voting_start, "title": _("Voting opens"),
         "text": _("Those who may vote choose on the ballot online, with a voting code or on paper. Voting opens "
                   "only when the ballot box is ready. Nobody sees what anyone voted; staff and council see "
                   "turnout.")},
        {"when": process.voting_end, "title": _("Voting closes: council review"),
         "text": _("No more ballots. The list of sealed ballots is published so voters can check theirs. Council "
                   "members open the ballot box together, compare the counting rules and decide.")},
        {"when": process.results_date, "title": _("Results expected"),
         "text": _("When the council approves, everyone sees the funded projects and the signed result. Then "
                   "staff post progress on the funded projects.")},
    ]


@login_required
@require_http_methods(["GET", "POST"])
def setup_check(request, pk: int):
    """Every problem in plain words; publishing is refused until there are none."""
    process = _draft(request, pk)
    if request.method == "POST":
        try:
            setup.process_publish(process=process, actor=request.user)
        except ValidationError:
            messages.error(request, _("The budget is not published: fix the problems listed first."))
        else:
            messages.success(request, _("The budget is published: everyone can see it now, and proposals are "
                                        "open."))
            return redirect("budgets:detail", pk=process.pk)
    found = setup.problems(process)
    return render(request, "budgets/setup/check.html", {
        "process": process, "problems": found, "steps": _steps(process, "check"), "n": len(setup.STEPS) + 1,
        "district_budgets": list(process.district_budgets.all()), "events": _timeline(process)})
