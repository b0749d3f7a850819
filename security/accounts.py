"""Account services: create users, grant roles, authenticate with lockout, change passwords.

Validate-then-run functions that raise domain errors with Chinese messages; each write is audited in the
caller's transaction.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.security import LoginThrottle, PasswordHistory, User, UserRole
from security import audit
from security.passwords import HISTORY, hash_password, policy_errors, verify_password
from security.rbac import ROLES, user_role_signature


class AccountError(ValueError):
    """A refused account operation; ``str(error)`` is the Chinese message for the user."""


class PolicyError(AccountError):
    """A password that breaks the policy; ``errors`` lists every reason."""

    def __init__(self, errors: list[str]):
        super().__init__("；".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Policy:
    """Lockout and password-age settings (from ``Settings``)."""

    lockout_threshold: int = 5
    lockout_minutes: int = 15
    password_max_age_days: int = 90

    @classmethod
    def from_settings(cls, settings) -> "Policy":
        """The policy configured for this installation."""
        return cls(settings.lockout_threshold, settings.lockout_minutes, settings.password_max_age_days)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def create_user(session: Session, *, actor: str, source_ip: str, username: str, display_name: str,
                password: str, roles: list[str], district_code: str | None = None, unit_name: str | None = None,
                must_change_password: bool = True, is_demo: bool = False) -> User:
    """Create an account with its roles; district-scoped roles require a district."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("用户名不能为空且不超过 64 个字符")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"用户名 {username} 已存在")
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError(f"未知角色：{'、'.join(unknown)}")
    if any(ROLES[r].district_scoped for r in roles) and not district_code:
        raise AccountError("区级角色必须指定所属区")
    errors = policy_errors(password, username=username)
    if errors:
        raise PolicyError(errors)
    now = _now()
    user = User(username=username, display_name=display_name, password_hash=hash_password(password),
                district_code=district_code, unit_name=unit_name, is_active=True, is_demo=is_demo,
                must_change_password=must_change_password, password_changed_at=now, failed_logins=0,
                created_at=now)
    session.add(user)
    session.flush()
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, created_at=now))
    for role in roles:
        grant_role(session, actor=actor, source_ip=source_ip, user=user, role=role, audit_it=False)
    audit.append(session, username=actor, source_ip=source_ip, action="user.create", object_type="user",
                 object_id=username, detail={"roles": roles, "district": district_code})
    return user


def grant_role(session: Session, *, actor: str, source_ip: str, user: User, role: str,
               audit_it: bool = True) -> UserRole:
    """Grant ``role`` to ``user`` with a signed row."""
    if role not in ROLES:
        raise AccountError(f"未知角色：{role}")
    granted_at = _now().replace(microsecond=0)
    row = UserRole(user_id=user.id, role=role, district_code=user.district_code, granted_by=actor,
                   granted_at=granted_at,
                   signature=user_role_signature(user.id, role, user.district_code, actor, granted_at))
    session.add(row)
    session.flush()
    if audit_it:
        audit.append(session, username=actor, source_ip=source_ip, action="role.grant", object_type="user",
                     object_id=user.username, detail={"role": role})
    return row


def revoke_role(session: Session, *, actor: str, source_ip: str, user: User, role: str) -> None:
    """Take ``role`` away from ``user``."""
    session.execute(delete(UserRole).where(UserRole.user_id == user.id, UserRole.role == role))
    audit.append(session, username=actor, source_ip=source_ip, action="role.revoke", object_type="user",
                 object_id=user.username, detail={"role": role})


@dataclass
class LoginResult:
    """Outcome of a login attempt."""

    user: User | None
    message: str = ""

    @property
    def ok(self) -> bool:
        """True when the user may sign in."""
        return self.user is not None


