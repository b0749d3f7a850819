"""12319 construction-service hotline tickets, their status events, and the per-chart rollups.

Caller name and phone are sensitive: SM4-encrypted at rest (``EncryptedString``), searchable only through
``caller_phone_index`` (a keyed blind index), masked in the UI unless the role may see them.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, delete,
                        func, insert, select)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from db import Base
from security.columns import EncryptedString

BUSINESS_LINES = ["市容环卫", "绿化林业", "建设管理", "房屋管理", "燃气供应", "供排水", "交通道路"]
CHANNELS = ["电话", "网站", "微信", "APP", "12345转办"]
STATUSES = ["已受理", "已派单", "处理中", "已回复", "已办结"]
URGENCIES = ["一般", "紧急", "特急"]
SATISFACTION = ["满意", "基本满意", "不满意"]


class Ticket(Base):
    """One 12319 ticket (工单)."""

    __tablename__ = "hotline12319_ticket"
    __table_args__ = (
        Index("ix_h12319_month_district_line", "received_month", "district_code", "business_line"),
        Index("ix_h12319_open_deadline", "status", "deadline_at"),
        Index("ix_h12319_supervised", "supervised", "received_at"),
        Index("ix_h12319_hot", "hot", "received_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_no: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    received_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)  # Beijing time
    received_month: Mapped[date] = mapped_column(Date, nullable=False)
    channel: Mapped[str] = mapped_column(String(16), nullable=False)
    caller_name: Mapped[str | None] = mapped_column(EncryptedString("hotline12319.caller_name"))
    caller_phone: Mapped[str | None] = mapped_column(EncryptedString("hotline12319.caller_phone"))
    caller_phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    address: Mapped[str | None] = mapped_column(String(255))
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    street_code: Mapped[str | None] = mapped_column(ForeignKey("street.code"), index=True)
    lon: Mapped[float | None] = mapped_column(Float)
    lat: Mapped[float | None] = mapped_column(Float)
    business_line: Mapped[str] = mapped_column(String(16), nullable=False)
    category: Mapped[str] = mapped_column(String(32), nullable=False)
    subcategory: Mapped[str | None] = mapped_column(String(64))
    content: Mapped[str] = mapped_column(Text, nullable=False)
    urgency: Mapped[str] = mapped_column(String(8), nullable=False)
    supervised: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    hot: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    deadline_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    handling_unit: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(8), nullable=False)
    dispatched_at: Mapped[datetime | None] = mapped_column(DateTime)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    eval_responded: Mapped[bool | None] = mapped_column(Boolean)
    eval_resolved: Mapped[bool | None] = mapped_column(Boolean)
    eval_satisfaction: Mapped[str | None] = mapped_column(String(8))
    repeat_of: Mapped[str | None] = mapped_column(String(32), index=True)
    row_hash: Mapped[str] = mapped_column(String(64), nullable=False)  # SM3 of the business fields
    batch_id: Mapped[int | None] = mapped_column(Integer)


class TicketEvent(Base):
    """A status transition of a ticket: who did what when (the timeline of supervised tickets)."""

    __tablename__ = "hotline12319_event"
    __table_args__ = (Index("ix_h12319_event_ticket", "ticket_no", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_no: Mapped[str] = mapped_column(String(32), nullable=False)
    at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    action: Mapped[str] = mapped_column(String(16), nullable=False)  # 受理 派单 签收 回复 办结 督办 退单
    actor: Mapped[str] = mapped_column(String(64), nullable=False)
    note: Mapped[str | None] = mapped_column(String(255))


class _RollupCounts:
    received: Mapped[int] = mapped_column(Integer, nullable=False)
    closed: Mapped[int] = mapped_column(Integer, nullable=False)
    closed_on_time: Mapped[int] = mapped_column(Integer, nullable=False)
    supervised: Mapped[int] = mapped_column(Integer, nullable=False)
    evaluated: Mapped[int] = mapped_column(Integer, nullable=False)
    responded: Mapped[int] = mapped_column(Integer, nullable=False)
    resolved: Mapped[int] = mapped_column(Integer, nullable=False)
    satisfied: Mapped[int] = mapped_column(Integer, nullable=False)  # 满意
    basically_satisfied: Mapped[int] = mapped_column(Integer, nullable=False)  # 基本满意
    handling_hours: Mapped[float] = mapped_column(Float, nullable=False)  # sum over closed tickets


class RollupLine(_RollupCounts, Base):
    """Month × district × business line: KPIs, the choropleth, line bars and trends (~140 tickets a cell)."""

    __tablename__ = "hotline12319_rollup_line"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    business_line: Mapped[str] = mapped_column(String(16), primary_key=True)


class RollupCategory(_RollupCounts, Base):
    """Month × district × business line × category: the category drill-down."""

    __tablename__ = "hotline12319_rollup_category"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    business_line: Mapped[str] = mapped_column(String(16), primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)


class RollupStreet(_RollupCounts, Base):
    """Month × street × business line: the street drill-down of one district."""

    __tablename__ = "hotline12319_rollup_street"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    street_code: Mapped[str] = mapped_column(String(9), primary_key=True)
    business_line: Mapped[str] = mapped_column(String(16), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)


def _aggregates(t) -> dict:
    from sqlalchemy import case

    return {
        "received": func.count(),
        "closed": func.sum(case((t.c.closed_at.is_not(None), 1), else_=0)),
        "closed_on_time": func.sum(case((t.c.closed_at <= t.c.deadline_at, 1), else_=0)),
        "supervised": func.sum(case((t.c.supervised.is_(True), 1), else_=0)),
        "evaluated": func.sum(case((t.c.eval_satisfaction.is_not(None), 1), else_=0)),
        "responded": func.sum(case((t.c.eval_responded.is_(True), 1), else_=0)),
        "resolved": func.sum(case((t.c.eval_resolved.is_(True), 1), else_=0)),
        "satisfied": func.sum(case((t.c.eval_satisfaction == "满意", 1), else_=0)),
        "basically_satisfied": func.sum(case((t.c.eval_satisfaction == "基本满意", 1), else_=0)),
    }


def _handling_hours(conn: Connection, t):
    """Hours from receipt to closure: the one vendor-specific expression, with SQLite's as fallback."""
    if conn.dialect.name == "postgresql":
        return func.extract("epoch", t.c.closed_at - t.c.received_at) / 3600.0
    return (func.julianday(t.c.closed_at) - func.julianday(t.c.received_at)) * 24


