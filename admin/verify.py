"""The public verify page that a document's QR code opens: ``/verify/<kind>/<ref>``.

It looks up the record's signed payload (through ``PAYLOAD_LOOKUPS``, which the engines fill, because
``signed_record`` keeps only the digest and the signature), re-verifies the SM2 signature and shows
有效/无效 with the record's public fields. No sign-in; identifiers are masked and unlisted fields never shown.
"""
from __future__ import annotations

import re
from typing import Callable

from flask import Blueprint, render_template
from sqlalchemy.orm import Session

from db import db
from security.signing import verify_record
from workflow import approvals
from workflow.documents import TEMPLATES

bp = Blueprint("verify", __name__, url_prefix="/verify", template_folder="templates")

# kind -> fn(session, ref) -> the payload that was signed, or None: the records a QR code points at.
PAYLOAD_LOOKUPS: dict[str, Callable[[Session, str], dict | None]] = {
    approvals.CERTIFICATE_KIND: approvals.certificate_payload,
}

KIND = re.compile(r"^[a-z0-9_.]{1,32}$")
# Public fields and their labels; anything else in a payload stays off the page.
LABELS: dict[str, str] = {
    "number": "编号", "notice_no": "通知书编号", "certificate": "证照名称", "item_name": "事项",
    "case_no": "办件编号", "holder": "持证单位（人）", "applicant_name": "申请人", "payer": "缴款单位",
    "issuer": "签发机关", "issued_on": "签发日期", "valid_until": "有效期至", "decided_on": "决定日期",
    "assessed_on": "核定日期", "amount": "金额（元）",
    **{key: label for spec in TEMPLATES.values() for key, label in spec.fields if not key.endswith("_cn")},
}
MASKED = {"holder_credit_code", "credit_code"}
DECISIONS = {"approve": "准予行政许可", "reject": "不予行政许可"}


def _mask(value: str) -> str:
    """Keep the first six and last four characters of an identifier."""
    return value if len(value) <= 10 else f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def public_fields(payload: dict) -> list[tuple[str, str]]:
    """(label, text) rows of a payload that may be shown to anyone, in the order of ``LABELS``."""
    rows = []
    for key, label in LABELS.items():
        value = payload.get(key)
        if value in (None, ""):
            continue
        text = str(value)
        rows.append((label, _mask(text) if key in MASKED else text))
    if payload.get("decision") in DECISIONS:
        rows.append(("决定", DECISIONS[payload["decision"]]))
    return rows


@bp.get("/<kind>/<path:ref>")
def verify_page(kind: str, ref: str):
    """Verify one record: 有效 with its fields when the signature checks out, 无效 with the reason otherwise."""
    lookup = PAYLOAD_LOOKUPS.get(kind) if KIND.match(kind) else None
    payload = None
    with db.session() as s:
        if lookup is not None:
            payload = lookup(s, ref)
        if payload is None:
            return render_template("verify/verify.html", valid=False, ref=ref, fields=[],
                                   message="未找到该编号的记录，请核对后重试"), 404
        valid, message = verify_record(s, kind=kind, ref=ref, payload=payload)
    return render_template("verify/verify.html", valid=valid, ref=ref, message=message,
                           fields=public_fields(payload) if valid else [])
