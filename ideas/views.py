"""Pages for ideas. Thin: validate, check permission, call one service or selector, render."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.selectors import municipality_get
from ui.forms import add_validation_errors
from ui.numbers import whole_number
from ui.ratelimit import allow

from . import moderation_sources, panels, selectors, services, upload_stash
from .comment_posting import post_comment
from .forms import (
    CampaignForm,
    CommentForm,
    FlagForm,
    IdeaForm,
    MergeForm,
    ModerationForm,
    ModerationSettingsForm,
    RolesForm,
    SearchForm,
    StaffIdeaForm,
    StatusForm,
)
from .models import Campaign, Comment, Idea, Source
from .notices import read_unsubscribe_token
from .services.campaigns import CAMPAIGN_FIELDS, MODERATION_SETTINGS_FIELDS

PAGE_SIZE = 20


def _municipality(request):
    if request.municipality is None:
        raise Http404
    return request.municipality


def _idea_or_404(request, pk: int, perm: str = "ideas.view_idea") -> Idea:
    idea = selectors.idea_get(pk=pk)
    if idea is None or not request.user.has_perm(perm, idea):
        raise Http404
    return idea


def _paginated_ideas(request, municipality, filters):
    page = Paginator(selectors.idea_list(municipality=municipality, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    supported = selectors.supported_idea_ids(user=request.user, idea_ids=[i.pk for i in page])
    images = selectors.first_images(idea_ids=[i.pk for i in page])
    for idea in page:
        idea.first_image = images.get(idea.pk)
    return page, supported


@require_safe
def idea_list(request):
    municipality = _municipality(request)
    form = SearchForm(request.GET or None, municipality=municipality)
    filters = selectors.IdeaFilters.from_search(form.cleaned_data if form.is_valid() else {})
    page, supported = _paginated_ideas(request, municipality, filters)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "ideas/list.html", {
        "form": form, "page": page, "supported": supported, "query": query.urlencode(),
        "campaigns": selectors.campaign_list_open(municipality=municipality),
    })


@require_safe
def campaign_detail(request, pk: int):
    campaign = get_object_or_404(Campaign.objects.select_related("municipality"), pk=pk)
    filters = selectors.IdeaFilters(campaign=campaign.pk, sort=request.GET.get("sort", "newest"))
    page, supported = _paginated_ideas(request, campaign.municipality, filters)
    return render(request, "ideas/campaign.html", {"campaign": campaign, "page": page, "supported": supported})


def _submit(request, form_class, template: str, *, source_from_form: bool):
    municipality = _municipality(request)
    form = form_class(request.POST or None, request.FILES or None, municipality=municipality,
                      initial={"campaign": request.GET.get("campaign")})
    similar = []
    if request.method == "GET":
        upload_stash.discard(request)  # a fresh form starts without images kept from before
    # Images kept from an earlier answer with an error, still ticked (upload_stash).
    kept = upload_stash.stashed(request, request.POST.getlist("keep_image")) if request.method == "POST" else []
    if request.method == "POST":
        upload_stash.discard(request, {e["token"] for e in upload_stash.stashed(request)}
                             - {e["token"] for e in kept})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "check" in request.POST:
            similar = selectors.idea_similar(municipality=municipality, text=data["title"])
        elif not allow(request, "idea_submit", settings.IDEA_SUBMIT_RATE):
            form.add_error(None, _("You have sent many ideas in a short time. Please wait a little and send "
                                   "this one again: what you wrote is kept below."))
        else:
            if not request.user.has_perm("ideas.submit_idea", data["campaign"]):
                raise PermissionDenied
            uploads = upload_stash.files(request, [e["token"] for e in kept]) + list(data["images"])
            try:
                idea = services.idea_submit(
                    author=request.user, campaign=data["campaign"], title=data["title"],
                    body=data["body"], category=data["category"], district=data["district"],
                    latitude=data["latitude"], longitude=data["longitude"],
                    images=[(f, data["image_description"]) for f in uploads],
                    source=data["source"] if source_from_form else Source.PLATFORM,
                    citizen_name=data.get("citizen_name", ""),
                    submission_key=data.get("submission_key"),
                )
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                upload_stash.discard(request)
                if idea.is_public:
                    messages.success(request, _("Thank you! Your idea is published."))
                else:
                    messages.success(request, _("Thank you! A moderator will look at your idea soon; then it is published."))
                return redirect("ideas:detail", pk=idea.pk)
    elif request.method == "POST" and form.data.get("title"):
        similar = selectors.idea_similar(municipality=municipality, text=form.data["title"])
    if request.method == "POST":
        # The form comes back: keep the images that were fine, so they need not be picked again.
        kept += upload_stash.stash(request, request.FILES.getlist("images"))
    return render(request, template, {"form": form, "similar": similar, "kept_images": kept})


@login_required
@require_http_methods(["GET", "POST"])
def idea_submit(request):
    return _submit(request, IdeaForm, "ideas/submit.html", source_from_form=False)


@login_required
@require_http_methods(["GET", "POST"])
def idea_enter_for_citizen(request):
    if not request.user.has_perm("ideas.enter_on_behalf", _municipality(request)):
        raise PermissionDenied
    return _submit(request, StaffIdeaForm, "ideas/staff_submit.html", source_from_form=True)


@require_safe
def similar_ideas(request):
    """HTML fragment for the submit form's live suggestions (progressive enhancement)."""
    similar = selectors.idea_similar(municipality=_municipality(request), text=request.GET.get("q", "")[:200])
    return render(request, "ideas/_similar.html", {"similar": similar})


