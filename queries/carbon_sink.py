"""Reads of the carbon sink board (217–222): per-round rollups with the regulating services, roads, map cells.

Every function takes ``scope`` (the user's district, None for the whole city): a district-scoped user only
ever gets rows of their district, whatever the filters ask for. The services (cooling, humidity,
interception, dust) are computed by ``analytics.carbon_sink`` from the leaf and crown areas the database sums
per species and site, and the results are memoised per data version and filters.
"""
from __future__ import annotations

import json
import math

import pandas as pd
from shapely.geometry import shape
from sqlalchemy import func, select

from analytics import carbon_sink as cs
from db.carbon_sink import CELL_DEG, MonitoringRound, RollupCell, RollupRoad, RollupStreet
from db.reference import District, Street
from queries import read_df, versioned
from queries.reference import effective_district

DATASET = "carbon_sink"
SUMS = ["trees", "dbh_sum", "carbon_kg", "seq_c_kg", "seq_measured", "crown_area_m2", "leaf_area_m2"]
SERVICES = ["transpiration_t", "cooling_mj", "ac_kwh", "humidifier_kwh", "interception_m3", "runoff_avoided_m3",
            "pm25_kg", "pm10_kg"]
KM_PER_DEG_LAT = 111.32


@versioned(DATASET)
def rounds() -> pd.DataFrame:
    """Monitoring rounds (round_no, name, surveyed_on), oldest first."""
    return read_df(select(MonitoringRound.round_no, MonitoringRound.name, MonitoringRound.surveyed_on)
                   .order_by(MonitoringRound.round_no))


def latest_round() -> int | None:
    """The newest monitoring round, None before any data."""
    r = rounds()
    return None if r.empty else int(r.round_no.max())


@versioned(DATASET)
def _grouped(keys: tuple[str, ...], round_no: int | None, site: str | None, district: str | None,
             services: bool = True) -> pd.DataFrame:
    """Sums (and, with ``services``, the regulating services) of the street rollup grouped by ``keys``.

    For the services the database groups by the keys plus species and site, the services are computed per
    species and site on that, then summed to the keys: exact, because every service is linear in leaf area
    within a species and site. Without them the database groups by the keys alone: city-wide per street that
    is ~200 rows instead of ~40,000 (the storage and sequestration pages need no services).
    """
    t = RollupStreet.__table__
    fine = list(dict.fromkeys([*keys, "species", "site"])) if services else list(keys)
    stmt = select(*[t.c[k] for k in fine], *[func.sum(t.c[c]).label(c) for c in SUMS])
    if round_no is not None:
        stmt = stmt.where(t.c.round_no == int(round_no))
    if site:
        stmt = stmt.where(t.c.site == site)
    if district:
        stmt = stmt.where(t.c.district_code == district)
    df = read_df(stmt.group_by(*[t.c[k] for k in fine]) if fine else stmt)
    columns = SUMS + SERVICES if services else SUMS
    if df.empty or (not fine and pd.isna(df["trees"].iloc[0])):
        return pd.DataFrame({**{k: pd.Series(dtype=object) for k in keys},
                             **{c: pd.Series(dtype="float64") for c in columns}})
    df[SUMS] = df[SUMS].astype("float64")
    if not services:
        return df
    df = cs.services(df)
    if not keys:
        return df[SUMS + SERVICES].sum().to_frame().T
    return df.groupby(list(keys), as_index=False)[SUMS + SERVICES].sum()


@versioned("reference")
def _district_names() -> dict[str, str]:
    df = read_df(select(District.code, District.name).order_by(District.sort_order))
    return dict(zip(df.code, df.name))


@versioned("reference")
def _street_table() -> pd.DataFrame:
    """Streets with name, district and the area (km²) of their approximate cell."""
    df = read_df(select(Street.code, Street.name, Street.district_code, Street.boundary))
    df["area_km2"] = [_area_km2(b) for b in df.boundary]
    return df.drop(columns="boundary")


def _area_km2(boundary: str | None) -> float:
    """Area of a WGS84 GeoJSON polygon in km², on a local equirectangular projection (ample for density)."""
    if not boundary:
        return float("nan")
    geom = shape(json.loads(boundary))
    lat = geom.centroid.y
    return geom.area * KM_PER_DEG_LAT ** 2 * math.cos(math.radians(lat))


