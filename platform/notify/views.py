"""The person's notification centre and e-mail choices (under /account/notifications/)."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ui.forms import add_validation_errors

from . import selectors, services
from . import unsubscribe as one_click
from .forms import MailChoicesForm
from .models import DIGEST_KIND
from .registry import description_for

PAGE_SIZE = 20


@login_required
@require_GET
def centre(request):
    page = Paginator(selectors.notices_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notify/centre.html", {
        "page": page, "items": selectors.items_for(list(page.object_list)),
        "unread": selectors.unread_count(user=request.user)})


@login_required
@require_GET
def notice_open(request, pk: int):
    """Open a notice: it is read from now on, and the person goes to what it is about. A
    link (GET), so it works without JavaScript; marking one's own notice read is harmless
    to repeat and to be tricked into."""
    notice = services.notice_open(user=request.user, notice_id=pk)
    if notice is None:
        raise Http404
    [item] = selectors.items_for([notice])
    if item.url and url_has_allowed_host_and_scheme(item.url, allowed_hosts=None):
        return redirect(item.url)
    return redirect("notify:centre")


@login_required
@require_POST
def mark_all_read(request):
    marked = services.notices_mark_read(user=request.user)
    if marked:
        messages.success(request, ngettext("%(count)s notification marked as read.",
                                           "%(count)s notifications marked as read.", marked) % {"count": marked})
    return redirect("notify:centre")


@login_required
@require_http_methods(["GET", "POST"])
def choices(request):
    form = MailChoicesForm(request.POST or None, choices=selectors.mail_choices(user=request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.mail_choices_set(user=request.user, choices=form.choices())
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Your e-mail choices have been saved."))
            return redirect("notify:choices")
    return render(request, "notify/choices.html", {"form": form})


@csrf_exempt  # the mail client's one-click POST (RFC 8058) has no session; the signed link is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token: str):
    """Stop one kind of e-mail from the link in its List-Unsubscribe header (or the page's
    button): a POST turns it to "never"; a GET only asks, so link scanners change nothing."""
    try:
        user_id, kind = one_click.read_token(token)
    except signing.BadSignature:
        user_id, kind = None, ""
    user = get_user_model().objects.filter(
        pk=user_id, is_active=True, is_deleted_placeholder=False).first() if user_id else None
    if user is None or not one_click.can_unsubscribe(kind):
        return render(request, "notify/unsubscribe.html", {"invalid": True}, status=400)
    description = description_for(kind)
    context = {"digest": kind == DIGEST_KIND, "label": description.label if description else "", "token": token}
    # In the language of the e-mail the link came in, as a signed-in person's pages are in
    # theirs; a language picked with the switcher (its cookie) still wins.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    language = chosen if chosen in dict(settings.LANGUAGES) else user.preferred_language or request.LANGUAGE_CODE
    request.LANGUAGE_CODE = language
    with translation.override(language):
        if request.method == "POST":
            try:
                services.mail_unsubscribe(user=user, kind=kind)
            except ValidationError:
                return render(request, "notify/unsubscribe.html", {"invalid": True}, status=400)
            context["done"] = True
        return render(request, "notify/unsubscribe.html", context)