def _minutes_left(until: datetime, now: datetime) -> int:
    return max(1, int((until - now).total_seconds() + 59) // 60)


def authenticate(session: Session, *, username: str, password: str, source_ip: str, policy: Policy,
                 now: datetime | None = None) -> LoginResult:
    """Check a login; count failures per account and per source address; lock after the threshold.

    Every attempt is audited (success, failure, refusal while locked).
    """
    now = now or _now()
    throttle = session.get(LoginThrottle, f"ip:{source_ip}")
    if throttle and _utc(throttle.locked_until) and _utc(throttle.locked_until) > now:
        audit.append(session, username=username, source_ip=source_ip, action="login", outcome="denied",
                     detail={"reason": "source locked"})
        return LoginResult(None, f"该地址登录失败次数过多，请 {_minutes_left(_utc(throttle.locked_until), now)} 分钟后再试")
    user = session.scalar(select(User).where(User.username == username))
    if user is not None and _utc(user.locked_until) and _utc(user.locked_until) > now:
        audit.append(session, username=username, source_ip=source_ip, action="login", outcome="denied",
                     detail={"reason": "account locked"})
        return LoginResult(None, f"账号已锁定，请 {_minutes_left(_utc(user.locked_until), now)} 分钟后再试")
    if user is None or not user.is_active or not verify_password(password, user.password_hash):
        left = _record_failure(session, user, source_ip, policy, now)
        audit.append(session, username=username, source_ip=source_ip, action="login", outcome="failure",
                     detail={"reason": "bad credentials" if user is None or user.is_active else "inactive"})
        if left <= 0:
            return LoginResult(None, f"登录失败次数过多，账号已锁定 {policy.lockout_minutes} 分钟")
        return LoginResult(None, f"用户名或密码错误，还可尝试 {left} 次")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if throttle:
        session.delete(throttle)
    audit.append(session, username=username, source_ip=source_ip, action="login", outcome="success")
    return LoginResult(user)


def _record_failure(session: Session, user: User | None, source_ip: str, policy: Policy, now: datetime) -> int:
    """Count one failure for the address and the account; return the attempts left (≤ 0: locked)."""
    key = f"ip:{source_ip}"
    throttle = session.get(LoginThrottle, key)
    window = timedelta(minutes=policy.lockout_minutes)
    if throttle is None or now - _utc(throttle.first_failure_at) > window:
        if throttle is None:
            throttle = LoginThrottle(key=key, failures=0, first_failure_at=now)
            session.add(throttle)
        throttle.failures, throttle.first_failure_at, throttle.locked_until = 0, now, None
    throttle.failures += 1
    if throttle.failures >= policy.lockout_threshold:
        throttle.locked_until = now + window
    left = policy.lockout_threshold - throttle.failures
    if user is not None:
        user.failed_logins += 1
        if user.failed_logins >= policy.lockout_threshold:
            user.locked_until = now + window
            user.failed_logins = 0
            audit.append(session, username=user.username, source_ip=source_ip, action="account.lock",
                         object_type="user", object_id=user.username, outcome="alarm")
            return 0
        left = min(left, policy.lockout_threshold - user.failed_logins)
    return left


def password_expired(user: User, policy: Policy, now: datetime | None = None) -> bool:
    """True when the password is older than the configured maximum age."""
    now = now or _now()
    return now - _utc(user.password_changed_at) > timedelta(days=policy.password_max_age_days)


def change_password(session: Session, *, user: User, old_password: str, new_password: str,
                    source_ip: str) -> None:
    """Change a password: the old one must match, the new one must comply and not reuse the last five."""
    if not verify_password(old_password, user.password_hash):
        audit.append(session, username=user.username, source_ip=source_ip, action="password.change",
                     object_type="user", object_id=user.username, outcome="failure")
        raise AccountError("原密码不正确")
    errors = policy_errors(new_password, username=user.username)
    if errors:
        raise PolicyError(errors)
    recent = session.scalars(select(PasswordHistory.password_hash).where(PasswordHistory.user_id == user.id)
                             .order_by(PasswordHistory.id.desc()).limit(HISTORY)).all()
    if any(verify_password(new_password, h) for h in recent):
        raise PolicyError([f"新密码不能与最近 {HISTORY} 次使用过的密码相同"])
    now = _now()
    user.password_hash = hash_password(new_password)
    user.password_changed_at = now
    user.must_change_password = False
    session.add(PasswordHistory(user_id=user.id, password_hash=user.password_hash, created_at=now))
    audit.append(session, username=user.username, source_ip=source_ip, action="password.change",
                 object_type="user", object_id=user.username)


def new_session_token(user: User) -> str:
    """Issue the token of the user's one live session (single-session mode)."""
    user.session_token = secrets.token_hex(16)
    return user.session_token
