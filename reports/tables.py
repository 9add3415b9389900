"""The dashboard's tables and charts: one definition of each figure's rows, used by the
page, the PNG/SVG illustrations and the CSV/XLSX downloads, so they always agree."""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Country
from charts import render
from charts.stats import MIN_ROWS, OddsRatio, Status

from . import figures
from .models import COCREATION_VALUES, Party

ROLE_LABELS = {
    "any": gettext_lazy("Citizens played a role (any)"),
    "initiated": gettext_lazy("Citizens initiated it"),
    "promoted": gettext_lazy("Citizens promoted it"),
    "co_created": gettext_lazy("Citizens co-created it"),
}
VALUE_LABELS = {
    "quality": gettext_lazy("Better quality"),
    "efficiency": gettext_lazy("More efficiency"),
    "employee_satisfaction": gettext_lazy("More employee satisfaction"),
    "citizen_involvement": gettext_lazy("More citizen involvement"),
    "political_goals": gettext_lazy("Political goals met"),
}
# The funnel counts ideas from submission to implementation, one scale; how many people took
# part in each way is another figure, each number on its own scale (people, not ideas).
FUNNEL_LABELS = {
    "submitted": gettext_lazy("Ideas submitted"),
    "published": gettext_lazy("Ideas published"),
    "answered": gettext_lazy("Ideas answered"),
    "accepted": gettext_lazy("Ideas accepted"),
    "implemented": gettext_lazy("Ideas implemented"),
}
PARTICIPATION_LABELS = {
    "supporters": gettext_lazy("Supporters of ideas (people)"),
    "budget_voters": gettext_lazy("Budget turnout (voters)"),
    "dinner_guests": gettext_lazy("Dinner guests"),
    "dinner_harvested_ideas": gettext_lazy("Ideas harvested at dinners"),
}
TABLES = ["roles", "values", "countries", "municipalities", "funnel", "participation"]


def _number(value: float, places: int) -> str:
    # number_format cuts decimals off; round first so 62.98 % shows as 63 %.
    return number_format(round(value, places), places, force_grouping=True)


def percent(value: float | None) -> str:
    return "–" if value is None else f"{_number(value * 100, 0)} %"


def ratio_text(result: OddsRatio) -> str:
    """An odds ratio with its interval, or why there is none."""
    if result.status == Status.TOO_SMALL:
        return _("Too few innovations (fewer than %(n)s)") % {"n": MIN_ROWS}
    if result.status == Status.NO_VARIATION:
        return _("No variation to compare")
    if result.status == Status.SEPARATION:
        return _("Cannot be estimated: the groups do not overlap")
    return _("%(or)s (95 %% CI %(low)s–%(high)s)") % {
        "or": _number(result.odds_ratio, 2), "low": _number(result.ci_low, 2),
        "high": _number(result.ci_high, 2)}


def p_text(result: OddsRatio) -> str:
    if result.p_value is None:
        return "–"
    return "< " + _number(0.001, 3) if result.p_value < 0.001 else _number(result.p_value, 3)


@dataclass
class Table:
    name: str
    title: str
    description: str  # the text alternative of the chart
    header: list[str]
    rows: list[list]  # shown on the page
    data: list[list] = field(default_factory=list)  # downloaded (numbers as numbers)
    chart: dict = field(default_factory=dict)
    chart_width: int = render.DISPLAY_WIDTH

    def render_chart(self, fmt: str) -> bytes:
        kind = self.chart["kind"]
        args = {k: v for k, v in self.chart.items() if k != "kind"}
        draw = {"hbar": render.horizontal_bars, "paired": render.paired_bars, "radar": render.radar,
                "multiples": render.small_multiples}[kind]
        return draw(title=self.title, description=self.description, fmt=fmt, **args)


