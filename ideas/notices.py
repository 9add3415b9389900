"""The e-mails about ideas, written when they are sent (notify's renderers): a status change
to the author and each follower, a hidden idea or comment and a merged idea to the author.
Each carries a link that stops e-mails about the idea."""
from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse

from notify.registry import Letter, renderer

from .models import Follow, Idea, ModerationEvent, StatusChange
from .selectors import idea_settings_for

UNSUBSCRIBE_SALT = "ideas.unsubscribe"


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
