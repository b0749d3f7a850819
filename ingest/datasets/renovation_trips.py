"""Renovation-waste transport trips (装修垃圾清运运单/过磅记录): the weighbridge and transport-platform export.

One row is one trip: the point it cleared, the vehicle, the facility that weighed it, request / clearance /
arrival times, the net weight (blank = not weighed), and optionally the point's reported fill ratio and the
GPS deviation from the approved route. District and company come from the point's ledger entry.

Rules beyond each column's own: the point and the facility must be in the ledger; 清运时间 is not before
申报时间 and 到场时间 is after 清运时间. Each batch re-derives the warnings and violations of the trips it
wrote with the rules of ``analytics.renovation_waste`` and refreshes the rollups of the days, months and
points it touched. Trips are matched by 运单编号; a row whose fields equal the stored ones is unchanged.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import re
from pathlib import Path

import numpy as np
from pydantic import ValidationInfo, model_validator
from sqlalchemy import and_, bindparam, delete, insert, or_, select, update

from analytics import renovation_waste as rw
from db.renovation_waste import (CollectionPoint, Facility, SupervisionWarning, Trip, Vehicle, Violation, month_of,
                                 refresh_rollups)
from ingest.schema import Column, Dataset, RowModel, rule_error

NAME = "renovation_trips"
LOOKUP_CHUNK = 1000
_TRIP_NO = re.compile(r"[0-9A-Za-z][0-9A-Za-z_\-]{0,23}")
FIELDS = ["point_code", "vehicle_plate", "facility_code", "requested_at", "cleared_at", "arrived_at", "weight_t",
          "fill_ratio", "deviation_km"]


def _trip_no(value: str, _context: dict) -> str:
    if not _TRIP_NO.fullmatch(value):
        raise ValueError(f"格式不正确：'{value[:40]}'（只能由字母、数字、- 和 _ 组成，最长 24 位）")
    return value


def _plate(value: str, _context: dict) -> str:
    plate = re.sub(r"[\s·.\-]", "", value).upper()
    if not 7 <= len(plate) <= 8:
        raise ValueError(f"格式不正确：'{value[:20]}'")
    return plate


def _known(kind: str, header: str):
    def check(value: str, context: dict) -> str:
        if value not in context.get(kind, {}):
            raise ValueError(f"不在{header}台账中：'{value[:24]}'")
        return value

    return check


def _between(low: float, high: float):
    def check(value: float, _context: dict) -> float:
        if not low <= value <= high:
            raise ValueError(f"超出取值范围（{low:g}–{high:g}）：'{value:g}'")
        return value

    return check


COLUMNS = (
    Column("运单编号", "trip_no", required=True, aliases=("运单号", "清运单号"), parse=_trip_no),
    Column("收运点编号", "point_code", required=True, aliases=("点位编号", "投放点编号"), parse=_known("points", "收运点")),
    Column("车牌号", "vehicle_plate", required=True, max_length=16, aliases=("车牌", "车辆号牌"), parse=_plate),
    Column("处置设施编号", "facility_code", required=True, aliases=("设施编号",), parse=_known("facilities", "处置设施")),
    Column("申报时间", "requested_at", "datetime", required=True, aliases=("预约时间",)),
    Column("清运时间", "cleared_at", "datetime", required=True, aliases=("出车时间", "装车时间")),
    Column("到场时间", "arrived_at", "datetime", required=True, aliases=("进场时间", "过磅时间")),
    Column("净重(吨)", "weight_t", "float", aliases=("净重", "净重（吨）"), parse=_between(0.0, 60.0)),
    Column("满溢率", "fill_ratio", "float", aliases=("申报满溢率",), parse=_between(0.0, 3.0)),
    Column("偏离路线(公里)", "deviation_km", "float", aliases=("偏离距离", "偏离路线（公里）"), parse=_between(0.0, 500.0)),
)


class TripRules(RowModel):
    """Cross-field rules of a trip row: the times in order."""

    @model_validator(mode="after")
    def _rules(self, _info: ValidationInfo):
        d = self.__dict__
        problems = []
        if d["cleared_at"] < d["requested_at"]:
            problems.append("清运时间 早于申报时间")
        if d["arrived_at"] <= d["cleared_at"]:
            problems.append("到场时间 须晚于清运时间")
        rule_error(problems)
        return self


def prepare(conn) -> dict:
    """The ledger for one run: points (→ district, company) and facilities."""
    points = {code: (district, company) for code, district, company in conn.execute(
        select(CollectionPoint.code, CollectionPoint.district_code, CollectionPoint.company_code))}
    return {"points": points, "facilities": set(conn.execute(select(Facility.code)).scalars())}


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def write(conn, rows: list[dict], batch_id: int) -> tuple[int, int, int, set]:
    """Insert new trips, update changed ones, count unchanged ones; returns the counts and what was touched:
    ``(trip_no, day, point_code)`` of every written trip, with the old day and point of a changed one."""
    t = Trip.__table__
    points = {code: (district, company) for code, district, company in conn.execute(
        select(CollectionPoint.code, CollectionPoint.district_code, CollectionPoint.company_code)
        .where(CollectionPoint.code.in_({r["point_code"] for r in rows})))}
    existing: dict[str, tuple] = {}
    for keys in _chunks([r["trip_no"] for r in rows]):
        for row in conn.execute(select(t.c.trip_no, t.c.day, *[t.c[f] for f in FIELDS]).where(t.c.trip_no.in_(keys))):
            existing[row.trip_no] = tuple(row)
    new, changed, touched = [], [], set()
    for r in rows:
        old = existing.get(r["trip_no"])
        if old is not None and tuple(old[2:]) == tuple(r[f] for f in FIELDS):
            continue
        r["district_code"], r["company_code"] = points[r["point_code"]]
        r["day"] = r["cleared_at"].date()
        touched.add((r["trip_no"], r["day"], r["point_code"]))
        if old is None:
            new.append(r)
        else:
            changed.append(r)
            touched.add((r["trip_no"], old[1], old[2]))
    if new:
        conn.execute(insert(t), new)
    if changed:
        columns = [*FIELDS, "district_code", "company_code", "day"]
        stmt = update(t).where(t.c.trip_no == bindparam("key_")).values({c: bindparam(c) for c in columns})
        conn.execute(stmt, [{"key_": r["trip_no"], **{c: r[c] for c in columns}} for r in changed])
    return len(new), len(changed), len(rows) - len(new) - len(changed), touched


def findings(trips: list[dict], capacity_of: dict[str, float]) -> tuple[list[dict], list[dict]]:
    """The warnings and violations the rules find in ``trips`` (dicts with the Trip fields).

    Overfull and overdue warnings are handled by the clearance itself; a missing weight stays open until a
    re-import brings it.
    """
    if not trips:
        return [], []
    col = {k: [r[k] for r in trips] for k in ("trip_no", "point_code", "district_code", "company_code",
                                             "vehicle_plate", "requested_at", "cleared_at", "arrived_at")}
    num = {k: np.array([np.nan if r[k] is None else r[k] for r in trips], dtype=float)
           for k in ("weight_t", "fill_ratio", "deviation_km")}
    hours = rw.clearance_hours(np.array(col["requested_at"], dtype="datetime64[s]"),
                               np.array(col["cleared_at"], dtype="datetime64[s]"))
    overdue_after = dt.timedelta(hours=rw.RULES.overdue_hours)
    warnings = []

    def warn(i, kind, raised, handled, value, detail):
        warnings.append({"kind": kind, "level": rw.warning_level(kind, value), "point_code": col["point_code"][i],
                         "district_code": col["district_code"][i], "trip_no": col["trip_no"][i],
                         "raised_at": raised, "month": month_of(raised), "handled_at": handled, "detail": detail})

    for i in np.flatnonzero(rw.overfull(np.nan_to_num(num["fill_ratio"], nan=0.0))).tolist():
        warn(i, "满溢", col["requested_at"][i], col["cleared_at"][i], num["fill_ratio"][i],
             f"申报清运时满溢率 {num['fill_ratio'][i]:.0%}")
    for i in np.flatnonzero(rw.overdue_clearance(hours)).tolist():
        warn(i, "清运超时", col["requested_at"][i] + overdue_after, col["cleared_at"][i], hours[i],
             f"申报后 {hours[i]:.0f} 小时才清运")
    for i in np.flatnonzero(rw.missing_weighing(num["weight_t"])).tolist():
        warn(i, "未称重", col["arrived_at"][i] + dt.timedelta(hours=1), None, 0.0, "到场未过磅称重")
    plates = np.array(col["vehicle_plate"], dtype=object)
    capacity = np.array([capacity_of.get(p, np.inf) for p in plates.tolist()])
    hour = np.array([c.hour for c in col["cleared_at"]])
    checks = [
        ("偏离路线", rw.route_deviation(np.nan_to_num(num["deviation_km"], nan=0.0)),
         lambda i: f"偏离核准路线 {num['deviation_km'][i]:.1f} 公里"),
        ("未备案车辆", rw.unregistered_vehicle(plates, set(capacity_of)), lambda i: f"车辆 {plates[i]} 未在清运车辆备案名录中"),
        ("超载", rw.overweight(num["weight_t"], capacity),
         lambda i: f"净重 {num['weight_t'][i]:.1f} 吨，核定载重 {capacity[i]:.0f} 吨"),
        ("违规时段运输", rw.in_banned_hours(hour), lambda i: f"{int(hour[i]):02d} 时在高峰禁行时段出车"),
    ]
    violations = [{"kind": kind, "trip_no": col["trip_no"][i], "occurred_at": col["cleared_at"][i],
                   "month": month_of(col["cleared_at"][i]), "district_code": col["district_code"][i],
                   "company_code": col["company_code"][i], "vehicle_plate": plates[i], "detail": detail(i)}
                  for kind, mask, detail in checks for i in np.flatnonzero(mask).tolist()]
    return warnings, violations


def after_batch(conn, touched: set) -> None:
    """Re-derive the findings of the written trips and refresh the rollups they touched (same transaction)."""
    if not touched:
        return
    nos = sorted({no for no, _d, _p in touched})
    w, v, t = SupervisionWarning.__table__, Violation.__table__, Trip.__table__
    trips = []
    for keys in _chunks(nos):
        conn.execute(delete(w).where(w.c.trip_no.in_(keys)))
        conn.execute(delete(v).where(v.c.trip_no.in_(keys)))
        trips.extend(dict(r._mapping) for r in conn.execute(select(t).where(t.c.trip_no.in_(keys))))
    plates = sorted({r["vehicle_plate"] for r in trips})
    capacity_of = {}
    for keys in _chunks(plates):
        capacity_of.update(conn.execute(select(Vehicle.plate, Vehicle.capacity_t).where(Vehicle.plate.in_(keys))).all())
    warnings, violations = findings(trips, capacity_of)  # plates missing from capacity_of are unregistered
    if warnings:
        conn.execute(insert(w), warnings)
    if violations:
        conn.execute(insert(v), violations)
    refresh_rollups(conn, days=sorted({d for _n, d, _p in touched}), points=sorted({p for _n, _d, p in touched}))


RANGE_CHECKS = {
    "清运时间早于申报时间": lambda t: t.c.cleared_at < t.c.requested_at,
    "到场时间不晚于清运时间": lambda t: t.c.arrived_at <= t.c.cleared_at,
    "净重超出合理范围": lambda t: and_(t.c.weight_t.is_not(None), or_(t.c.weight_t <= 0, t.c.weight_t > 60)),
}

DATASET = Dataset(
    name=NAME, title="装修垃圾清运运单", columns=COLUMNS, natural_key="trip_no", table=Trip.__table__,
    base_model=TripRules, prepare=prepare, write=write, after_batch=after_batch,
    core_fields=("point_code", "vehicle_plate", "facility_code", "requested_at", "cleared_at", "arrived_at",
                 "weight_t"),
    range_checks=RANGE_CHECKS,
)


# ---------------------------------------------------------------- sample files (tests, demos)
HEADERS = [c.header for c in COLUMNS]


def sample_rows(n: int, points: list[str], facilities: list[str], plates: list[str], *, seed: int = 0,
                prefix: str = "RT", start: dt.datetime = dt.datetime(2019, 3, 1), days: int = 30) -> list[dict]:
    """``n`` valid export rows (Chinese headers → text) for the given ledger codes, deterministic for a seed."""
    rng = random.Random(seed)
    fmt = "%Y-%m-%d %H:%M:%S"
    rows = []
    for i in range(n):
        requested = start + dt.timedelta(seconds=rng.randrange(days * 86400))
        cleared = requested + dt.timedelta(hours=rng.uniform(0.5, 30))
        arrived = cleared + dt.timedelta(minutes=rng.uniform(20, 90))
        rows.append({"运单编号": f"{prefix}{i:07d}", "收运点编号": rng.choice(points), "车牌号": rng.choice(plates),
                     "处置设施编号": rng.choice(facilities), "申报时间": requested.strftime(fmt),
                     "清运时间": cleared.strftime(fmt), "到场时间": arrived.strftime(fmt),
                     "净重(吨)": f"{rng.uniform(1.5, 9.0):.2f}", "满溢率": f"{rng.uniform(0.4, 1.1):.2f}",
                     "偏离路线(公里)": f"{rng.uniform(0, 1.0):.2f}"})
    return rows


def write_sample_csv(path: str | Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    """Write sample rows (see ``sample_rows``) as a CSV file in ``encoding``; returns the path."""
    path = Path(path)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.DictWriter(fh, HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path
