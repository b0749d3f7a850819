"""The current user as pages and callbacks see it: permissions and district scope (no Flask internals)."""
from __future__ import annotations

from flask_login import current_user


def can(permission: str | None) -> bool:
    """True when the signed-in user holds ``permission`` (None: any signed-in user)."""
    return bool(getattr(current_user, "is_authenticated", False)) and current_user.can(permission)


def district_scope() -> str | None:
    """The district the user is limited to (None: the whole city)."""
    return getattr(current_user, "district_code", None)


def username() -> str:
    """The signed-in user name, or "-"."""
    return getattr(current_user, "username", "-") or "-"


def display_name() -> str:
    """The signed-in user's display name, or ""."""
    return getattr(current_user, "display_name", "") or ""


def audit_export(what: str, rows: int, fmt: str) -> None:
    """Record an export (module 257: exports are audited) in its own transaction."""
    from flask import request

    from db import db
    from security import audit

    with db.session() as s:
        audit.append(s, username=username(), source_ip=(request.remote_addr or "-") if request else "-",
                     action="data.export", object_type="export", object_id=what, detail={"rows": rows, "format": fmt})


def audit_view_sensitive(object_type: str, object_id: str, fields: list[str]) -> None:
    """Record that the user saw sensitive fields in clear text (module 258) in its own transaction."""
    from flask import request

    from db import db
    from security import audit

    with db.session() as s:
        audit.append(s, username=username(), source_ip=(request.remote_addr or "-") if request else "-",
                     action="data.view_sensitive", object_type=object_type, object_id=object_id,
                     detail={"fields": fields})


def shared_scope() -> dict | None:
    """For a visitor of a share link, what was shared (e.g. {"lines": [...]}); None for signed-in users."""
    return getattr(current_user, "scope", None) if getattr(current_user, "view", None) else None


def viewer() -> tuple:
    """What the current viewer may see, as one value (a part of cache keys): district scope, roles, and for a
    share-link visitor the view and what was shared."""
    access = getattr(current_user, "access", None)
    roles = tuple(getattr(access, "roles", ()) or ())
    return district_scope(), roles, getattr(current_user, "view", None), shared_scope()


JOB_TICKET_SECONDS = 3600


def job_ticket() -> dict:
    """A signed statement of who started a background job (the job runs outside the request, so it
    cannot read the session; it trusts only this HMAC-SM3-signed ticket)."""
    import time

    from flask import request

    from security import keys
    from security.sm import hmac_sm3

    body = {"user": username(), "ip": (request.remote_addr or "-") if request else "-",
            "district": district_scope(), "exp": int(time.time()) + JOB_TICKET_SECONDS}
    message = f"{body['user']}|{body['ip']}|{body['district']}|{body['exp']}".encode()
    return dict(body, sig=hmac_sm3(keys.current().acl_key, b"job:" + message).hex())


def verify_job_ticket(ticket: dict | None) -> dict:
    """The ticket's fields when its signature holds and it has not expired; raises PermissionError."""
    import hmac
    import time

    from security import keys
    from security.sm import hmac_sm3

    t = ticket or {}
    message = f"{t.get('user')}|{t.get('ip')}|{t.get('district')}|{t.get('exp')}".encode()
    expected = hmac_sm3(keys.current().acl_key, b"job:" + message).hex()
    if not hmac.compare_digest(expected, str(t.get("sig", ""))) or int(t.get("exp", 0)) < time.time():
        raise PermissionError("任务凭据无效或已过期，请刷新页面后重试")
    return t
