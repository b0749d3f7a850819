"""Civilized units (文明单位) subsystem, modules 1-19: cycles, units, the indicator system, applications
with their self-assessment, evidence, reviews and negative-list consultation, the registry, award
decisions, inspections and symposia, and the per-indicator score rollup of the evaluation statistics.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text,
                        UniqueConstraint, delete, func, insert, select)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from db import Base, StoredFile

DATASET = "civilized"
NATURES = {"industry": "两性单位（行业单位）", "direct": "直属单位"}
KINDS = {"new": "新申报", "review": "年审"}
LEVELS = ["局级"]
REMOVAL_REASONS = {"upgrade": "升级（市级及以上）", "disqualified": "取消资格", "eliminated": "复评淘汰"}
EFFECTS = {"veto": "一票否决", "deduction": "扣分"}
RECORD_KINDS = {"inspection": "现场检查", "symposium": "座谈会"}


class Cycle(Base):
    """A three-year evaluation cycle with its pre-application window, quota and elimination rule."""

    __tablename__ = "civ_cycle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    start_year: Mapped[int] = mapped_column(Integer, nullable=False)
    pre_open_from: Mapped[date | None] = mapped_column(Date)
    pre_open_to: Mapped[date | None] = mapped_column(Date)
    eligible_natures: Mapped[str] = mapped_column(String(64), nullable=False, default="industry,direct")
    quota: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    elimination_ratio: Mapped[float] = mapped_column(Float, nullable=False, default=0.1)
    elimination_threshold: Mapped[float | None] = mapped_column(Float)
    association_weight: Mapped[float] = mapped_column(Float, nullable=False, default=0.4)
    pre_open: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    formal_open: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Association(Base):
    """An industry association (行业协会): first-tier reviewer of its industry's units."""

    __tablename__ = "civ_association"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    industry: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    account: Mapped[str | None] = mapped_column(String(64), index=True)


class Department(Base):
    """A department consulted on the negative list (discipline, safety, complaints …)."""

    __tablename__ = "civ_department"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    account: Mapped[str | None] = mapped_column(String(64), index=True)


