"""Urban-forest carbon sink (园林碳汇): monitored trees, monitoring rounds, DBH measurements and the rollups.

A measurement carries the per-tree results of ``analytics.carbon_sink`` computed when it was written (stored
carbon, the year's sequestration and how it was obtained, crown and leaf area), so every board chart is a
GROUP BY over a rollup. The regulating services (cooling, humidity, interception, dust) are linear in leaf
area per species and site, and are derived from the rollups' leaf and crown areas at read time.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import (Boolean, Date, Float, ForeignKey, Index, Integer, String, delete, func, insert, select,
                        case)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from db import Base

CELL_DEG = 0.01  # the map's finest aggregation cell (about 1 km); coarser zooms merge these on the server


class Tree(Base):
    """A monitored tree (监测树木): species, place (district, street, road, site kind) and planting year."""

    __tablename__ = "carbon_tree"
    __table_args__ = (Index("ix_carbon_tree_district_road", "district_code", "road"),
                      Index("ix_carbon_tree_lon_lat", "lon", "lat"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tree_code: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    species: Mapped[str] = mapped_column(String(16), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    street_code: Mapped[str | None] = mapped_column(ForeignKey("street.code"), index=True)
    road: Mapped[str | None] = mapped_column(String(32))
    site: Mapped[str] = mapped_column(String(8), nullable=False)  # street, park, forest
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    cell_x: Mapped[int] = mapped_column(Integer, nullable=False)  # floor(lon / CELL_DEG)
    cell_y: Mapped[int] = mapped_column(Integer, nullable=False)  # floor(lat / CELL_DEG)
    planted_year: Mapped[int | None] = mapped_column(Integer)


class MonitoringRound(Base):
    """A monitoring round (监测轮次): a campaign measuring DBH across the city."""

    __tablename__ = "carbon_round"

    round_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(32), nullable=False)
    surveyed_on: Mapped[date] = mapped_column(Date, nullable=False)


class Measurement(Base):
    """One tree measured in one round, with the analytics results of that measurement."""

    __tablename__ = "carbon_measurement"
    __table_args__ = (Index("ix_carbon_measurement_round", "round_no"),)

    tree_id: Mapped[int] = mapped_column(ForeignKey("carbon_tree.id"), primary_key=True)
    round_no: Mapped[int] = mapped_column(ForeignKey("carbon_round.round_no"), primary_key=True)
    dbh_cm: Mapped[float] = mapped_column(Float, nullable=False)
    height_m: Mapped[float | None] = mapped_column(Float)
    condition: Mapped[str] = mapped_column(String(4), nullable=False)  # 良好 一般 较差 濒死
    carbon_kg: Mapped[float] = mapped_column(Float, nullable=False)
    seq_c_kg: Mapped[float] = mapped_column(Float, nullable=False)  # kg C a year
    seq_measured: Mapped[bool] = mapped_column(Boolean, nullable=False)  # from two rounds, not modelled
    crown_area_m2: Mapped[float] = mapped_column(Float, nullable=False)
    leaf_area_m2: Mapped[float] = mapped_column(Float, nullable=False)


class _Sums:
    trees: Mapped[int] = mapped_column(Integer, nullable=False)
    dbh_sum: Mapped[float] = mapped_column(Float, nullable=False)
    carbon_kg: Mapped[float] = mapped_column(Float, nullable=False)
    seq_c_kg: Mapped[float] = mapped_column(Float, nullable=False)
    seq_measured: Mapped[int] = mapped_column(Integer, nullable=False)
    crown_area_m2: Mapped[float] = mapped_column(Float, nullable=False)
    leaf_area_m2: Mapped[float] = mapped_column(Float, nullable=False)


class RollupStreet(_Sums, Base):
    """Round × street × species × site: totals per district, street, species and round, and the services."""

    __tablename__ = "carbon_rollup_street"

    round_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    street_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    species: Mapped[str] = mapped_column(String(16), primary_key=True)
    site: Mapped[str] = mapped_column(String(8), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)


class RollupRoad(_Sums, Base):
    """Round × district × road: the road ranking."""

    __tablename__ = "carbon_rollup_road"

    round_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    road: Mapped[str] = mapped_column(String(32), primary_key=True)


class RollupCell(Base):
    """Round × 0.01° cell × district: the clustered tree map (centroid = coordinate sums / trees)."""

    __tablename__ = "carbon_rollup_cell"

    round_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_x: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_y: Mapped[int] = mapped_column(Integer, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    trees: Mapped[int] = mapped_column(Integer, nullable=False)
    carbon_kg: Mapped[float] = mapped_column(Float, nullable=False)
    lon_sum: Mapped[float] = mapped_column(Float, nullable=False)
    lat_sum: Mapped[float] = mapped_column(Float, nullable=False)


def _sums(m) -> dict:
    return {
        "trees": func.count(),
        "dbh_sum": func.sum(m.c.dbh_cm),
        "carbon_kg": func.sum(m.c.carbon_kg),
        "seq_c_kg": func.sum(m.c.seq_c_kg),
        "seq_measured": func.sum(case((m.c.seq_measured.is_(True), 1), else_=0)),
        "crown_area_m2": func.sum(m.c.crown_area_m2),
        "leaf_area_m2": func.sum(m.c.leaf_area_m2),
    }


def refresh_rollups(conn: Connection, rounds: list[int] | None = None) -> int:
    """Recompute the rollups of ``rounds`` (all when None) from trees and measurements; returns rows written.

    Runs inside the caller's transaction, so a build or an import commits its rollups with its rows.
    """
    t, m = Tree.__table__, Measurement.__table__
    joined = m.join(t, t.c.id == m.c.tree_id)
    written = 0
    specs = [
        (RollupStreet, [t.c.street_code, t.c.species, t.c.site, t.c.district_code], _sums(m), t.c.street_code),
        (RollupRoad, [t.c.district_code, t.c.road], _sums(m), t.c.road),
        (RollupCell, [t.c.cell_x, t.c.cell_y, t.c.district_code],
         {"trees": func.count(), "carbon_kg": func.sum(m.c.carbon_kg), "lon_sum": func.sum(t.c.lon),
          "lat_sum": func.sum(t.c.lat)}, None),
    ]
    for rollup, keys, values, not_null in specs:
        table = rollup.__table__
        source = select(m.c.round_no, *keys, *[v.label(k) for k, v in values.items()]).select_from(joined)
        stmt_delete = delete(table)
        if rounds is not None:
            source = source.where(m.c.round_no.in_(rounds))
            stmt_delete = stmt_delete.where(table.c.round_no.in_(rounds))
        if not_null is not None:
            source = source.where(not_null.is_not(None))
        source = source.group_by(m.c.round_no, *keys)
        conn.execute(stmt_delete)
        cols = ["round_no", *[k.name for k in keys], *values.keys()]
        written += conn.execute(insert(table).from_select(cols, source)).rowcount or 0
    return written
