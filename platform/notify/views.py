"""The person's notification centre and e-mail choices (under /account/notifications/)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ui.forms import add_validation_errors

from . import selectors, services
from .forms import MailChoicesForm

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
