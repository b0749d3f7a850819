"""The audit log (module 257): append-only, every record chained to the previous one by HMAC-SM3.

hash(n) = HMAC-SM3(audit key, hash(n-1) ‖ canonical(record n)). Verification recomputes the chain and
names the first broken link: a changed record breaks its own hash, a deleted one leaves a gap in ``seq``,
a reordered pair breaks both, a truncated tail no longer matches the head row.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from db.security import AuditHead, AuditLog
from security import keys
from security.sm import hmac_sm3

GENESIS = "0" * 64
RETENTION_DAYS = 180  # GB/T 22239-2019 7.1.4.3 c) at level 2 and the Cybersecurity Law art. 21: at least six months


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def canonical(seq: int, at: datetime, username: str, source_ip: str, action: str, object_type: str,
              object_id: str, outcome: str, detail: str) -> bytes:
    """The bytes a record's hash covers (UTC time to the microsecond, fields in a fixed order)."""
    fields = [str(seq), _utc(at).strftime("%Y-%m-%dT%H:%M:%S.%f"), username, source_ip, action,
              object_type, object_id, outcome, detail]
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def chain_hash(prev_hash: str, record: bytes) -> str:
    """HMAC-SM3 link from the previous hash to this record."""
    return hmac_sm3(keys.current().audit_key, prev_hash.encode("ascii") + record).hex()


def append(session: Session, *, username: str, source_ip: str, action: str, object_type: str = "",
           object_id: str = "", outcome: str = "success", detail: dict | None = None,
           now: datetime | None = None) -> AuditLog:
    """Append one record inside the caller's transaction (so a write and its audit commit together)."""
    # Take the head's row lock first (an UPDATE locks on PostgreSQL and SQLite alike): appends serialise.
    bumped = session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    if bumped.rowcount == 0:
        session.add(AuditHead(id=1, seq=1, hash=GENESIS, anchor_seq=0, anchor_hash=GENESIS))
        session.flush()
    head = session.get(AuditHead, 1, populate_existing=True)
    at = _utc(now) if now else datetime.now(timezone.utc)  # stored as UTC: SQLite keeps no offset
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    # Fields are cut to their column sizes here (PostgreSQL refuses longer values; SQLite would keep them).
    record = AuditLog(seq=head.seq, at=at, username=(username or "-")[:64], source_ip=(source_ip or "-")[:64],
                      action=action[:64], object_type=object_type[:64], object_id=str(object_id)[:128],
                      outcome=outcome[:16], detail=text, prev_hash=head.hash)
    record.hash = chain_hash(head.hash, canonical(record.seq, at, record.username, record.source_ip, record.action,
                                                  record.object_type, record.object_id, record.outcome, text))
    head.hash = record.hash
    session.add(record)
    session.flush()
    return record


@dataclass
class ChainReport:
    """Result of a verification: how many records were checked and the first broken link, if any."""

    checked: int
    first_broken_seq: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        """True when the whole chain verified."""
        return self.first_broken_seq is None


def verify(session: Session, batch: int = 5000) -> ChainReport:
    """Recompute the chain from its anchor to the head row."""
    head = session.get(AuditHead, 1)
    if head is None:
        count = session.scalar(select(func.count()).select_from(AuditLog))
        return ChainReport(0) if not count else ChainReport(0, 1, "审计链头记录缺失")
    prev_seq, prev_hash, checked = head.anchor_seq, head.anchor_hash, 0
    last_seq = prev_seq
    while True:
        rows = session.scalars(select(AuditLog).where(AuditLog.seq > last_seq).order_by(AuditLog.seq).limit(batch)).all()
        if not rows:
            break
        for r in rows:
            if r.seq != prev_seq + 1:
                return ChainReport(checked, prev_seq + 1, f"第 {prev_seq + 1} 条记录缺失（序号不连续）")
            if r.prev_hash != prev_hash:
                return ChainReport(checked, r.seq, f"第 {r.seq} 条记录的前序哈希不符（记录被删除或调换）")
            expected = chain_hash(prev_hash, canonical(r.seq, r.at, r.username, r.source_ip, r.action,
                                                       r.object_type, r.object_id, r.outcome, r.detail))
            if expected != r.hash:
                return ChainReport(checked, r.seq, f"第 {r.seq} 条记录内容被篡改")
            prev_seq, prev_hash, checked = r.seq, r.hash, checked + 1
        last_seq = rows[-1].seq
    if (prev_seq, prev_hash) != (head.seq, head.hash):
        return ChainReport(checked, prev_seq + 1, f"链尾与链头不符：应至第 {head.seq} 条，实至第 {prev_seq} 条")
    return ChainReport(checked)


class RetentionError(ValueError):
    """A purge that would delete records younger than the retention period."""


def purge(session: Session, before: datetime, *, now: datetime | None = None) -> int:
    """Delete records older than ``before`` (never younger than 180 days); the chain re-anchors."""
    now = now or datetime.now(timezone.utc)
    if _utc(before) > now - timedelta(days=RETENTION_DAYS):
        raise RetentionError(f"审计记录至少保存 {RETENTION_DAYS} 天，不能删除 {before:%Y-%m-%d} 之后的记录")
    last = session.scalars(select(AuditLog).where(AuditLog.at < before).order_by(AuditLog.seq.desc()).limit(1)).first()
    if last is None:
        return 0
    head = session.get(AuditHead, 1)
    head.anchor_seq, head.anchor_hash = last.seq, last.hash
    return session.execute(delete(AuditLog).where(AuditLog.seq <= last.seq)).rowcount


def verify_current() -> ChainReport:
    """Verify the application database's chain (for the auditor's page and health checks)."""
    from db import db

    with db.session() as s:
        return verify(s)
