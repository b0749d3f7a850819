"""Renovation waste (装修垃圾): collection points, transport companies and vehicles, sorting and disposal
facilities, transport trips (清运), supervision warnings, transport violations, and the boards' rollups.

A trip is one clearance of one collection point: requested (the point reports full or a resident asks),
cleared (the vehicle loads and leaves the point), arrived and weighed at a facility. Warnings and violations
are derived from trips by the rules in ``analytics.renovation_waste`` (illegal dumping is reported by
patrols and cameras instead). The rollups are what the six board pages read at city scale.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, case, delete, func,
                        insert, select)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from db import Base

POINT_KINDS = ["小区投放点", "临时堆放点", "街镇中转点"]
FACILITY_KINDS = ["分拣中心", "资源化利用厂"]
WARNING_KINDS = ["满溢", "清运超时", "偷倒乱倒", "未称重"]
VIOLATION_KINDS = ["偏离路线", "未备案车辆", "超载", "违规时段运输"]


class Company(Base):
    """A licensed transport company (清运企业) contracted by a district."""

    __tablename__ = "rw_company"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    licence_no: Mapped[str] = mapped_column(String(32), nullable=False)


class Vehicle(Base):
    """A registered (备案) transport vehicle; trips by plates not listed here are by unregistered vehicles."""

    __tablename__ = "rw_vehicle"

    plate: Mapped[str] = mapped_column(String(16), primary_key=True)
    company_code: Mapped[str] = mapped_column(ForeignKey("rw_company.code"), nullable=False, index=True)
    capacity_t: Mapped[float] = mapped_column(Float, nullable=False)  # rated load


class Facility(Base):
    """A sorting or disposal facility (分拣/资源化利用处置设施) with its design capacity in tonnes a day."""

    __tablename__ = "rw_facility"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    capacity_t_per_day: Mapped[float] = mapped_column(Float, nullable=False)


class CollectionPoint(Base):
    """A collection point (收运点/投放点) where residents bag renovation waste: the ledger (台账) of module 236."""

    __tablename__ = "rw_collection_point"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    street_code: Mapped[str] = mapped_column(ForeignKey("street.code"), nullable=False, index=True)
    address: Mapped[str] = mapped_column(String(128), nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    capacity_t: Mapped[float] = mapped_column(Float, nullable=False)
    company_code: Mapped[str] = mapped_column(ForeignKey("rw_company.code"), nullable=False)
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)


class Trip(Base):
    """One transport trip: a point's clearance request, its clearance (start), arrival (end) and net weight."""

    __tablename__ = "rw_trip"
    __table_args__ = (Index("ix_rw_trip_day_district", "day", "district_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    trip_no: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    point_code: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    company_code: Mapped[str] = mapped_column(String(16), nullable=False)
    vehicle_plate: Mapped[str] = mapped_column(String(16), nullable=False)
    facility_code: Mapped[str] = mapped_column(String(16), nullable=False)
    requested_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    cleared_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)  # loaded at the point: the start
    arrived_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)  # at the facility: the end
    day: Mapped[date] = mapped_column(Date, nullable=False)  # day of clearance
    weight_t: Mapped[float | None] = mapped_column(Float)  # net weight at the weighbridge; None = not weighed
    fill_ratio: Mapped[float | None] = mapped_column(Float)  # the point's fill when it asked, if reported
    deviation_km: Mapped[float | None] = mapped_column(Float)  # farthest distance off the approved route (GPS)


