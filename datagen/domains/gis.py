"""Editable GIS layers (module 31): door-front duty zones, vehicle wash stations, planned outdoor-advertising
sites and parks, placed inside the (approximate) street cells; city scale carries the 1.5 million door-front
duty records the map must stay fast with.

Points are drawn uniformly inside each street cell (rejection sampling against the cell polygon), with
more of them in 街道 (urban sub-districts) than in 镇 and 乡. Version 1 of a generated feature is implicit:
its history row is written when it is first edited (``layers.maintenance``), so the load stays one row per
feature.
"""
from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import shapely
from shapely.geometry import shape
from sqlalchemy import func, select

import geodata
from datagen.core import BuildContext, plugin
from db.gis import Change, Feature, FeatureVersion, PointGrid, refresh_grid

SIZES = {  # features per layer and scale
    "door_duty": {"demo": 20_000, "city": 1_500_000},
    "wash_station": {"demo": 300, "city": 1_200},
    "ad_site": {"demo": 1_000, "city": 6_000},
    "park": {"demo": 150, "city": 450},
}
KIND_WEIGHT = {"街道": 3.0, "镇": 1.0, "乡": 0.4, "其他": 0.3}
CHUNK = 100_000
LOADED_AT = datetime(2026, 11, 1, 9, 0)  # when the generated layers were "surveyed"

ROADS = ["南京东路", "淮海中路", "四川北路", "漕溪北路", "宜山路", "虹桥路", "长宁路", "中山北路", "曹杨路", "武宁路",
         "共和新路", "大连路", "四平路", "长阳路", "浦东大道", "张杨路", "世纪大道", "锦绣路", "沪闵路", "莘松路",
         "七莘路", "嘉松北路", "博乐路", "胡桥路", "南奉公路", "金山大道", "人民路", "公园路", "城中路", "塔城路",
         "沪太路", "友谊路", "牡丹江路", "陕西北路", "江宁路", "延安西路", "天钥桥路", "龙华中路", "军工路", "黄兴路"]
SHOP_HEADS = ["鑫源", "好邻居", "老王", "永和", "百味", "佳佳", "新概念", "大众", "阿强", "福满", "顺发", "康乐", "美美",
              "金牌", "乐活", "丰收", "万家", "东方", "华联", "小杨"]
