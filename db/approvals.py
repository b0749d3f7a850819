"""Approvals (modules 56-212, engine core of issue 6): cases, their steps and materials, documents,
certificates, post-approval supervision, the planned advertising sites, the non-convention species
library and forest vegetation restoration fee assessments.

The applicant's contact phone is SM4-encrypted at rest (``EncryptedString``) in a column of its own, as the
hotline tickets keep their callers' phones. ``ap_case.version`` is the optimistic lock: two officers acting
on the same case at once cannot both win.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, Numeric, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column

from db import Base, StoredFile
from security.columns import EncryptedString

CHANNELS = {"web": "PC 端", "mobile": "移动端", "api": "一网通办接口"}
LEVELS = {"city": "市级", "district": "区级"}
CERTIFICATE_STATUSES = {"valid": "有效", "changed": "已变更", "cancelled": "已注销", "expired": "已失效"}
SUPERVISION_STATES = {"open": "监管中", "rectifying": "整改中", "closed": "已结案"}
RECORD_KINDS = {"inspection": "检查", "finding": "发现问题", "rectification": "整改", "closure": "结案"}
SITE_STATUSES = {"planned": "规划待用", "occupied": "已设置", "suspended": "暂停使用"}


STATISTICS_COLUMNS = ["item_code", "district_code", "state", "composite_parent_id", "decided_at", "due_date",
                      "step_due"]


class Case(Base):
    """One case (办件): the situation applied for, the applicant, where it stands and its deadlines."""

    __tablename__ = "ap_case"
    __table_args__ = (
        Index("ix_ap_case_todo", "state", "level", "district_code", "step_due"),
        Index("ix_ap_case_todo_permission", "state", "step_permission", "step_due"),
        Index("ix_ap_case_item_state", "item_code", "state"),
        # The statistics' year filter; on PostgreSQL covering what they count (an index-only scan).
        Index("ix_ap_case_submitted_at", "submitted_at", postgresql_include=STATISTICS_COLUMNS),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_no: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    item_code: Mapped[str] = mapped_column(String(40), nullable=False)
    sub_item_code: Mapped[str] = mapped_column(String(40), nullable=False)
    situation_code: Mapped[str] = mapped_column(String(40), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("ap_case.id"), index=True)
    parent_certificate_id: Mapped[int | None] = mapped_column(Integer)
    composite_parent_id: Mapped[int | None] = mapped_column(ForeignKey("ap_case.id"), index=True)
    applicant_username: Mapped[str] = mapped_column(String(64), nullable=False, index=True)
    applicant_type: Mapped[str] = mapped_column(String(16), nullable=False)
    applicant_name: Mapped[str] = mapped_column(String(128), nullable=False)
    applicant_credit_code: Mapped[str] = mapped_column(String(18), nullable=False)
    contact_phone: Mapped[str | None] = mapped_column(EncryptedString("approvals.contact_phone"))
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False)
    level: Mapped[str] = mapped_column(String(8), nullable=False)
    state: Mapped[str] = mapped_column(String(16), nullable=False)
    current_step: Mapped[str | None] = mapped_column(String(32))
    step_permission: Mapped[str | None] = mapped_column(String(64))
    step_due: Mapped[date | None] = mapped_column(Date)
    form: Mapped[str] = mapped_column(Text, nullable=False, default="{}")
    channel: Mapped[str] = mapped_column(String(8), nullable=False)
    # Cases from the intake API: "<client id>:<sender's case id>", unique, so that a resent case (or two sent
    # at once) makes one case; NULL for the portal's cases.
    intake_key: Mapped[str | None] = mapped_column(String(96), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_date: Mapped[date | None] = mapped_column(Date)
    paused_on: Mapped[date | None] = mapped_column(Date)
    suspended_days: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sync_seq: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": version}


class CaseStep(Base):
    """One step a case went through: when it started, its due date, who finished it and how."""

    __tablename__ = "ap_step"
    __table_args__ = (UniqueConstraint("case_id", "seq", name="uq_ap_step_case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ap_case.id"), nullable=False)
    seq: Mapped[int] = mapped_column(Integer, nullable=False)
    step: Mapped[str] = mapped_column(String(32), nullable=False)
    label: Mapped[str] = mapped_column(String(32), nullable=False)
    permission: Mapped[str] = mapped_column(String(64), nullable=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    due: Mapped[date | None] = mapped_column(Date)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)


class StepRollup(Base):
    """Finished steps per Shanghai month of their start, item, district and step label, with the working days
    they took summed: the statistics page's step durations without reading ~1.5 million steps at city scale.
    Kept by the engine as each step finishes (same transaction) and rebuilt whole by the data build
    (``workflow.approvals.rebuild_step_rollup``)."""

    __tablename__ = "ap_rollup_step"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    item_code: Mapped[str] = mapped_column(String(40), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    label: Mapped[str] = mapped_column(String(32), primary_key=True)
    steps: Mapped[int] = mapped_column(Integer, nullable=False)
    work_days: Mapped[int] = mapped_column(Integer, nullable=False)


class CaseMaterial(StoredFile, Base):
    """An uploaded material of a case, stored under the instance folder and named by its SM3 digest."""

    __tablename__ = "ap_material"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ap_case.id"), nullable=False, index=True)
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    filename: Mapped[str] = mapped_column(String(120), nullable=False)


class Certificate(Base):
    """An issued certificate (电子证照): number, holder, validity, status and the payload that was signed."""

    __tablename__ = "ap_certificate"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ap_case.id"), nullable=False, index=True)
    item_code: Mapped[str] = mapped_column(String(40), nullable=False)
    template: Mapped[str] = mapped_column(String(40), nullable=False)
    holder: Mapped[str] = mapped_column(String(128), nullable=False)
    holder_credit_code: Mapped[str] = mapped_column(String(18), nullable=False, index=True)
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), nullable=False)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("ap_certificate.id"), index=True)
    national_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    payload: Mapped[str] = mapped_column(Text, nullable=False)


class Document(Base):
    """A document of a case (decision letter, certificate, fee notice, land consent): the editable draft
    text before signing, then the rendered DOCX and PDF files."""

    __tablename__ = "ap_document"
    __table_args__ = (UniqueConstraint("case_id", "kind", name="uq_ap_document_case_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ap_case.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    template: Mapped[str] = mapped_column(String(40), nullable=False)
    draft_text: Mapped[str] = mapped_column(Text, nullable=False, default="")
    docx_path: Mapped[str | None] = mapped_column(String(255))
    pdf_path: Mapped[str | None] = mapped_column(String(255))
    signed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    updated_by: Mapped[str] = mapped_column(String(64), nullable=False)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)


class SupervisionTask(Base):
    """Post-approval supervision of one completed case by its district."""

    __tablename__ = "ap_supervision_task"
    __table_args__ = (Index("ix_ap_supervision_task_district_state", "district_code", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ap_case.id"), nullable=False, index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("ap_certificate.id"), index=True)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False)
    frequency: Mapped[str] = mapped_column(String(16), nullable=False)
    note: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    state: Mapped[str] = mapped_column(String(12), nullable=False)
    next_due: Mapped[date] = mapped_column(Date, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SupervisionRecord(Base):
    """One entry of a supervision task: inspection, finding, rectification or closure."""

    __tablename__ = "ap_supervision_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("ap_supervision_task.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    text: Mapped[str] = mapped_column(Text, nullable=False)


class AdSite(Base):
    """A planned outdoor advertising site (户外广告规划点位)."""

    __tablename__ = "ap_ad_site"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(String(120), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    street: Mapped[str] = mapped_column(String(64), nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    size: Mapped[str] = mapped_column(String(32), nullable=False)
    status: Mapped[str] = mapped_column(String(12), nullable=False)


class Species(Base):
    """A species of the non-convention library (非国际公约物种库) that may be introduced."""

    __tablename__ = "ap_species"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    scientific_name: Mapped[str] = mapped_column(String(128), nullable=False)
    category: Mapped[str] = mapped_column(String(32), nullable=False)
    protection_level: Mapped[str] = mapped_column(String(32), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class FeeAssessment(Base):
    """The forest vegetation restoration fee of a forest-land case: assessed, sealed, notified, paid."""

    __tablename__ = "ap_fee_assessment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("ap_case.id"), nullable=False, unique=True)
    area_m2: Mapped[float] = mapped_column(Float, nullable=False)
    land_type: Mapped[str] = mapped_column(String(32), nullable=False)
    rate: Mapped[float] = mapped_column(Float, nullable=False)
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), nullable=False)
    notice_no: Mapped[str | None] = mapped_column(String(64), unique=True)
    sealed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    sms_sent: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    paid: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    tax_reference: Mapped[str | None] = mapped_column(String(64))
    assessed_by: Mapped[str] = mapped_column(String(64), nullable=False)
    assessed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    paid_confirmed_by: Mapped[str | None] = mapped_column(String(64))
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