def refresh_rollups(conn: Connection, months: list[date] | None = None) -> int:
    """Recompute the rollups for ``months`` (all months when None) from the raw tickets; returns rows written.

    Runs inside the caller's transaction, so an import and its rollups commit together.
    """
    from sqlalchemy import case

    t = Ticket.__table__
    hours = func.coalesce(func.sum(case((t.c.closed_at.is_not(None), _handling_hours(conn, t)), else_=0.0)), 0.0)
    counts = _aggregates(t)
    written = 0
    for rollup, keys in ((RollupLine, ["district_code", "business_line"]),
                         (RollupCategory, ["district_code", "business_line", "category"]),
                         (RollupStreet, ["street_code", "business_line", "district_code"])):
        table = rollup.__table__
        stmt_delete = delete(table)
        source = select(t.c.received_month.label("month"), *[t.c[k] for k in keys],
                        *[v.label(k) for k, v in counts.items()], hours.label("handling_hours"))
        if months is not None:
            stmt_delete = stmt_delete.where(table.c.month.in_(months))
            source = source.where(t.c.received_month.in_(months))
        if rollup is RollupStreet:
            source = source.where(t.c.street_code.is_not(None))
        source = source.group_by(t.c.received_month, *[t.c[k] for k in keys])
        conn.execute(stmt_delete)
        cols = ["month", *keys, *counts.keys(), "handling_hours"]
        written += conn.execute(insert(table).from_select(cols, source)).rowcount or 0
    return written


# The business fields of a ticket, in a fixed order: what ``row_hash`` covers (re-importing an unchanged
# row changes nothing; a changed field updates the row and its events).
HASHED_FIELDS = [
    "ticket_no", "received_at", "channel", "caller_name", "caller_phone", "address", "district_code",
    "street_code", "lon", "lat", "business_line", "category", "subcategory", "content", "urgency",
    "supervised", "hot", "deadline_at", "handling_unit", "status", "dispatched_at", "replied_at", "closed_at",
    "eval_responded", "eval_resolved", "eval_satisfaction", "repeat_of",
]


def ticket_row_hash(row: dict) -> str:
    """SM3 (hex) over the canonical text of a ticket's business fields (clear values, before encryption)."""
    import json

    from security.sm import sm3

    def norm(v):
        if isinstance(v, datetime):
            return v.strftime("%Y-%m-%dT%H:%M:%S")
        if isinstance(v, float):
            return round(v, 6)
        return v

    payload = json.dumps([norm(row.get(k)) for k in HASHED_FIELDS], ensure_ascii=False, separators=(",", ":"),
                         default=str)
    return sm3(payload.encode("utf-8")).hex()


def month_of(moment: datetime) -> date:
    """The first day of ``moment``'s month (the rollups' grain)."""
    return date(moment.year, moment.month, 1)
