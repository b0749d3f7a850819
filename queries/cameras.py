"""Reads of the camera layer (module 33), district scope applied on the server."""
from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from db.cameras import DATASET, Camera
from db.reference import District, Street
from queries import read_df, versioned
from queries.reference import effective_district


def cameras(district: str | None = None, kinds: list[str] | None = None, status: str | None = None, *,
            scope: str | None = None) -> pd.DataFrame:
    """Cameras with their district and street names, filtered; a district user gets their district's."""
    return _cameras(effective_district(district, scope), tuple(sorted(kinds or ())), status or None)


@versioned(DATASET, "reference")
def _cameras(district: str | None, kinds: tuple, status: str | None) -> pd.DataFrame:
    stmt = (select(Camera.code, Camera.name, Camera.kind, Camera.status, Camera.stream_url, Camera.lon, Camera.lat,
                   Camera.district_code, District.name.label("district"), Street.name.label("street"))
            .join(District, District.code == Camera.district_code)
            .outerjoin(Street, Street.code == Camera.street_code).order_by(Camera.code))
    if district:
        stmt = stmt.where(Camera.district_code == district)
    if kinds:
        stmt = stmt.where(Camera.kind.in_(kinds))
    if status:
        stmt = stmt.where(Camera.status == status)
    return read_df(stmt)


def camera(code: str, *, scope: str | None = None) -> dict | None:
    """One camera as a dict (None when unknown or outside the user's district)."""
    df = cameras(scope=scope)
    row = df[df["code"] == code]
    return None if row.empty else row.iloc[0].to_dict()
