"""Urban-forest carbon sink: monitored street, park and forest trees, four monitoring rounds, the rollups.

demo ≈ 6,000 trees, city ≈ 520,000. What is modelled:

* **Where** – districts by area and urbanisation (central districts denser); streets within a district by
  kind (街道 > 镇); trees scattered around the street's centre. Central districts have street and park trees
  only; suburban districts add 片林 (the ecological forests planted since the 2000s).
* **Species** – a Shanghai mix per site: London plane (悬铃木) dominates street trees, then camphor, ginkgo,
  goldenrain tree, soapberry, zelkova …; parks are camphor-led with osmanthus, dawn redwood, willow, magnolia,
  palms; forests are camphor, dawn redwood and pond cypress with privet and native broadleaves.
* **Roads** – street trees stand on named roads of their district (the street's own road where its name has
  one, e.g. 南京东路街道 → 南京东路, plus the district's main roads); park and forest trees have none.
* **Size** – planting years by site (old plane avenues since the 1950s, forests since 2003); DBH = planting
  DBH + species growth × a tree factor × age^0.9; height from a species curve; condition mostly 良好.
* **Rounds** – biennial campaigns 2019–2025 measuring a growing share of the living trees (55 → 95 %), with
  ±0.3 cm tape error; a few trees are removed between rounds; height is measured on a subset, palms always.
* **Results** – each measurement's carbon, sequestration (measured against the tree's previous round where
  there is one, else modelled), crown and leaf area come from ``analytics.carbon_sink``.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select, text

from analytics import carbon_sink as cs
from datagen.core import BuildContext, plugin
from datagen.roads import DISTRICT_ROADS, GENERIC_ROADS
from db.carbon_sink import (CELL_DEG, Measurement, MonitoringRound, RollupCell, RollupRoad, RollupStreet, Tree,
                            refresh_rollups)
from db.reference import District, Street

SIZES = {"demo": 6_000, "city": 520_000}
ROUNDS = [(1, "2019年第一轮监测", dt.date(2019, 10, 15), 0.55), (2, "2021年第二轮监测", dt.date(2021, 10, 15), 0.7),
          (3, "2023年第三轮监测", dt.date(2023, 10, 15), 0.85), (4, "2025年第四轮监测", dt.date(2025, 10, 15), 0.95)]
REMOVAL_PER_ROUND = 0.015
HEIGHT_SHARE = {1: 0.2, 2: 0.3, 3: 0.45, 4: 0.6}  # share of measurements with a measured height
CHUNK = 50_000
CENTRAL = {"310101", "310104", "310105", "310106", "310107", "310109", "310110"}
SITE_SHARE = {"central": (0.58, 0.42, 0.0), "suburban": (0.38, 0.27, 0.35)}  # street, park, forest
# Urbanisation of the outer districts: fewer monitored trees per km² (Chongming is mostly farmland and wetland).
URBAN = {"310151": 0.4, "310116": 0.7, "310120": 0.75, "310118": 0.75, "310117": 0.9}
STREET_KIND_WEIGHT = {"街道": 1.6, "镇": 1.0, "乡": 0.5}  # others (开发区, 农场, 园区): 0.4

# Species weights per site (relative).
MIX = {
    "street": {"悬铃木": 34, "香樟": 18, "银杏": 10, "栾树": 8, "无患子": 5, "榉树": 4, "女贞": 4, "广玉兰": 3,
               "杜英": 3, "朴树": 2, "重阳木": 2, "鹅掌楸": 2, "枫香": 1.5, "乌桕": 1, "雪松": 0.5, "加拿利海枣": 1,
               "其他": 1},
    "park": {"香樟": 22, "桂花": 10, "水杉": 8, "银杏": 6, "广玉兰": 6, "垂柳": 6, "女贞": 6, "悬铃木": 5, "榉树": 4,
             "朴树": 4, "乌桕": 4, "枫香": 4, "池杉": 4, "雪松": 4, "无患子": 3, "栾树": 3, "棕榈": 3, "鹅掌楸": 2,
             "杜英": 2, "加拿利海枣": 1, "其他": 2},
    "forest": {"香樟": 25, "水杉": 15, "池杉": 10, "女贞": 10, "榉树": 6, "乌桕": 6, "枫香": 6, "栾树": 5, "重阳木": 5,
               "无患子": 4, "朴树": 4, "银杏": 4},
}
# Species growth in DBH (cm/yr at young age), mature height (m) and palm flag for the size model.
GROWTH = {"悬铃木": 1.25, "香樟": 1.0, "银杏": 0.6, "栾树": 0.9, "无患子": 0.85, "榉树": 0.8, "女贞": 0.9, "广玉兰": 0.6,
          "杜英": 0.85, "朴树": 0.8, "重阳木": 0.9, "鹅掌楸": 1.0, "枫香": 0.85, "乌桕": 0.95, "雪松": 0.8,
          "加拿利海枣": 1.2, "棕榈": 0.4, "桂花": 0.45, "水杉": 1.1, "垂柳": 1.3, "池杉": 1.0, "其他": 0.8}
MATURE_HEIGHT = {"悬铃木": 24, "香樟": 20, "银杏": 22, "栾树": 15, "无患子": 16, "榉树": 18, "女贞": 12, "广玉兰": 15,
                 "杜英": 14, "朴树": 16, "重阳木": 16, "鹅掌楸": 20, "枫香": 20, "乌桕": 12, "雪松": 22,
                 "加拿利海枣": 10, "棕榈": 6, "桂花": 7, "水杉": 30, "垂柳": 14, "池杉": 22, "其他": 14}
PLANTING_DBH = {"street": 8.0, "park": 6.0, "forest": 4.0}
FIRST_PLANTING = {"street": 1950, "park": 1955, "forest": 2003}
CONDITIONS = ["良好", "一般", "较差", "濒死"]
CONDITION_P = [0.8, 0.14, 0.05, 0.01]

# Street trees stand on the districts' main roads, with the city's best-known plane-tree avenues among them.
ROADS = {**DISTRICT_ROADS,
         "310104": ["衡山路", "天平路", "武康路"] + DISTRICT_ROADS["310104"][:7],
         "310105": DISTRICT_ROADS["310105"][:9] + ["新华路"],
         "310106": DISTRICT_ROADS["310106"][:9] + ["陕西北路"],
         "310109": DISTRICT_ROADS["310109"][:9] + ["多伦路"],
         "310113": DISTRICT_ROADS["310113"][:9] + ["共富路"]}
_OWN_ROAD = re.compile(r"^(.{2,6}?(路|大道|公路))街道$")


def _estimate(scale: str) -> int:
    n = SIZES[scale]
    return int(n * 3.6) + (20_000 if scale == "demo" else 200_000)  # trees, ~2.6 measurements each, rollups


@plugin("carbon_sink", order=60, tables=[MonitoringRound.__table__, Tree.__table__, Measurement.__table__,
                                         RollupStreet.__table__, RollupRoad.__table__, RollupCell.__table__],
        datasets=["carbon_sink"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Rounds, trees and their measurements (with the analytics results), then the rollups."""
    ref = _reference(ctx)
    trees = _trees(ctx, ref, SIZES[ctx.scale])
    ctx.insert(MonitoringRound.__table__, [{"round_no": no, "name": name, "surveyed_on": day}
                                           for no, name, day, _share in ROUNDS])
    for lo in range(0, len(trees["species"]), CHUNK):
        ctx.insert(Tree.__table__, _tree_rows(trees, slice(lo, lo + CHUNK)))
    if ctx.conn.dialect.name == "postgresql":  # explicit ids were copied: move the sequence past them
        ctx.conn.execute(text("SELECT setval(pg_get_serial_sequence('carbon_tree', 'id'), "
                              "(SELECT coalesce(max(id), 1) FROM carbon_tree))"))
    for batch in _measurements(ctx, trees):
        ctx.insert(Measurement.__table__, batch)
    refresh_rollups(ctx.conn)
    for rollup in (RollupStreet, RollupRoad, RollupCell):
        n = ctx.conn.execute(select(func.count()).select_from(rollup.__table__)).scalar_one()
        ctx.counts[rollup.__tablename__] = n
        ctx.advance(n)


