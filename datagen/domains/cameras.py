"""Cameras (module 33): parks, roads, waste transfer stations, wetlands, green spaces and squares across the 16
districts, inside the (approximate) street cells; each plays one of the locally generated demo streams."""
from __future__ import annotations

import numpy as np
from shapely.geometry import shape

import geodata
from datagen.core import BuildContext, plugin
from db.cameras import DATASET, KINDS, Camera
from layers.media import demo_url

SIZES = {"demo": 200, "city": 3000}
KIND_P = [0.25, 0.3, 0.1, 0.05, 0.2, 0.1]
PLACES = {"公园": ["中心公园", "滨江公园", "森林公园", "口袋公园"], "道路": ["路口", "大道", "高架下匝道", "主干道"],
          "垃圾中转站": ["中转站", "压缩站"], "湿地": ["湿地观测点", "滩涂"], "绿地": ["街心绿地", "公共绿地"],
          "广场": ["广场", "商圈广场"]}


def _estimate(scale: str) -> int:
    return SIZES[scale]


@plugin("cameras", order=90, tables=[Camera.__table__], datasets=[DATASET], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Cameras spread over the street cells (more in urban sub-districts), ~6 % offline."""
    import shapely

    rng = ctx.rng("cameras")
    cells = geodata.streets_geojson()["features"]
    n = SIZES[ctx.scale]
    picks = rng.choice(len(cells), size=n)
    kinds = rng.choice(len(KINDS), size=n, p=KIND_P)
    street_names = {s["code"]: s["name"] for s in geodata.streets()}
    rows = []
    for i, (cell_index, kind_index) in enumerate(zip(picks, kinds)):
        f = cells[int(cell_index)]
        geom = shape(f["geometry"])
        w, s, e, nth = geom.bounds
        while True:
            x, y = rng.uniform(w, e), rng.uniform(s, nth)
            if shapely.contains_xy(geom, x, y):
                break
        kind = KINDS[int(kind_index)]
        street = f["properties"]["code"]
        place = PLACES[kind][int(rng.integers(len(PLACES[kind])))]
        rows.append({"code": f"CAM{i + 1:05d}", "name": f"{street_names.get(street, '')}{place}{i % 7 + 1}号",
                     "kind": kind, "district_code": f["properties"]["district_code"], "street_code": street,
                     "lon": round(float(x), 6), "lat": round(float(y), 6), "stream_url": demo_url(i),
                     "status": "离线" if rng.random() < 0.06 else "在线"})
    ctx.insert(Camera.__table__, rows)
