"""A project's public page and its comments: what it is, costs and where, staff's
assessment, the idea it came from, the way to the ballot while voting is open, and the
citizens' comments (budgets.comments) with the form to comment, reply or report one. Thin:
permission, the form, one service or selector, render."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ideas.comment_posting import post_comment
from ideas.forms import FlagForm
from ui.forms import add_validation_errors
from ui.numbers import whole_number

from . import selectors
from .comments import selectors as comment_selectors
from .comments import services as comment_services
from .comments.moderation import PATH as MODERATION_PATH
from .elections import BudgetElection, process_elections
from .forms import ProjectCommentForm
from .models import Phase, Project


def _page_context(request, process, project: Project, comment_form: ProjectCommentForm) -> dict:
    user = request.user
    election = BudgetElection(process, project.district_budget)
    idea = project.idea if project.idea_id and user.has_perm("ideas.view_idea", project.idea) else None
    # A comment names its author as ideas' comments do; nothing on the page says who voted.
    is_moderator = user.has_perm("budgets.moderate_project_comment", process)
    comments = comment_selectors.project_comments(project=project, include_hidden=is_moderator, viewer=user)
    context = {
        "process": process, "project": project, "election": election, "idea": idea,
        "several": len(process_elections(process)) > 1,
        "voting": process.phase == Phase.VOTING,
        "voted_on": selectors.voter_participations(process=process, user=user).get(election.key),
        "result_public": process.results_public and hasattr(process, "result"),
        "can_review_projects": user.has_perm("budgets.review_project", process),
        "comments": comments, "comment_total": comment_selectors.published_count(comments),
        "comment_form": comment_form,
        "reply_to": comment_selectors.reply_target(project=project, pk=whole_number(comment_form["parent"].value())),
        "can_comment": user.has_perm("budgets.comment_project", project),
        "is_moderator": is_moderator, "moderation_path": MODERATION_PATH,
    }
    if is_moderator:
        context["moderation_history"] = comment_selectors.moderation_history(project=project)
    return context


def _project(request, pk: int, code: str):
    process = selectors.process_get(pk=pk, user=request.user)
    project = selectors.project_get(process=process, code=code) if process is not None else None
    if project is None:
        raise Http404
    return process, project


@require_safe
def project_detail(request, pk: int, code: str):
    """The project's page. No vote counts: whether it was funded shows only once the
    council's result is public."""
    process, project = _project(request, pk, code)
    # "Reply" links carry ?reply_to=<comment>: the one comment form then answers that
    # comment, so replying needs no script and no form per comment.
    reply_to = whole_number(request.GET.get("reply_to"))
    form = ProjectCommentForm(project=project, initial={"parent": reply_to} if reply_to else None)
    return render(request, "budgets/project.html", _page_context(request, process, project, form))


@login_required
@require_POST
def comment_add(request, pk: int):
    """A comment on the project with id `pk` (its page's address has the process and the
    code, which may hold a "/")."""
    found = selectors.project_for_staff(pk=pk)
    if found is None:
        raise Http404
    process, project = _project(request, found.process_id, found.code)
    if not request.user.has_perm("budgets.comment_project", project):
        raise PermissionDenied
    form = ProjectCommentForm(request.POST, project=project)
    comment = post_comment(request, form, lambda **given: comment_services.project_comment_add(
        project=project, author=request.user, **given))
    if comment is not None:
        return HttpResponseRedirect(comment.get_absolute_url())
    # The project's page again, with the errors and what was typed.
    return render(request, "budgets/project.html", _page_context(request, process, project, form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def comment_flag(request, pk: int):
    """Report a comment on a project: a reason and, if one likes, an explanation."""
    comment = comment_selectors.comment_get(pk=pk)
    if comment is None or not request.user.has_perm("budgets.view_project_comment", comment):
        raise Http404
    if not request.user.has_perm("budgets.flag_project_comment", comment):
        raise PermissionDenied
    form = FlagForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            comment_services.project_comment_flag(comment=comment, user=request.user,
                                                  reason=form.cleaned_data["reason"],
                                                  explanation=form.cleaned_data["explanation"])
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Thank you. A moderator will look at it."))
            return redirect(comment.project)
    return render(request, "budgets/comment_flag.html", {"form": form, "comment": comment,
                                                          "project": comment.project},
                  status=400 if form.errors else 200)