@require_safe
def idea_detail(request, pk: int):
    idea = _idea_or_404(request, pk)
    # "Reply" links carry ?reply_to=<comment>: the one comment form then answers that
    # comment, so replying needs no script and no form per comment.
    reply_to = request.GET.get("reply_to", "")
    form = CommentForm(idea=idea, initial={"parent": reply_to} if whole_number(reply_to) else None)
    return render(request, "ideas/detail.html", _detail_context(request, idea, form))


def _reply_target(idea: Idea, form) -> Comment | None:
    parent = form["parent"].value()
    parent = whole_number(parent)
    if parent is None:
        return None
    return Comment.objects.filter(idea=idea, pk=parent, visibility="visible").select_related("author").first()


def _detail_context(request, idea: Idea, comment_form) -> dict:
    user = request.user
    staff = user.has_perm("ideas.change_status", idea)
    moderator = user.has_perm("ideas.moderate", idea)
    context = {
        "idea": idea,
        "comments": selectors.idea_comments(idea=idea, include_hidden=moderator),
        "history": selectors.idea_status_history(idea=idea),
        "supported": idea.pk in selectors.supported_idea_ids(user=user, idea_ids=[idea.pk]),
        "following": selectors.user_follows(user=user, idea=idea),
        "comment_form": comment_form,
        "reply_to": _reply_target(idea, comment_form),
        "can_support": user.has_perm("ideas.support_idea", idea),
        "can_comment": user.has_perm("ideas.comment_idea", idea),
        "can_flag": user.has_perm("ideas.flag", idea),
        "is_staff": staff,
        "is_moderator": moderator,
        "panels": panels.panels_for(idea, user),
    }
    if moderator:
        context["moderation_history"] = selectors.idea_moderation_history(idea=idea)
        context["moderation_form"] = ModerationForm()
    if staff:
        context["status_form"] = StatusForm(current=idea.status)
        context["roles_form"] = RolesForm(instance=idea)
        context["merge_form"] = MergeForm()
        context["promoted_suggested"] = selectors.promoted_suggested(idea=idea)
    return context


@login_required
@require_POST
def idea_support(request, pk: int):
    idea = _idea_or_404(request, pk)
    if request.POST.get("action") == "withdraw":
        services.idea_support_withdraw(idea=idea, user=request.user)
        messages.success(request, _("Your support has been withdrawn."))
    else:
        if not request.user.has_perm("ideas.support_idea", idea):
            raise PermissionDenied
        services.idea_support(idea=idea, user=request.user)
        messages.success(request, _("Thank you for your support."))
    return redirect("ideas:detail", pk=idea.pk)


@login_required
@require_POST
def idea_follow(request, pk: int):
    idea = _idea_or_404(request, pk, "ideas.follow_idea")
    if request.POST.get("action") == "unfollow":
        services.idea_unfollow(idea=idea, user=request.user)
        messages.success(request, _("You no longer follow this idea."))
    else:
        services.idea_follow(idea=idea, user=request.user)
        messages.success(request, _("You follow this idea and get an e-mail when its status changes."))
    return redirect("ideas:detail", pk=idea.pk)


