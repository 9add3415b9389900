"""Pages for participatory budgets. Thin: permission, one service or selector, render."""
from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts import mfa
from ideas import upload_stash
from ideas.selectors import idea_get
from ui.forms import add_validation_errors
from ui.numbers import whole_number

from . import (
    ballotbox,
    counting,
    eligibility,
    paper_ballots,
    phases,
    results,
    sealing,
    selectors,
    services,
    signing,
)
from .elections import election_default, election_get, process_elections
from .exports import as_csv, as_xlsx, result_rows
from .forms import (
    BoxPrepareForm,
    CodeForm,
    CouncilForm,
    DistrictBudgetForm,
    FromIdeaForm,
    OpenBoxForm,
    PhaseForm,
    ProgressForm,
    ProposeForm,
    ReviewForm,
    ShareWordsForm,
    VerifyForm,
    VotingExtendForm,
    ballot_choice,
    ballot_form_class,
)
from .models import PHASE_ORDER, Phase, Project


def _project(pk: int) -> Project:
    project = selectors.project_for_staff(pk=pk)
    if project is None:
        raise Http404
    return project


def _process(request, pk: int):
    """The process, or 404 (a draft for everyone but its municipality's staff)."""
    process = selectors.process_get(pk=pk, user=request.user)
    if process is None:
        raise Http404
    return process


def _election(process, key: str | None):
    election = election_get(process, key)
    if election is None:
        raise Http404
    return election


@require_safe
def process_list(request):
    municipality = request.municipality
    if municipality is None:
        raise Http404
    return render(request, "budgets/list.html", {
        "processes": selectors.process_list(municipality=municipality),
        "can_set_up": request.user.has_perm("budgets.create_process", municipality)})


