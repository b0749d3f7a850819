"""``/api/v1``: interfaces for other systems (token required) and the public signature check."""
from __future__ import annotations

from flask import Blueprint, g, jsonify, request

from api.auth import api_permission
from db import db
from security.signing import verify_record

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
