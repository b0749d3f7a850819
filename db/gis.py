"""GIS layers maintained by the districts (module 31): features, their versions, proposed changes, and the
point-grid pyramid that lets a map show 1.5 million points as a few hundred cells.

A district GIS editor never writes ``gis_feature`` directly: an edit is a ``gis_change`` (create, update or
delete) against the feature's version at the time of editing; the city GIS administrator publishes it, which
writes the feature, appends a ``gis_feature_version`` row (before and after) and adjusts the grid. A change
whose base version is no longer current is a conflict and is refused, so no edit is ever lost silently.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import (Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint,
                        cast, delete, func, insert, literal, select)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from db import Base

DATASET = "gis"
# Grid pyramid: level k has square cells of GRID_BASE_DEG / 2**k degrees; the map picks the level whose cell is
# about 40 px at the current zoom (layers/catalog.py).
GRID_BASE_DEG = 0.2
GRID_LEVELS = 8
CHANGE_STATUSES = ["待审核", "已发布", "已驳回", "冲突"]
CHANGE_ACTIONS = {"create": "新增", "update": "修改", "delete": "删除"}


class Feature(Base):
    """One feature of an editable layer, at its current published version."""

    __tablename__ = "gis_feature"
    __table_args__ = (
        UniqueConstraint("layer", "code", name="uq_gis_feature_layer_code"),
        Index("ix_gis_feature_layer_lon_lat", "layer", "lon", "lat"),
        Index("ix_gis_feature_layer_district", "layer", "district_code"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    layer: Mapped[str] = mapped_column(String(32), nullable=False)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False)
    street_code: Mapped[str | None] = mapped_column(ForeignKey("street.code"))
    geom_type: Mapped[str] = mapped_column(String(16), nullable=False)  # Point, Polygon, LineString
    geometry: Mapped[str | None] = mapped_column(Text)  # GeoJSON geometry for non-points; None for points
    lon: Mapped[float] = mapped_column(Float, nullable=False)  # the point, or a representative point inside
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    properties: Mapped[str] = mapped_column(Text, nullable=False, default="{}")  # JSON object
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class FeatureVersion(Base):
    """A feature as it was after each published change (version 1 = as created or loaded)."""

    __tablename__ = "gis_feature_version"
    __table_args__ = (UniqueConstraint("feature_id", "version", name="uq_gis_feature_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    feature_id: Mapped[int] = mapped_column(ForeignKey("gis_feature.id"), nullable=False, index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)  # create, update, delete, rollback
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    geom_type: Mapped[str] = mapped_column(String(16), nullable=False)
    geometry: Mapped[str | None] = mapped_column(Text)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    properties: Mapped[str] = mapped_column(Text, nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    change_id: Mapped[int | None] = mapped_column(ForeignKey("gis_change.id"))
    by: Mapped[str] = mapped_column(String(64), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class Change(Base):
    """An edit proposed by a district editor, waiting for (or past) the city administrator's review."""

    __tablename__ = "gis_change"
    __table_args__ = (Index("ix_gis_change_status", "status", "submitted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    layer: Mapped[str] = mapped_column(String(32), nullable=False)
    action: Mapped[str] = mapped_column(String(8), nullable=False)  # create, update, delete
    feature_id: Mapped[int | None] = mapped_column(ForeignKey("gis_feature.id"), index=True)
    base_version: Mapped[int | None] = mapped_column(Integer)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False)
    name: Mapped[str | None] = mapped_column(String(120))
    geom_type: Mapped[str | None] = mapped_column(String(16))
    geometry: Mapped[str | None] = mapped_column(Text)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    properties: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), nullable=False, default="待审核")
    submitted_by: Mapped[str] = mapped_column(String(64), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    reviewed_by: Mapped[str | None] = mapped_column(String(64))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)
    comment: Mapped[str | None] = mapped_column(String(255))


class PointGrid(Base):
    """Count and centroid of a layer's live features per grid cell and level (see ``GRID_BASE_DEG``)."""

    __tablename__ = "gis_point_grid"

    layer: Mapped[str] = mapped_column(String(32), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, primary_key=True)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    lon_sum: Mapped[float] = mapped_column(Float, nullable=False)
    lat_sum: Mapped[float] = mapped_column(Float, nullable=False)


def cell_size(level: int) -> float:
    """Side of a grid cell at ``level``, in degrees."""
    return GRID_BASE_DEG / (2 ** level)


def refresh_grid(conn: Connection, layer: str) -> None:
    """Rebuild the grid pyramid of ``layer`` from its live features (after a bulk load)."""
    conn.execute(delete(PointGrid).where(PointGrid.layer == layer))
    live = (Feature.layer == layer) & (Feature.deleted.is_(False))
    for level in range(GRID_LEVELS):
        size = cell_size(level)
        cx = cast(func.floor(Feature.lon / size), Integer)
        cy = cast(func.floor(Feature.lat / size), Integer)
        rows = (select(Feature.layer, literal(level, Integer), cx, cy, func.count(), func.sum(Feature.lon),
                       func.sum(Feature.lat)).where(live).group_by(Feature.layer, cx, cy))
        conn.execute(insert(PointGrid).from_select(["layer", "level", "cx", "cy", "count", "lon_sum", "lat_sum"], rows))
