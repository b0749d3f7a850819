"""Roles, permissions and district scope (module 55), with signed access-control rows (module 255).

The catalog below is the source of truth; ``seed_role_permissions`` writes it to the database with an
HMAC-SM3 signature per row, and every permission check reads the rows back and verifies them: a row
changed directly in the database is ignored (access refused) and raises an alarm.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.security import RolePermission, SecurityAlarm, User, UserRole
from security import keys
from security.sm import hmac_sm3

PERMISSIONS: dict[str, str] = {
    "portal.view": "访问平台首页",
    "cockpit.view": "查看决策驾驶舱",
    "cockpit.export": "导出驾驶舱数据",
    "gis.view": "查看 GIS 地图服务",
    "gis.edit": "维护本区图层",
    "gis.review": "审核发布图层变更",
    "platform.view": "查看共享数据平台",
    "platform.import": "导入数据",
    "platform.sensitive": "查看敏感信息明文",
    "civilized.admin": "文明单位评选管理",
    "civilized.association": "行业协会审核",
    "civilized.unit": "单位申报",
    "civilized.consult": "负面清单征询答复",
    "approvals.city": "市级审批",
    "approvals.district": "区级审批",
    "approvals.apply": "在线申请",
    "approvals.sign": "审批签发（处室负责人/分管领导）",
    "approvals.fee": "森林植被恢复费核定",
    "approvals.tax": "缴费确认（税务）",
    "approvals.agent": "代理申报（广告代理）",
    "approvals.supervise": "批后监管",
    "approvals.library": "审批基础库维护（规划点位、物种库）",
    "api.intake": "接口接入",
    "system.users": "用户与系统配置管理",
    "security.roles": "角色与权限分配",
    "audit.view": "查看审计日志",
}


@dataclass(frozen=True)
class Role:
    """A role: its Chinese name, permissions, and whether its holders are limited to one district."""

    code: str
    name: str
    permissions: tuple[str, ...]
    district_scoped: bool = False


ROLES: dict[str, Role] = {r.code: r for r in [
    Role("leader", "局领导", ("portal.view", "cockpit.view", "cockpit.export", "gis.view", "platform.view")),
    Role("analyst", "数据分析员", ("portal.view", "cockpit.view", "cockpit.export", "gis.view", "platform.view",
                                  "platform.import", "platform.sensitive")),
    Role("gis_staff", "GIS 专员", ("portal.view", "gis.view", "cockpit.view")),
    Role("gis_editor", "区图层维护员", ("portal.view", "gis.view", "gis.edit"), district_scoped=True),
    Role("gis_admin", "市 GIS 管理员", ("portal.view", "gis.view", "gis.edit", "gis.review")),
    Role("approver_city", "市级审批员", ("portal.view", "approvals.city", "approvals.library", "cockpit.view")),
    Role("approver_district", "区级审批员", ("portal.view", "approvals.district"), district_scoped=True),
    Role("approval_leader", "审批负责人（处室负责人/分管领导）", ("portal.view", "approvals.city", "approvals.sign")),
    Role("forestry_fee_officer", "林业处核定员", ("portal.view", "approvals.fee")),
    Role("tax_officer", "税务缴费确认员", ("portal.view", "approvals.tax")),
    Role("ad_agent", "广告代理商", ("portal.view", "approvals.apply", "approvals.agent")),
    Role("district_supervisor", "区批后监管员", ("portal.view", "approvals.supervise"), district_scoped=True),
    Role("civilized_admin", "文明单位评选管理员", ("portal.view", "civilized.admin")),
    Role("consult_department", "负面清单征询部门", ("portal.view", "civilized.consult")),
    Role("unit_user", "文明单位申报员", ("portal.view", "civilized.unit")),
    Role("association_reviewer", "行业协会审核员", ("portal.view", "civilized.association")),
    Role("applicant", "申请人", ("portal.view", "approvals.apply")),
    Role("integration_client", "接口客户端", ("api.intake",)),
    # MLPS level 2: three separated administrators (GB/T 22239-2019 7.1.5 at level 2)
    Role("system_admin", "系统管理员", ("portal.view", "system.users")),
    Role("security_admin", "安全管理员", ("portal.view", "security.roles")),
    Role("auditor", "安全审计员", ("portal.view", "audit.view")),
]}


def _sig(*parts) -> str:
    message = "|".join("" if p is None else str(p) for p in parts).encode("utf-8")
    return hmac_sm3(keys.current().acl_key, message).hex()


def role_permission_signature(role: str, permission: str) -> str:
    """The HMAC-SM3 signature of one role→permission row."""
    return _sig("role_permission", role, permission)


def user_role_signature(user_id: int, role: str, district_code: str | None, granted_by: str,
                        granted_at: datetime) -> str:
    """The HMAC-SM3 signature of one user→role grant (binding the user's district at grant time)."""
    return _sig("user_role", user_id, role, district_code, granted_by, _iso(granted_at))


def _iso(value: datetime) -> str:
    if value.tzinfo is None:  # SQLite returns naive datetimes; they are stored as UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def seed_role_permissions(session: Session) -> int:
    """Replace the role→permission table with the catalog, every row signed; returns the row count."""
    session.execute(delete(RolePermission))
    rows = [RolePermission(role=r.code, permission=p, signature=role_permission_signature(r.code, p))
            for r in ROLES.values() for p in r.permissions]
    session.add_all(rows)
    return len(rows)


@dataclass
class Access:
    """What one user may do: roles, permissions, district scope; and any tampered rows found."""

    roles: tuple[str, ...] = ()
    permissions: frozenset[str] = frozenset()
    district_code: str | None = None
    tampered: list[str] = field(default_factory=list)

    def can(self, permission: str | tuple[str, ...] | None) -> bool:
        """True when the user holds ``permission`` (a tuple: any of them; None: any signed-in user)."""
        if permission is None:
            return True
        if isinstance(permission, (tuple, list)):
            return any(p in self.permissions for p in permission)
        return permission in self.permissions


def load_access(session: Session, user: User) -> Access:
    """Read and verify the user's grants and their roles' permissions; tampered rows grant nothing."""
    tampered: list[str] = []
    roles = []
    for grant in session.scalars(select(UserRole).where(UserRole.user_id == user.id)):
        expected = user_role_signature(user.id, grant.role, grant.district_code, grant.granted_by, grant.granted_at)
        if grant.signature != expected or grant.district_code != user.district_code or grant.role not in ROLES:
            tampered.append(f"user_role:{grant.id}")
            continue
        roles.append(grant.role)
    permissions = set()
    if roles:
        for row in session.scalars(select(RolePermission).where(RolePermission.role.in_(roles))):
            if row.signature != role_permission_signature(row.role, row.permission):
                tampered.append(f"role_permission:{row.id}")
                continue
            permissions.add(row.permission)
    return Access(tuple(sorted(roles)), frozenset(permissions), user.district_code, tampered)


def raise_alarm(session: Session, kind: str, detail: dict) -> None:
    """Record a security alarm unless the same one is already open (no flooding)."""
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    exists = session.scalar(select(SecurityAlarm.id).where(
        SecurityAlarm.kind == kind, SecurityAlarm.detail == text, SecurityAlarm.acknowledged.is_(False)))
    if exists is None:
        session.add(SecurityAlarm(at=datetime.now(timezone.utc), kind=kind, detail=text, acknowledged=False))