@dataclass
class _Ref:
    district_codes: list[str]
    central: np.ndarray  # per district
    area: np.ndarray  # km² per district
    street_codes: list[str]
    street_names: list[str]
    street_kind: list[str]
    street_district: np.ndarray  # index into district_codes
    street_lon: np.ndarray
    street_lat: np.ndarray
    street_sigma_deg: np.ndarray


def _reference(ctx: BuildContext) -> _Ref:
    districts = ctx.conn.execute(select(District.code, District.area_km2).order_by(District.code)).all()
    if not districts:
        raise RuntimeError("the carbon sink generator needs the reference data (districts and streets) first")
    streets = ctx.conn.execute(select(Street.code, Street.name, Street.kind, Street.district_code, Street.lon,
                                      Street.lat).order_by(Street.code)).all()
    codes = [d.code for d in districts]
    index = {c: i for i, c in enumerate(codes)}
    sd = np.array([index[s.district_code] for s in streets])
    area = np.array([d.area_km2 for d in districts], dtype=float)
    per_district = np.bincount(sd, minlength=len(codes))
    sigma_km = np.sqrt(area[sd] / np.maximum(per_district[sd], 1) / math.pi) * 0.5
    return _Ref(codes, np.array([c in CENTRAL for c in codes]), area, [s.code for s in streets],
                [s.name for s in streets], [s.kind for s in streets], sd, np.array([s.lon for s in streets]),
                np.array([s.lat for s in streets]), sigma_km / 111.0)


