"""Account administration with separated duties (module 55; GB/T 22239-2019 8.1.4.2)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bench.login import encrypt, parse_form
from db import db
from db.security import User, UserRole
from tests.conftest import sign_in

pytestmark = pytest.mark.module(55)


@pytest.mark.parametrize("role,status", [("system_admin", 200), ("security_admin", 403), ("auditor", 403),
                                         ("leader", 403), ("analyst", 403)])
def test_user_list_by_role(client_as, role, status):
    assert client_as(role).get("/admin/system/users").status_code == status


def test_create_user_then_security_admin_grants_role(app, client_as):
    sysadmin = client_as("system_admin")
    csrf, pub, ch = parse_form(sysadmin.get("/admin/system/users/new").get_data(as_text=True))
    bad = sysadmin.post("/admin/system/users/new", data={
        "csrf_token": csrf, "username": "xh_editor2", "display_name": "徐汇编辑", "district_code": "310104",
        "unit_name": "", "password_cipher": encrypt("weak", pub, ch)})
    assert bad.status_code == 400 and "至少 8 位" in bad.get_data(as_text=True)
    csrf, pub, ch = parse_form(sysadmin.get("/admin/system/users/new").get_data(as_text=True))
    ok = sysadmin.post("/admin/system/users/new", data={
        "csrf_token": csrf, "username": "xh_editor2", "display_name": "徐汇编辑", "district_code": "310104",
        "unit_name": "", "password_cipher": encrypt("Init#Pass2026", pub, ch)})
    assert ok.status_code == 302
    with db.session() as s:
        user = s.scalar(select(User).where(User.username == "xh_editor2"))
        assert user.must_change_password and user.district_code == "310104"
        uid = user.id
    # the system administrator cannot grant roles
    assert sysadmin.get(f"/admin/system/users/{uid}/roles").status_code == 403
    secadmin = client_as("security_admin")
    page = secadmin.get(f"/admin/system/users/{uid}/roles").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert secadmin.post(f"/admin/system/users/{uid}/roles",
                         data={"csrf_token": csrf, "role": ["gis_editor"]}).status_code == 302
    with db.session() as s:
        assert s.scalars(select(UserRole.role).where(UserRole.user_id == uid)).all() == ["gis_editor"]
    # the new account must change its password, then has exactly the granted access
    c = app.server.test_client()
    assert sign_in(c, "xh_editor2", "Init#Pass2026").status_code == 302
    assert c.get("/").headers["Location"].endswith("/account/password")


def test_security_admin_cannot_change_own_roles(client_as):
    secadmin = client_as("security_admin")
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.username == "security_admin"))
    page = secadmin.get(f"/admin/system/users/{uid}/roles").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = secadmin.post(f"/admin/system/users/{uid}/roles",
                      data={"csrf_token": csrf, "role": ["security_admin", "auditor"]})
    assert r.status_code == 400 and "职责分离" in r.get_data(as_text=True)


def test_deactivated_user_cannot_sign_in(app, client_as):
    from security.accounts import create_user

    with db.session() as s:
        uid = create_user(s, actor="t", source_ip="-", username="to_stop", display_name="x",
                          password="Good#pass2026", roles=["leader"], must_change_password=False).id
    sysadmin = client_as("system_admin")
    page = sysadmin.get("/admin/system/users").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert sysadmin.post(f"/admin/system/users/{uid}/state",
                         data={"csrf_token": csrf, "action": "deactivate"}).status_code == 302
    c = app.server.test_client()
    c.environ_base["REMOTE_ADDR"] = "10.66.0.1"
    assert sign_in(c, "to_stop", "Good#pass2026").status_code == 400
