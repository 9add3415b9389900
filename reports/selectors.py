"""Every read behind the reports. The database aggregates (one query per figure, however
many records); numpy does the regression on the cells; results are cached under a key made
of the selection and the innovation data version."""
from __future__ import annotations

import statistics
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from accounts.models import Country, Municipality
from budgets.selectors import process_list
from dinners.selectors import participation_figures
from ideas.models import (
    Idea,
    Status,
    StatusChange,
    Support,
    Visibility,
)
from ui.numbers import whole_number

from . import figures, innovation_csv
from .models import (
    COCREATION_VALUES,
    CoCreationInvitation,
    Innovation,
    Party,
    SectorLevel,
    Subsector,
)
from .services import innovation_data_version

CACHE_SECONDS = 24 * 3600
FUNNEL_CACHE_SECONDS = 60
ALL = "all"


@dataclass(frozen=True)
class Selection:
    """Which innovation records a report covers. It travels in the query string, so a
    link reproduces the same figures (the Share permalink)."""

    municipality: str = ALL  # a slug, or "all"
    country: str = ""
    year_from: int | None = None
    year_to: int | None = None
    sector_level: str = ""
    subsector: str = ""

    @classmethod
    def from_params(cls, params, *, default_municipality: str = ALL) -> Selection:
        def year(name):
            value = whole_number(params.get(name))
            return value if value is not None and 1990 <= value <= 2100 else None

        def choice(name, allowed):
            value = (params.get(name) or "").strip()
            return value if value in allowed else ""

        municipality = (params.get("municipality") or default_municipality).strip()[:50] or ALL
        return cls(municipality=municipality, country=choice("country", Country.values),
                   year_from=year("year_from"), year_to=year("year_to"),
                   sector_level=choice("sector_level", SectorLevel.values),
                   subsector=choice("subsector", Subsector.values))

    def params(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    def query_string(self) -> str:
        return urlencode(self.params())

    def without_place(self) -> Selection:
        """The same records everywhere: for the side-by-side comparisons."""
        return replace(self, municipality=ALL, country="")

    def cache_key(self, kind: str) -> str:
        return f"reports:{kind}:{innovation_data_version()}:{self.query_string()}"


def innovations_selected(selection: Selection) -> QuerySet[Innovation]:
    qs = Innovation.objects.all()
    if selection.municipality != ALL:
        qs = qs.filter(municipality__slug=selection.municipality)
    if selection.country:
        qs = qs.filter(municipality__country=selection.country)
    if selection.year_from:
        qs = qs.filter(year__gte=selection.year_from)
    if selection.year_to:
        qs = qs.filter(year__lte=selection.year_to)
    if selection.sector_level:
        qs = qs.filter(sector_level=selection.sector_level)
    if selection.subsector:
        qs = qs.filter(subsector=selection.subsector)
    return qs


def _weight_squared():
    return ExpressionWrapper(F("weight") * F("weight"), output_field=DecimalField(max_digits=30, decimal_places=12))


WITH_CITIZENS = Q(citizens_initiated=True) | Q(citizens_promoted=True) | Q(citizens_cocreated=True)


def barometer_cells(selection: Selection) -> list[dict]:
    """One row per distinct combination of roles, values, type and subsector."""
    return list(
        innovations_selected(selection).order_by().values(*figures.CELL_COLUMNS)
        .annotate(n=Count("pk"), sw=Sum("weight"), sw2=Sum(_weight_squared()))
    )


def _group_sums(selection: Selection, key: str) -> dict:
    rows = (innovations_selected(selection).order_by().values(key).annotate(
        n=Count("pk"), sw=Sum("weight"), sw_any=Sum("weight", filter=WITH_CITIZENS),
        **{f"sw_{role}": Sum("weight", filter=Q(**{flag: True})) for role, flag in figures.ROLES.items()},
    ).order_by(key))
    return {row.pop(key): row for row in rows}


def barometer(selection: Selection) -> dict:
    """Figures 1-3 for a selection (cached). Side by side: every municipality and country
    with the same years, sector level and subsector."""
    key = selection.cache_key("barometer")
    report = cache.get(key)
    if report is None:
        report = figures.barometer(barometer_cells(selection))
        wide = selection.without_place()
        report["by_country"] = figures.group_shares(_group_sums(wide, "municipality__country"))
        report["by_municipality"] = figures.group_shares(_group_sums(wide, "municipality__slug"))
        cache.set(key, report, CACHE_SECONDS)
    return report


def municipality_names() -> dict[str, str]:
    return dict(Municipality.objects.values_list("slug", "name"))


class _Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def dinner_figures(municipality: Municipality) -> dict:
    """Dinner guests (confirmed seats at dinners not cancelled) and the ideas harvested at
    dinners, for the participation funnel."""
    return participation_figures(municipality=municipality)


def _median_days_to_answer(ideas: QuerySet[Idea]) -> float | None:
    first_answer = Subquery(StatusChange.objects.filter(idea=OuterRef("pk")).order_by("created_at", "pk")
                            .values("created_at")[:1])
    waited = ideas.annotate(first_answer=first_answer).filter(first_answer__isnull=False)
    if connection.vendor == "postgresql":
        median = waited.aggregate(m=_Median(ExpressionWrapper(F("first_answer") - F("created_at"),
                                                              output_field=DurationField())))["m"]
        return None if median is None else median / timedelta(days=1)
    # The embedded SQLite run has no percentile_cont.
    days = [(answer - created) / timedelta(days=1) for created, answer in waited.values_list("created_at", "first_answer")]
    return statistics.median(days) if days else None


def funnel(municipality: Municipality) -> dict:
    """Figure 4: from ideas to implementation, plus the other ways citizens take part."""
    key = f"reports:funnel:{municipality.pk}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    ideas = Idea.objects.filter(municipality=municipality, merged_into__isnull=True)
    reached_accepted = [Status.ACCEPTED, Status.IN_PROGRESS, Status.IMPLEMENTED]
    counts = ideas.aggregate(
        submitted=Count("pk"),
        published=Count("pk", filter=Q(visibility=Visibility.VISIBLE)),
        answered=Count("pk", filter=~Q(status__in=[Status.SUBMITTED, Status.PUBLISHED])),
        accepted=Count("pk", filter=Q(status__in=reached_accepted)),
        implemented=Count("pk", filter=Q(status=Status.IMPLEMENTED)),
    )
    voters = process_list(municipality=municipality).aggregate(n=Count("participations"))["n"] or 0
    result = {
        **counts,
        "median_days_to_answer": _median_days_to_answer(ideas),
        "supporters": Support.objects.filter(idea__municipality=municipality).values("user").distinct().count(),
        "budget_voters": voters,
        **{f"dinner_{k}": v for k, v in dinner_figures(municipality).items()},
    }
    cache.set(key, result, FUNNEL_CACHE_SECONDS)
    return result


def cocreation_profile(innovation: Innovation) -> dict:
    """Figure 5: mean score per value for citizens, staff and everyone; the weakest value."""
    averages = {f"{v}": Avg(sum(F(f"{v}_{i}") for i in (1, 2, 3)) / 3.0) for v in COCREATION_VALUES}
    answered = CoCreationInvitation.objects.filter(innovation=innovation, answered_at__isnull=False)
    by_party = {row.pop("party"): row for row in answered.order_by().values("party").annotate(
        respondents=Count("pk"), **averages)}
    overall = answered.aggregate(respondents=Count("pk"), **averages)
    parties = {p: by_party.get(p, {"respondents": 0, **{v: None for v in COCREATION_VALUES}}) for p in Party.values}
    scored = {v: overall[v] for v in COCREATION_VALUES if overall[v] is not None}
    weakest = min(scored, key=scored.get) if scored else None
    invited = CoCreationInvitation.objects.filter(innovation=innovation).count()
    return {"values": list(COCREATION_VALUES), "parties": parties, "overall": overall,
            "weakest": weakest, "invited": invited}


def invitation_get(*, token: str) -> CoCreationInvitation | None:
    return (CoCreationInvitation.objects.select_related("innovation__municipality")
            .filter(token=token).first())


def invitation_list(*, innovation: Innovation) -> QuerySet[CoCreationInvitation]:
    return CoCreationInvitation.objects.filter(innovation=innovation)


def innovation_list(*, municipality: Municipality) -> QuerySet[Innovation]:
    return Innovation.objects.filter(municipality=municipality).select_related("municipality")


def innovation_get(*, pk: int) -> Innovation | None:
    return Innovation.objects.select_related("municipality").prefetch_related("ideas").filter(pk=pk).first()


def innovation_rows(queryset):
    """The innovation registry's rows as the CSV export writes them (reports.innovation_csv),
    streamed: the page's download, the API's and `manage.py export_innovations` read here."""
    for innovation in queryset.values(*innovation_csv.COLUMNS[3:], "id", "year", "title", "municipality__slug",
                                      "municipality__country").iterator(chunk_size=2000):
        innovation["municipality"] = innovation.pop("municipality__slug")
        innovation["country"] = innovation.pop("municipality__country")
        yield innovation
