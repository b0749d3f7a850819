"""``/api/v1``: interfaces for other systems (token required) and the public signature check."""
from __future__ import annotations

import base64
import binascii
import re

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from api.auth import api_permission
from db import db
from db.approvals import Certificate
from db.security import ApiClient
from security import audit, keys
from security.envelope import DbNonceStore, EnvelopeError, open_envelope
from security.signing import verify_record
from security.web import client_ip

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1")


@bp.get("/whoami")
@api_permission("api.intake")
def whoami():
    """The calling client, as identified by its token."""
    return jsonify(client_id=g.api_client["client_id"], role=g.api_client["role"])


@bp.post("/verify")
def verify():
    """Public: does this payload carry a valid SM2 signature of the Bureau? (module 256)"""
    body = request.get_json(silent=True) or {}
    kind, ref, payload = str(body.get("kind", ""))[:32], str(body.get("ref", ""))[:64], body.get("payload")
    if not kind or not ref or not isinstance(payload, dict):
        return jsonify(valid=False, message="请求格式不正确：需要 kind、ref 和 payload"), 400
    with db.session() as s:
        valid, message = verify_record(s, kind=kind, ref=ref, payload=payload)
    return jsonify(valid=valid, message=message)


# ---------------------------------------------------------------- approvals intake (One-Netcom, mode three)
INTAKE_SKEW_SECONDS = 300
_SENDER_CASE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_INTAKE_STATUS = {"malformed": 400, "decrypt_failed": 400, "bad_signature": 401, "expired": 401, "replay": 409}


def _intake_username(client_id: str, sender_case_id: str) -> str:
    """The applicant name of an API case: the client and the sender's own case id (idempotency key)."""
    return f"api:{client_id}:{sender_case_id}"


def _refuse(status: int, message: str, **extra):
    return jsonify(error=message, **extra), status


@bp.post("/approvals/cases")
@api_permission("api.intake")
def intake_case():
    """A case from One-Netcom Service in the signed, encrypted envelope: the same validation as the portal
    (field errors in Chinese, 422), materials as base64 checked like uploads; idempotent by the sender's
    case id (``sender_case_id``): the same id again returns the case already created."""
    from workflow import Actor
    from workflow import approvals as ap

    client_id = g.api_client["client_id"]
    env = request.get_json(silent=True)
    with db.session() as s:
        client = s.get(ApiClient, client_id)
        sender = env.get("sender") if isinstance(env, dict) else None
        try:
            if sender != client_id:
                raise EnvelopeError("bad_signature", "报文发送方与访问令牌不一致")
            ring = keys.current()
            payload = open_envelope(env, sender_public=client.public_key, recipient_private=ring.sm2_private,
                                    nonces=DbNonceStore(db.engine), max_skew_seconds=INTAKE_SKEW_SECONDS)
        except EnvelopeError as exc:
            audit.append(s, username=f"api:{client_id}", source_ip=client_ip(), action="approvals.intake",
                         object_id=request.path, outcome="denied", detail={"reason": exc.code})
            return _refuse(_INTAKE_STATUS.get(exc.code, 400), exc.message, code=exc.code)
    if not isinstance(payload, dict):
        return _refuse(400, "报文内容须为 JSON 对象")
    sender_case_id = str(payload.get("sender_case_id") or "")
    if not _SENDER_CASE_ID.fullmatch(sender_case_id):
        return _refuse(422, "申请内容有误", errors={"sender_case_id": "一网通办办件编号须为 1～40 位字母、数字、下划线或连字符"})
    username, intake_key = _intake_username(client_id, sender_case_id), f"{client_id}:{sender_case_id}"
    existing = _intake_case(intake_key)
    if existing is not None:
        return jsonify(**existing, created=False), 200
    who = Actor(username, g.api_client["permissions"], client_ip(), None)
    errors, files = _intake_materials(payload.get("materials"))
    form = payload.get("form")
    if not isinstance(form, dict):
        errors["form"] = "表单内容须为对象"
    if errors:
        return _refuse(422, "申请内容有误", errors=errors, missing_materials=[])
    try:
        with db.session() as s:
            case = ap.create_draft(
                s, who, item_code=str(payload.get("item_code", "")), applicant_type=str(payload.get("applicant_type", "")),
                applicant_name=str(payload.get("applicant_name", "")), credit_code=str(payload.get("credit_code", "")),
                district_code=str(payload.get("district_code", "")), situation=payload.get("situation") or None,
                answers=payload.get("answers") if isinstance(payload.get("answers"), dict) else None,
                contact_phone=str(payload.get("contact_phone") or "") or None, channel="api",
                parent_certificate_no=payload.get("parent_certificate_no") or None)
            case.intake_key = intake_key
            s.flush()  # a request with the same key that got here first wins: IntegrityError, below
            ap.save_draft(s, who, case.id, form)
            for code, filename, data in files:
                ap.add_material(s, who, case.id, code, filename, data)
            ap.submit(s, who, case.id)
            result = {"case_no": case.case_no, "state": case.state}
    except ap.SubmitRefused as exc:
        return _refuse(422, exc.message, errors=exc.errors, missing_materials=exc.missing_materials)
    except ap.ApprovalError as exc:
        return _refuse(422, exc.message, errors={}, missing_materials=[])
    except IntegrityError:
        existing = _intake_case(intake_key)  # the same case sent twice at once: the other request created it
        if existing is None:
            raise
        return jsonify(**existing, created=False), 200
    return jsonify(**result, created=True), 201


