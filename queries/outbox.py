"""Reads of the integration outbox for the administrators' dead-letter view (never cached: it changes constantly)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
from sqlalchemy import case, func, select

from db.integrations import TOPICS, OutboxMessage
from queries import read_df

STATES = {"dead": "投递失败（死信）", "pending": "等待投递"}


def _local(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series, utc=True).dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M:%S")


def undelivered(state: str | None = None, limit: int = 2000) -> pd.DataFrame:
    """Dead and pending messages, dead first then newest first (id, topic, key, attempts, times, error, state)."""
    m = OutboxMessage
    stmt = (select(m.id, m.topic, m.key, m.attempts, m.created_at, m.next_attempt_at, m.last_error, m.dead)
            .where(m.delivered_at.is_(None)).order_by(m.dead.desc(), m.id.desc()).limit(limit))
    if state in STATES:
        stmt = stmt.where(m.dead.is_(state == "dead"))
    df = read_df(stmt)
    df["dead"] = df["dead"].astype(bool)
    df["state"] = df["dead"].map({True: STATES["dead"], False: STATES["pending"]})
    df["system"] = df["topic"].map(TOPICS).fillna(df["topic"])
    df["created_at"] = _local(df["created_at"])
    df["next_attempt_at"] = _local(df["next_attempt_at"])
    df["last_error"] = df["last_error"].fillna("")
    return df


def outbox_counts(now: datetime | None = None) -> dict[str, int]:
    """Pending, dead and delivered-in-the-last-24-hours message counts."""
    now = now or datetime.now(timezone.utc)
    m = OutboxMessage
    delivered_recent = (m.delivered_at.is_not(None)) & (m.delivered_at >= now - timedelta(hours=24))
    df = read_df(select(
        func.coalesce(func.sum(case(((m.delivered_at.is_(None)) & m.dead.is_(False), 1), else_=0)), 0).label("pending"),
        func.coalesce(func.sum(case(((m.delivered_at.is_(None)) & m.dead.is_(True), 1), else_=0)), 0).label("dead"),
        func.coalesce(func.sum(case((delivered_recent, 1), else_=0)), 0).label("delivered"),
    ))
    return {k: int(df.iloc[0][k]) for k in ("pending", "dead", "delivered")}