class SupervisionWarning(Base):
    """A supervision warning (预警) on a collection point: overfull, overdue clearance, dumping, not weighed."""

    __tablename__ = "rw_warning"
    __table_args__ = (Index("ix_rw_warning_month_district", "month", "district_code", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    level: Mapped[str] = mapped_column(String(4), nullable=False)  # 一般 较重 严重
    point_code: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    trip_no: Mapped[str | None] = mapped_column(String(24))
    raised_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime)  # None = still open
    detail: Mapped[str] = mapped_column(String(128), nullable=False)


class Violation(Base):
    """A transport violation (运输违规) of a trip, by the detection rules."""

    __tablename__ = "rw_violation"
    __table_args__ = (Index("ix_rw_violation_month_district", "month", "district_code", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    trip_no: Mapped[str] = mapped_column(String(24), nullable=False)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    company_code: Mapped[str] = mapped_column(String(16), nullable=False)
    vehicle_plate: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    detail: Mapped[str] = mapped_column(String(128), nullable=False)


# ------------------------------------------------------------------------------------------ rollups
class RollupDay(Base):
    """Day × district: tonnage (237) and clearance times (239), ~17,500 rows for three years."""

    __tablename__ = "rw_rollup_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    trips: Mapped[int] = mapped_column(Integer, nullable=False)
    weighed: Mapped[int] = mapped_column(Integer, nullable=False)
    weight_t: Mapped[float] = mapped_column(Float, nullable=False)
    clearance_hours: Mapped[float] = mapped_column(Float, nullable=False)  # sum over trips
    within_12h: Mapped[int] = mapped_column(Integer, nullable=False)
    within_24h: Mapped[int] = mapped_column(Integer, nullable=False)
    within_48h: Mapped[int] = mapped_column(Integer, nullable=False)


class RollupFacilityDay(Base):
    """Day × facility: tonnes received, for load rates (240)."""

    __tablename__ = "rw_rollup_facility_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    facility_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    trips: Mapped[int] = mapped_column(Integer, nullable=False)
    weight_t: Mapped[float] = mapped_column(Float, nullable=False)


class RollupWarning(Base):
    """Month × district × kind: warnings raised, handled and the hours to handle them (238)."""

    __tablename__ = "rw_rollup_warning"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    raised: Mapped[int] = mapped_column(Integer, nullable=False)
    handled: Mapped[int] = mapped_column(Integer, nullable=False)
    handling_hours: Mapped[float] = mapped_column(Float, nullable=False)


class RollupViolation(Base):
    """Month × district × company × kind: violations (241)."""

    __tablename__ = "rw_rollup_violation"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    company_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    violations: Mapped[int] = mapped_column(Integer, nullable=False)


class RollupPoint(Base):
    """Per collection point over the whole data: trips, tonnes, clearance hours and the last clearance (236)."""

    __tablename__ = "rw_rollup_point"

    point_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    trips: Mapped[int] = mapped_column(Integer, nullable=False)
    weight_t: Mapped[float] = mapped_column(Float, nullable=False)
    clearance_hours: Mapped[float] = mapped_column(Float, nullable=False)
    last_cleared_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


ROLLUPS = [RollupDay, RollupFacilityDay, RollupWarning, RollupViolation, RollupPoint]


def _hours(conn: Connection, later, earlier):
    """Hours between two timestamps: the one vendor-specific expression, with SQLite's as fallback."""
    if conn.dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 3600.0
    return (func.julianday(later) - func.julianday(earlier)) * 24


def refresh_rollups(conn: Connection, days: list[date] | None = None, points: list[str] | None = None) -> int:
    """Recompute the rollups from the raw rows (everything when ``days`` is None; else the days given, their
    months, and the ``points`` given); returns rows written.

    Runs inside the caller's transaction, so a build or an import and its rollups commit together.
    """
    t, w, v = Trip.__table__, SupervisionWarning.__table__, Violation.__table__
    hours = _hours(conn, t.c.cleared_at, t.c.requested_at)
    within = {f"within_{h}h": func.sum(case((hours <= h, 1), else_=0)) for h in (12, 24, 48)}
    months = sorted({month_of(d) for d in days}) if days is not None else None
    sources = {
        RollupDay: (select(t.c.day, t.c.district_code, func.count().label("trips"),
                           func.count(t.c.weight_t).label("weighed"),
                           func.coalesce(func.sum(t.c.weight_t), 0.0).label("weight_t"),
                           func.sum(hours).label("clearance_hours"),
                           *[expr.label(k) for k, expr in within.items()]).group_by(t.c.day, t.c.district_code),
                    t.c.day, days),
        RollupFacilityDay: (select(t.c.day, t.c.facility_code, func.count().label("trips"),
                                   func.coalesce(func.sum(t.c.weight_t), 0.0).label("weight_t"))
                            .group_by(t.c.day, t.c.facility_code), t.c.day, days),
        RollupWarning: (select(w.c.month, w.c.district_code, w.c.kind, func.count().label("raised"),
                               func.count(w.c.handled_at).label("handled"),
                               func.coalesce(func.sum(_hours(conn, w.c.handled_at, w.c.raised_at)), 0.0)
                               .label("handling_hours")).group_by(w.c.month, w.c.district_code, w.c.kind),
                        w.c.month, months),
        RollupViolation: (select(v.c.month, v.c.district_code, v.c.company_code, v.c.kind,
                                 func.count().label("violations"))
                          .group_by(v.c.month, v.c.district_code, v.c.company_code, v.c.kind), v.c.month, months),
        RollupPoint: (select(t.c.point_code, func.count().label("trips"),
                             func.coalesce(func.sum(t.c.weight_t), 0.0).label("weight_t"),
                             func.sum(hours).label("clearance_hours"),
                             func.max(t.c.cleared_at).label("last_cleared_at")).group_by(t.c.point_code),
                      t.c.point_code, points if days is not None else None),
    }
    written = 0
    for rollup, (source, key, only) in sources.items():
        table = rollup.__table__
        stmt_delete = delete(table)
        if days is not None:
            if not only:
                continue
            stmt_delete = stmt_delete.where(table.c[key.name].in_(only))
            source = source.where(key.in_(only))
        conn.execute(stmt_delete)
        cols = [c.name for c in source.selected_columns]
        written += conn.execute(insert(table).from_select(cols, source)).rowcount or 0
    return written


def month_of(moment: datetime | date) -> date:
    """The first day of ``moment``'s month (the monthly rollups' grain)."""
    return date(moment.year, moment.month, 1)
