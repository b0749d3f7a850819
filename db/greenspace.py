"""Green-space construction (绿建, modules 226–229): construction projects of four programmes, maintenance sites
and their patrols with the problems found, supervision events, and the rollups the board reads.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    case,
    delete,
    distinct,
    func,
    insert,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from db import Base

PROGRAMS = ["环城生态公园带", "重点绿地", "大型居住社区绿地", "滨江绿地"]
PROJECT_STATUSES = ["前期", "在建", "完工", "已开放"]
PROBLEM_TYPES = ["枯死缺株", "病虫害", "杂草丛生", "设施损坏", "垃圾杂物", "积水", "修剪不到位", "土壤裸露"]
EVENT_TYPES = ["毁绿占绿", "养护不到位", "施工围挡不规范", "树木倒伏隐患", "设施破损", "违规种植", "扬尘污染",
               "进度滞后"]
EVENT_SOURCES = ["日常巡查", "市民投诉", "12345转办", "媒体曝光", "上级交办"]
EVENT_STATUSES = ["待处置", "处置中", "已办结", "已核查"]


class Project(Base):
    """A green-space construction project (绿地建设项目) of one programme, with its outline and progress."""

    __tablename__ = "greenspace_project"
    __table_args__ = (Index("ix_greenspace_project_program_district", "program", "district_code"),)

    project_no: Mapped[str] = mapped_column(String(24), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    program: Mapped[str] = mapped_column(String(16), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False)
    builder: Mapped[str] = mapped_column(String(64), nullable=False)  # 建设单位
    planned_area_ha: Mapped[float] = mapped_column(Float, nullable=False)
    completed_area_ha: Mapped[float] = mapped_column(Float, nullable=False)
    investment_wan: Mapped[float] = mapped_column(Float, nullable=False)  # 总投资（万元）
    progress: Mapped[float] = mapped_column(Float, nullable=False)  # 0–1, the builder's reported progress
    status: Mapped[str] = mapped_column(String(8), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    planned_end: Mapped[date] = mapped_column(Date, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    boundary: Mapped[str] = mapped_column(Text, nullable=False)


class MaintenanceSite(Base):
    """A green space under contract maintenance (养护点位): what patrol coverage is measured against."""

    __tablename__ = "greenspace_site"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    unit: Mapped[str] = mapped_column(String(64), nullable=False)  # 养护单位
    area_ha: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)


class Patrol(Base):
    """One maintenance patrol (养护巡查) of a site, with the number of problems found."""

    __tablename__ = "greenspace_patrol"
    __table_args__ = (Index("ix_greenspace_patrol_month_district", "month", "district_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    patrol_no: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    site_code: Mapped[str] = mapped_column(ForeignKey("greenspace_site.code"), nullable=False, index=True)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    unit: Mapped[str] = mapped_column(String(64), nullable=False)
    patrol_date: Mapped[date] = mapped_column(Date, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    inspector: Mapped[str] = mapped_column(String(16), nullable=False)
    problems: Mapped[int] = mapped_column(Integer, nullable=False)


class PatrolProblem(Base):
    """A problem found on a patrol, its rectification deadline and when it was put right."""

    __tablename__ = "greenspace_problem"
    __table_args__ = (Index("ix_greenspace_problem_month_district", "month", "district_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    patrol_no: Mapped[str] = mapped_column(String(24), nullable=False, index=True)
    site_code: Mapped[str] = mapped_column(String(16), nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    unit: Mapped[str] = mapped_column(String(64), nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    found_date: Mapped[date] = mapped_column(Date, nullable=False)
    problem_type: Mapped[str] = mapped_column(String(8), nullable=False)
    deadline: Mapped[date] = mapped_column(Date, nullable=False)
    rectified_date: Mapped[date | None] = mapped_column(Date)


class SupervisionEvent(Base):
    """A supervision event (监管事件) on green-space construction or maintenance, and its handling."""

    __tablename__ = "greenspace_event"
    __table_args__ = (
        Index("ix_greenspace_event_month_district", "month", "district_code"),
        Index("ix_greenspace_event_reported", "reported_at"),
        # a district's newest events (district-scoped users, the district filter): no sort of the whole range
        Index("ix_greenspace_event_district_reported", "district_code", "reported_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_no: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    reported_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False)
    event_type: Mapped[str] = mapped_column(String(16), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    unit: Mapped[str] = mapped_column(String(64), nullable=False)  # 责任单位
    status: Mapped[str] = mapped_column(String(8), nullable=False)
    location: Mapped[str] = mapped_column(String(128), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False)
    deadline_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)


class RollupPatrol(Base):
    """Month × district × unit: sites assigned and patrolled, patrols, problems and their rectification."""

    __tablename__ = "greenspace_rollup_patrol"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    sites: Mapped[int] = mapped_column(Integer, nullable=False)
    sites_patrolled: Mapped[int] = mapped_column(Integer, nullable=False)
    patrols: Mapped[int] = mapped_column(Integer, nullable=False)
    problems: Mapped[int] = mapped_column(Integer, nullable=False)
    rectified: Mapped[int] = mapped_column(Integer, nullable=False)
    rectified_on_time: Mapped[int] = mapped_column(Integer, nullable=False)


class RollupProblem(Base):
    """Month × district × problem type: problems found and rectified (the problem-type chart)."""

    __tablename__ = "greenspace_rollup_problem"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    problem_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    problems: Mapped[int] = mapped_column(Integer, nullable=False)
    rectified: Mapped[int] = mapped_column(Integer, nullable=False)


class RollupEvent(Base):
    """Month × district × type × status × unit: supervision events, closed and closed on time."""

    __tablename__ = "greenspace_rollup_event"
    # the primary key leads with month (period filters); a district's rows without a period (unit options)
    __table_args__ = (Index("ix_greenspace_rollup_event_district_month", "district_code", "month"),)

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(16), primary_key=True)
    status: Mapped[str] = mapped_column(String(8), primary_key=True)
    unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    events: Mapped[int] = mapped_column(Integer, nullable=False)
    closed: Mapped[int] = mapped_column(Integer, nullable=False)
    closed_on_time: Mapped[int] = mapped_column(Integer, nullable=False)


def refresh_rollups(conn: Connection) -> int:
    """Recompute the patrol, problem and event rollups from the raw rows (caller's transaction); rows written."""
    written = 0
    for rollup in (RollupPatrol, RollupProblem, RollupEvent):
        conn.execute(delete(rollup.__table__))
    p, pr, s = Patrol.__table__, PatrolProblem.__table__, MaintenanceSite.__table__
    keys = [p.c.month, p.c.district_code, p.c.unit]
    patrols = (select(*keys, func.count(distinct(p.c.site_code)).label("sites_patrolled"),
                      func.count().label("patrols")).group_by(*keys).subquery())
    pkeys = [pr.c.month, pr.c.district_code, pr.c.unit]
    problems = (select(*pkeys, func.count().label("problems"),
                       func.sum(case((pr.c.rectified_date.is_not(None), 1), else_=0)).label("rectified"),
                       func.sum(case((pr.c.rectified_date <= pr.c.deadline, 1), else_=0)).label("rectified_on_time"))
                .group_by(*pkeys).subquery())
    sites = (select(s.c.district_code, s.c.unit, func.count().label("sites"))
             .group_by(s.c.district_code, s.c.unit).subquery())
    src = (select(patrols.c.month, patrols.c.district_code, patrols.c.unit, sites.c.sites,
                  patrols.c.sites_patrolled, patrols.c.patrols, func.coalesce(problems.c.problems, 0),
                  func.coalesce(problems.c.rectified, 0), func.coalesce(problems.c.rectified_on_time, 0))
           .join(sites, (sites.c.district_code == patrols.c.district_code) & (sites.c.unit == patrols.c.unit))
           .outerjoin(problems, (problems.c.month == patrols.c.month)
                      & (problems.c.district_code == patrols.c.district_code) & (problems.c.unit == patrols.c.unit)))
    written += conn.execute(insert(RollupPatrol.__table__).from_select(
        ["month", "district_code", "unit", "sites", "sites_patrolled", "patrols", "problems", "rectified",
         "rectified_on_time"], src)).rowcount or 0

    tkeys = [pr.c.month, pr.c.district_code, pr.c.problem_type]
    src = select(*tkeys, func.count(), func.sum(case((pr.c.rectified_date.is_not(None), 1), else_=0))).group_by(*tkeys)
    written += conn.execute(insert(RollupProblem.__table__).from_select(
        ["month", "district_code", "problem_type", "problems", "rectified"], src)).rowcount or 0

    e = SupervisionEvent.__table__
    ekeys = [e.c.month, e.c.district_code, e.c.event_type, e.c.status, e.c.unit]
    src = select(*ekeys, func.count(), func.sum(case((e.c.closed_at.is_not(None), 1), else_=0)),
                 func.sum(case((e.c.closed_at <= e.c.deadline_at, 1), else_=0))).group_by(*ekeys)
    written += conn.execute(insert(RollupEvent.__table__).from_select(
        ["month", "district_code", "event_type", "status", "unit", "events", "closed", "closed_on_time"],
        src)).rowcount or 0
    return written
