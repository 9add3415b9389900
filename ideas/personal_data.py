"""What the ideas app holds about a person, for their data download."""
from __future__ import annotations


def collect(user) -> dict:
    from .models import Comment, Flag, Follow, Idea, Support

    return {
        "ideas": [
            {"id": i.pk, "title": i.title, "text": i.body, "status": i.status,
             "visibility": i.visibility, "submitted": i.created_at.isoformat(),
             "campaign": i.campaign.title}
            for i in Idea.objects.filter(author=user).select_related("campaign")
        ],
        "comments": [
            {"id": c.pk, "idea": c.idea_id, "text": c.body, "visibility": c.visibility,
             "written": c.created_at.isoformat()}
            for c in Comment.objects.filter(author=user)
        ],
        "supports": [{"idea": s.idea_id, "since": s.created_at.isoformat()}
                     for s in Support.objects.filter(user=user)],
        "follows": [{"idea": f.idea_id, "since": f.created_at.isoformat()}
                    for f in Follow.objects.filter(user=user)],
        "reports": [{"idea": f.idea_id, "comment": f.comment_id, "reason": f.reason,
                     "explanation": f.explanation, "sent": f.created_at.isoformat()}
                    for f in Flag.objects.filter(user=user)],
    }
