"""Live updates that follow a committed write (the e-mails go through notify's outbox)."""
from __future__ import annotations

from django.db import transaction
from django.utils import translation

from realtime.broadcast import broadcast_on_commit, group_name, send_now
from realtime.consumers import user_group

from ..models import Follow, Idea


def idea_group(idea_id: int) -> str:
    return group_name("idea", idea_id)


def campaign_group(campaign_id: int) -> str:
    return group_name("campaign", campaign_id)


def moderation_group(municipality_id: int) -> str:
    return group_name("moderation", municipality_id)


def counts_changed(idea: Idea) -> None:
    """Tell idea pages and campaign lists the idea's current counts (read after the write)."""
    def send():
        counts = Idea.objects.filter(pk=idea.pk).values("support_count", "comment_count").first()
        if counts is None:
            return
        payload = {"idea": idea.pk, **counts}
        send_now(idea_group(idea.pk), "idea.counts", payload)
        send_now(campaign_group(idea.campaign_id), "idea.counts", payload)

    transaction.on_commit(send)


def comment_published(comment) -> None:
    broadcast_on_commit(idea_group(comment.idea_id), "comment.new", {
        "idea": comment.idea_id, "comment": comment.pk,
        "parent": comment.parent_id,
    })


def queue_changed(municipality_id: int, reason: str) -> None:
    broadcast_on_commit(moderation_group(municipality_id), "queue.changed", {"reason": reason})


def notify_user_live(user_id: int, event: str, payload: dict) -> None:
    broadcast_on_commit(user_group(user_id), event, payload)


def tell_followers_live(*, idea_ids, event: str, payload, message) -> None:
    """Every follower of the given ideas hears `event` live. `payload(idea_id)` gives the
    event's data and `message(idea_id)` its text, called in the follower's own language.
    One query, whatever the number of ideas."""
    for follow in Follow.objects.filter(idea_id__in=list(idea_ids)).select_related("user"):
        with translation.override(follow.user.preferred_language):
            text = str(message(follow.idea_id))
        notify_user_live(follow.user_id, event, {**payload(follow.idea_id), "message": text})
