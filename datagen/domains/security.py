"""Signed role permissions and one demo account per role (embedded demo only; see README)."""
from __future__ import annotations

from datagen.core import BuildContext, plugin
from db.security import PasswordHistory, RolePermission, User, UserRole
from security.rbac import ROLES, seed_role_permissions

DEMO_PASSWORD = "Demo@2026lr"
DEMO_DISTRICT = "310104"  # 徐汇区, for the district-scoped demo roles
DEMO_NAMES = {
    "leader": "王局长", "analyst": "李分析", "gis_staff": "张地图", "gis_editor": "赵图层（徐汇）", "gis_admin": "孙地图管理",
    "approver_city": "陈审批", "approver_district": "刘审批（徐汇）", "unit_user": "周申报",
    "civilized_admin": "钱文明办", "consult_department": "冯征询",
    "association_reviewer": "吴协会", "applicant": "郑申请", "integration_client": "接口账号",
    "approval_leader": "沈处长", "forestry_fee_officer": "林核定", "tax_officer": "税确认", "ad_agent": "广代理",
    "district_supervisor": "区监管（徐汇）",
    "system_admin": "系统管理员", "security_admin": "安全管理员", "auditor": "安全审计员",
}


def demo_accounts() -> list[dict]:
    """The demo accounts: user name = role code, one shared demo password."""
    return [{"username": code, "display_name": DEMO_NAMES[code], "role": code,
             "district_code": DEMO_DISTRICT if role.district_scoped else None}
            for code, role in ROLES.items()]


def _estimate(scale: str) -> int:
    return len(ROLES) * 2


@plugin("security", order=1, tables=[User.__table__, PasswordHistory.__table__, UserRole.__table__,
                                     RolePermission.__table__], datasets=["security"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Write the signed role→permission table and the demo accounts (through the account service)."""
    from sqlalchemy.orm import Session

    from security.accounts import create_user

    with Session(bind=ctx.conn) as session:
        n = seed_role_permissions(session)
        for acc in demo_accounts():
            create_user(session, actor="datagen", source_ip="127.0.0.1", username=acc["username"],
                        display_name=acc["display_name"], password=DEMO_PASSWORD, roles=[acc["role"]],
                        district_code=acc["district_code"], must_change_password=False, is_demo=True)
        session.flush()
    ctx.counts["role_permission"] = n
    ctx.counts["app_user"] = len(ROLES)
    ctx.advance(n + len(ROLES))
