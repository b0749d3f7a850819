"""Renovation waste: collection points, companies, vehicles, facilities, three years of transport trips, and the
warnings and violations the supervision rules find in them.

demo ≈ 800 points, 16 facilities and 40,000 trips (a few seconds); city ≈ 21,000 points and 1,050,000 trips. Everything
follows from the build seed and the window shared with the 12319 board (``data_window``). What is modelled:

* **Points** – placed on the streets of ``db.reference`` by resident population (7th census) and street kind,
  jittered around the street centre; 85 % estate points (小区投放点), 10 % temporary piles, 5 % street transfer
  points with larger capacities and far more trips; 4 % out of use (停用, no trips in the window).
* **Companies and vehicles** – 2–5 licensed companies per district, each point contracted to one; vehicles of
  3–10 t rated load; about 1 % of trips by plates missing from the registry.
* **Trips** – days weighted by season (spring and autumn renovation peaks, the Spring Festival dip), weekday and
  a 6 % yearly growth; requests in daytime; clearance after a log-normal delay whose median differs by
  district; most clearances that would fall in the peak-hour ban wait for its end; travel to the point's
  nearest facility of its district (15 % to another one) at 20–35 km/h; net weights of 45–95 % of the rated
  load, a few overloads and unweighed arrivals; GPS deviations from the approved route, a few far off it.
* **Facilities** – 1–4 per district (one at demo scale); design capacity set so that recent load rates range
  from ~50 % to ~110 %.
* **Warnings and violations** – the rules of ``analytics.renovation_waste`` applied to the trips; illegal
  dumping (偷倒乱倒) is reported by patrols and cameras, ~0.4 % of trips, at random points.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from analytics import renovation_waste as rules
from datagen.core import BuildContext, plugin
from datagen.domains.hotline12319 import POPULATION, data_window
from db.reference import District, Street
from db.renovation_waste import (FACILITY_KINDS, POINT_KINDS, ROLLUPS, CollectionPoint, Company, Facility,
                                 SupervisionWarning, Trip, Vehicle, Violation, refresh_rollups)

POINTS = {"demo": 800, "city": 21_000}
TRIPS = {"demo": 40_000, "city": 1_050_000}
VEHICLES = {"demo": 220, "city": 1_900}
MONTHS = 36
CHUNK = 100_000
CENTRAL = {"310101", "310104", "310105", "310106", "310107", "310109", "310110"}
# Median hours from request to clearance per district: central districts clear faster.
CLEARANCE_MEDIAN_H = {"310101": 6.0, "310104": 7.0, "310105": 7.5, "310106": 6.5, "310107": 9.0, "310109": 8.0,
                      "310110": 9.5, "310112": 11.0, "310113": 13.0, "310114": 12.0, "310115": 10.5, "310116": 15.0,
                      "310117": 12.5, "310118": 14.0, "310120": 16.0, "310151": 18.0}
STREET_KIND_WEIGHT = {"街道": 1.6, "镇": 1.0, "乡": 0.35}  # others: 0.25
MONTH_VOLUME = [0.75, 0.5, 1.05, 1.2, 1.15, 1.0, 0.9, 0.88, 1.08, 1.18, 1.15, 0.96]
WEEKDAY_VOLUME = [1.0, 0.98, 0.98, 1.0, 1.05, 1.12, 1.08]
REQUEST_HOURS = [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.4, 1.5, 4.0, 6.0, 6.0, 4.5, 3.0, 4.0, 5.0, 5.0, 4.5, 3.5,
                 2.5, 2.0, 1.5, 0.8, 0.4, 0.2]
POINT_KIND_P = [0.85, 0.10, 0.05]
POINT_KIND_TRIPS = [1.0, 2.0, 8.0]  # relative clearance frequency per kind
POINT_CAPACITY = [(2.0, 6.0), (5.0, 15.0), (20.0, 50.0)]
VEHICLE_CAPACITY = ([3.0, 5.0, 8.0, 10.0], [0.3, 0.35, 0.25, 0.1])
ESTATE_A = ["锦绣", "阳光", "春江", "嘉和", "华庭", "绿洲", "怡景", "金桥", "明珠", "丽都", "新苑", "康乐", "银杏", "海棠",
            "紫薇", "枫林", "梅园", "兰亭", "和平", "东方"]
ESTATE_B = ["花园", "新村", "小区", "公寓", "家园", "苑", "名邸", "华府", "佳苑", "雅居"]
COMPANY_WORDS = ["城环", "洁运", "绿源", "环创", "清源", "申洁", "盛达", "永新", "宏远", "安顺"]
PLATE_LETTERS = list("ABCDEFGHJKLMN")
PLATE_CHARS = list("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ")
FACILITY_WORDS = ["装修垃圾分拣中心", "建筑废弃物资源化利用厂"]
KM_PER_DEG_LAT = 111.0


@dataclass
class _Ref:
    district_codes: list[str]
    district_names: list[str]
    district_lon: np.ndarray
    district_lat: np.ndarray
    street_codes: list[str]
    street_names: list[str]
    street_kind: list[str]
    street_district: np.ndarray
    street_lon: np.ndarray
    street_lat: np.ndarray
    street_sigma_km: np.ndarray


def _estimate(scale: str) -> int:
    trips = TRIPS[scale]
    return POINTS[scale] + VEHICLES[scale] + int(trips * 1.2) + 60_000


@plugin("renovation_waste", order=50,
        tables=[Company.__table__, Vehicle.__table__, Facility.__table__, CollectionPoint.__table__, Trip.__table__,
                SupervisionWarning.__table__, Violation.__table__, *[r.__table__ for r in ROLLUPS]],
        datasets=["renovation_waste"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """The ledger tables, then trips, warnings and violations in chunks, then the rollups."""
    ref = _reference(ctx)
    companies = _companies(ctx.rng("companies"), ref)
    vehicles = _vehicles(ctx.rng("vehicles"), companies, VEHICLES[ctx.scale])
    facilities = _facilities(ctx.rng("facilities"), ref, single=ctx.scale == "demo")
    points = _points(ctx.rng("points"), ref, companies, POINTS[ctx.scale])
    first, last = data_window(MONTHS)
    trips = _trips(ctx.rng("trips"), ref, points, vehicles, facilities, first, last, TRIPS[ctx.scale])
    _capacities(ctx.rng("capacity"), facilities, trips, last)
    ctx.insert(Company.__table__, _records(companies, ["code", "name", "district_code", "licence_no"]))
    ctx.insert(Vehicle.__table__, _records(vehicles, ["plate", "company_code", "capacity_t"]))
    ctx.insert(Facility.__table__, _records(facilities, ["code", "name", "kind", "district_code", "lon", "lat",
                                                         "capacity_t_per_day"]))
    ctx.insert(CollectionPoint.__table__, _records(points, ["code", "name", "kind", "district_code", "street_code",
                                                            "address", "lon", "lat", "capacity_t", "company_code",
                                                            "opened_on", "active"]))
    for lo in range(0, len(trips["trip_no"]), CHUNK):
        ctx.insert(Trip.__table__, _trip_rows(trips, points, vehicles, facilities, slice(lo, lo + CHUNK)))
    end = np.datetime64(dt.datetime.combine(last, dt.time(23, 59, 59)), "s")
    ctx.insert(SupervisionWarning.__table__, _warning_rows(ctx.rng("warnings"), trips, points, end))
    ctx.insert(Violation.__table__, _violation_rows(trips, points, vehicles))
    refresh_rollups(ctx.conn)
    for rollup in ROLLUPS:
        n = ctx.conn.execute(select(func.count()).select_from(rollup.__table__)).scalar_one()
        ctx.counts[rollup.__tablename__] = n
        ctx.advance(n)


def _records(cols: dict, names: list[str]):
    """Rows (dicts) from a dict of equally long columns."""
    values = [cols[n].tolist() if isinstance(cols[n], np.ndarray) else cols[n] for n in names]
    for row in zip(*values):
        yield dict(zip(names, row))


# ------------------------------------------------------------------------------------------ reference
def _reference(ctx: BuildContext) -> _Ref:
    districts = ctx.conn.execute(select(District.code, District.name, District.area_km2, District.lon,
                                        District.lat).order_by(District.code)).all()
    if not districts:
        raise RuntimeError("the renovation-waste generator needs the reference data (districts and streets) first")
    streets = ctx.conn.execute(select(Street.code, Street.name, Street.kind, Street.district_code, Street.lon,
                                      Street.lat).order_by(Street.code)).all()
    codes = [d.code for d in districts]
    index = {c: i for i, c in enumerate(codes)}
    sd = np.array([index[s.district_code] for s in streets])
    per_district = np.bincount(sd, minlength=len(codes))
    area = np.array([d.area_km2 for d in districts])
    sigma = np.sqrt(area[sd] / np.maximum(per_district[sd], 1) / math.pi) * 0.45
    return _Ref(codes, [d.name for d in districts], np.array([d.lon for d in districts]),
                np.array([d.lat for d in districts]), [s.code for s in streets], [s.name for s in streets],
                [s.kind for s in streets], sd, np.array([s.lon for s in streets]), np.array([s.lat for s in streets]),
                sigma)


def _short(name: str) -> str:
    return name.removesuffix("新区").removesuffix("区")


def _companies(rng: np.random.Generator, ref: _Ref) -> dict:
    """2–5 licensed transport companies per district."""
    out = {"code": [], "name": [], "district_code": [], "licence_no": [], "district": []}
    for d, code in enumerate(ref.district_codes):
        n = int(rng.integers(2, 6))
        for k, word in enumerate(rng.choice(COMPANY_WORDS, size=n, replace=False)):
            out["code"].append(f"RC{code}{k + 1:02d}")
            out["name"].append(f"上海{_short(ref.district_names[d])}{word}环境服务有限公司")
            out["district_code"].append(code)
            out["licence_no"].append(f"沪绿容运字{2018 + int(rng.integers(0, 6))}第{int(rng.integers(1, 9999)):04d}号")
            out["district"].append(d)
    out["district"] = np.array(out["district"])
    return out


def _vehicles(rng: np.random.Generator, companies: dict, total: int) -> dict:
    """Registered vehicles, spread over companies, plus the pool of unregistered plates."""
    n_companies = len(companies["code"])
    share = rng.dirichlet(np.full(n_companies, 4.0))
    owner = rng.choice(n_companies, size=total, p=share)
    owner[:n_companies] = np.arange(n_companies)  # every company runs at least one vehicle
    plates = _plates(rng, total + max(total // 30, 5))
    caps, p = VEHICLE_CAPACITY
    return {"plate": plates[:total], "company": owner, "company_code": [companies["code"][o] for o in owner],
            "capacity_t": rng.choice(caps, size=total, p=p), "unregistered": plates[total:]}


def _plates(rng: np.random.Generator, n: int) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        letter = PLATE_LETTERS[int(rng.integers(len(PLATE_LETTERS)))]
        # new-energy style tails mix letters and digits: one plate in three; the rest are five digits
        tail = "".join(PLATE_CHARS[i] for i in rng.integers(0, 10 if len(out) % 3 else len(PLATE_CHARS), size=5))
        plate = f"沪{letter}{tail}"
        if plate not in seen:
            seen.add(plate)
            out.append(plate)
    return out


def _facilities(rng: np.random.Generator, ref: _Ref, *, single: bool) -> dict:
    """1–2 facilities in central districts, 2–4 elsewhere, placed around the district's centre; one per
    district when ``single`` (demo scale), so that each still receives a few trips a day."""
    out = {"code": [], "name": [], "kind": [], "district_code": [], "lon": [], "lat": [], "district": []}
    for d, code in enumerate(ref.district_codes):
        n = 1 if single else int(rng.integers(1, 3)) if code in CENTRAL else int(rng.integers(2, 5))
        spread_km = 1.5 if code in CENTRAL else 6.0
        for k in range(n):
            kind = int(rng.random() < 0.4)
            lat = ref.district_lat[d] + rng.normal(0, spread_km) / KM_PER_DEG_LAT
            lon = ref.district_lon[d] + rng.normal(0, spread_km) / (KM_PER_DEG_LAT * math.cos(math.radians(lat)))
            out["code"].append(f"RF{code}{k + 1:02d}")
            out["name"].append(f"{_short(ref.district_names[d])}{'第一第二第三第四'[2 * k:2 * k + 2]}"
                               f"{FACILITY_WORDS[kind]}")
            out["kind"].append(FACILITY_KINDS[kind])
            out["district_code"].append(code)
            out["lon"].append(round(float(lon), 6))
            out["lat"].append(round(float(lat), 6))
            out["district"].append(d)
    for k in ("lon", "lat", "district"):
        out[k] = np.array(out[k])
    return out


def _street_weights(ref: _Ref, rng: np.random.Generator) -> np.ndarray:
    district_w = np.array([POPULATION.get(c, 100.0) for c in ref.district_codes])
    own = np.array([STREET_KIND_WEIGHT.get(k, 0.25) for k in ref.street_kind])
    own = own * rng.lognormal(0, 0.3, len(own))
    sd = ref.street_district
    own_total = np.bincount(sd, weights=own, minlength=len(ref.district_codes))
    p = district_w[sd] * own / own_total[sd]
    return p / p.sum()


def _points(rng: np.random.Generator, ref: _Ref, companies: dict, n: int) -> dict:
    """Collection points on streets by population, with kind, capacity, contractor and opening date."""
    street = np.sort(rng.choice(len(ref.street_codes), size=n, p=_street_weights(ref, rng)))
    district = ref.street_district[street]
    kind = rng.choice(3, size=n, p=POINT_KIND_P)
    sigma = ref.street_sigma_km[street]
    lat = ref.street_lat[street] + rng.normal(0, 1, n) * sigma / KM_PER_DEG_LAT
    lon = ref.street_lon[street] + rng.normal(0, 1, n) * sigma / (KM_PER_DEG_LAT * np.cos(np.radians(lat)))
    lo = np.array([POINT_CAPACITY[k][0] for k in kind])
    hi = np.array([POINT_CAPACITY[k][1] for k in kind])
    capacity = np.round(rng.uniform(lo, hi), 1)
    by_district: dict[int, list[int]] = {}
    for i, d in enumerate(companies["district"].tolist()):
        by_district.setdefault(d, []).append(i)
    company = np.array([by_district[d][int(rng.integers(len(by_district[d])))] for d in district.tolist()])
    opened = dt.date(2016, 1, 1) + (rng.integers(0, 6 * 365, n)).astype("timedelta64[D]").astype(dt.timedelta)
    active = rng.random(n) >= 0.04
    seq: dict[int, int] = {}
    codes, names, addresses = [], [], []
    for i, s in enumerate(street.tolist()):
        seq[s] = seq.get(s, 0) + 1
        estate = ESTATE_A[int(rng.integers(len(ESTATE_A)))] + ESTATE_B[int(rng.integers(len(ESTATE_B)))]
        codes.append(f"ZX{ref.street_codes[s]}{seq[s]:04d}")
        label = ("装修垃圾投放点", "装修垃圾临时堆放点", "装修垃圾中转点")[kind[i]]
        place = estate if kind[i] == 0 else ref.street_names[s]
        names.append(f"{place}{label}")
        addresses.append(f"{ref.district_names[district[i]]}{ref.street_names[s]}{estate}{int(rng.integers(1, 999))}号")
    weight = np.array(POINT_KIND_TRIPS)[kind] * rng.lognormal(0, 0.4, n) * active
    return {"code": codes, "name": names, "kind": [POINT_KINDS[k] for k in kind], "kind_i": kind,
            "district": district, "district_code": [ref.district_codes[d] for d in district.tolist()],
            "street_code": [ref.street_codes[s] for s in street.tolist()], "address": addresses,
            "lon": np.round(lon, 6), "lat": np.round(lat, 6), "capacity_t": capacity, "company": company,
            "company_code": [companies["code"][c] for c in company.tolist()], "opened_on": list(opened),
            "active": active, "trip_weight": weight}


# ------------------------------------------------------------------------------------------ trips
def _day_weights(days: np.ndarray, first: dt.date) -> np.ndarray:
    d = days.astype("datetime64[D]")
    month = (d.astype("datetime64[M]").astype(int) % 12)
    weekday = (d.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    years = (d - np.datetime64(first)).astype(int) / 365.25
    w = np.array(MONTH_VOLUME)[month] * np.array(WEEKDAY_VOLUME)[weekday] * (1.06 ** years)
    return w / w.sum()


def _distance_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance (haversine) in km."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(a))


def _trips(rng: np.random.Generator, ref: _Ref, points: dict, vehicles: dict, facilities: dict,
           first: dt.date, last: dt.date, n: int) -> dict:
    """Every trip as numpy arrays (times as datetime64[s]), sorted by clearance time."""
    days = np.arange(np.datetime64(first), np.datetime64(last) + 1)
    day = rng.choice(days, size=n, p=_day_weights(days, first))
    pw = points["trip_weight"] / points["trip_weight"].sum()
    point = rng.choice(len(pw), size=n, p=pw)
    hour_p = np.array(REQUEST_HOURS) / sum(REQUEST_HOURS)
    secs = rng.choice(24, size=n, p=hour_p) * 3600 + rng.integers(0, 3600, n)
    requested = day.astype("datetime64[s]") + secs.astype("timedelta64[s]")
    district = points["district"][point]
    median = np.array([CLEARANCE_MEDIAN_H[c] for c in ref.district_codes])[district]
    delay_h = np.exp(np.log(median) + rng.normal(0, 0.8, n))
    cleared = requested + (delay_h * 3600).astype("timedelta64[s]")
    hour = (cleared.astype("datetime64[h]").astype(np.int64) % 24)
    banned = rules.in_banned_hours(hour)
    wait = banned & (rng.random(n) < 0.88)  # most crews wait for the end of the ban
    end_hour = np.where(hour < 12, 9, 19)
    shift = ((end_hour - hour) * 3600 + rng.integers(0, 1800, n)).astype("timedelta64[s]")
    cleared = np.where(wait, cleared.astype("datetime64[h]") + shift, cleared)
    keep = cleared <= np.datetime64(dt.datetime.combine(last, dt.time(23, 59, 59)), "s")
    order = np.argsort(cleared[keep], kind="stable")
    point, requested, cleared, district = (a[keep][order] for a in (point, requested, cleared, district))
    n = len(point)
    facility = _route(rng, points, facilities, point)
    dist = _distance_km(points["lon"][point], points["lat"][point], facilities["lon"][facility],
                        facilities["lat"][facility]) * 1.35 + 1.0
    arrived = cleared + (dist / rng.uniform(20, 35, n) * 3600 + 600).astype("timedelta64[s]")
    vehicle, plate = _assign_vehicles(rng, points, vehicles, point)
    capacity = vehicles["capacity_t"][vehicle]
    load = np.where(rng.random(n) < 0.015, rng.uniform(1.15, 1.45, n), rng.uniform(0.45, 0.95, n))
    weight = np.round(capacity * load, 2)
    weight[rng.random(n) < 0.012] = np.nan
    fill = np.round(np.clip(rng.normal(0.8, 0.12, n), 0.3, 1.6), 2)
    deviation = np.where(rng.random(n) < 0.01, rng.uniform(2.2, 9.0, n), rng.exponential(0.25, n))
    clear_day = cleared.astype("datetime64[D]")
    day_str = np.datetime_as_string(clear_day).tolist()
    trip_no = [f"ZY{s.replace('-', '')}{i:07d}" for i, s in enumerate(day_str)]
    return {"trip_no": trip_no, "point": point, "district": district, "facility": facility, "vehicle": vehicle,
            "plate": plate, "requested": requested, "cleared": cleared, "arrived": arrived, "day": clear_day,
            "weight": weight, "fill": fill, "deviation": np.round(deviation, 2)}


def _route(rng: np.random.Generator, points: dict, facilities: dict, point: np.ndarray) -> np.ndarray:
    """The nearest facility of the point's district, another one of the district for 15 % of trips."""
    fd = facilities["district"]
    nearest = np.empty(len(points["lon"]), dtype=np.int64)
    for d in np.unique(points["district"]):
        own = np.flatnonzero(fd == d)
        sel = np.flatnonzero(points["district"] == d)
        dist = _distance_km(points["lon"][sel][:, None], points["lat"][sel][:, None], facilities["lon"][own][None, :],
                            facilities["lat"][own][None, :])
        nearest[sel] = own[np.argmin(dist, axis=1)]
    facility = nearest[point]
    other = rng.random(len(point)) < 0.15
    district = points["district"][point]
    for d in np.unique(district[other]):
        own = np.flatnonzero(fd == d)
        sel = np.flatnonzero(other & (district == d))
        facility[sel] = own[rng.integers(0, len(own), len(sel))]
    return facility


