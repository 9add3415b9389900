"""The e-mails about ideas, written when they are sent (notify's renderers): a status change
to the author and each follower, a hidden idea or comment and a merged idea to the author.
Each carries a link that stops e-mails about the idea. Also what the notification centre
shows for each (a line and a link), and how the kinds are offered on the e-mail choices page."""
from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notify.registry import Letter, Line, category, describe, lines, renderer

from .models import Follow, Idea, ModerationEvent, Status, StatusChange
from .selectors import idea_settings_for

UNSUBSCRIBE_SALT = "ideas.unsubscribe"

category("ideas.mine", gettext_lazy("My ideas and comments"), order=10)
category("ideas.followed", gettext_lazy("Ideas I follow"), order=20)
describe("ideas.merged", category="ideas.mine", label=gettext_lazy("My idea is merged with a similar idea"))
describe("ideas.hidden", category="ideas.mine", label=gettext_lazy("A moderator hides my idea or comment"),
         always=gettext_lazy("A decision about what you wrote comes with its reasons and how to object, "
                             "and reaches you at once."))
describe("ideas.status_changed", category="ideas.followed",
         label=gettext_lazy("An idea I follow gets a new status (you follow your own ideas until you stop)"))


def unsubscribe_token(*, user_id: int, idea_id: int) -> str:
    return signing.dumps({"u": user_id, "i": idea_id}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> dict:
    return signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=60 * 60 * 24 * 365)


def unsubscribe_url(*, user, idea_id: int) -> str:
    return settings.SITE_URL + reverse("ideas:unsubscribe", args=[unsubscribe_token(user_id=user.pk, idea_id=idea_id)])


def _letter(template: str, *, user, idea: Idea, **context) -> Letter:
    context = {**context, "idea": idea, "user": user,
               "url": settings.SITE_URL + reverse("ideas:detail", args=[idea.pk]),
               "unsubscribe_url": unsubscribe_url(user=user, idea_id=idea.pk)}
    return Letter(subject=render_to_string(f"ideas/email/{template}_subject.txt", context),
                  body=render_to_string(f"ideas/email/{template}.txt", context))


@renderer("ideas.status_changed")
def status_changed(notice) -> Letter | None:
    change = StatusChange.objects.select_related("idea").filter(pk=notice.context["change"]).first()
    if change is None:
        return None
    idea, user = change.idea, notice.recipient
    if user.pk != idea.author_id and not Follow.objects.filter(idea=idea, user=user).exists():
        return None  # stopped following since (the link in an earlier e-mail)
    return _letter("status_changed", user=user, idea=idea, change=change)


@renderer("ideas.hidden")
def hidden(notice) -> Letter | None:
    event = (ModerationEvent.objects.select_related("idea__municipality", "comment__idea__municipality")
             .filter(pk=notice.context["event"]).first())
    if event is None:
        return None
    idea = event.idea or event.comment.idea
    return _letter("hidden", user=notice.recipient, idea=idea, event=event, item=event.comment or event.idea,
                   is_comment=event.comment_id is not None, municipality=idea.municipality,
                   contact_email=idea_settings_for(idea.municipality).contact_email)


@renderer("ideas.merged")
def merged(notice) -> Letter | None:
    event = ModerationEvent.objects.select_related("idea__merged_into").filter(pk=notice.context["event"]).first()
    if event is None or event.idea is None or event.idea.merged_into is None:
        return None
    into = event.idea.merged_into
    return _letter("merged", user=notice.recipient, idea=into, into=into)


def _idea_path(idea_id: int) -> str:
    return reverse("ideas:detail", args=[idea_id])


@lines("ideas.status_changed")
def status_changed_lines(notices) -> dict[int, Line]:
    changes = StatusChange.objects.select_related("idea").in_bulk(
        {n.context.get("change") for n in notices} - {None})
    found = {}
    for notice in notices:
        change = changes.get(notice.context.get("change"))
        if change is not None:
            found[notice.pk] = Line(_("“%(title)s” is now: %(status)s") % {
                "title": change.idea.title, "status": Status(change.to_status).label}, _idea_path(change.idea_id))
    return found


@lines("ideas.hidden", "ideas.merged")
def moderation_lines(notices) -> dict[int, Line]:
    events = (ModerationEvent.objects.select_related("idea__merged_into", "comment__idea")
              .in_bulk({n.context.get("event") for n in notices} - {None}))
    found = {}
    for notice in notices:
        event = events.get(notice.context.get("event"))
        if event is None:
            continue
        if notice.kind == "ideas.merged":
            into = event.idea.merged_into if event.idea else None
            if into is not None:
                found[notice.pk] = Line(_("Your idea “%(title)s” is merged into “%(into)s”") % {
                    "title": event.idea.title, "into": into.title}, _idea_path(into.pk))
        elif event.comment is not None:
            found[notice.pk] = Line(_("Your comment on “%(title)s” has been hidden") % {
                "title": event.comment.idea.title}, _idea_path(event.comment.idea_id))
        elif event.idea is not None:
            found[notice.pk] = Line(_("Your idea “%(title)s” has been hidden") % {"title": event.idea.title},
                                    _idea_path(event.idea_id))
    return found