@login_required
@require_POST
def comment_add(request, pk: int):
    idea = _idea_or_404(request, pk)
    if not request.user.has_perm("ideas.comment_idea", idea):
        raise PermissionDenied
    form = CommentForm(request.POST, idea=idea)
    comment = post_comment(request, form, lambda **given: services.comment_add(idea=idea, author=request.user,
                                                                              **given))
    if comment is not None:
        return HttpResponseRedirect(reverse("ideas:detail", args=[idea.pk]) + f"#comment-{comment.pk}")
    # Show the idea again with the errors and what was typed.
    return render(request, "ideas/detail.html", _detail_context(request, idea, form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def flag(request, pk: int, kind: str):
    if kind == "idea":
        target = _idea_or_404(request, pk)
        idea = target
    else:
        target = get_object_or_404(Comment.objects.select_related("idea__municipality"), pk=pk)
        idea = target.idea
    if not request.user.has_perm("ideas.flag", target):
        raise PermissionDenied
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_add(user=request.user, reason=form.cleaned_data["reason"],
                              explanation=form.cleaned_data["explanation"],
                              **{kind: target})
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("Thank you. A moderator will look at it."))
            return redirect("ideas:detail", pk=idea.pk)
    return render(request, "ideas/flag.html", {"form": form, "target": target, "idea": idea, "kind": kind})


@login_required
@require_POST
def moderate(request, pk: int, kind: str):
    if kind == "idea":
        target = get_object_or_404(Idea.objects.select_related("municipality"), pk=pk)
        idea = target
    else:
        target = get_object_or_404(Comment.objects.select_related("idea__municipality"), pk=pk)
        idea = target.idea
    if not request.user.has_perm("ideas.moderate", target):
        raise PermissionDenied
    form = ModerationForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []) + form.errors.get("__all__", []):
            messages.error(request, error)
        return _back(request, reverse("ideas:moderation"))
    action = form.cleaned_data["action"]
    reason = form.cleaned_data["reason"]
    call = {"approve": services.moderation_approve, "hide": services.moderation_hide,
            "restore": services.moderation_restore}[action]
    call(actor=request.user, reason=reason, **{kind: target})
    return _moderated(request, action, reverse("ideas:detail", args=[idea.pk]))


def _back(request, fallback: str):
    """Back to the page the moderator came from (a path on this site only)."""
    next_url = request.POST.get("next", "")
    if next_url.startswith("/") and url_has_allowed_host_and_scheme(next_url, allowed_hosts=None):
        return redirect(next_url)
    return redirect(fallback)


def _moderated(request, action: str, fallback: str):
    messages.success(request, {"approve": _("Approved."), "hide": _("Hidden; the author is told why."),
                               "restore": _("Restored.")}[action])
    return _back(request, fallback)


@login_required
@require_POST
def moderate_item(request, path: str, pk: int):
    """A moderator's decision on another app's item in the queue (ideas.moderation_sources),
    with the form and messages of ideas and comments; the app's rule and service decide."""
    source = moderation_sources.source_for(path)
    target = source.get(pk) if source is not None else None
    if target is None:
        raise Http404
    if not request.user.has_perm(source.perm, target):
        raise PermissionDenied
    form = ModerationForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []) + form.errors.get("__all__", []):
            messages.error(request, error)
        return _back(request, reverse("ideas:moderation"))
    action = form.cleaned_data["action"]
    source.moderate(action=action, actor=request.user, target=target, reason=form.cleaned_data["reason"])
    return _moderated(request, action, reverse("ideas:moderation"))


@login_required
@require_safe
def moderation_queue(request):
    municipality = _municipality(request)
    if not request.user.has_perm("ideas.moderate", municipality):
        raise PermissionDenied
    queue = selectors.moderation_queue(municipality=municipality)
    return render(request, "ideas/moderation.html", {"queue": queue, "form": ModerationForm(),
                                                      "municipality": municipality})


@login_required
@require_POST
def status_change(request, pk: int):
    idea = _idea_or_404(request, pk, "ideas.change_status")
    form = StatusForm(request.POST, current=idea.status)
    if form.is_valid():
        try:
            services.idea_status_change(actor=request.user, idea=idea, to_status=form.cleaned_data["to_status"],
                                        answer=form.cleaned_data["answer"])
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The status is changed and the answer published."))
            return redirect("ideas:detail", pk=idea.pk)
    return render(request, "ideas/staff_form.html", {"idea": idea, "form": form,
                                                     "title": _("Change status"), "action": "ideas:status"},
                  status=400)


@login_required
@require_POST
def roles_record(request, pk: int):
    idea = _idea_or_404(request, pk, "ideas.record_roles")
    form = RolesForm(request.POST, instance=Idea.objects.get(pk=idea.pk))
    if form.is_valid():
        services.idea_roles_record(actor=request.user, idea=idea, **form.cleaned_data)
        messages.success(request, _("The citizens' roles are saved."))
        return redirect("ideas:detail", pk=idea.pk)
    return render(request, "ideas/staff_form.html", {"idea": idea, "form": form,
                                                     "title": _("Citizens' roles"), "action": "ideas:roles"},
                  status=400)