def _assign_vehicles(rng: np.random.Generator, points: dict, vehicles: dict, point: np.ndarray):
    """A vehicle of the point's contractor for each trip; ~1 % by an unregistered plate."""
    company = points["company"][point]
    owned: dict[int, np.ndarray] = {}
    for v, c in enumerate(vehicles["company"].tolist()):
        owned.setdefault(c, []).append(v)
    vehicle = np.empty(len(point), dtype=np.int64)
    for c in np.unique(company):
        sel = np.flatnonzero(company == c)
        own = np.asarray(owned[int(c)])
        vehicle[sel] = own[rng.integers(0, len(own), len(sel))]
    plates = np.asarray(vehicles["plate"], dtype=object)[vehicle]
    unregistered = rng.random(len(point)) < 0.01
    pool = np.asarray(vehicles["unregistered"], dtype=object)
    plates[unregistered] = pool[rng.integers(0, len(pool), int(unregistered.sum()))]
    return vehicle, plates


def _capacities(rng: np.random.Generator, facilities: dict, trips: dict, last: dt.date) -> None:
    """Design capacity (t/day) so that the last year's average load rate lands between ~50 % and ~110 %."""
    recent = trips["day"] > np.datetime64(last) - 365
    tonnes = np.bincount(trips["facility"][recent], weights=np.nan_to_num(trips["weight"][recent]),
                         minlength=len(facilities["code"]))
    daily = tonnes / 365.0
    target = rng.uniform(0.5, 1.1, len(daily))
    capacity = daily / target
    step = np.where(capacity >= 100, 10.0, 1.0)  # whole tens for city plants, whole tonnes at demo scale
    facilities["capacity_t_per_day"] = np.maximum(np.round(capacity / step) * step, 1.0)