def _street_weights(ref: _Ref, rng: np.random.Generator) -> np.ndarray:
    """Probability of each street: its district's share (area^0.6, central ×2.5, outer × urbanisation) split
    by street kind."""
    urban = np.array([URBAN.get(c, 1.0) for c in ref.district_codes])
    district_w = ref.area ** 0.6 * np.where(ref.central, 2.5, 1.0) * urban
    own = np.array([STREET_KIND_WEIGHT.get(k, 0.4) for k in ref.street_kind]) * rng.lognormal(0, 0.3, len(ref.street_kind))
    sd = ref.street_district
    own_total = np.bincount(sd, weights=own, minlength=len(ref.district_codes))
    p = district_w[sd] * own / own_total[sd]
    return p / p.sum()


def _street_roads(ref: _Ref, rng: np.random.Generator) -> list[list[str]]:
    """Roads of each street: its own road (from its name) and three to five of the district's main roads."""
    out = []
    for name, d in zip(ref.street_names, ref.street_district):
        pool = ROADS.get(ref.district_codes[d], GENERIC_ROADS[:3])
        picked = list(rng.choice(pool, size=min(len(pool), int(rng.integers(3, 6))), replace=False))
        own = _OWN_ROAD.match(name)
        out.append(([own.group(1)] if own else []) + [r for r in picked if not own or r != own.group(1)])
    return out


def _trees(ctx: BuildContext, ref: _Ref, size: int) -> dict:
    """Every tree as numpy arrays: place, site, species, road, planting year, growth factor, condition."""
    rng = ctx.rng("trees")
    street = rng.choice(len(ref.street_codes), size=size, p=_street_weights(ref, ctx.rng("streets")))
    district = ref.street_district[street]
    central = ref.central[district]
    u = rng.random(size)
    cs_share, cp_share = SITE_SHARE["central"], SITE_SHARE["suburban"]
    street_cut = np.where(central, cs_share[0], cp_share[0])
    park_cut = street_cut + np.where(central, cs_share[1], cp_share[1])
    site = np.where(u < street_cut, "street", np.where(u < park_cut, "park", "forest")).astype(object)
    species = np.empty(size, dtype=object)
    for s, mix in MIX.items():
        sel = site == s
        names = list(mix)
        w = np.array([mix[k] for k in names], dtype=float)
        species[sel] = np.array(names, dtype=object)[rng.choice(len(names), size=int(sel.sum()), p=w / w.sum())]
    spread = np.where(site == "forest", 1.6, 1.0)  # forests lie away from the street centres
    lon = ref.street_lon[street] + rng.normal(0, 1, size) * ref.street_sigma_deg[street] * spread
    lat = ref.street_lat[street] + rng.normal(0, 1, size) * ref.street_sigma_deg[street] * spread * 0.95
    road = np.full(size, None, dtype=object)
    roads = _street_roads(ref, ctx.rng("roads"))
    on_road = np.flatnonzero(site == "street")
    for i in on_road:
        options = roads[street[i]]
        road[i] = options[0] if len(options) == 1 else options[min(int(rng.exponential(1.2)), len(options) - 1)]
    first = np.array([FIRST_PLANTING[s] for s in site])
    # Older avenues are fewer: planting year = latest − exponential age, not before the site's first year.
    age = np.minimum(rng.exponential(np.where(site == "forest", 8.0, 18.0)), 2024 - first)
    planted = (2024 - np.floor(age)).astype(int)
    return {
        "id": np.arange(1, size + 1),
        "street": street, "district_code": np.array(ref.district_codes, dtype=object)[district],
        "street_code": np.array(ref.street_codes, dtype=object)[street], "site": site, "species": species, "lon": lon, "lat": lat,
        "road": road, "planted": planted, "vigour": rng.lognormal(0, 0.2, size),
        "condition": np.array(CONDITIONS, dtype=object)[rng.choice(4, size=size, p=CONDITION_P)],
        "removed_after": _removals(rng, size),
    }


