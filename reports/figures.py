"""The Innovation Barometer's figures from cells of innovation records.

A cell is a group of records that agree on every column the figures use, with the number
of records (``n``), the sum of their weights (``sw``) and of their squared weights
(``sw2``). The database sends cells (see selectors); a CSV file is read as one cell per
row. Both end here, so the command and the dashboard give the same numbers.
"""
from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from charts.stats import OddsRatio, citizen_odds_ratio, share

VALUES = ["quality", "efficiency", "employee_satisfaction", "citizen_involvement", "political_goals"]
ROLES = {"initiated": "citizens_initiated", "promoted": "citizens_promoted", "co_created": "citizens_cocreated"}
ROLE_FLAGS = list(ROLES.values())
VALUE_FLAGS = [f"value_{v}" for v in VALUES]
CELL_COLUMNS = [*ROLE_FLAGS, *VALUE_FLAGS, "innovation_type", "subsector"]


class Cells:
    """Columns of cells as numpy arrays."""

    def __init__(self, cells: Iterable[dict]):
        cells = list(cells)
        self.size = len(cells)
        self.n = np.array([c["n"] for c in cells], dtype=int)
        self.sw = np.array([float(c["sw"] or 0) for c in cells], dtype=float)
        self.sw2 = np.array([float(c["sw2"] or 0) for c in cells], dtype=float)
        self.flags = {name: np.array([bool(c[name]) for c in cells], dtype=bool)
                      for name in ROLE_FLAGS + VALUE_FLAGS}
        self.innovation_type = np.array([c["innovation_type"] for c in cells], dtype=object)
        self.subsector = np.array([c["subsector"] for c in cells], dtype=object)
        self.with_citizens = (self.flags[ROLE_FLAGS[0]] | self.flags[ROLE_FLAGS[1]]
                              | self.flags[ROLE_FLAGS[2]]) if cells else np.zeros(0, dtype=bool)


def role_shares(cells: Cells) -> dict:
    total = cells.sw.sum()
    shares = {"any": share(cells.sw[cells.with_citizens].sum(), total)}
    for key, flag in ROLES.items():
        shares[key] = share(cells.sw[cells.flags[flag]].sum(), total)
    return shares


def _merged(y: np.ndarray, cells: Cells) -> dict:
    """Cells summed over everything but (y, with citizens, type, subsector): the likelihood
    and the sandwich only see these, so the fit is the same on far fewer cells."""
    types, type_code = np.unique(cells.innovation_type.astype(str), return_inverse=True)
    subs, sub_code = np.unique(cells.subsector.astype(str), return_inverse=True)
    key = ((y.astype(int) * 2 + cells.with_citizens.astype(int)) * len(types) + type_code) * len(subs) + sub_code
    size = 4 * len(types) * len(subs)
    n = np.bincount(key, weights=cells.n, minlength=size)
    used = np.flatnonzero(n)
    sub_i = used % len(subs)
    type_i = (used // len(subs)) % len(types)
    wc = (used // (len(subs) * len(types))) % 2
    return {"y": used // (2 * len(subs) * len(types)), "with_citizens": wc,
            "sum_w": np.bincount(key, weights=cells.sw, minlength=size)[used],
            "sum_w2": np.bincount(key, weights=cells.sw2, minlength=size)[used],
            "count": n[used].astype(int), "covariates": [types[type_i], subs[sub_i]]}


def outcome(cells: Cells, value: str) -> dict:
    y = cells.flags[f"value_{value}"]
    wc = cells.with_citizens
    if cells.size:
        merged = _merged(y, cells)
        covariates = merged.pop("covariates")
    else:
        merged = {"y": y.astype(int), "with_citizens": wc.astype(int), "sum_w": cells.sw, "sum_w2": cells.sw2,
                  "count": cells.n}
        covariates = [cells.innovation_type, cells.subsector]
    unadjusted = citizen_odds_ratio(**merged)
    adjusted = citizen_odds_ratio(**merged, covariates=covariates)
    return {
        "with_citizens": share(cells.sw[wc & y].sum(), cells.sw[wc].sum()),
        "without_citizens": share(cells.sw[~wc & y].sum(), cells.sw[~wc].sum()),
        "unadjusted": unadjusted,
        "adjusted": adjusted,
    }


def barometer(cells: Iterable[dict]) -> dict:
    """Figures 1 and 2: shares by citizens' role and, per value, shares with and without
    citizens with the odds ratios (OddsRatio objects; see `as_json`)."""
    c = cells if isinstance(cells, Cells) else Cells(cells)
    return {
        "n": int(c.n.sum()),
        "weighted_n": float(c.sw.sum()),
        "citizen_role": role_shares(c),
        "outcomes": {value: outcome(c, value) for value in VALUES},
    }


def significant(result: dict) -> bool | None:
    """"Significant" is the chapter's claim: p < 0.05 also when controlling for innovation
    type and subsector (the adjusted model); None when that model has no number."""
    adjusted: OddsRatio = result["adjusted"]
    return adjusted.significant


def as_json(report: dict) -> dict:
    """The report as plain JSON (the `barometer_report --json` shape)."""
    out = {"n": report["n"], "weighted_n": report["weighted_n"], "citizen_role": report["citizen_role"],
           "outcomes": {}}
    for value, result in report["outcomes"].items():
        out["outcomes"][value] = {
            "with_citizens": result["with_citizens"], "without_citizens": result["without_citizens"],
            "unadjusted": result["unadjusted"].as_dict(), "adjusted": result["adjusted"].as_dict(),
            "significant": significant(result),
        }
    for key in ("by_country", "by_municipality"):
        if key in report:
            out[key] = {name: {"n": group["n"], "citizen_role": group["citizen_role"]}
                        for name, group in report[key].items()}
    return out


def group_shares(groups: dict[str, dict]) -> dict:
    """Side by side: per group (country, municipality) {"n", "weighted_n", "citizen_role"}
    from sums {"n", "sw", "sw_any", "sw_initiated", "sw_promoted", "sw_co_created"}."""
    out = {}
    for key, sums in groups.items():
        total = float(sums["sw"] or 0)
        out[key] = {
            "n": int(sums["n"]),
            "weighted_n": total,
            "citizen_role": {"any": share(float(sums["sw_any"] or 0), total),
                             **{role: share(float(sums[f"sw_{role}"] or 0), total) for role in ROLES}},
        }
    return out
