"""Reads of the reference data: districts and their streets and towns."""
from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import case, func, select

from db.reference import District, Street
from queries import read_df, versioned


@versioned("reference")
def districts() -> pd.DataFrame:
    """Districts in their official order: code, name, area_km2, lon, lat and street counts by kind."""
    counts = (
        select(Street.district_code,
               func.count().label("units"),
               func.sum(case((Street.kind == "街道", 1), else_=0)).label("subdistricts"),
               func.sum(case((Street.kind == "镇", 1), else_=0)).label("towns"))
        .group_by(Street.district_code).subquery()
    )
    stmt = (
        select(District.code, District.name, District.area_km2, District.lon, District.lat,
               func.coalesce(counts.c.units, 0).label("units"),
               func.coalesce(counts.c.subdistricts, 0).label("subdistricts"),
               func.coalesce(counts.c.towns, 0).label("towns"))
        .outerjoin(counts, counts.c.district_code == District.code)
        .order_by(District.sort_order)
    )
    df = read_df(stmt)
    for col in ("units", "subdistricts", "towns"):
        df[col] = df[col].astype(int)
    return df


@versioned("reference")
def district_features() -> list[dict]:
    """District boundaries as GeoJSON features with ``code`` and ``name`` properties."""
    rows = read_df(select(District.code, District.name, District.boundary).order_by(District.sort_order))
    return [
        {"type": "Feature", "geometry": json.loads(r.boundary), "properties": {"code": r.code, "name": r.name}}
        for r in rows.itertuples()
    ]


def effective_district(requested: str | None, scope: str | None) -> str | None:
    """The district a query may read: a district-scoped user always gets their own, whatever was asked."""
    return scope or requested


def streets(district_code: str | None = None, *, scope: str | None = None) -> pd.DataFrame:
    """Streets and towns (code, name, district_code, district, kind, lon, lat), optionally of one district;
    ``scope`` (the user's district) overrides the request."""
    return _streets(effective_district(district_code, scope))


@versioned("reference")
def _streets(district_code: str | None) -> pd.DataFrame:
    stmt = (
        select(Street.code, Street.name, Street.district_code, District.name.label("district"),
               Street.kind, Street.lon, Street.lat)
        .join(District, District.code == Street.district_code)
        .order_by(Street.code)
    )
    if district_code:
        stmt = stmt.where(Street.district_code == district_code)
    return read_df(stmt)


@versioned("reference")
def street_features(district_code: str) -> list[dict]:
    """Approximate street cells of one district as GeoJSON features (``approximate: true``)."""
    stmt = (select(Street.code, Street.name, Street.boundary)
            .where(Street.district_code == district_code, Street.boundary.is_not(None))
            .order_by(Street.code))
    return [
        {"type": "Feature", "geometry": json.loads(r.boundary),
         "properties": {"code": r.code, "name": r.name, "approximate": True}}
        for r in read_df(stmt).itertuples()
    ]