def _removals(rng: np.random.Generator, size: int) -> np.ndarray:
    """The round after which a tree is removed (felled, died, transplanted); len(ROUNDS) + 1 = still standing."""
    out = np.full(size, len(ROUNDS) + 1)
    for no, *_ in ROUNDS[:-1]:
        hit = (out > no) & (rng.random(size) < REMOVAL_PER_ROUND)
        out[hit] = no
    return out


def _tree_rows(t: dict, part: slice):
    """Tree rows; the map cell is taken from the stored (rounded) coordinates, as an importer would."""
    for i in range(part.start, min(part.stop, len(t["species"]))):
        lon, lat = round(float(t["lon"][i]), 6), round(float(t["lat"][i]), 6)
        yield {"id": int(t["id"][i]), "tree_code": f"SHT{t['district_code'][i]}{int(t['id'][i]):07d}",
               "species": t["species"][i], "district_code": t["district_code"][i], "street_code": t["street_code"][i],
               "road": t["road"][i], "site": t["site"][i], "lon": lon, "lat": lat,
               "cell_x": int(math.floor(lon / CELL_DEG)), "cell_y": int(math.floor(lat / CELL_DEG)),
               "planted_year": int(t["planted"][i])}


def _dbh_at(t: dict, sel: np.ndarray, year: int) -> np.ndarray:
    """True DBH (cm) of the selected trees in ``year``: planting DBH + growth × vigour × age^0.9."""
    age = np.maximum(year - t["planted"][sel], 0)
    growth = np.array([GROWTH[s] for s in t["species"][sel]]) * t["vigour"][sel]
    start = np.array([PLANTING_DBH[s] for s in t["site"][sel]])
    return start + growth * age ** 0.9


def _height(species: np.ndarray, dbh: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Height (m) from a species curve H = 1.3 + Hmax (1 − e^(−0.045 D)), ±8 %."""
    hmax = np.array([MATURE_HEIGHT[s] for s in species])
    return np.round((1.3 + hmax * (1 - np.exp(-0.045 * dbh))) * rng.normal(1, 0.08, len(dbh)), 1)


def _measurements(ctx: BuildContext, t: dict):
    """Measurement rows per round (in chunks), with each one's analytics results."""
    rng = ctx.rng("rounds")
    n = len(t["species"])
    palm = np.isin(t["species"], ["加拿利海枣", "棕榈"])
    last_dbh = np.full(n, np.nan)
    last_h = np.full(n, np.nan)
    last_year = np.full(n, np.nan)
    for no, _name, day, share in ROUNDS:
        alive = (t["planted"] <= day.year - 1) & (t["removed_after"] >= no)
        sel = np.flatnonzero(alive & (rng.random(n) < share))
        dbh = np.round(np.maximum(_dbh_at(t, sel, day.year) + rng.normal(0, 0.3, len(sel)), 2.0), 1)
        measured_h = palm[sel] | (rng.random(len(sel)) < HEIGHT_SHARE[no])
        height = np.where(measured_h, _height(t["species"][sel], dbh, rng), np.nan)
        species, site = t["species"][sel], t["site"][sel]
        condition = t["condition"][sel]
        carbon = cs.carbon_kg(species, dbh, height, site)
        seq, measured = cs.annual_sequestration_kg(species, site, condition, dbh, height,
                                                   previous_dbh_cm=last_dbh[sel], previous_height_m=last_h[sel],
                                                   years=day.year - last_year[sel])
        crown, leaf = cs.crown_and_leaf_area(species, dbh)
        last_dbh[sel], last_h[sel], last_year[sel] = dbh, height, day.year
        for lo in range(0, len(sel), CHUNK):
            yield [{"tree_id": int(t["id"][sel[i]]), "round_no": no, "dbh_cm": float(dbh[i]),
                    "height_m": None if np.isnan(height[i]) else float(height[i]), "condition": condition[i],
                    "carbon_kg": round(float(carbon[i]), 3), "seq_c_kg": round(float(seq[i]), 4),
                    "seq_measured": bool(measured[i]), "crown_area_m2": round(float(crown[i]), 3),
                    "leaf_area_m2": round(float(leaf[i]), 3)}
                   for i in range(lo, min(lo + CHUNK, len(sel)))]