# ------------------------------------------------------------------------------------------ rows
def _trip_rows(t: dict, points: dict, vehicles: dict, facilities: dict, part: slice):
    point = t["point"][part]
    cols = {
        "trip_no": t["trip_no"][part],
        "point_code": np.asarray(points["code"], dtype=object)[point].tolist(),
        "district_code": np.asarray(points["district_code"], dtype=object)[point].tolist(),
        "company_code": np.asarray(points["company_code"], dtype=object)[point].tolist(),
        "vehicle_plate": t["plate"][part].tolist(),
        "facility_code": np.asarray(facilities["code"], dtype=object)[t["facility"][part]].tolist(),
        "requested_at": t["requested"][part].tolist(), "cleared_at": t["cleared"][part].tolist(),
        "arrived_at": t["arrived"][part].tolist(), "day": t["day"][part].tolist(),
        "weight_t": [None if w != w else w for w in t["weight"][part].tolist()],
        "fill_ratio": t["fill"][part].tolist(), "deviation_km": t["deviation"][part].tolist(),
    }
    names = list(cols)
    for row in zip(*cols.values()):
        yield dict(zip(names, row))


def _month(moment: dt.datetime) -> dt.date:
    return dt.date(moment.year, moment.month, 1)


def _warning_rows(rng: np.random.Generator, t: dict, points: dict, end: np.datetime64):
    """Overfull, overdue clearance and missing weighing from the rules; illegal dumping from patrols."""
    hours = rules.clearance_hours(t["requested"], t["cleared"])
    codes = np.asarray(points["code"], dtype=object)
    dcodes = np.asarray(points["district_code"], dtype=object)
    h = np.timedelta64(3600, "s")
    found = []
    sel = np.flatnonzero(rules.overfull(t["fill"]))
    found.append(("满溢", sel, t["requested"][sel], t["cleared"][sel], t["fill"][sel],
                  [f"申报清运时满溢率 {f:.0%}" for f in t["fill"][sel].tolist()]))
    sel = np.flatnonzero(rules.overdue_clearance(hours))
    found.append(("清运超时", sel, t["requested"][sel] + int(rules.RULES.overdue_hours) * h, t["cleared"][sel],
                  hours[sel], [f"申报后 {x:.0f} 小时才清运" for x in hours[sel].tolist()]))
    sel = np.flatnonzero(rules.missing_weighing(t["weight"]))
    fix = (rng.uniform(2, 96, len(sel)) * 3600).astype("timedelta64[s]")
    found.append(("未称重", sel, t["arrived"][sel] + h, t["arrived"][sel] + h + fix, np.zeros(len(sel)),
                  ["到场未过磅称重"] * len(sel)))
    for kind, sel, raised, handled, value, detail in found:
        raised = raised.astype("datetime64[s]")
        handled = handled.astype("datetime64[s]")
        raised_l, handled_l = raised.tolist(), handled.tolist()
        open_ = (handled > end).tolist()
        for i, j in enumerate(sel.tolist()):
            yield {"kind": kind, "level": rules.warning_level(kind, float(value[i])),
                   "point_code": codes[t["point"][j]], "district_code": dcodes[t["point"][j]],
                   "trip_no": t["trip_no"][j], "raised_at": raised_l[i], "month": _month(raised_l[i]),
                   "handled_at": None if open_[i] else handled_l[i], "detail": detail[i]}
    # Illegal dumping: patrol and camera reports at random points, handled within 4–72 hours.
    n = max(int(len(t["trip_no"]) * 0.004), 5)
    pw = points["trip_weight"] / points["trip_weight"].sum()
    point = rng.choice(len(pw), size=n, p=pw)
    span = int((end - t["requested"].min()).astype(np.int64))
    raised = (t["requested"].min() + rng.integers(0, span, n).astype("timedelta64[s]")).astype("datetime64[s]")
    handled = raised + (rng.uniform(4, 72, n) * 3600).astype("timedelta64[s]")
    sources = ["巡查发现", "视频监控发现", "市民举报"]
    for p, r, hd, src in zip(point.tolist(), raised.tolist(), handled.tolist(), rng.integers(0, 3, n).tolist()):
        yield {"kind": "偷倒乱倒", "level": rules.warning_level("偷倒乱倒", 0.0), "point_code": codes[p],
               "district_code": dcodes[p], "trip_no": None, "raised_at": r, "month": _month(r),
               "handled_at": None if np.datetime64(hd) > end else hd,
               "detail": f"{sources[src]}投放点周边偷倒乱倒装修垃圾"}


