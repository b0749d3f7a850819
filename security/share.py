"""Read-only views shared with another authority through a link that expires (module 216).

The link carries a random token; only its SM3 digest is stored. Opening the link puts the digest in the
visitor's session; every later request re-checks that the link still exists, is not revoked and has not
expired. A share visitor holds exactly one permission, ``share.<view>``, and sees only the shared scope.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.security import ShareLink
from security import audit
from security.sm import sm3

MAX_DAYS = 90


def digest(token: str) -> str:
    """SM3 digest (hex) of a share token."""
    return sm3(token.encode("utf-8")).hex()


def create(session: Session, *, view: str, audience: str, scope: dict, days: int, actor: str,
           source_ip: str) -> str:
    """Create a share link valid for ``days`` (1–90); returns the raw token (shown once)."""
    if not 1 <= int(days) <= MAX_DAYS:
        raise ValueError(f"有效期须为 1 至 {MAX_DAYS} 天")
    if not audience.strip():
        raise ValueError("请填写共享对象")
    token = secrets.token_urlsafe(24)
    now = datetime.now(timezone.utc)
    session.add(ShareLink(token_digest=digest(token), view=view, audience=audience.strip()[:64],
                          scope=json.dumps(scope, ensure_ascii=False, sort_keys=True), created_by=actor,
                          created_at=now, expires_at=now + timedelta(days=int(days)), revoked=False))
    audit.append(session, username=actor, source_ip=source_ip, action="share.create", object_type=view,
                 object_id=digest(token)[:16], detail={"audience": audience, "scope": scope, "days": int(days)})
    return token


def _utc(v: datetime) -> datetime:
    return v.replace(tzinfo=timezone.utc) if v.tzinfo is None else v


def valid_link(session: Session, token_digest: str, *, now: datetime | None = None) -> ShareLink | None:
    """The link if it exists, is not revoked and has not expired."""
    link = session.get(ShareLink, token_digest)
    now = now or datetime.now(timezone.utc)
    if link is None or link.revoked or _utc(link.expires_at) <= now:
        return None
    return link


def revoke(session: Session, token_digest: str, *, actor: str, source_ip: str) -> None:
    """Revoke a link at once."""
    link = session.get(ShareLink, token_digest)
    if link is not None:
        link.revoked = True
        audit.append(session, username=actor, source_ip=source_ip, action="share.revoke", object_type=link.view,
                     object_id=token_digest[:16])


def links(session: Session, view: str) -> list[ShareLink]:
    """Every link of ``view``, newest first."""
    return list(session.scalars(select(ShareLink).where(ShareLink.view == view).order_by(ShareLink.created_at.desc())))


@dataclass
class ShareVisitor:
    """Whoever opened a valid share link: one permission, the shared scope, nothing else."""

    view: str
    audience: str
    scope: dict = field(default_factory=dict)
    expires_at: datetime | None = None
    is_authenticated: bool = True
    is_active: bool = True
    is_anonymous: bool = False
    district_code: str | None = None
    needs_password_change: bool = False
    session_token: str | None = None
    display_name: str = ""

    @property
    def username(self) -> str:
        """How the visitor appears in the audit log."""
        return f"share:{self.audience}"[:64]

    def get_id(self) -> str:
        """Share visitors are never stored in the session as users."""
        return ""

    def can(self, permission) -> bool:
        """Only the shared view's own permission."""
        return permission == f"share.{self.view}"
