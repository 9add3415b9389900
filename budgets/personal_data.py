"""What the budgets app holds about a person: that they took part (never what they voted —
that is not linked to them), the projects they proposed, and, for staff and council, the
work recorded under their name: council reviews, approved results, paper ballots typed in
or confirmed (not their contents: those are anonymous citizens' votes) and progress
updates. Their comments on projects, the comments they reported and, for moderators, their
decisions on comments, as ideas give theirs."""


from django.db.models import Q

from .models import (
    CouncilReview,
    PaperBallot,
    Participation,
    Project,
    ProjectComment,
    ProjectCommentEvent,
    ProjectCommentFlag,
    ProjectUpdate,
    Result,
)


def collect(user) -> dict:
    def budget(row) -> str:
        return row.district_budget.name if row.district_budget else "citywide"

    return {
        "took_part_in": [{"process": p.process.title, "budget": budget(p), "channel": p.channel,
                          "on": p.voted_on.isoformat(), "district": p.district.name if p.district else None,
                          "age_band": p.age_band}
                         for p in Participation.objects.filter(user=user).select_related(
                             "process", "district_budget", "district")],
        "projects_proposed": [{"process": p.process.title, "title": p.title, "description": p.description,
                               "cost": p.cost, "budget": budget(p),
                               "district": p.district.name if p.district else None,
                               "latitude": p.latitude, "longitude": p.longitude,
                               "proposed_at": p.created_at.isoformat()}
                              for p in Project.objects.filter(proposed_by=user).select_related(
                                  "process", "district_budget", "district")],
        "council_reviews": [{"process": r.process.title, "decision": r.decision, "comment": r.comment,
                             "at": r.created_at.isoformat()}
                            for r in CouncilReview.objects.filter(member=user).select_related("process")],
        "results_approved": [{"process": r.process.title, "approved_at": r.approved_at.isoformat()}
                             for r in Result.objects.filter(approved_by=user).select_related("process")],
        "paper_ballots": [{"process": p.process.title, "budget": budget(p),
                           "as": "entered" if p.entered_by_id == user.pk else "confirmed",
                           "at": p.created_at.isoformat()}
                          for p in PaperBallot.objects.filter(Q(entered_by=user) | Q(confirmed_by=user))
                          .select_related("process", "district_budget").order_by("pk")],
        "project_updates": [{"project": u.project.title, "text": u.text, "milestone": u.milestone,
                             "happened_on": u.happened_on.isoformat(), "at": u.created_at.isoformat()}
                            for u in ProjectUpdate.objects.filter(author=user).select_related("project")],
        "project_comments": [{"id": c.pk, "project": c.project.title, "process": c.project.process.title,
                              "in_reply_to": c.parent_id, "text": c.body, "visibility": c.visibility,
                              "written": c.created_at.isoformat()}
                             for c in ProjectComment.objects.filter(author=user).select_related("project__process")
                             .order_by("pk")],
        "project_comment_reports": [{"comment": f.comment_id, "reason": f.reason, "explanation": f.explanation,
                                     "sent": f.created_at.isoformat()}
                                    for f in ProjectCommentFlag.objects.filter(user=user).order_by("pk")],
        "project_comment_decisions": [{"comment": e.comment_id, "action": e.action, "reason": e.reason,
                                       "at": e.created_at.isoformat()}
                                      for e in ProjectCommentEvent.objects.filter(actor=user).order_by("pk")],
    }