def _violation_rows(t: dict, points: dict, vehicles: dict):
    """Route deviation, unregistered vehicle, overweight and banned-hour transport, by the rules."""
    capacity_of = dict(zip(vehicles["plate"], vehicles["capacity_t"].tolist()))
    plates = t["plate"]
    capacity = np.array([capacity_of.get(p, np.nan) for p in plates.tolist()])
    hour = t["cleared"].astype("datetime64[h]").astype(np.int64) % 24
    checks = [
        ("偏离路线", rules.route_deviation(t["deviation"]), lambda j: f"偏离核准路线 {t['deviation'][j]:.1f} 公里"),
        ("未备案车辆", rules.unregistered_vehicle(plates, set(vehicles["plate"])),
         lambda j: f"车辆 {plates[j]} 未在清运车辆备案名录中"),
        ("超载", rules.overweight(t["weight"], np.nan_to_num(capacity, nan=np.inf)),
         lambda j: f"净重 {t['weight'][j]:.1f} 吨，核定载重 {capacity[j]:.0f} 吨"),
        ("违规时段运输", rules.in_banned_hours(hour), lambda j: f"{int(hour[j]):02d} 时在高峰禁行时段出车"),
    ]
    dcodes = np.asarray(points["district_code"], dtype=object)
    ccodes = np.asarray(points["company_code"], dtype=object)
    cleared = t["cleared"].astype("datetime64[s]")
    for kind, mask, detail in checks:
        for j in np.flatnonzero(mask).tolist():
            at = cleared[j].item()
            p = t["point"][j]
            yield {"kind": kind, "trip_no": t["trip_no"][j], "occurred_at": at, "month": _month(at),
                   "district_code": dcodes[p], "company_code": ccodes[p], "vehicle_plate": plates[j],
                   "detail": detail(j)}
