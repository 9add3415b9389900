"""A person's own ideas, the ideas they support, those they follow and their comments, for
their account (accounts.activity). Supported and followed ideas, and comments, only on ideas
others can see too (or the person's own); a comment not (or no longer) published says so."""
from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.activity import LIMIT, Entry, Section, section

from .models import Comment, Follow, Idea, Support, Visibility


def sections(user) -> list[Section]:
    def entry(idea, note: str = "") -> Entry:
        return Entry(title=idea.title, url=reverse("ideas:detail", args=[idea.pk]), note=note)

    mine = Idea.objects.filter(author=user).only("id", "title", "status", "created_at").order_by("-created_at", "-pk")
    public = Q(idea__visibility=Visibility.VISIBLE) | Q(idea__author=user)
    supports = (Support.objects.filter(public, user=user).select_related("idea").only("idea__id", "idea__title")
                .order_by("-created_at", "-pk"))
    follows = (Follow.objects.filter(public, user=user).select_related("idea").only("idea__id", "idea__title")
               .order_by("-created_at", "-pk"))
    comments = (Comment.objects.filter(public, author=user).select_related("idea")
                .only("id", "visibility", "created_at", "idea__id", "idea__title").order_by("-created_at", "-pk"))
    return [
        section("ideas", _("My ideas"), _("You have not submitted an idea yet."),
                [entry(i, f"{i.get_status_display()} · {date_format(i.created_at, 'DATE_FORMAT')}")
                 for i in mine[:LIMIT + 1]]),
        section("supports", _("Ideas I support"), _("You do not support an idea yet."),
                [entry(s.idea) for s in supports[:LIMIT + 1]]),
        section("follows", _("Ideas I follow"), _("You do not follow an idea yet."),
                [entry(f.idea) for f in follows[:LIMIT + 1]]),
        section("comments", _("My comments"), _("You have not commented on an idea yet."),
                [Entry(title=c.idea.title, url=reverse("ideas:detail", args=[c.idea.pk]) + f"#comment-{c.pk}",
                       note=comment_note(c)) for c in comments[:LIMIT + 1]]),
    ]


def comment_note(comment) -> str:
    """When I wrote it, and whether others cannot see it (waiting for or hidden by a moderator)."""
    written = date_format(comment.created_at, "DATE_FORMAT")
    if comment.visibility == Visibility.VISIBLE:
        return written
    return f"{written} · {comment.get_visibility_display()}"
