"""The barometer report straight from a CSV file of innovation records (no database)."""
from __future__ import annotations

from collections import defaultdict

from . import figures, innovation_csv


def cells_from_rows(rows: list[dict]) -> list[dict]:
    """Each record is a cell of one (sums are exact: one weight, its square)."""
    return [{**{name: row[name] for name in figures.CELL_COLUMNS}, "n": 1, "sw": float(row["weight"]),
             "sw2": float(row["weight"]) ** 2} for row in rows]


def _sums(rows: list[dict], key: str) -> dict:
    groups: dict[str, dict] = defaultdict(lambda: {"n": 0, "sw": 0.0, "sw_any": 0.0,
                                                   **{f"sw_{r}": 0.0 for r in figures.ROLES}})
    for row in rows:
        group = groups[row[key]]
        weight = float(row["weight"])
        group["n"] += 1
        group["sw"] += weight
        if any(row[flag] for flag in figures.ROLE_FLAGS):
            group["sw_any"] += weight
        for role, flag in figures.ROLES.items():
            if row[flag]:
                group[f"sw_{role}"] += weight
    return dict(sorted(groups.items()))


def report_from_csv(data: bytes | str) -> tuple[dict | None, list[innovation_csv.CsvError]]:
    parsed = innovation_csv.parse(data)
    if parsed.errors:
        return None, parsed.errors
    report = figures.barometer(cells_from_rows(parsed.rows))
    report["by_country"] = figures.group_shares(_sums(parsed.rows, "country"))
    report["by_municipality"] = figures.group_shares(_sums(parsed.rows, "municipality"))
    return report, []
