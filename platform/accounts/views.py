from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django.views.i18n import set_language

from . import activity, selectors, services
from . import census as census_service
from .forms import CensusUploadForm, DeleteAccountForm, ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        services.user_profile_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your profile has been saved."))
        response = redirect("account-profile")
        # The profile's language becomes the site's language right away.
        response.delete_cookie("django_language")
        return response
    return render(request, "accounts/profile.html", {
        "form": form, "verification": getattr(request.user, "verification", None),
        "activity": activity.sections(request.user),
        "eid_apps": selectors.eid_apps(municipality=request.user.municipality or request.municipality)})


@login_required
def data_download(request):
    if not request.user.has_perm("accounts.view_personal_data", request.user):
        raise PermissionDenied
    document = selectors.user_personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="hoest-my-data-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    if not request.user.has_perm("accounts.delete_account", request.user):
        raise PermissionDenied
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.user_delete(user=user)
        messages.success(request, _("Your account has been deleted."))
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


@require_POST
def language_set(request):
    """Django's language switcher; a signed-in person's choice is also kept on the account,
    so e-mails and other devices use it too."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def census(request, slug: str):
    """Staff upload their municipality's census of eligible residents (accounts.census)."""
    municipality = selectors.municipality_get(slug=slug)
    if municipality is None:
        raise Http404
    if not request.user.has_perm("accounts.manage_census", municipality):
        raise PermissionDenied
    form = CensusUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = census_service.census_replace(municipality=municipality, data=form.cleaned_data["file"].read())
        except ValidationError as error:
            for message in error.messages:
                form.add_error("file", message)
        else:
            messages.success(request, _("The census now lists %(count)s residents.") % {"count": count})
            return redirect("account-census", slug=municipality.slug)
    return render(request, "accounts/census.html", {
        "municipality": municipality, "form": form,
        "summary": census_service.census_summary(municipality=municipality)})
