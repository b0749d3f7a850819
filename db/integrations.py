"""Integration outbox: messages to other government systems, written in the business transaction and
delivered afterwards by ``integrations.outbox.deliver`` with retries, backoff and a dead letter."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from db import Base

TOPICS = {"case_library": "办件库", "forestry_national": "国家林草局", "one_netcom": "一网通办", "sms": "短信平台"}


class OutboxMessage(Base):
    """One message for one counterpart; ``key`` is its idempotency key (sent along, unique here)."""

    __tablename__ = "integration_outbox"
    __table_args__ = (Index("ix_integration_outbox_due", "delivered_at", "dead", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(32), nullable=False)
    key: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    payload: Mapped[dict] = mapped_column(JSON, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    dead: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # SQLite has no SKIP LOCKED: a worker claims a message by writing its token and lease here first.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    response: Mapped[dict | None] = mapped_column(JSON)