def roles_table(report: dict) -> Table:
    roles = report["citizen_role"]
    labels = [str(ROLE_LABELS[k]) for k in roles]
    description = _("Of %(n)s innovations (weighted N %(wn)s), %(any)s happened with citizens: "
                    "citizens initiated %(initiated)s, promoted %(promoted)s and co-created %(co_created)s.") % {
        "n": _number(report["n"], 0),
        "wn": _number(report["weighted_n"], 1),
        **{k: percent(v) for k, v in roles.items()}}
    return Table(
        name="roles", title=_("Innovations with citizens, by citizens' role"), description=description,
        header=[_("Citizens' role"), _("Weighted share")],
        rows=[[label, percent(roles[k])] for label, k in zip(labels, roles, strict=True)],
        data=[[label, roles[k]] for label, k in zip(labels, roles, strict=True)],
        chart={"kind": "hbar", "labels": labels, "values": list(roles.values())})


def values_table(report: dict) -> Table:
    outcomes = report["outcomes"]
    labels = [str(VALUE_LABELS[v]) for v in outcomes]
    rows, data, sentences = [], [], []
    for label, (_value, r) in zip(labels, outcomes.items(), strict=True):
        un, adj = r["unadjusted"], r["adjusted"]
        sig = figures.significant(r)
        sig_text = "–" if sig is None else (_("yes") if sig else _("no"))
        rows.append([label, percent(r["with_citizens"]), percent(r["without_citizens"]), ratio_text(un), p_text(un),
                     ratio_text(adj), p_text(adj), sig_text])
        data.append([label, r["with_citizens"], r["without_citizens"], un.odds_ratio, un.ci_low, un.ci_high,
                     un.p_value, adj.odds_ratio, adj.ci_low, adj.ci_high, adj.p_value, sig])
        sentences.append(_("%(value)s: %(with)s with citizens, %(without)s without.") % {
            "value": label, "with": percent(r["with_citizens"]), "without": percent(r["without_citizens"])})
    table = Table(
        name="values", title=_("Values achieved with and without citizens"), description=" ".join(sentences),
        header=[_("Value"), _("With citizens"), _("Without citizens"), _("Odds ratio"), _("p-value"),
                _("Odds ratio, adjusted for type and subsector"), _("p-value, adjusted"), _("Significant (p < 0.05)")],
        rows=rows, data=data,
        chart={"kind": "paired", "labels": labels, "series": {
            _("With citizens"): [r["with_citizens"] for r in outcomes.values()],
            _("Without citizens"): [r["without_citizens"] for r in outcomes.values()]}})
    table.download_header = [_("Value"), _("With citizens"), _("Without citizens"), _("Odds ratio"),
                             _("95 % CI low"), _("95 % CI high"), _("p-value"), _("Odds ratio, adjusted"),
                             _("95 % CI low, adjusted"), _("95 % CI high, adjusted"), _("p-value, adjusted"),
                             _("Significant (p < 0.05)")]
    return table


def _groups_table(name: str, title: str, groups: dict, labels: dict) -> Table:
    keys = list(groups)
    names = [str(labels.get(k, k)) for k in keys]
    rows, data = [], []
    for label, k in zip(names, keys, strict=True):
        g = groups[k]
        roles = g["citizen_role"]
        rows.append([label, _number(g["n"], 0), percent(roles["any"]),
                     percent(roles["initiated"]), percent(roles["promoted"]), percent(roles["co_created"])])
        data.append([label, g["n"], g["weighted_n"], roles["any"], roles["initiated"], roles["promoted"],
                     roles["co_created"]])
    description = " ".join(_("%(name)s: %(share)s with citizens (N = %(n)s).") % {
        "name": label, "share": percent(groups[k]["citizen_role"]["any"]), "n": groups[k]["n"]}
        for label, k in zip(names, keys, strict=True)) or _("No innovations in this selection.")
    table = Table(name=name, title=title, description=description,
                  header=[_("Name"), _("N"), *[str(ROLE_LABELS[r]) for r in ROLE_LABELS]], rows=rows, data=data,
                  chart={"kind": "hbar", "labels": names, "values": [groups[k]["citizen_role"]["any"] for k in keys]})
    table.download_header = [_("Name"), _("N"), _("Weighted N"), *[str(ROLE_LABELS[r]) for r in ROLE_LABELS]]
    return table


