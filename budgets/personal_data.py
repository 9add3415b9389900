"""What the budgets app holds about a person: that they took part (never what they voted —
that is not linked to them), and the projects they proposed."""


def collect(user) -> dict:
    from .models import Participation, Project

    return {
        "took_part_in": [{"process": p.process.title,
                          "budget": p.district_budget.name if p.district_budget else "citywide",
                          "channel": p.channel, "on": p.voted_on.isoformat()}
                         for p in Participation.objects.filter(user=user).select_related("process", "district_budget")],
        "projects_proposed": [{"process": p.process.title, "title": p.title, "cost": p.cost,
                               "budget": p.district_budget.name if p.district_budget else "citywide"}
                              for p in Project.objects.filter(proposed_by=user).select_related("process",
                                                                                              "district_budget")],
    }
