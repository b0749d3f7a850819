"""Reference data: the 16 districts and their streets and towns, from the files in ``geodata/``."""
from __future__ import annotations

import json

from shapely.geometry import shape

import geodata
from datagen.core import BuildContext, plugin
from db.reference import District, Street


def _estimate(scale: str) -> int:
    return 16 + 240


@plugin("reference", order=0, tables=[District.__table__, Street.__table__], datasets=["reference"],
        estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Load districts and streets; the same at every scale (they are facts, not samples)."""
    districts = geodata.districts_geojson(ctx.options.get("districts_geojson") or None)
    rows = []
    for order, feature in enumerate(sorted(districts["features"], key=lambda f: f["properties"]["code"])):
        props = feature["properties"]
        point = shape(feature["geometry"]).representative_point()
        rows.append({
            "code": props["code"], "name": props["name"], "area_km2": float(props["area_km2"]),
            "lon": round(point.x, 6), "lat": round(point.y, 6),
            "boundary": json.dumps(feature["geometry"], separators=(",", ":")), "sort_order": order,
        })
    ctx.insert(District.__table__, rows)

    cells = {
        f["properties"]["code"]: f["geometry"]
        for f in geodata.streets_geojson(ctx.options.get("streets_geojson") or None)["features"]
    }
    street_rows = [
        {
            "code": s["code"], "name": s["name"], "district_code": s["district_code"], "kind": s["kind"],
            "lon": s["lon"], "lat": s["lat"],
            "boundary": json.dumps(cells[s["code"]], separators=(",", ":")) if s["code"] in cells else None,
            "boundary_approximate": True,
        }
        for s in geodata.streets(ctx.options.get("streets_csv") or None)
    ]
    ctx.insert(Street.__table__, street_rows)