@login_required
@require_POST
def merge(request, pk: int):
    duplicate = _idea_or_404(request, pk, "ideas.merge")
    form = MergeForm(request.POST)
    if form.is_valid():
        into = selectors.idea_get(pk=form.cleaned_data["into"])
        if into is None or not request.user.has_perm("ideas.merge", into):
            form.add_error("into", _("There is no such idea in this municipality."))
        else:
            try:
                services.idea_merge(actor=request.user, duplicate=duplicate, into=into,
                                    reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                add_validation_errors(form, exc)
            else:
                messages.success(request, _("The ideas are merged."))
                return redirect("ideas:detail", pk=into.pk)
    return render(request, "ideas/staff_form.html", {"idea": duplicate, "form": form,
                                                     "title": _("Merge into another idea"), "action": "ideas:merge"},
                  status=400)


# --- Staff pages: campaigns and moderation settings of one municipality -----------------------
def _staff_municipality(request, slug: str, perm: str):
    municipality = municipality_get(slug=slug)
    if municipality is None:
        raise Http404
    if not request.user.has_perm(perm, municipality):
        raise PermissionDenied
    return municipality


def _staff_campaign(request, pk: int) -> Campaign:
    """A campaign for its municipality's staff; for anyone else it does not exist here."""
    campaign = selectors.campaign_get(pk=pk)
    if campaign is None or not request.user.has_perm("ideas.manage_campaigns", campaign.municipality):
        raise Http404
    return campaign


@login_required
@require_safe
def staff_campaigns(request, slug: str):
    municipality = _staff_municipality(request, slug, "ideas.manage_campaigns")
    return render(request, "ideas/staff_campaigns.html", {
        "municipality": municipality, "campaigns": selectors.campaign_list(municipality=municipality),
    })


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request, slug: str = "", pk: int | None = None):
    """Create (under a municipality's address) or edit a campaign and its frame."""
    if pk is None:
        campaign = None
        municipality = _staff_municipality(request, slug, "ideas.manage_campaigns")
    else:
        campaign = _staff_campaign(request, pk)
        municipality = campaign.municipality
    uploads, kept = upload_stash.picture_files(request)
    form = CampaignForm(request.POST or None, uploads, instance=Campaign.objects.get(pk=pk) if campaign else None)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CAMPAIGN_FIELDS}
        image = form.cleaned_data.get("image")
        try:
            if campaign is None:
                campaign = services.campaign_create(municipality=municipality, image=image, **fields)
            else:
                campaign = services.campaign_update(campaign=campaign, image=image,
                                                    remove_image=form.cleaned_data.get("remove_image", False),
                                                    **fields)
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            upload_stash.picture_done(request)
            messages.success(request, _("The campaign is saved."))
            return redirect("ideas:staff-campaigns", slug=municipality.slug)
    return render(request, "ideas/staff_campaign_form.html", {
        "municipality": municipality, "campaign": campaign, "form": form,
        "kept_picture": upload_stash.picture_keep(request, kept),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def campaign_close(request, pk: int):
    campaign = _staff_campaign(request, pk)
    try:
        services.campaign_close(campaign=campaign)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("“%(title)s” is closed for new ideas.") % {"title": campaign.title})
    return redirect("ideas:staff-campaigns", slug=campaign.municipality.slug)


@login_required
@require_http_methods(["GET", "POST"])
def moderation_settings(request, slug: str):
    municipality = _staff_municipality(request, slug, "ideas.manage_settings")
    current = selectors.idea_settings_for(municipality)
    form = ModerationSettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_settings_update(
                municipality=municipality, actor=request.user,
                **{name: form.cleaned_data[name] for name in MODERATION_SETTINGS_FIELDS})
        except ValidationError as exc:
            add_validation_errors(form, exc)
        else:
            messages.success(request, _("The moderation settings are saved."))
            return redirect("ideas:settings", slug=municipality.slug)
    return render(request, "ideas/staff_settings.html", {
        "municipality": municipality, "form": form,
        "history": selectors.settings_history(municipality=municipality),
    }, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    from django.core import signing

    try:
        data = read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404 from None
    idea = get_object_or_404(Idea, pk=data["i"])
    if request.method == "POST":
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(pk=data["u"]).first()
        if user is not None:
            services.idea_unfollow(idea=idea, user=user)
        return render(request, "ideas/unsubscribed.html", {"idea": idea})
    return render(request, "ideas/unsubscribe.html", {"idea": idea})
