"""Checking a ballot against its process's design, in plain words."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import BallotType, BudgetProcess


def money(amount: int, currency: str) -> str:
    symbol = {"DKK": "kr.", "NOK": "kr", "SEK": "kr"}.get(currency, currency)
    return f"{number_format(amount, force_grouping=True)} {symbol}"


def clean_ballot(process: BudgetProcess, choice: dict, projects: dict[str, int], *, limit: int | None = None) -> dict:
    """Validate a choice against the process; return the ballot content to store.

    `projects` maps the codes of the projects on the ballot to their costs. `choice` is
    {"projects": [...]} (approval, knapsack), {"points": {code: n}} (cumulative) or
    {"ranking": [...]} (ranked). `limit` is the knapsack limit of the election voted in
    (default: the citywide one).
    """
    limit = process.knapsack_limit if limit is None else limit
    kind = process.ballot_type
    if kind in (BallotType.APPROVAL, BallotType.KNAPSACK):
        chosen = list(dict.fromkeys(str(c) for c in choice.get("projects", [])))
        _known(chosen, projects)
        _count(process, len(chosen))
        if kind == BallotType.KNAPSACK:
            total = sum(projects[c] for c in chosen)
            if total > limit:
                raise ValidationError(
                    _("You chose projects for %(total)s, more than the limit of %(limit)s: remove a project or choose cheaper ones.")
                    % {"total": money(total, process.currency), "limit": money(limit, process.currency)},
                    code="over_limit")
        return {"projects": sorted(chosen)}
    if kind == BallotType.CUMULATIVE:
        raw = choice.get("points", {}) or {}
        points = {}
        for code, value in raw.items():
            try:
                number = int(value)
            except (TypeError, ValueError):
                raise ValidationError(_("Points must be whole numbers."), code="not_a_number") from None
            if number < 0:
                raise ValidationError(_("Points cannot be negative."), code="negative")
            if number:
                points[str(code)] = number
        _known(list(points), projects)
        total = sum(points.values())
        if total > process.points:
            raise ValidationError(_("You gave %(total)s points; you have %(limit)s to spread.")
                                  % {"total": total, "limit": process.points}, code="too_many_points")
        over = [c for c, n in points.items() if n > process.max_points_per_project]
        if over:
            raise ValidationError(_("At most %(limit)s points can go to one project.")
                                  % {"limit": process.max_points_per_project}, code="too_many_on_one")
        if not points:
            raise ValidationError(_("Give at least one point to a project."), code="empty")
        return {"points": dict(sorted(points.items()))}
    ranking = [str(c) for c in choice.get("ranking", []) if str(c)]
    if len(set(ranking)) != len(ranking):
        raise ValidationError(_("Each project can have only one place in your ranking."), code="duplicate")
    _known(ranking, projects)
    _count(process, len(ranking))
    return {"ranking": ranking}


def _known(codes: list[str], projects: dict[str, int]) -> None:
    if any(c not in projects for c in codes):
        raise ValidationError(_("Your ballot names a project that is not on this ballot."), code="unknown_project")


def _count(process: BudgetProcess, n: int) -> None:
    if n < process.min_projects:
        raise ValidationError(ngettext("Choose at least %(n)s project.", "Choose at least %(n)s projects.",
                                       process.min_projects) % {"n": process.min_projects}, code="too_few")
    if process.max_projects and n > process.max_projects:
        raise ValidationError(ngettext("Choose at most %(n)s project.", "Choose at most %(n)s projects.",
                                       process.max_projects) % {"n": process.max_projects}, code="too_many")
