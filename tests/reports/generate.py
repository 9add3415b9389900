"""Generated innovation records for the report tests (made by code, never committed)."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import numpy as np

from reports.innovation_csv import COLUMNS
from reports.models import InnovationType, Subsector

VALUES = ["quality", "efficiency", "employee_satisfaction", "citizen_involvement", "political_goals"]
TYPES = list(InnovationType.values)
SUBSECTORS = list(Subsector.values)


def records(n: int, *, seed: int = 7, municipality: str = "aarhus", country: str = "DK", weights: bool = True,
            p_citizens: float = 0.63, types=None, subsectors=None) -> list[dict]:
    """Records like the barometer's: citizens in about `p_citizens` of them, and values
    reached more often with citizens (most of all citizen involvement and quality)."""
    rng = np.random.default_rng(seed)
    types = types or TYPES
    subsectors = subsectors or SUBSECTORS
    rows = []
    for i in range(n):
        with_citizens = rng.uniform() < p_citizens
        roles = [False, False, False]
        if with_citizens:
            while not any(roles):
                roles = [bool(rng.uniform() < p) for p in (0.55, 0.45, 0.5)]
        kind = types[int(rng.integers(len(types)))]
        sub = subsectors[int(rng.integers(len(subsectors)))]
        row = {"id": i + 1, "municipality": municipality, "country": country, "sector_level": "municipality",
               "subsector": sub, "innovation_type": kind,
               "weight": Decimal(str(round(float(rng.uniform(0.3, 2.5)), 6))) if weights else Decimal(1),
               "citizens_initiated": roles[0], "citizens_promoted": roles[1], "citizens_cocreated": roles[2]}
        for j, value in enumerate(VALUES):
            logit = -0.4 + 0.15 * j + (1.1 if value in ("citizen_involvement", "quality") else 0.25) * with_citizens
            logit += 0.3 * (kind == "process") - 0.2 * (sub == "health")
            row[f"value_{value}"] = bool(rng.uniform() < 1 / (1 + np.exp(-logit)))
        rows.append(row)
    return rows


def headline_rows() -> list[dict]:
    """1,942 records of which exactly 1,223 (63 %) had citizens in a role, unweighted."""
    rows = records(1942, seed=2015, weights=False, p_citizens=0.0)
    rng = np.random.default_rng(63)
    chosen = rng.choice(len(rows), size=1223, replace=False)
    for index in chosen:
        row = rows[int(index)]
        roles = [False, False, False]
        while not any(roles):
            roles = [bool(rng.uniform() < p) for p in (0.55, 0.45, 0.5)]
        row["citizens_initiated"], row["citizens_promoted"], row["citizens_cocreated"] = roles
        row["value_citizen_involvement"] = bool(rng.uniform() < 0.7)
        row["value_quality"] = bool(rng.uniform() < 0.75)
    for i, row in enumerate(rows):
        if i % 3 == 0:
            row["municipality"], row["country"] = "bergen", "NO"
    return rows


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([("1" if row[c] else "0") if isinstance(row[c], bool) else row[c] for c in COLUMNS])
    return out.getvalue()


def statsmodels_or(rows: list[dict], value: str, *, adjusted: bool) -> tuple[float, float, float, float]:
    """The definition: GLM(y, X, Binomial, var_weights=w).fit(cov_type="HC0"), row level."""
    import statsmodels.api as sm

    y = np.array([row[f"value_{value}"] for row in rows], dtype=float)
    wc = np.array([row["citizens_initiated"] or row["citizens_promoted"] or row["citizens_cocreated"]
                   for row in rows], dtype=float)
    w = np.array([float(row["weight"]) for row in rows])
    columns = [np.ones(len(rows)), wc]
    if adjusted:
        for name in ("innovation_type", "subsector"):
            labels = np.array([row[name] for row in rows], dtype=object)
            for level in sorted(set(labels))[1:]:
                columns.append((labels == level).astype(float))
    fit = sm.GLM(y, np.column_stack(columns), family=sm.families.Binomial(), var_weights=w).fit(cov_type="HC0")
    low, high = np.exp(fit.conf_int()[1])
    return float(np.exp(fit.params[1])), float(low), float(high), float(fit.pvalues[1])


def save(rows: list[dict], municipalities: dict) -> None:
    """Store records in the database (municipalities: slug -> Municipality)."""
    from reports.models import Innovation

    Innovation.objects.bulk_create([
        Innovation(municipality=municipalities[row["municipality"]], title=f"Innovation {row['id']}", year=2016,
                   **{k: v for k, v in row.items() if k not in ("id", "municipality", "country")})
        for row in rows], batch_size=2000)
