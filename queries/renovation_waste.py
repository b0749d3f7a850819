"""Reads of the renovation-waste board (modules 236–241): rollups cached by data version, and the few raw lists.

Every public function takes ``scope`` (the user's district, None for the whole city): a district-scoped user
only ever gets rows of their district, whatever the filters ask for.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Integer, case, cast, func, select

from analytics import renovation_waste as rw
from db.reference import District, Street
from db.renovation_waste import (POINT_KINDS, VIOLATION_KINDS, WARNING_KINDS, CollectionPoint, Company, Facility,
                                 RollupDay, RollupFacilityDay, RollupPoint, RollupViolation, RollupWarning,
                                 SupervisionWarning, Vehicle, Violation)
from queries import read_df, versioned
from queries.reference import effective_district

DATASET = "renovation_waste"
PERIODS = {"1m": ("近 1 个月", 1), "3m": ("近 3 个月", 3), "12m": ("近 12 个月", 12), "36m": ("近 3 年", 36)}
GRAINS = {"day": "日", "month": "月", "year": "年"}
# Grid cell size (degrees) of the point map per zoom level; from this zoom on single points are drawn.
POINT_ZOOM = 14
MAX_POINTS_IN_VIEW = 2000


def _cell_size(zoom: int) -> float:
    """Cell edge in degrees: about 40 px on screen at every zoom (a tile is 360° / 2^zoom wide)."""
    return 360.0 / (2 ** zoom) / 256 * 40


# ------------------------------------------------------------------------------------------ span
@versioned(DATASET)
def data_span() -> dict:
    """First and last day with clearances (the boards' "now" is the last)."""
    row = read_df(select(func.min(RollupDay.day).label("first"), func.max(RollupDay.day).label("last"))).iloc[0]
    if pd.isna(row["last"]):
        return {"first": None, "last": None}
    return {"first": pd.Timestamp(row["first"]).date(), "last": pd.Timestamp(row["last"]).date()}


def period_days(period: str) -> tuple[date | None, date | None]:
    """(first day, last day) of a period of whole months ending at the data's last day."""
    span = data_span()
    if span["last"] is None:
        return None, None
    months = PERIODS.get(period, PERIODS["12m"])[1]
    first = (pd.Timestamp(span["last"]).to_period("M") - (months - 1)).to_timestamp().date()
    return max(first, span["first"]), span["last"]


@versioned("reference")
def district_names() -> dict[str, str]:
    """District code → name in the official order."""
    df = read_df(select(District.code, District.name).order_by(District.sort_order))
    return dict(zip(df.code, df.name))


def _in_order(df: pd.DataFrame) -> pd.DataFrame:
    names = district_names()
    df["name"] = df["district_code"].map(names)
    order = {c: i for i, c in enumerate(names)}
    return df.sort_values("district_code", key=lambda s: s.map(order)).reset_index(drop=True)


def _between(df: pd.DataFrame, col: str, first, last, district) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    if first is not None:
        mask &= (df[col] >= pd.Timestamp(first)) & (df[col] <= pd.Timestamp(last))
    if district:
        mask &= df["district_code"] == district
    return df[mask]


def _typed(df: pd.DataFrame, col: str) -> pd.DataFrame:
    df[col] = pd.to_datetime(df[col])
    for c in ("district_code", "kind", "company_code", "facility_code"):
        if c in df.columns:
            df[c] = df[c].astype(str)
    return df


# ------------------------------------------------------------------------------------------ 236 points
LEDGER_COLUMNS = [CollectionPoint.code, CollectionPoint.name, CollectionPoint.kind, CollectionPoint.district_code,
                  Street.name.label("street"), CollectionPoint.address, CollectionPoint.lon, CollectionPoint.lat,
                  CollectionPoint.capacity_t, Company.name.label("company"), CollectionPoint.opened_on,
                  CollectionPoint.active, func.coalesce(RollupPoint.trips, 0).label("trips"),
                  func.coalesce(RollupPoint.weight_t, 0.0).label("weight_t"), RollupPoint.clearance_hours,
                  RollupPoint.last_cleared_at]


@versioned(DATASET, "reference")
def _points_by_district() -> pd.DataFrame:
    p = CollectionPoint
    stmt = (select(p.district_code, p.kind, func.count().label("n"),
                   func.sum(case((p.active.is_(True), 1), else_=0)).label("active"),
                   func.sum(p.capacity_t).label("capacity_t"))
            .group_by(p.district_code, p.kind))
    df = read_df(stmt)
    out = df.groupby("district_code", as_index=False)[["n", "active", "capacity_t"]].sum()
    out = out.rename(columns={"n": "points"})
    kinds = df.pivot_table(index="district_code", columns="kind", values="n", aggfunc="sum", fill_value=0)
    kinds = kinds.reindex(columns=POINT_KINDS, fill_value=0).reset_index()
    return out.merge(kinds, on="district_code", how="left")


def points_by_district(*, scope=None) -> pd.DataFrame:
    """Points per district: total, in use, per kind and capacity (official district order)."""
    df = _points_by_district()
    if scope:
        df = df[df.district_code == scope]
    return _in_order(df.copy())


def point_summary(district=None, *, scope=None) -> dict:
    """Headline ledger figures for the city or one district."""
    district = effective_district(district, scope)
    df = _points_by_district()
    if district:
        df = df[df.district_code == district]
    return {"points": int(df.points.sum()), "active": int(df.active.sum()), "capacity_t": float(df.capacity_t.sum()),
            "transfer": int(df["街镇中转点"].sum()), "districts": int((df.points > 0).sum())}


@versioned(DATASET, "reference")
def _ledger(district: str | None, limit: int) -> pd.DataFrame:
    stmt = (select(*LEDGER_COLUMNS).join(Street, Street.code == CollectionPoint.street_code)
            .join(Company, Company.code == CollectionPoint.company_code)
            .outerjoin(RollupPoint, RollupPoint.point_code == CollectionPoint.code)
            .order_by(func.coalesce(RollupPoint.trips, 0).desc(), CollectionPoint.code).limit(limit))
    if district:
        stmt = stmt.where(CollectionPoint.district_code == district)
    df = read_df(stmt)
    df["active"] = df["active"].astype(bool)
    df["mean_hours"] = df["clearance_hours"] / df["trips"].where(df["trips"] > 0)
    return df


def point_ledger(district=None, *, scope=None, limit: int = 3000) -> pd.DataFrame:
    """The ledger rows of one district (or the city's busiest points), busiest first."""
    return _ledger(effective_district(district, scope), limit)


@versioned(DATASET)
def _point_cells(zoom: int, district: str | None) -> pd.DataFrame:
    size = _cell_size(zoom)
    p, r = CollectionPoint, RollupPoint
    gx, gy = cast(p.lon / size, Integer), cast(p.lat / size, Integer)
    stmt = (select(func.count().label("count"), func.avg(p.lon).label("lon"), func.avg(p.lat).label("lat"),
                   func.coalesce(func.sum(r.trips), 0).label("trips"))
            .outerjoin(r, r.point_code == p.code).group_by(gx, gy))
    if district:
        stmt = stmt.where(p.district_code == district)
    return read_df(stmt)


def _points_in_view(bounds: list | None, district: str | None) -> pd.DataFrame:
    p = CollectionPoint
    stmt = select(p.code, p.name, p.kind, p.lon, p.lat, p.active).order_by(p.code).limit(MAX_POINTS_IN_VIEW)
    if bounds:
        (south, west), (north, east) = bounds
        stmt = stmt.where(p.lat.between(south, north), p.lon.between(west, east))
    if district:
        stmt = stmt.where(p.district_code == district)
    return read_df(stmt)


def point_map(zoom: int, bounds: list | None, district=None, *, scope=None) -> dict:
    """What the point map draws in the current view: grid cells (about 40 px) below ``POINT_ZOOM``, single
    points from it (at most ``MAX_POINTS_IN_VIEW``), as ``{"mode": "cells"|"points", "rows": DataFrame}``.
    The 20,000+ points never travel to the browser at once."""
    district = effective_district(district, scope)
    zoom = int(max(0, min(18, zoom or 9)))
    if zoom >= POINT_ZOOM:
        return {"mode": "points", "rows": _points_in_view(bounds, district)}
    df = _point_cells(zoom, district)
    if bounds:
        (south, west), (north, east) = bounds
        df = df[(df.lat >= south) & (df.lat <= north) & (df.lon >= west) & (df.lon <= east)]
    return {"mode": "cells", "rows": df}


# ------------------------------------------------------------------------------------------ 237 tonnage
DAY_MEASURES = ["trips", "weighed", "weight_t", "clearance_hours", "within_12h", "within_24h", "within_48h"]
DAY_TYPES = {m: float if m in ("weight_t", "clearance_hours") else "int64" for m in DAY_MEASURES}


def _day_sums(*keys):
    r = RollupDay
    return select(*keys, *[func.sum(getattr(r, m)).label(m) for m in DAY_MEASURES]).group_by(*keys)


@versioned(DATASET)
def _daily(district: str | None) -> pd.DataFrame:
    """The day rollup summed over districts (or of one district): at most one row a day."""
    stmt = _day_sums(RollupDay.day)
    if district:
        stmt = stmt.where(RollupDay.district_code == district)
    df = read_df(stmt)
    df["day"] = pd.to_datetime(df["day"])
    return df.astype(DAY_TYPES).sort_values("day").reset_index(drop=True)


@versioned(DATASET)
def _district_sums(first, last) -> pd.DataFrame:
    """The day rollup summed per district over a period: one row a district."""
    stmt = _day_sums(RollupDay.district_code)
    if first is not None:
        stmt = stmt.where(RollupDay.day >= first, RollupDay.day <= last)
    return read_df(stmt).astype(DAY_TYPES)


def _days(first, last, district) -> pd.DataFrame:
    df = _daily(district)
    if first is not None:
        df = df[(df.day >= pd.Timestamp(first)) & (df.day <= pd.Timestamp(last))]
    return df


def _per_district(first, last, scope) -> pd.DataFrame:
    df = _district_sums(first, last)
    return df[df.district_code == scope].copy() if scope else df.copy()


def volume_series(first, last, grain: str = "month", district=None, *, scope=None) -> pd.DataFrame:
    """Tonnes and trips per day, month or year (``period`` is the period's first day)."""
    df = _days(first, last, effective_district(district, scope))
    freq = {"day": "D", "month": "M", "year": "Y"}.get(grain, "M")
    period = df["day"].dt.to_period(freq).dt.to_timestamp()
    out = df.groupby(period)[["weight_t", "trips"]].sum().rename_axis("period").reset_index()
    return out.sort_values("period").reset_index(drop=True)


def volume_by_district(first, last, *, scope=None) -> pd.DataFrame:
    """Tonnes, trips and share of the city's tonnes per district."""
    out = _per_district(first, last, effective_district(None, scope))[["district_code", "weight_t", "trips"]]
    total = out.weight_t.sum()
    out["share"] = out.weight_t / total if total else np.nan
    return _in_order(out)


def volume_summary(first, last, district=None, *, scope=None) -> dict:
    """Tonnes, trips, daily average, the change on the same period a year before, and the monthly trend."""
    if first is None:
        return {"weight_t": 0.0, "trips": 0, "daily_t": float("nan"), "yoy": float("nan"), "trend": float("nan")}
    district = effective_district(district, scope)
    df = _days(first, last, district)
    before = _days(pd.Timestamp(first) - pd.DateOffset(years=1), pd.Timestamp(last) - pd.DateOffset(years=1),
                   district)
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days + 1
    monthly = volume_series(first, last, "month", district)
    weight = float(df.weight_t.sum())
    return {"weight_t": weight, "trips": int(df.trips.sum()), "daily_t": weight / days,
            "yoy": rw.change_rate(weight, float(before.weight_t.sum())) if not before.empty else float("nan"),
            "trend": rw.linear_trend(monthly.weight_t.to_numpy())}


def volume_by_year_month(district=None, *, scope=None) -> pd.DataFrame:
    """Tonnes per calendar month of each year (year, month 1–12, weight_t): the year-on-year comparison."""
    df = _days(None, None, effective_district(district, scope))
    out = df.groupby([df.day.dt.year.rename("year"), df.day.dt.month.rename("month")])["weight_t"].sum()
    return out.reset_index()


# ------------------------------------------------------------------------------------------ 239 clearance
def clearance_by_district(first, last, *, scope=None) -> pd.DataFrame:
    """Per district: trips, mean hours from request to clearance and the shares cleared within 12/24/48 h."""
    out = _per_district(first, last, effective_district(None, scope))
    return _in_order(_clearance_rates(out))


def _clearance_rates(df: pd.DataFrame) -> pd.DataFrame:
    trips = df["trips"].where(df["trips"] > 0)
    df["mean_hours"] = df["clearance_hours"] / trips
    for h in rw.RULES.clearance_targets_h:
        df[f"rate_{h}h"] = df[f"within_{h}h"] / trips
    return df


def clearance_monthly(first, last, district=None, *, scope=None) -> pd.DataFrame:
    """Mean clearance hours and within-target shares per month."""
    df = _days(first, last, effective_district(district, scope))
    month = df["day"].dt.to_period("M").dt.to_timestamp().rename("month")
    out = df.groupby(month)[["trips", "clearance_hours", "within_12h", "within_24h", "within_48h"]].sum()
    return _clearance_rates(out.reset_index())


def clearance_summary(first, last, district=None, *, scope=None) -> dict:
    """City (or district) mean clearance hours and within-target shares."""
    df = _days(first, last, effective_district(district, scope))
    trips = int(df.trips.sum())
    out = {"trips": trips, "mean_hours": rw.mean_hours(float(df.clearance_hours.sum()), trips)}
    for h in rw.RULES.clearance_targets_h:
        out[f"rate_{h}h"] = float(df[f"within_{h}h"].sum()) / trips if trips else float("nan")
    return out


# ------------------------------------------------------------------------------------------ 240 facilities
@versioned(DATASET, "reference")
def _facilities() -> pd.DataFrame:
    return read_df(select(Facility).order_by(Facility.code))


@versioned(DATASET)
def _facility_totals(first, last) -> pd.DataFrame:
    f = RollupFacilityDay
    return read_df(select(f.facility_code, func.sum(f.weight_t).label("weight_t"), func.sum(f.trips).label("trips"),
                          func.max(f.weight_t).label("peak_t"))
                   .where(f.day >= first, f.day <= last).group_by(f.facility_code))


def facility_loads(first, last, district=None, *, scope=None) -> pd.DataFrame:
    """Per facility: tonnes, average daily load rate over the period, peak daily rate and its load band."""
    district = effective_district(district, scope)
    fac = _facilities()
    if district:
        fac = fac[fac.district_code == district]
    got = _facility_totals(first, last) if first is not None else pd.DataFrame(
        columns=["facility_code", "weight_t", "trips", "peak_t"])
    out = fac.merge(got, left_on="code", right_on="facility_code", how="left")
    out[["weight_t", "trips", "peak_t"]] = out[["weight_t", "trips", "peak_t"]].astype(float).fillna(0.0)
    days = (pd.Timestamp(last) - pd.Timestamp(first)).days + 1 if first is not None else 1
    out["load_rate"] = rw.load_rate(out.weight_t.to_numpy(), out.capacity_t_per_day.to_numpy(), days)
    out["peak_rate"] = rw.load_rate(out.peak_t.to_numpy(), out.capacity_t_per_day.to_numpy())
    out["band"] = [rw.LOAD_BAND_LABELS[i] for i in rw.load_band(out.load_rate.to_numpy())]
    out["district"] = out.district_code.map(district_names())
    return out.drop(columns=["facility_code"]).sort_values("load_rate", ascending=False).reset_index(drop=True)


@versioned(DATASET)
def _daily_rates(first, last, district) -> np.ndarray:
    f = RollupFacilityDay
    stmt = (select((f.weight_t / Facility.capacity_t_per_day).label("rate"))
            .join(Facility, Facility.code == f.facility_code).where(f.day >= first, f.day <= last))
    if district:
        stmt = stmt.where(Facility.district_code == district)
    return read_df(stmt)["rate"].to_numpy(dtype=float)


def facility_daily_rates(first, last, district=None, *, scope=None) -> np.ndarray:
    """Every facility-day's load rate in the period: the distribution the histogram shows."""
    if first is None:
        return np.array([], dtype=float)
    return _daily_rates(first, last, effective_district(district, scope))


# ------------------------------------------------------------------------------------------ 238 warnings
@versioned(DATASET)
def _warning_rollup() -> pd.DataFrame:
    return _typed(read_df(select(RollupWarning)), "month")


def warning_summary(first, last, district=None, *, scope=None) -> pd.DataFrame:
    """Per warning kind (all four, in order): raised, handled, handling rate and mean hours to handle."""
    df = _between(_warning_rollup(), "month", first, last, effective_district(district, scope))
    out = df.groupby("kind")[["raised", "handled", "handling_hours"]].sum().reindex(WARNING_KINDS, fill_value=0)
    out = out.rename_axis("kind").reset_index()
    out["handled_rate"] = out.handled / out.raised.where(out.raised > 0)
    out["mean_hours"] = out.handling_hours / out.handled.where(out.handled > 0)
    return out


def warnings_monthly(first, last, district=None, *, scope=None) -> pd.DataFrame:
    """Warnings raised per month (rows) and kind (columns)."""
    df = _between(_warning_rollup(), "month", first, last, effective_district(district, scope))
    out = df.pivot_table(index="month", columns="kind", values="raised", aggfunc="sum", fill_value=0)
    return out.reindex(columns=WARNING_KINDS, fill_value=0).sort_index()


def warnings_by_district(first, last, *, scope=None) -> pd.DataFrame:
    """Warnings raised per district and kind, with the total and the rate per 1,000 trips."""
    df = _between(_warning_rollup(), "month", first, last, effective_district(None, scope))
    out = df.pivot_table(index="district_code", columns="kind", values="raised", aggfunc="sum", fill_value=0)
    out = out.reindex(columns=WARNING_KINDS, fill_value=0)
    out["total"] = out.sum(axis=1)
    trips = volume_by_district(first, last, scope=scope).set_index("district_code")["trips"]
    out["per_1000_trips"] = out["total"] / trips.reindex(out.index) * 1000
    return _in_order(out.reset_index())


@versioned(DATASET, "reference")
def _warning_points(first, last, district, n: int) -> pd.DataFrame:
    w = SupervisionWarning
    counts = (select(w.point_code, func.count().label("warnings"),
                     func.count(w.handled_at).label("handled"))
              .where(w.month >= first, w.month <= last).group_by(w.point_code))
    if district:
        counts = counts.where(w.district_code == district)
    sub = counts.order_by(func.count().desc(), w.point_code).limit(n).subquery()
    stmt = (select(sub.c.point_code, CollectionPoint.name, CollectionPoint.district_code, Street.name.label("street"),
                   sub.c.warnings, sub.c.handled)
            .join(CollectionPoint, CollectionPoint.code == sub.c.point_code)
            .join(Street, Street.code == CollectionPoint.street_code)
            .order_by(sub.c.warnings.desc(), sub.c.point_code))
    return read_df(stmt)


def warning_points(first, last, district=None, *, scope=None, n: int = 10) -> pd.DataFrame:
    """The points with the most warnings in the period."""
    if first is None:
        return pd.DataFrame(columns=["point_code", "name", "district_code", "street", "warnings", "handled"])
    month0 = pd.Timestamp(first).to_period("M").to_timestamp().date()
    return _warning_points(month0, last, effective_district(district, scope), n)


@versioned(DATASET, "reference")
def _recent_warnings(district, limit: int) -> pd.DataFrame:
    w = SupervisionWarning
    stmt = (select(w.raised_at, w.kind, w.level, w.point_code, CollectionPoint.name.label("point"),
                   w.district_code, w.detail, w.handled_at)
            .join(CollectionPoint, CollectionPoint.code == w.point_code)
            .order_by(w.raised_at.desc()).limit(limit))
    if district:
        stmt = stmt.where(w.district_code == district)
    df = read_df(stmt)
    df["district"] = df.district_code.map(district_names())
    return df


def recent_warnings(district=None, *, scope=None, limit: int = 200) -> pd.DataFrame:
    """The newest warnings with their handling state."""
    return _recent_warnings(effective_district(district, scope), limit)


# ------------------------------------------------------------------------------------------ 241 violations
@versioned(DATASET)
def _violation_rollup() -> pd.DataFrame:
    return _typed(read_df(select(RollupViolation)), "month")


@versioned(DATASET)
def _company_names() -> dict[str, str]:
    df = read_df(select(Company.code, Company.name))
    return dict(zip(df.code, df.name))


def violation_summary(first, last, district=None, *, scope=None) -> pd.DataFrame:
    """Violations per kind (all four, in order)."""
    df = _between(_violation_rollup(), "month", first, last, effective_district(district, scope))
    out = df.groupby("kind")["violations"].sum().reindex(VIOLATION_KINDS, fill_value=0)
    return out.rename_axis("kind").reset_index()


def violations_monthly(first, last, district=None, *, scope=None) -> pd.DataFrame:
    """Violations per month (rows) and kind (columns)."""
    df = _between(_violation_rollup(), "month", first, last, effective_district(district, scope))
    out = df.pivot_table(index="month", columns="kind", values="violations", aggfunc="sum", fill_value=0)
    return out.reindex(columns=VIOLATION_KINDS, fill_value=0).sort_index()


def violations_by_district(first, last, *, scope=None) -> pd.DataFrame:
    """Violations per district and kind, with the total."""
    df = _between(_violation_rollup(), "month", first, last, effective_district(None, scope))
    out = df.pivot_table(index="district_code", columns="kind", values="violations", aggfunc="sum", fill_value=0)
    out = out.reindex(columns=VIOLATION_KINDS, fill_value=0)
    out["total"] = out.sum(axis=1)
    return _in_order(out.reset_index())


def violations_by_company(first, last, district=None, *, scope=None, n: int = 15) -> pd.DataFrame:
    """The ``n`` companies with the most violations, with counts per kind."""
    df = _between(_violation_rollup(), "month", first, last, effective_district(district, scope))
    out = df.pivot_table(index="company_code", columns="kind", values="violations", aggfunc="sum", fill_value=0)
    out = out.reindex(columns=VIOLATION_KINDS, fill_value=0)
    out["total"] = out.sum(axis=1)
    out = out.reset_index().sort_values(["total", "company_code"], ascending=[False, True]).head(n)
    out["company"] = out.company_code.map(_company_names())
    return out.reset_index(drop=True)


@versioned(DATASET)
def _violations_by_vehicle(first, last, district, n: int) -> pd.DataFrame:
    v = Violation
    stmt = (select(v.vehicle_plate, func.count().label("total"), func.min(v.company_code).label("company_code"))
            .where(v.month >= first, v.month <= last).group_by(v.vehicle_plate)
            .order_by(func.count().desc(), v.vehicle_plate).limit(n))
    if district:
        stmt = stmt.where(v.district_code == district)
    top = read_df(stmt)
    if top.empty:
        return top.assign(registered=pd.Series(dtype=bool), main_kind=pd.Series(dtype=str))
    kinds = read_df(select(v.vehicle_plate, v.kind, func.count().label("n"))
                    .where(v.month >= first, v.month <= last, v.vehicle_plate.in_(top.vehicle_plate.tolist()))
                    .group_by(v.vehicle_plate, v.kind))
    main = kinds.sort_values("n", ascending=False).drop_duplicates("vehicle_plate").set_index("vehicle_plate")["kind"]
    registered = set(read_df(select(Vehicle.plate).where(Vehicle.plate.in_(top.vehicle_plate.tolist()))).plate)
    top["main_kind"] = top.vehicle_plate.map(main)
    top["registered"] = top.vehicle_plate.isin(registered)
    top["company"] = top.company_code.map(_company_names())
    return top


def violations_by_vehicle(first, last, district=None, *, scope=None, n: int = 20) -> pd.DataFrame:
    """The ``n`` vehicles with the most violations: plate, total, commonest kind, registered or not, company."""
    if first is None:
        return pd.DataFrame(columns=["vehicle_plate", "total", "company_code", "main_kind", "registered", "company"])
    month0 = pd.Timestamp(first).to_period("M").to_timestamp().date()
    return _violations_by_vehicle(month0, last, effective_district(district, scope), n)
