"""API client sign-in with an SM2-signed challenge (module 254: identify terminals and servers)."""
from __future__ import annotations

import base64
import binascii
import secrets
from datetime import datetime, timedelta, timezone
from functools import wraps

from flask import Blueprint, g, jsonify, request
from sqlalchemy import select

from db import db
from db.security import ApiChallenge, ApiClient, ApiToken
from security import audit
from security.rbac import ROLES
from security.sm import sm2_verify, sm3
from security.web import client_ip

bp = Blueprint("api_auth", __name__, url_prefix="/api/v1/auth")
CHALLENGE_SECONDS = 120
TOKEN_SECONDS = 3600


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _error(status: int, message: str):
    return jsonify(error=message), status


@bp.post("/challenge")
def challenge():
    """Hand a registered, active client a one-time challenge to sign."""
    client_id = str((request.get_json(silent=True) or {}).get("client_id", ""))[:64]
    with db.session() as s:
        client = s.get(ApiClient, client_id)
        if client is None or not client.is_active:
            audit.append(s, username=f"api:{client_id}", source_ip=client_ip(), action="api.challenge",
                         outcome="denied")
            return _error(403, "未注册或已停用的接口客户端")
        value = secrets.token_hex(32)
        expires = _now() + timedelta(seconds=CHALLENGE_SECONDS)
        s.add(ApiChallenge(challenge=value, client_id=client_id, expires_at=expires, used=False))
    return jsonify(challenge=value, expires_at=expires.isoformat())


@bp.post("/token")
def token():
    """Exchange a signed challenge for a bearer token (SM2 signature over the challenge's ASCII bytes)."""
    body = request.get_json(silent=True) or {}
    client_id, value = str(body.get("client_id", ""))[:64], str(body.get("challenge", ""))[:64]
    try:
        signature = base64.b64decode(str(body.get("signature", "")), validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    with db.session() as s:
        row = s.get(ApiChallenge, value)
        client = s.get(ApiClient, client_id)
        valid = (row is not None and client is not None and client.is_active and row.client_id == client_id
                 and not row.used and _utc(row.expires_at) > _now()
                 and sm2_verify(client.public_key, value.encode("ascii"), signature))
        if row is not None:
            row.used = True
        if not valid:
            audit.append(s, username=f"api:{client_id}", source_ip=client_ip(), action="api.login", outcome="failure")
            return _error(401, "挑战签名验证失败或已过期")
        raw = secrets.token_urlsafe(32)
        s.add(ApiToken(token_digest=sm3(raw.encode()).hex(), client_id=client_id,
                       expires_at=_now() + timedelta(seconds=TOKEN_SECONDS)))
        audit.append(s, username=f"api:{client_id}", source_ip=client_ip(), action="api.login")
    return jsonify(access_token=raw, token_type="Bearer", expires_in=TOKEN_SECONDS)


def bearer_gate():
    """Before every /api/ request outside /api/v1/auth: a valid bearer token is required."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return _error(401, "缺少访问令牌")
    digest = sm3(header[7:].strip().encode()).hex()
    with db.session() as s:
        row = s.get(ApiToken, digest)
        client = s.get(ApiClient, row.client_id) if row else None
        if row is None or _utc(row.expires_at) <= _now() or client is None or not client.is_active:
            return _error(401, "访问令牌无效或已过期")
        g.api_client = {"client_id": client.client_id, "role": client.role,
                        "permissions": frozenset(ROLES[client.role].permissions) if client.role in ROLES else frozenset()}
    return None


def api_permission(permission: str):
    """Declare and check the permission an API endpoint needs."""

    def decorate(fn):
        @wraps(fn)
        def wrapper(*args, **kwargs):
            if permission not in g.api_client["permissions"]:
                with db.session() as s:
                    audit.append(s, username=f"api:{g.api_client['client_id']}", source_ip=client_ip(),
                                 action="api.call", object_id=request.path, outcome="denied")
                return _error(403, "无权调用此接口")
            return fn(*args, **kwargs)

        wrapper.permission = permission
        return wrapper

    return decorate


def register_client(session, *, client_id: str, name: str, public_key: str, role: str = "integration_client",
                    actor: str = "-", source_ip: str = "-") -> ApiClient:
    """Register an external system with its SM2 public key."""
    if session.scalar(select(ApiClient.client_id).where(ApiClient.client_id == client_id)):
        raise ValueError(f"接口客户端 {client_id} 已存在")
    client = ApiClient(client_id=client_id, name=name, public_key=public_key, role=role, is_active=True)
    session.add(client)
    audit.append(session, username=actor, source_ip=source_ip, action="api.client.register",
                 object_type="api_client", object_id=client_id, detail={"role": role})
    return client
