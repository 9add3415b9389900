"""Posting a comment from a page, the same way on an idea and on a budget project: the
form's checks, one budget of comments per person (ideas and projects alike), the service's
own refusals on the form, and the message that says whether the comment is public yet."""
from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ui.forms import add_validation_errors
from ui.ratelimit import allow


def post_comment(request, form, add):
    """The comment `add(body=..., parent=...)` made from a valid `form`, or None with the
    reasons on the form (which keeps what was typed)."""
    if not form.is_valid():
        return None
    if not allow(request, "comment_add", settings.COMMENT_RATE):
        form.add_error(None, _("You have written many comments in a short time. Please wait a little and "
                               "send this one again: what you wrote is kept below."))
        return None
    try:
        comment = add(body=form.cleaned_data["body"], parent=form.cleaned_data["parent"])
    except ValidationError as exc:
        add_validation_errors(form, exc)
        return None
    if comment.visibility == "visible":
        messages.success(request, _("Your comment is published."))
    else:
        messages.success(request, _("Your comment is published when a moderator has approved it."))
    return comment