@require_safe
def process_detail(request, pk: int):
    process = _process(request, pk)
    user = request.user
    sections = selectors.project_sections(process=process)
    mine = {e.key for e in selectors.elections_for_voter(process=process, user=user)} if user.is_authenticated else set()
    voted = selectors.voter_participations(process=process, user=user)
    result = getattr(process, "result", None) if process.results_public else None
    outcomes = {e["key"]: e for e in result.elections} if result else {}
    # Made again from the database on every view: a change made with SQL shows at once.
    check = results.result_check(process, result) if result else None
    context = {
        "process": process,
        "sections": [{"election": e, "projects": projects, "mine": e.key in mine, "result": outcomes.get(e.key),
                      "voted_on": voted.get(e.key)}
                     for e, projects in sections],
        "can_post_progress": user.has_perm("budgets.post_progress", process),
        "can_vote": user.has_perm("budgets.vote", process),
        "can_propose": user.has_perm("budgets.propose_project", process),
        "can_review_projects": user.has_perm("budgets.review_project", process),
        "can_see_turnout": user.has_perm("budgets.view_turnout", process),
        "can_review_result": user.has_perm("budgets.review_result", process),
        "can_manage": user.has_perm("budgets.manage_process", process),
        "can_set_up": user.has_perm("budgets.set_up_process", process),
        "can_enter_paper": user.has_perm("budgets.enter_paper_ballots", process),
        "can_export": selectors.results_visible(process=process, user=user),
        "phase_history": selectors.phase_history(process=process),
        "result": result,
        "check": check,
    }
    return render(request, "budgets/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, pk: int):
    process = _process(request, pk)
    if not request.user.has_perm("budgets.propose_project", process):
        raise PermissionDenied
    form = ProposeForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_propose(process=process, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Thank you! Staff will estimate the cost and check that the project can be done."))
            return redirect("budgets:detail", pk=process.pk)
    return render(request, "budgets/propose.html", {"process": process, "form": form})


def _vote(request, process, election, *, with_code: bool):
    projects = selectors.ballot_project_cards(process=process, election=election)
    BallotForm = ballot_form_class(process, projects)
    form = BallotForm(request.POST or None)
    code_form = CodeForm(request.POST or None) if with_code else None
    if request.method == "POST" and form.is_valid() and (code_form is None or code_form.is_valid()):
        try:
            result = services.ballot_cast(
                process=process, election=election, choice=ballot_choice(process, form.cleaned_data),
                user=None if with_code else request.user,
                code=code_form.cleaned_data["code"] if code_form else "")
        except ValidationError as exc:
            if code_form is not None and hasattr(exc, "error_dict") and "code" in exc.error_dict:
                add_validation_errors(code_form, exc)
            else:
                add_validation_errors(form, exc)
        else:
            return _receipt(request, process, election, result, with_code=with_code)
    others = [e for e in process_elections(process) if e.key != election.key]
    # The other budgets this voter votes in: a resident of a district without a budget of its
    # own votes in the citywide one only (a code may vote in any, see the template).
    also = ([e for e in selectors.elections_for_voter(process=process, user=request.user) if e.key != election.key]
            if code_form is None else others)
    return render(request, "budgets/vote.html", {"process": process, "election": election, "projects": projects,
                                                 "form": form, "code_form": code_form, "others": others,
                                                 "also": [e.name for e in also], "several": len(others) > 0})


@login_required
@require_http_methods(["GET", "POST"])
def vote(request, pk: int, district: str = ""):
    process = _process(request, pk)
    if not district and not process.citywide:
        mine = selectors.elections_for_voter(process=process, user=request.user)
        if mine:
            return redirect("budgets:vote-district", pk=process.pk, district=mine[0].key)
    election = _election(process, district) if district or process.citywide else None
    try:
        eligibility.check_eligible(process=process, user=request.user, election=election)
    except PermissionDenied as exc:
        return render(request, "budgets/not_eligible.html", {"process": process, "reason": str(exc)}, status=403)
    return _vote(request, process, election, with_code=False)


@require_http_methods(["GET", "POST"])
def vote_with_code(request, pk: int, district: str = ""):
    process = _process(request, pk)
    if process.phase != Phase.VOTING:
        return render(request, "budgets/not_eligible.html", {"process": process, "reason": _("Voting is not open.")},
                      status=403)
    election = _election(process, district) if district else election_default(process)
    if election is None:
        raise Http404
    return _vote(request, process, election, with_code=True)


def _receipt(request, process, election, result, *, with_code: bool):
    """The receipt, shown in the answer to the vote itself: never kept in the session, a URL
    or a log (a reload asks the browser to send the ballot again, which replaces it with a
    new sealed copy of the same choices)."""
    if request.user.is_authenticated and not with_code:
        # Only the budgets this person may still vote in: not those they have voted in.
        voted = selectors.voter_participations(process=process, user=request.user)
        elections = [e for e in selectors.elections_for_voter(process=process, user=request.user)
                     if e.key not in voted]
    else:
        elections = process_elections(process)
    others = [e for e in elections if e.key != election.key]
    response = render(request, "budgets/receipt.html", {
        "process": process, "others": others, "several": len(process_elections(process)) > 1,
        "receipt": result.receipt, "replaced": result.replaced, "election": election.name,
        "election_key": election.key, "with_code": with_code})
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def verify(request, pk: int):
    process = _process(request, pk)
    form = VerifyForm(request.POST or None)
    found = None
    if request.method == "POST" and form.is_valid():
        found = ballotbox.receipt_status(process=process, receipt=form.cleaned_data["receipt"])
    return render(request, "budgets/verify.html", {"process": process, "form": form, "checked": found is not None,
                                                   "found": found, "several": len(process_elections(process)) > 1})


@require_safe
def ballot_box(request, pk: int):
    """The ballot box in public: its key, who holds the shares, the bulletin board."""
    process = _process(request, pk)
    box = selectors.ballot_box(process=process)
    user = request.user
    holder = None
    if box is not None and user.is_authenticated:
        holder = next((h for h in box.holders.all() if h.member_id == user.pk), None)
    return render(request, "budgets/ballot_box.html", {
        "process": process, "box": box, "holder": holder,
        "fingerprint": sealing.key_fingerprint(bytes(box.public_key)) if box else "",
        "board_rows": [(e.name, len((box.board or {}).get(e.key, []))) for e in process_elections(process)]
        if box else [],
        "can_prepare": user.has_perm("budgets.prepare_box", process),
        "can_open": user.has_perm("budgets.open_box", process) and box is not None and not box.opened_at})


@require_safe
def ballot_board(request, pk: int):
    process = _process(request, pk)
    box = selectors.ballot_box(process=process)
    if box is None or not box.closed_at:
        raise Http404
    response = HttpResponse(ballotbox.board_json(box), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="hoest-budget-{process.pk}-bulletin-board.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def ballot_box_prepare(request, pk: int):
    process = _process(request, pk)
    if not request.user.has_perm("budgets.prepare_box", process):
        raise PermissionDenied
    form = BoxPrepareForm(request.POST or None, members=ballotbox.council_members(process))
    if request.method == "POST" and form.is_valid():
        try:
            ballotbox.box_prepare(process=process, actor=request.user, members=list(form.cleaned_data["members"]),
                                  threshold=form.cleaned_data["threshold"])
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The ballot box is prepared. Each key holder must now collect their share "
                                        "before voting can open."))
            return redirect("budgets:ballot-box", pk=process.pk)
    return render(request, "budgets/ballot_box_prepare.html", {"process": process, "form": form,
                                                                "box": selectors.ballot_box(process=process)})


@login_required
@require_http_methods(["GET", "POST"])
def ballot_box_share(request, pk: int):
    """A key holder collects their share, once (POST), or has its file made again from
    the words (POST with `share`)."""
    process = _process(request, pk)
    words_form = ShareWordsForm(request.POST if "share" in request.POST else None)
    if request.method == "POST" and "share" in request.POST:
        if words_form.is_valid():
            try:
                body = ballotbox.share_file_again(process=process, member=request.user,
                                                  text=words_form.cleaned_data["share"])
            except ValidationError as exc:
                add_validation_errors(words_form, exc)
            else:
                response = HttpResponse(body, content_type="application/json")
                response["Content-Disposition"] = f'attachment; filename="hoest-key-share-{process.pk}.json"'
                response["Cache-Control"] = "no-store"
                return response
    elif request.method == "POST":
        try:
            collected = ballotbox.share_collect(process=process, member=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("budgets:ballot-box", pk=process.pk)
        response = render(request, "budgets/ballot_box_share.html", {
            "process": process, "collected": collected, "words": collected.share.words().split(),
            "words_form": ShareWordsForm(initial={"share": f"{collected.share.index} {collected.share.words()}"})})
        response["Cache-Control"] = "no-store"
        return response
    box = selectors.ballot_box(process=process)
    holder = box and next((h for h in box.holders.all() if h.member_id == request.user.pk), None)
    if holder is None:
        raise PermissionDenied
    return render(request, "budgets/ballot_box_share.html", {"process": process, "holder": holder,
                                                              "words_form": words_form})


@login_required
@require_http_methods(["GET", "POST"])
def ballot_box_open(request, pk: int):
    process = _process(request, pk)
    if not request.user.has_perm("budgets.open_box", process):
        raise PermissionDenied
    box = selectors.ballot_box(process=process)
    if box is None:
        raise Http404
    # A recent authentication before the form is shown; never by keeping the POST to replay it
    # afterwards, as the key shares in it must not be stored anywhere.
    mfa.require_recent_authentication(request, keep_post=False)
    form = OpenBoxForm(request.POST or None, request.FILES or None, threshold=box.threshold)
    if request.method == "POST" and form.is_valid():
        try:
            opening = ballotbox.box_open(process=process, member=request.user, shares=form.cleaned_data["shares"])
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The ballot box is open: %(n)s ballots are counted. The council can now "
                                        "compare the rules and decide.") % {"n": sum(opening.ballots.values())})
            return redirect("budgets:council", pk=process.pk)
    return render(request, "budgets/ballot_box_open.html", {"process": process, "form": form, "box": box})


