"""What the ideas app holds about a person, for their data download."""
from __future__ import annotations

from .models import Comment, Flag, Follow, Idea, ModerationEvent, StatusChange, Support


def collect(user) -> dict:
    return {
        "ideas": [
            {"id": i.pk, "title": i.title, "text": i.body, "status": i.status,
             "visibility": i.visibility, "submitted": i.created_at.isoformat(),
             "campaign": i.campaign.title, "category": i.category.name if i.category_id else None,
             "district": i.district.name if i.district_id else None,
             "latitude": i.latitude, "longitude": i.longitude}
            for i in Idea.objects.filter(author=user).select_related("campaign", "category", "district")
        ],
        "comments": [
            {"id": c.pk, "idea": c.idea_id, "in_reply_to": c.parent_id, "text": c.body,
             "visibility": c.visibility, "written": c.created_at.isoformat()}
            for c in Comment.objects.filter(author=user)
        ],
        "supports": [{"idea": s.idea_id, "since": s.created_at.isoformat()}
                     for s in Support.objects.filter(user=user)],
        "follows": [{"idea": f.idea_id, "since": f.created_at.isoformat()}
                    for f in Follow.objects.filter(user=user)],
        "reports": [{"idea": f.idea_id, "comment": f.comment_id, "reason": f.reason,
                     "explanation": f.explanation, "sent": f.created_at.isoformat()}
                    for f in Flag.objects.filter(user=user)],
        # What the person did as a moderator or as staff: their decisions and answers.
        "moderation_decisions": [
            {"idea": e.idea_id, "comment": e.comment_id, "action": e.action, "reason": e.reason,
             "at": e.created_at.isoformat()}
            for e in ModerationEvent.objects.filter(actor=user)
        ],
        "status_answers": [
            {"idea": s.idea_id, "from": s.from_status, "to": s.to_status, "answer": s.answer,
             "at": s.created_at.isoformat()}
            for s in StatusChange.objects.filter(author=user)
        ],
    }