SHOP_KINDS = ["便利店", "面馆", "五金店", "理发店", "水果店", "药房", "洗衣店", "烟杂店", "服装店", "早餐店", "花店",
              "眼镜店", "茶叶店", "文具店", "烘焙坊", "快递驿站", "房产中介", "修车铺", "小吃店", "超市"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧建国红平玲桂兰"
OPERATORS = ["上海城建环境服务有限公司", "上海绿容环卫工程有限公司", "上海浦江市容服务有限公司", "上海申洁清洗设备有限公司"]
PARK_KINDS = ["城市公园", "社区公园", "口袋公园", "街心绿地"]


def _estimate(scale: str) -> int:
    total = sum(s[scale] for s in SIZES.values())
    return total + total // 10  # rows plus the grids


def _cells() -> tuple[list[dict], np.ndarray]:
    features = geodata.streets_geojson()["features"]
    kinds = {s["code"]: s["kind"] for s in geodata.streets()}
    weights = np.array([KIND_WEIGHT.get(kinds.get(f["properties"]["code"], "其他"), 0.3)
                        * max(shape(f["geometry"]).area, 1e-6) ** 0.5 for f in features])
    return features, weights / weights.sum()


def _points_in(geom, n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points uniform inside ``geom`` (rejection sampling in its bounding box)."""
    w, s, e, nth = geom.bounds
    shapely.prepare(geom)
    xs, ys = [], []
    have = 0
    while have < n:
        x = rng.uniform(w, e, max(64, 2 * (n - have)))
        y = rng.uniform(s, nth, x.size)
        ok = shapely.contains_xy(geom, x, y)
        xs.append(x[ok])
        ys.append(y[ok])
        have += int(ok.sum())
    return np.concatenate(xs)[:n], np.concatenate(ys)[:n]


def _points(layer: str, n: int, ctx: BuildContext):
    """Points of a layer: (lon, lat, district_code, street_code) arrays, spread over the street cells."""
    rng = ctx.rng(layer)
    features, p = _cells()
    per_cell = rng.multinomial(n, p)
    lon, lat, district, street = [], [], [], []
    for f, k in zip(features, per_cell):
        if k == 0:
            continue
        x, y = _points_in(shape(f["geometry"]), int(k), rng)
        lon.append(x)
        lat.append(y)
        district += [f["properties"]["district_code"]] * int(k)
        street += [f["properties"]["code"]] * int(k)
    return np.round(np.concatenate(lon), 6), np.round(np.concatenate(lat), 6), district, street


def _pick(rng: np.random.Generator, words: list[str], n: int, p=None) -> np.ndarray:
    return np.asarray(words, dtype=object)[rng.choice(len(words), size=n, p=p)]


def _people(rng: np.random.Generator, n: int) -> np.ndarray:
    given = _pick(rng, list(GIVEN), n) + np.where(rng.random(n) < 0.6, _pick(rng, list(GIVEN), n), "")
    return _pick(rng, list(SURNAMES), n) + given


def _addresses(rng: np.random.Generator, n: int) -> np.ndarray:
    return _pick(rng, ROADS, n) + rng.integers(1, 2000, n).astype(str).astype(object) + "号"


def _attributes(layer: str, n: int, rng: np.random.Generator) -> tuple[np.ndarray, list[dict]]:
    """Names and attribute dicts of ``n`` features, drawn column by column (fast at 1.5 million)."""
    numbers = np.arange(1, n + 1)
    if layer == "door_duty":
        names = _pick(rng, SHOP_HEADS, n) + _pick(rng, SHOP_KINDS, n)
        cols = {"address": _addresses(rng, n), "owner": _people(rng, n), "length_m": rng.integers(4, 40, n),
                "grade": _pick(rng, ["A", "B", "C"], n, [0.55, 0.35, 0.10])}
    elif layer == "wash_station":
        names = np.array([f"车辆清洗站{i:04d}" for i in numbers], dtype=object)
        cols = {"address": _addresses(rng, n), "operator": _pick(rng, OPERATORS, n),
                "equipment": _pick(rng, ["自动冲洗", "人工冲洗", "自动+人工"], n, [0.5, 0.2, 0.3]),
                "status": _pick(rng, ["运行", "停用"], n, [0.92, 0.08])}
    else:
        names = _pick(rng, ROADS, n) + np.array([f"广告点位{i:05d}" for i in numbers], dtype=object)
        cols = {"kind": _pick(rng, ["大型立柱", "墙面", "屋顶", "候车亭", "道路指示"], n, [0.15, 0.35, 0.1, 0.3, 0.1]),
                "area_m2": rng.choice([6, 12, 18, 24, 48, 96, 200], n),
                "status": _pick(rng, ["已设置", "规划中", "已撤除"], n, [0.6, 0.3, 0.1])}
    keys = sorted(cols)
    values = [cols[k].tolist() for k in keys]
    return names, [dict(zip(keys, row)) for row in zip(*values)]


def _point_layer(ctx: BuildContext, layer: str) -> None:
    n = SIZES[layer][ctx.scale]
    lon, lat, district, street = _points(layer, n, ctx)
    names, props = _attributes(layer, n, ctx.rng(layer + ":attrs"))
    for lo in range(0, n, CHUNK):
        rows = [{"layer": layer, "code": f"{layer}-{i + 1:07d}", "name": names[i], "district_code": district[i],
                 "street_code": street[i], "geom_type": "Point", "geometry": None, "lon": float(lon[i]),
                 "lat": float(lat[i]), "properties": json.dumps(props[i], ensure_ascii=False),
                 "version": 1, "deleted": False, "updated_by": "datagen", "updated_at": LOADED_AT}
                for i in range(lo, min(n, lo + CHUNK))]
        ctx.insert(Feature.__table__, rows)


def _parks(ctx: BuildContext) -> None:
    """Parks as small convex polygons (an irregular octagon of 1–40 ha) around points inside the streets."""
    n = SIZES["park"][ctx.scale]
    lon, lat, district, street = _points("park", n, ctx)
    rng = ctx.rng("park:shape")
    rows = []
    for i in range(n):
        ha = float(np.exp(rng.uniform(np.log(1), np.log(40))))
        radius_deg = np.sqrt(ha * 10_000 / np.pi) / 111_000
        angles = np.sort(rng.uniform(0, 2 * np.pi, 8))
        r = radius_deg * rng.uniform(0.7, 1.2, 8)
        ring = [[round(lon[i] + r[k] * np.cos(angles[k]) / np.cos(np.radians(lat[i])), 6),
                 round(lat[i] + r[k] * np.sin(angles[k]), 6)] for k in range(8)]
        ring.append(ring[0])
        polygon = shapely.convex_hull(shapely.Polygon(ring))
        geometry = {"type": "Polygon", "coordinates": [[[round(x, 6), round(y, 6)] for x, y in polygon.exterior.coords]]}
        kind = str(rng.choice(PARK_KINDS, p=[0.2, 0.4, 0.25, 0.15]))
        props = {"kind": kind, "open": "是" if rng.random() < 0.9 else "否",
                 "area_ha": round(ha, 2)}
        rows.append({"layer": "park", "code": f"park-{i + 1:05d}", "name": f"{ROADS[i % len(ROADS)][:-1]}{kind}{i + 1}",
                     "district_code": district[i], "street_code": street[i], "geom_type": "Polygon",
                     "geometry": json.dumps(geometry), "lon": float(lon[i]), "lat": float(lat[i]),
                     "properties": json.dumps(props, ensure_ascii=False, sort_keys=True), "version": 1,
                     "deleted": False, "updated_by": "datagen", "updated_at": LOADED_AT})
    ctx.insert(Feature.__table__, rows)


@plugin("gis", order=100, tables=[Feature.__table__, Change.__table__, FeatureVersion.__table__, PointGrid.__table__],
        datasets=["gis"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """The four editable layers, then each point layer's grid pyramid."""
    for layer in ("door_duty", "wash_station", "ad_site"):
        _point_layer(ctx, layer)
        refresh_grid(ctx.conn, layer)
    _parks(ctx)
    grid = ctx.conn.execute(select(func.count()).select_from(PointGrid.__table__)).scalar_one()
    ctx.counts[PointGrid.__tablename__] = grid
    ctx.advance(grid)