@login_required
@require_http_methods(["GET", "POST"])
def project_review(request, pk: int):
    project = _project(pk)
    if not request.user.has_perm("budgets.review_project", project.process):
        raise PermissionDenied
    # The form edits its own copy, so a refused change does not show on the page as saved.
    uploads, kept = upload_stash.picture_files(request)
    form = ReviewForm(request.POST or None, uploads, instance=selectors.project_for_staff(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.project_review(project=project, cost=data["cost"], feasibility=data["feasibility"],
                                    reason=data["feasibility_reason"], image=data.get("image"),
                                    remove_image=data.get("remove_image", False), image_alt=data["image_alt"],
                                    latitude=data["latitude"], longitude=data["longitude"], place=True)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            upload_stash.picture_done(request)
            messages.success(request, _("The review is saved and shown on the project."))
            return redirect(project)
    return render(request, "budgets/review.html", {
        "project": project, "form": form, "kept_picture": upload_stash.picture_keep(request, kept)})


@login_required
@require_safe
def turnout(request, pk: int):
    process = _process(request, pk)
    if not request.user.has_perm("budgets.view_turnout", process):
        raise PermissionDenied
    return render(request, "budgets/turnout.html", {"process": process,
                                                    "turnout": selectors.turnout(process=process)})


@login_required
@require_http_methods(["GET", "POST"])
def council(request, pk: int):
    process = _process(request, pk)
    may_review = request.user.has_perm("budgets.review_result", process)
    if not may_review and not results.decided_for_council(user=request.user, process=process):
        raise PermissionDenied
    if request.method == "POST" and may_review:
        # The decision needs a recent authentication (allauth's, then the POST goes on).
        mfa.require_recent_authentication(request)
    form = CouncilForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            results.council_review(process=process, member=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            if form.cleaned_data["decision"] == "approved":
                messages.success(request, _("The result is approved and published."))
            else:
                messages.success(request, _("The result is sent back with your comment."))
            return redirect("budgets:detail", pk=process.pk)
    opened = selectors.box_opened(process=process) or selectors.ballot_box(process=process) is None
    decided = selectors.result_of(process=process)
    return render(request, "budgets/council.html", {
        "process": process, "form": form, "opened": opened,
        "decided": results.approved_message(decided) if decided else "",
        "sections": counting.council_sections(process) if opened else [],
        "turnout": selectors.turnout(process=process), "reviews": selectors.council_reviews(process=process)})


@login_required
@require_http_methods(["GET", "POST"])
def paper_ballot_entry(request, pk: int):
    """Paper ballots: one staff member types a ballot in, another confirms it."""
    process = _process(request, pk)
    if not request.user.has_perm("budgets.enter_paper_ballots", process):
        raise PermissionDenied
    # The paper names its budget (citywide or a district's); ?district= picks the form.
    election = (_election(process, request.GET.get("district")) if request.GET.get("district")
                else election_default(process))
    if election is None:
        raise Http404
    projects = list(selectors.ballot_project_list(process=process, election=election).order_by("pk"))
    BallotForm = ballot_form_class(process, projects, paper=True)
    form = BallotForm(request.POST or None) if "confirm" not in request.POST else BallotForm()
    if request.method == "POST":
        if "confirm" in request.POST:
            # The button posts the ballot's id; anything else names no ballot (and would
            # fail in the query as a 500).
            paper_pk = whole_number(request.POST["confirm"])
            if paper_pk is None:
                raise Http404
            paper = selectors.paper_ballot_get(process=process, pk=paper_pk)
            if paper is None:
                raise Http404
            try:
                paper_ballots.paper_ballot_confirm(paper=paper, staff=request.user)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The paper ballot is confirmed and counted."))
            return redirect("budgets:paper", pk=process.pk)
        if form.is_valid():
            try:
                paper_ballots.paper_ballot_enter(process=process, staff=request.user, election=election,
                                            choice=ballot_choice(process, form.cleaned_data),
                                            person_id=form.cleaned_data.get("person_id", ""))
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("Entered. A colleague must confirm it before it counts."))
                return redirect(f"{request.path}?district={election.key}" if election.key else request.path)
    return render(request, "budgets/paper.html", {
        "process": process, "projects": projects, "form": form, "names": selectors.project_titles(process=process),
        "waiting": selectors.paper_ballots_waiting(process=process), "election": election,
        "elections": process_elections(process), "confirmed": selectors.paper_ballots_confirmed(process=process)})


@login_required
@require_http_methods(["GET", "POST"])
def project_from_idea(request, pk: int):
    process = _process(request, pk)
    if not request.user.has_perm("budgets.review_project", process):
        raise PermissionDenied
    form = FromIdeaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        idea = idea_get(pk=form.cleaned_data["idea"])
        if idea is None or not request.user.has_perm("ideas.change_status", idea):
            form.add_error("idea", _("There is no such idea in this municipality."))
        else:
            try:
                services.project_from_idea(process=process, idea=idea, cost=form.cleaned_data["cost"],
                                           actor=request.user)
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("The idea is now a project; its followers have been told."))
                return redirect("budgets:detail", pk=process.pk)
    return render(request, "budgets/from_idea.html", {"process": process, "form": form})


@require_safe
def result_export(request, pk: int, fmt: str):
    process = _process(request, pk)
    if not selectors.results_visible(process=process, user=request.user):
        raise PermissionDenied
    rows = result_rows(process)
    if fmt == "xlsx":
        body = as_xlsx(rows, _("Result"))
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        body, content_type = as_csv(rows), "text/csv; charset=utf-8"
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="hoest-budget-{process.pk}-result.{fmt}"'
    return response


@require_safe
def result_json(request, pk: int):
    """The signed result document, its signature and the public key, once published."""
    process = _process(request, pk)
    result = getattr(process, "result", None) if process.results_public else None
    if result is None or not result.document:
        raise Http404
    body = results.result_file(result, key_url=request.build_absolute_uri(reverse("budgets:result-key")))
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="hoest-budget-{process.pk}-result.json"'
    return response


@require_safe
def result_key(request):
    """The public key that verifies the council's results (and earlier keys still trusted)."""
    keys = signing.trusted_public_keys()
    body = json.dumps({"algorithm": signing.ALGORITHM, "public_key": keys[0], "previous_public_keys": keys[1:],
                       "verify": "python manage.py verify_result FILE --public-key " + keys[0]}, indent=1)
    return HttpResponse(body, content_type="application/json; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
def phase_change(request, pk: int):
    """Staff move the process on to its next phase or extend voting, saying why."""
    process = _process(request, pk)
    if not request.user.has_perm("budgets.manage_process", process):
        raise PermissionDenied
    if request.method == "POST":
        mfa.require_recent_authentication(request)
    following = phases.next_phase(process)
    extending = request.method == "POST" and "extend-voting_end" in request.POST
    phase_form = PhaseForm(request.POST if request.method == "POST" and not extending else None,
                           initial={"phase": following})
    extend_form = VotingExtendForm(request.POST if extending else None, prefix="extend",
                                   initial={"voting_end": timezone.localtime(process.voting_end)})
    form = extend_form if extending else phase_form
    if request.method == "POST" and form.is_valid():
        try:
            if extending:
                phases.voting_extend(process=process, actor=request.user, until=form.cleaned_data["voting_end"],
                                     reason=form.cleaned_data["reason"])
            else:
                phases.phase_set(process=process, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Voting is extended.") if extending else _("The phase is changed."))
            return redirect("budgets:detail", pk=process.pk)
    return render(request, "budgets/phase.html", {
        "process": process, "following": following and Phase(following), "phase_form": phase_form,
        "extend_form": extend_form, "can_extend": PHASE_ORDER.index(process.phase) <= PHASE_ORDER.index(Phase.VOTING),
        "changes": selectors.phase_history(process=process)})


@login_required
@require_http_methods(["GET", "POST"])
def progress(request, pk: int):
    project = _project(pk)
    if not request.user.has_perm("budgets.post_progress", project.process):
        raise PermissionDenied
    form = ProgressForm(request.POST or None, initial={"happened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update_post(project=project, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The update is published on the project."))
            return redirect("budgets:detail", pk=project.process_id)
    return render(request, "budgets/progress.html", {"project": project, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def district_budgets(request, pk: int):
    """Staff give districts their own budgets, each tallied as its own election."""
    process = _process(request, pk)
    if not request.user.has_perm("budgets.manage_process", process):
        raise PermissionDenied
    form = DistrictBudgetForm(request.POST or None, process=process)
    if request.method == "POST" and form.is_valid():
        try:
            services.district_budget_add(process=process, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The district budget is added. Its residents vote in it besides the "
                                        "citywide budget."))
            return redirect("budgets:district-budgets", pk=process.pk)
    return render(request, "budgets/district_budgets.html", {
        "process": process, "form": form,
        "budgets": selectors.district_budgets_with_counts(process=process),
        "citywide_projects": selectors.citywide_project_count(process=process),
        "can_add": PHASE_ORDER.index(process.phase) < PHASE_ORDER.index(Phase.VOTING)})
