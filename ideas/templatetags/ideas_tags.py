"""The comment thread, rendered in Python: an idea page may carry a thousand comments, and
Django's template engine would spend most of the page's time on them (docs/BENCHMARKS.md,
Ideas pages). The markup is the same the templates would produce; every
value passes through format_html's escaping, and body_html was cleaned when written."""
from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def _comment(comment, *, ctx: dict, reply: bool) -> SafeString:
    status = ""
    if comment.visibility != "visible":
        status = format_html(' · <span class="badge">{}</span>', comment.get_visibility_display())
    links = ""
    user = ctx["user"]
    # Only a published comment is answered or reported (a moderator sees the others, an
    # author their own: a reply to one would be hidden with it).
    if user.is_authenticated and comment.visibility == "visible":
        parts = []
        if ctx["can_comment"] and not reply:
            parts.append(format_html('<a href="?reply_to={}#comment-form" class="function-link">{}</a>',
                                     comment.pk, ctx["reply_label"]))
        if comment.author_id != user.pk:
            parts.append(format_html('<a class="function-link" href="{}">{}</a>',
                                     reverse(ctx["flag_route"], args=[comment.pk]), ctx["report_label"]))
        links = format_html('<p class="inline-list">{}</p>', mark_safe("".join(parts)))  # noqa: S308 - parts are format_html output  # nosec B703 B308
    moderation = ""
    if ctx["is_moderator"]:
        moderation = format_html(
            '<details class="hoest-moderate-details"><summary>{}</summary>{}</details>', ctx["moderate_label"],
            mark_safe(render_to_string("ideas/_moderate.html", {  # noqa: S308 - rendered by a template  # nosec B703 B308
                "kind": ctx["moderate_path"] or "comment", "target": comment, "request": ctx["request"],
                "csrf_token": ctx["csrf_token"],
                "action": reverse("ideas:moderate-item", args=[ctx["moderate_path"], comment.pk])
                if ctx["moderate_path"] else ""})))
    created = comment.created_at
    local = timezone.localtime(created)
    return format_html(
        '<li id="comment-{pk}" class="hoest-comment"><p class="hoest-meta"><strong>{author}</strong> · '
        '<time datetime="{iso}">{date}</time>{status}</p><div class="hoest-comment-body">{body}</div>'
        '{links}{moderation}{replies}</li>',
        pk=comment.pk, author=comment.author.public_name, iso=created.isoformat(),
        date=dateformat.format(local, ctx["datetime_format"]), status=status,
        body=mark_safe(comment.body_html),  # noqa: S308 - cleaned by ui.markdown when written  # nosec B703 B308
        links=links, moderation=mark_safe(moderation),  # noqa: S308 - rendered by a template  # nosec B703 B308
        replies=_replies(comment, ctx) if not reply else "",
    )


def _replies(comment, ctx: dict) -> SafeString | str:
    replies = comment.thread_replies
    if not replies:
        return ""
    return format_html('<ol class="nobullet-list hoest-replies">{}</ol>',
                       format_html_join("", "{}", ((_comment(r, ctx=ctx, reply=True),) for r in replies)))


@register.simple_tag(takes_context=True)
def comment_thread(context, comments, flag_route: str = "ideas:flag-comment", moderate_path: str = "") -> SafeString:
    """The comments and their replies. Another app's comments (budgets' on projects) name
    their report page (`flag_route`, a route taking the comment's id) and their moderation
    source's path (ideas.moderation_sources); without them, an idea's comments."""
    ctx = {
        "flag_route": flag_route, "moderate_path": moderate_path,
        "user": context["user"], "request": context.get("request"), "csrf_token": context.get("csrf_token"),
        "can_comment": context.get("can_comment"), "is_moderator": context.get("is_moderator"),
        "reply_label": _("Reply"), "report_label": _("Report"), "moderate_label": _("Moderate"),
        # The language's own date format, looked up once per page, not once per comment.
        "datetime_format": get_format("DATETIME_FORMAT"),
    }
    if not comments:
        return format_html("<li>{}</li>", _("No comments yet."))
    return format_html_join("", "{}", ((_comment(c, ctx=ctx, reply=False),) for c in comments))


COUNTED = {
    "support": lambda n: ngettext("supporter", "supporters", n),
    "comment": lambda n: ngettext("comment", "comments", n),
}


@register.simple_tag
def counted(kind: str, n: int, idea_pk: int) -> SafeString:
    """"3 supporters": the number, which updates live (static/js/ideas.js), and the word in
    the plural form for it, with both forms for the script (da, en and nb have two)."""
    word = COUNTED[kind]
    return format_html(
        '<span data-count="{kind}" data-idea="{pk}">{n}</span> '
        '<span data-count-word="{kind}" data-idea="{pk}" data-one="{one}" data-other="{other}">{word}</span>',
        kind=kind, pk=idea_pk, n=n, one=word(1), other=word(2), word=word(n))


@register.filter
def open_ideas(ideas) -> list:
    """The ideas still open for support (not implemented, not turned down)."""
    return [idea for idea in ideas if not idea.is_closed]
