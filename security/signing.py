"""SM2 signatures over important records: decisions, certificates, awards (module 256).

A record's payload is canonical JSON; its SM3 digest and the SM2 signature over the payload are kept in
``signed_record``. Anyone can check a record through the public verify endpoint.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.security import SignedRecord
from security import audit, keys
from security.sm import sm2_sign, sm2_verify, sm3


def canonical(payload: dict) -> bytes:
    """Sorted-key, compact, UTF-8 JSON: the bytes that are signed."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode("utf-8")


def sign_record(session: Session, *, kind: str, ref: str, payload: dict, actor: str, source_ip: str) -> SignedRecord:
    """Sign ``payload`` as record ``kind/ref`` with the installation's SM2 key (re-signing replaces)."""
    ring = keys.current()
    data = canonical(payload)
    row = session.scalar(select(SignedRecord).where(SignedRecord.kind == kind, SignedRecord.ref == ref))
    if row is None:
        row = SignedRecord(kind=kind, ref=ref)
        session.add(row)
    row.digest = sm3(data).hex()
    row.signature = sm2_sign(ring.sm2_private, data)
    row.public_key = ring.sm2_public
    row.signed_at = datetime.now(timezone.utc)
    session.flush()
    audit.append(session, username=actor, source_ip=source_ip, action="record.sign", object_type=kind,
                 object_id=ref, detail={"digest": row.digest})
    return row


def verify_record(session: Session, *, kind: str, ref: str, payload: dict) -> tuple[bool, str]:
    """(valid, Chinese explanation) for a presented payload against the stored signature."""
    row = session.scalar(select(SignedRecord).where(SignedRecord.kind == kind, SignedRecord.ref == ref))
    if row is None:
        return False, "未找到该记录的签名"
    data = canonical(payload)
    if sm3(data).hex() != row.digest:
        return False, "内容与签名时不一致（已被修改）"
    if row.public_key != keys.current().sm2_public:
        return False, "签名密钥不是本系统的密钥"
    if not sm2_verify(row.public_key, data, row.signature):
        return False, "签名验证失败"
    return True, f"签名有效，签发时间 {row.signed_at:%Y-%m-%d %H:%M}"
