"""The schematic outlines the maps draw when a municipality has no tile server: the demo
municipalities' boundary and districts, made here and shipped as
static/maps/outlines/<slug>.geojson (regenerate with `python -m maps.outlines`).

They are schematic, not survey data: each boundary is a hand-drawn polygon of a dozen
corners around the real municipality, and its districts are the parts of it nearest to a
point in each real district (a Voronoi partition), so the map shows roughly where a place
is without loading anything from outside. A municipality that wants a real map names a tile
server (accounts.Municipality.map_tiles_url); any other outline file put in that folder under
the municipality's slug is drawn the same way.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

FOLDER = Path(__file__).resolve().parents[2] / "static" / "maps" / "outlines"

# (longitude, latitude) corners, and one point inside each district, by the demo's names.
OUTLINES: dict[str, dict] = {
    "aarhus": {
        "name": "Aarhus Kommune",
        "boundary": [(10.00, 56.23), (10.10, 56.26), (10.20, 56.27), (10.26, 56.25), (10.24, 56.20),
                     (10.225, 56.16), (10.23, 56.13), (10.25, 56.09), (10.22, 56.05), (10.12, 56.04),
                     (10.03, 56.07), (9.99, 56.13), (9.99, 56.19)],
        "districts": {"Midtbyen": (10.205, 56.155), "Aarhus N": (10.19, 56.20), "Aarhus V": (10.11, 56.19),
                      "Brabrand": (10.07, 56.14), "Viby": (10.15, 56.12), "Højbjerg": (10.20, 56.09)},
    },
    "bergen": {
        "name": "Bergen kommune",
        "boundary": [(5.20, 60.52), (5.33, 60.55), (5.42, 60.50), (5.45, 60.42), (5.40, 60.33), (5.38, 60.25),
                     (5.25, 60.25), (5.18, 60.30), (5.20, 60.38), (5.24, 60.42), (5.22, 60.46)],
        "districts": {"Bergenhus": (5.32, 60.40), "Årstad": (5.36, 60.365), "Fana": (5.33, 60.29),
                      "Laksevåg": (5.26, 60.37), "Åsane": (5.34, 60.47)},
    },
}


def _clip(polygon: list[tuple[float, float]], a: tuple[float, float], b: tuple[float, float]):
    """The part of `polygon` nearer to `a` than to `b` (Sutherland-Hodgman, one half-plane)."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    nx, ny = a[0] - b[0], a[1] - b[1]

    def side(p):
        return (p[0] - mx) * nx + (p[1] - my) * ny

    out = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        sp, sq = side(p), side(q)
        if sp >= 0:
            out.append(p)
        if (sp >= 0) != (sq >= 0):
            t = sp / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _centroid(polygon: list[tuple[float, float]]) -> tuple[float, float]:
    area = cx = cy = 0.0
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        cross = p[0] * q[1] - q[0] * p[1]
        area += cross
        cx += (p[0] + q[0]) * cross
        cy += (p[1] + q[1]) * cross
    return cx / (3 * area), cy / (3 * area)


def build(slug: str) -> dict:
    """The GeoJSON of one municipality: its boundary, then its districts with a label point."""
    spec = OUTLINES[slug]
    # Distances in a plane where a degree of longitude is as long as it is at this latitude.
    scale = math.cos(math.radians(sum(lat for _, lat in spec["boundary"]) / len(spec["boundary"])))

    def to_plane(p):
        return (p[0] * scale, p[1])

    def from_plane(p):
        return (round(p[0] / scale, 5), round(p[1], 5))

    def ring(points):
        return [list(p) for p in [*points, points[0]]]

    boundary = [to_plane(p) for p in spec["boundary"]]
    seeds = {name: to_plane(p) for name, p in spec["districts"].items()}
    features = [{"type": "Feature", "properties": {"kind": "municipality", "name": spec["name"]},
                 "geometry": {"type": "Polygon", "coordinates": [ring([from_plane(p) for p in boundary])]}}]
    for name, seed in seeds.items():
        cell = boundary
        for other_name, other in seeds.items():
            if other_name != name:
                cell = _clip(cell, seed, other)
        lng, lat = from_plane(_centroid(cell))
        features.append({"type": "Feature", "properties": {"kind": "district", "name": name, "label": [lat, lng]},
                         "geometry": {"type": "Polygon", "coordinates": [ring([from_plane(p) for p in cell])]}})
    return {"type": "FeatureCollection", "schematic": True, "features": features}


def text(slug: str) -> str:
    return json.dumps(build(slug), ensure_ascii=False, separators=(",", ":")) + "\n"


def main() -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for slug in OUTLINES:
        (FOLDER / f"{slug}.geojson").write_text(text(slug), encoding="utf-8")


if __name__ == "__main__":
    main()