def _with_derived(out: pd.DataFrame, price: float | None = None) -> pd.DataFrame:
    """Tonnes, CO₂, averages and value from summed kilograms (per group)."""
    out["carbon_t"] = out["carbon_kg"] / 1000.0
    out["co2_t"] = cs.co2_from_carbon(out["carbon_t"].to_numpy(dtype="float64"))
    out["seq_co2_t"] = cs.co2_from_carbon(out["seq_c_kg"].to_numpy(dtype="float64") / 1000.0)
    out["seq_value_yuan"] = cs.carbon_value_yuan(out["seq_co2_t"].to_numpy(dtype="float64"), price)
    trees = out["trees"].astype("float64").where(out["trees"] > 0)
    out["avg_dbh_cm"] = out["dbh_sum"] / trees
    out["carbon_per_tree_kg"] = out["carbon_kg"] / trees
    out["measured_share"] = out["seq_measured"] / trees
    return out


def breakdown(by: list[str], round_no=None, site=None, district=None, *, scope=None,
              price: float | None = None, services: bool = True) -> pd.DataFrame:
    """Sums, services (unless ``services`` is False) and derived figures grouped by ``by`` (any of round_no,
    district_code, street_code, species, site), largest carbon first except for rounds (in order)."""
    out = _with_derived(_grouped(tuple(by), round_no, site, effective_district(district, scope), services).copy(),
                        price)
    if by == ["round_no"]:
        return out.sort_values("round_no").reset_index(drop=True)
    return out.sort_values("carbon_kg", ascending=False).reset_index(drop=True)


def summary(round_no, site=None, district=None, *, scope=None, price: float | None = None,
            services: bool = True) -> dict:
    """Totals for the filters as one dict (zeros when nothing matches)."""
    row = _grouped((), round_no, site, effective_district(district, scope), services).copy()
    if row.empty:
        row = pd.DataFrame([{c: 0.0 for c in (SUMS + SERVICES if services else SUMS)}])
    return _with_derived(row.astype("float64"), price).iloc[0].fillna(0.0).to_dict()


def by_district(round_no, site=None, *, scope=None, price: float | None = None,
                services: bool = True) -> pd.DataFrame:
    """Per district (code, name, …) for the round, in the official order."""
    out = breakdown(["district_code"], round_no, site, None, scope=scope, price=price, services=services)
    names = _district_names()
    out["name"] = out["district_code"].map(names)
    order = {c: i for i, c in enumerate(names)}
    return out.sort_values("district_code", key=lambda s: s.map(order)).reset_index(drop=True)


def by_street(district, round_no, site=None, *, scope=None, price: float | None = None,
              services: bool = True) -> pd.DataFrame:
    """Per street of one district: names, sums and trees per km² of the street's approximate cell."""
    district = effective_district(district, scope)
    out = breakdown(["street_code"], round_no, site, district, scope=scope, price=price, services=services)
    streets = _street_table().set_index("code")
    out["street"] = out["street_code"].map(streets["name"])
    out["district_code"] = out["street_code"].map(streets["district_code"])
    out["area_km2"] = out["street_code"].map(streets["area_km2"])
    out["density_per_km2"] = out["trees"] / out["area_km2"].where(out["area_km2"] > 0)
    return out


def by_species(round_no, site=None, district=None, *, scope=None, price: float | None = None,
               services: bool = True) -> pd.DataFrame:
    """Per species, largest carbon first."""
    return breakdown(["species"], round_no, site, district, scope=scope, price=price, services=services)


def trend(site=None, district=None, *, scope=None, price: float | None = None,
          services: bool = True) -> pd.DataFrame:
    """Per monitoring round (the trend across rounds), with the round's name."""
    out = breakdown(["round_no"], None, site, district, scope=scope, price=price, services=services)
    names = rounds().set_index("round_no")["name"]
    out["round"] = out["round_no"].map(names)
    return out


@versioned(DATASET)
def _road_rollup(round_no: int) -> pd.DataFrame:
    return read_df(select(RollupRoad).where(RollupRoad.round_no == round_no))


def top_roads(round_no, district=None, *, scope=None, n: int = 10, by: str = "carbon_kg") -> pd.DataFrame:
    """The ``n`` roads with the most stored carbon (or ``by``) in the round, with their district's name."""
    if round_no is None:
        return pd.DataFrame(columns=["road", "district_code", "district", *SUMS])
    df = _road_rollup(int(round_no))
    district = effective_district(district, scope)
    if district:
        df = df[df.district_code == district]
    out = _with_derived(df.copy()).sort_values(by, ascending=False).head(n).reset_index(drop=True)
    out["district"] = out["district_code"].map(_district_names())
    return out