class Unit(Base):
    """A unit of the sector that may apply: its nature decides the review path."""

    __tablename__ = "civ_unit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    credit_code: Mapped[str] = mapped_column(String(18), nullable=False, unique=True)
    nature: Mapped[str] = mapped_column(String(16), nullable=False)
    industry: Mapped[str] = mapped_column(String(32), nullable=False, index=True)
    association_id: Mapped[int | None] = mapped_column(ForeignKey("civ_association.id"), index=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    headcount: Mapped[int] = mapped_column(Integer, nullable=False)
    contact_name: Mapped[str] = mapped_column(String(32), nullable=False)
    contact_phone: Mapped[str] = mapped_column(String(20), nullable=False)
    account: Mapped[str | None] = mapped_column(String(64), index=True)
    registered_by: Mapped[str | None] = mapped_column(String(64))


class IndicatorVersion(Base):
    """The indicator system of one cycle; only a validated version can be published."""

    __tablename__ = "civ_indicator_version"
    __table_args__ = (UniqueConstraint("cycle_id", "version", name="uq_civ_indicator_version_cycle_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("civ_cycle.id"), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    total_score: Mapped[float] = mapped_column(Float, nullable=False, default=100.0)
    published: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Indicator(Base):
    """One indicator: category, name, scoring criteria, maximum score, weight, required evidence."""

    __tablename__ = "civ_indicator"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("civ_indicator_version.id"), nullable=False, index=True)
    category: Mapped[str] = mapped_column(String(32), nullable=False)
    code: Mapped[str] = mapped_column(String(16), nullable=False)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    criteria: Mapped[str] = mapped_column(Text, nullable=False, default="")
    max_score: Mapped[float] = mapped_column(Float, nullable=False)
    weight: Mapped[float] = mapped_column(Float, nullable=False, default=1.0)
    evidence: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class Application(Base):
    """One unit's application in one cycle (new application or annual review), moved by the workflow."""

    __tablename__ = "civ_application"
    __table_args__ = (UniqueConstraint("cycle_id", "unit_id", name="uq_civ_application_cycle_id"),
                      Index("ix_civ_application_cycle_state", "cycle_id", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("civ_cycle.id"), nullable=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("civ_unit.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(8), nullable=False, default="new")
    state: Mapped[str] = mapped_column(String(32), nullable=False)
    honours: Mapped[str] = mapped_column(Text, nullable=False, default="")
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reason: Mapped[str | None] = mapped_column(Text)
    self_score: Mapped[float | None] = mapped_column(Float)
    final_score: Mapped[float | None] = mapped_column(Float)
    rank: Mapped[int | None] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(16))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class Score(Base):
    """A score of one indicator by one stage: the unit itself, its association, or the bureau."""

    __tablename__ = "civ_score"
    __table_args__ = (UniqueConstraint("application_id", "indicator_id", "stage", name="uq_civ_score_application_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("civ_application.id"), nullable=False)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("civ_indicator.id"), nullable=False, index=True)
    stage: Mapped[str] = mapped_column(String(16), nullable=False)  # self, association, bureau
    score: Mapped[float] = mapped_column(Float, nullable=False)
    comment: Mapped[str | None] = mapped_column(Text)
    scored_by: Mapped[str] = mapped_column(String(64), nullable=False)


class EvidenceFile(StoredFile, Base):
    """An uploaded file (evidence of an indicator, or a photo of an inspection/symposium record)."""

    __tablename__ = "civ_file"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("civ_application.id"), index=True)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("civ_indicator.id"))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("civ_record.id"), index=True)
    filename: Mapped[str] = mapped_column(String(128), nullable=False)


class EventType(Base):
    """A kind of negative event and its effect on the evaluation (veto or deduction of points)."""

    __tablename__ = "civ_event_type"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    effect: Mapped[str] = mapped_column(String(16), nullable=False)
    deduction: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)


class NegativeEvent(Base):
    """A negative event of a unit in a cycle (base data of the negative list, module 16)."""

    __tablename__ = "civ_negative_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("civ_unit.id"), nullable=False, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("civ_cycle.id"), nullable=False, index=True)
    event_type_id: Mapped[int] = mapped_column(ForeignKey("civ_event_type.id"), nullable=False)
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Consultation(Base):
    """A department's opinion on one applicant (negative-list consultation, module 8)."""

    __tablename__ = "civ_consultation"
    __table_args__ = (UniqueConstraint("application_id", "department_id", name="uq_civ_consultation_application_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("civ_application.id"), nullable=False)
    department_id: Mapped[int] = mapped_column(ForeignKey("civ_department.id"), nullable=False, index=True)
    answered: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    hit: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    event_type_id: Mapped[int | None] = mapped_column(ForeignKey("civ_event_type.id"))
    opinion: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Decision(Base):
    """An award decision document; its content is SM2-signed (kind ``civilized.award``, ref = doc_no)."""

    __tablename__ = "civ_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("civ_cycle.id"), nullable=False, index=True)
    doc_no: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    payload: Mapped[str] = mapped_column(Text, nullable=False)
    issued_by: Mapped[str] = mapped_column(String(64), nullable=False)


class RegistryEntry(Base):
    """A unit in the registry of civilized units; removal keeps the row (history)."""

    __tablename__ = "civ_registry"
    __table_args__ = (Index("ix_civ_registry_active", "active", "cycle_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("civ_unit.id"), nullable=False, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("civ_cycle.id"), nullable=False)
    level: Mapped[str] = mapped_column(String(16), nullable=False, default="局级")
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("civ_decision.id"))
    awarded_on: Mapped[date] = mapped_column(Date, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    removed_on: Mapped[date | None] = mapped_column(Date)
    removal_reason: Mapped[str | None] = mapped_column(String(16))
    removal_note: Mapped[str | None] = mapped_column(Text)


class Record(Base):
    """A site inspection (module 14) or a symposium (module 15)."""

    __tablename__ = "civ_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    cycle_id: Mapped[int] = mapped_column(ForeignKey("civ_cycle.id"), nullable=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("civ_unit.id"), index=True)
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    place: Mapped[str] = mapped_column(String(128), nullable=False)
    participants: Mapped[str] = mapped_column(Text, nullable=False)
    findings: Mapped[str] = mapped_column(Text, nullable=False)
    follow_up: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_by: Mapped[str] = mapped_column(String(64), nullable=False)


class RollupIndicator(Base):
    """Per cycle and indicator: how many final (association/bureau) scores and their sum (module 19)."""

    __tablename__ = "civ_rollup_indicator"

    cycle_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stage: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False)
    total: Mapped[float] = mapped_column(Float, nullable=False)


def refresh_rollups(conn: Connection, cycle_id: int | None = None) -> int:
    """Recompute the per-indicator sums from the scores (one cycle, or all); runs in the caller's transaction."""
    s, a = Score.__table__, Application.__table__
    r = RollupIndicator.__table__
    source = (select(a.c.cycle_id, s.c.indicator_id, s.c.stage, func.count().label("n"),
                     func.sum(s.c.score).label("total"))
              .select_from(s.join(a, a.c.id == s.c.application_id))
              .group_by(a.c.cycle_id, s.c.indicator_id, s.c.stage))
    stmt = delete(r)
    if cycle_id is not None:
        source = source.where(a.c.cycle_id == cycle_id)
        stmt = stmt.where(r.c.cycle_id == cycle_id)
    conn.execute(stmt)
    return conn.execute(insert(r).from_select(["cycle_id", "indicator_id", "stage", "n", "total"], source)).rowcount or 0