def _intake_case(intake_key: str) -> dict | None:
    """The case already created for this client and sender case id, if any."""
    from workflow import approvals as ap

    with db.session() as s:
        case = s.scalar(select(ap.Case).where(ap.Case.intake_key == intake_key))
        return None if case is None else {"case_no": case.case_no, "state": case.state}


def _intake_materials(items) -> tuple[dict[str, str], list[tuple[str, str, bytes]]]:
    """Decode ``[{"code", "filename", "content_base64"}]``; errors by ``materials[i]``."""
    errors: dict[str, str] = {}
    files: list[tuple[str, str, bytes]] = []
    if items is None:
        return errors, files
    if not isinstance(items, list):
        return {"materials": "材料须为列表"}, files
    for i, m in enumerate(items):
        key = f"materials[{i}]"
        if not isinstance(m, dict) or not all(isinstance(m.get(k), str) for k in ("code", "filename", "content_base64")):
            errors[key] = "材料须包含 code、filename 和 content_base64"
            continue
        try:
            data = base64.b64decode(m["content_base64"], validate=True)
        except (binascii.Error, ValueError):
            errors[key] = f"{m['filename']}：内容不是有效的 Base64 编码"
            continue
        files.append((m["code"], m["filename"], data))
    return errors, files


@bp.get("/approvals/cases/<case_no>")
@api_permission("api.intake")
def intake_status(case_no: str):
    """Where a case filed by this client stands (other clients' and portal cases are not found)."""
    from workflow import approvals as ap

    prefix = f"api:{g.api_client['client_id']}:"
    with db.session() as s:
        case = s.scalar(select(ap.Case).where(ap.Case.case_no == case_no[:32]))
        if case is None or not case.applicant_username.startswith(prefix):
            return _refuse(404, "办件不存在")
        step = ap.current_step(case)
        cert = s.scalar(select(Certificate.number).where(Certificate.case_id == case.id))
        return jsonify(case_no=case.case_no, sender_case_id=case.applicant_username[len(prefix):], state=case.state,
                       state_label=ap.STATES[case.state], step=step.label if step else None,
                       due_date=case.due_date.isoformat() if case.due_date else None,
                       submitted_at=case.submitted_at.isoformat() if case.submitted_at else None,
                       decided_at=case.decided_at.isoformat() if case.decided_at else None, certificate_no=cert)
