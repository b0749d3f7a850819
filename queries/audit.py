"""Reads of the audit log and security alarms for the auditor (never cached: they change constantly)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
from sqlalchemy import func, select

from db.security import AuditLog, SecurityAlarm
from queries import read_df

OUTCOMES = {"success": "成功", "failure": "失败", "denied": "拒绝", "alarm": "告警"}


def audit_records(*, action: str | None = None, outcome: str | None = None, username: str | None = None,
                  days: int = 30, limit: int = 2000) -> pd.DataFrame:
    """The newest audit records matching the filters (seq, at, username, source_ip, action, object, outcome)."""
    since = datetime.now(timezone.utc) - timedelta(days=days)
    stmt = (select(AuditLog.seq, AuditLog.at, AuditLog.username, AuditLog.source_ip, AuditLog.action,
                   AuditLog.object_type, AuditLog.object_id, AuditLog.outcome, AuditLog.detail)
            .where(AuditLog.at >= since).order_by(AuditLog.seq.desc()).limit(limit))
    if action:
        stmt = stmt.where(AuditLog.action == action)
    if outcome:
        stmt = stmt.where(AuditLog.outcome == outcome)
    if username:
        stmt = stmt.where(AuditLog.username.contains(username.strip()))
    df = read_df(stmt)
    df["outcome_zh"] = df["outcome"].map(OUTCOMES).fillna(df["outcome"])
    df["at"] = pd.to_datetime(df["at"], utc=True).dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M:%S")
    return df


def audit_counts(days: int = 30) -> dict[str, int]:
    """Records per outcome in the last ``days`` days."""
    since = datetime.now(timezone.utc) - timedelta(days=days)
    df = read_df(select(AuditLog.outcome, func.count().label("n")).where(AuditLog.at >= since)
                 .group_by(AuditLog.outcome))
    return dict(zip(df.outcome, df.n.astype(int)))


def audit_actions() -> list[str]:
    """Every action name present in the log."""
    return read_df(select(AuditLog.action).distinct().order_by(AuditLog.action))["action"].tolist()


def open_alarms() -> pd.DataFrame:
    """Security alarms not yet acknowledged, newest first."""
    df = read_df(select(SecurityAlarm.id, SecurityAlarm.at, SecurityAlarm.kind, SecurityAlarm.detail)
                 .where(SecurityAlarm.acknowledged.is_(False)).order_by(SecurityAlarm.id.desc()).limit(200))
    df["at"] = pd.to_datetime(df["at"], utc=True).dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M:%S")
    return df