def countries_table(report: dict) -> Table:
    return _groups_table("countries", _("Innovations with citizens, by country"), report["by_country"],
                         dict(Country.choices))


def municipalities_table(report: dict, names: dict) -> Table:
    return _groups_table("municipalities", _("Innovations with citizens, by municipality"),
                         report["by_municipality"], names)


def funnel_table(funnel: dict) -> Table:
    keys = list(FUNNEL_LABELS)
    labels = [str(FUNNEL_LABELS[k]) for k in keys]
    median = funnel["median_days_to_answer"]
    median_text = "–" if median is None else _number(median, 1)
    description = " ".join(f"{label}: {funnel[k]}." for label, k in zip(labels, keys, strict=True))
    description += " " + _("Median days from submission to the first public answer: %(days)s.") % {"days": median_text}
    rows = [[label, _number(funnel[k], 0)] for label, k in zip(labels, keys, strict=True)]
    rows.append([_("Median days from submission to the first public answer"), median_text])
    data = [[label, funnel[k]] for label, k in zip(labels, keys, strict=True)]
    data.append([_("Median days from submission to the first public answer"), median])
    return Table(name="funnel", title=_("Participation funnel: ideas"), description=description,
                 header=[_("Step"), _("Ideas")], rows=rows, data=data,
                 chart={"kind": "hbar", "labels": labels, "values": [funnel[k] for k in keys], "as_percent": False})


def participation_table(funnel: dict) -> Table:
    keys = list(PARTICIPATION_LABELS)
    labels = [str(PARTICIPATION_LABELS[k]) for k in keys]
    description = " ".join(f"{label}: {funnel[k]}." for label, k in zip(labels, keys, strict=True))
    return Table(name="participation", title=_("Other ways citizens took part"), description=description,
                 header=[_("Way of taking part"), _("Number")],
                 rows=[[label, _number(funnel[k], 0)] for label, k in zip(labels, keys, strict=True)],
                 data=[[label, funnel[k]] for label, k in zip(labels, keys, strict=True)],
                 chart={"kind": "multiples", "labels": labels, "values": [funnel[k] for k in keys]})


def cocreation_table(profile: dict, title: str) -> Table:
    values = profile["values"]
    labels = [str(COCREATION_VALUES[v]) for v in values]
    party_labels = dict(Party.choices)

    def score(x):
        return "–" if x is None else _number(x, 1)

    rows, data = [], []
    for label, v in zip(labels, values, strict=True):
        rows.append([label, *[score(profile["parties"][p][v]) for p in Party.values], score(profile["overall"][v])])
        data.append([label, *[profile["parties"][p][v] for p in Party.values], profile["overall"][v]])
    weakest = COCREATION_VALUES.get(profile["weakest"]) if profile["weakest"] else None
    description = " ".join(_("%(value)s: %(score)s of 5.") % {"value": label, "score": score(profile["overall"][v])}
                           for label, v in zip(labels, values, strict=True))
    if weakest:
        description += " " + _("Weakest value: %(value)s.") % {"value": weakest}
    series = {str(party_labels[p]): [profile["parties"][p][v] for v in values] for p in Party.values}
    series[_("Everyone")] = [profile["overall"][v] for v in values]
    return Table(name="cocreation", title=title, description=description,
                 header=[_("Value"), *[str(party_labels[p]) for p in Party.values], _("Everyone")],
                 rows=rows, data=data, chart={"kind": "radar", "labels": labels, "series": series})


def dashboard_tables(report: dict, funnel: dict | None, names: dict) -> dict[str, Table]:
    tables = {"roles": roles_table(report), "values": values_table(report), "countries": countries_table(report),
              "municipalities": municipalities_table(report, names)}
    if funnel is not None:
        tables["funnel"] = funnel_table(funnel)
        tables["participation"] = participation_table(funnel)
    return tables