def monthly_interception(round_no, site=None, district=None, *, scope=None) -> pd.DataFrame:
    """Rain intercepted and runoff avoided per month (m³) over the rainfall normals, summed over sites."""
    by_site = breakdown(["site"], round_no, site, district, scope=scope)
    months = []
    for row in by_site.itertuples():
        m = cs.interception_monthly_m3(row.leaf_area_m2, row.crown_area_m2)
        m["runoff_avoided_m3"] = cs.avoided_runoff_m3(m["intercepted_m3"].to_numpy(), row.site)
        months.append(m)
    if not months:
        m = cs.interception_monthly_m3(0.0, 0.0)
        m["runoff_avoided_m3"] = 0.0
        return m
    out = pd.concat(months).groupby("month", as_index=False).agg(
        rainfall_mm=("rainfall_mm", "first"), intercepted_m3=("intercepted_m3", "sum"),
        runoff_avoided_m3=("runoff_avoided_m3", "sum"))
    return out


@versioned(DATASET)
def _cells(round_no: int) -> pd.DataFrame:
    return read_df(select(RollupCell).where(RollupCell.round_no == round_no))


def cell_size_deg(zoom: float | None) -> float:
    """Aggregation cell for a map zoom: 0.01° at zoom ≥ 13, doubling per zoom level below (0.16° at 9)."""
    z = 9 if zoom is None else int(zoom)
    return CELL_DEG * 2 ** max(0, min(13 - z, 6))


def clusters(round_no, zoom=None, bounds=None, district=None, *, scope=None) -> pd.DataFrame:
    """Trees aggregated to map cells for the zoom (lon, lat centroid, trees, carbon_t), limited to ``bounds``
    ([[south, west], [north, east]]) when given: the browser never receives one point per tree."""
    cols = ["lon", "lat", "trees", "carbon_t"]
    if round_no is None:
        return pd.DataFrame(columns=cols)
    df = _cells(int(round_no))
    district = effective_district(district, scope)
    if district:
        df = df[df.district_code == district]
    if df.empty:
        return pd.DataFrame(columns=cols)
    factor = int(round(cell_size_deg(zoom) / CELL_DEG))
    gx, gy = df.cell_x // factor, df.cell_y // factor
    out = (df.assign(gx=gx, gy=gy).groupby(["gx", "gy"], as_index=False)[["trees", "carbon_kg", "lon_sum", "lat_sum"]]
           .sum())
    out["lon"], out["lat"] = out.lon_sum / out.trees, out.lat_sum / out.trees
    out["carbon_t"] = out.carbon_kg / 1000.0
    if bounds:
        (south, west), (north, east) = bounds
        out = out[(out.lat >= south) & (out.lat <= north) & (out.lon >= west) & (out.lon <= east)]
    return out[cols].reset_index(drop=True)


def cluster_geojson(frame: pd.DataFrame) -> dict:
    """Cluster rows as a GeoJSON FeatureCollection of points with ``trees``, ``carbon_t`` and a tooltip."""
    lon, lat = frame["lon"].to_numpy(dtype="float64"), frame["lat"].to_numpy(dtype="float64")
    trees, carbon = frame["trees"].to_numpy(dtype="int64"), frame["carbon_t"].to_numpy(dtype="float64")
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [round(float(x), 5), round(float(y), 5)]},
         "properties": {"trees": int(n), "carbon_t": round(float(c), 1),
                        "tooltip": f"{int(n):,} 株，碳储量 {float(c):,.1f} 吨"}}
        for x, y, n, c in zip(lon, lat, trees, carbon)]}


def site_options() -> list[dict]:
    """Site kinds for the filter (value = key, label = Chinese)."""
    return [{"label": label, "value": key} for key, label in cs.SITE_LABELS.items()]


def district_density(round_no, site=None, *, scope=None) -> pd.DataFrame:
    """Trees per km² of each district (for the city-level choropleth)."""
    out = by_district(round_no, site, scope=scope)
    area = read_district_areas()
    out["density_per_km2"] = out["trees"] / out["district_code"].map(area)
    return out


@versioned("reference")
def read_district_areas() -> dict[str, float]:
    """District areas (km²) by code."""
    df = read_df(select(District.code, District.area_km2))
    return dict(zip(df.code, df.area_km2.astype(float)))

