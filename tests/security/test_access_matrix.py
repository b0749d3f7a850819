"""Every page, its callbacks, routes and API endpoints × every role → allowed or denied, as declared."""
from __future__ import annotations

import dash
import pytest
from sqlalchemy import delete, insert, select, update

from bench.pagewalk import initial_calls
from db import db
from db.security import AuditLog, RolePermission, SecurityAlarm, User, UserRole
from bench.__main__ import account_for
from security.rbac import ROLES, Access

pytestmark = pytest.mark.module(55)
ROUTER = {"output": ".._pages_content.children..._pages_store.data..",
          "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
          "changedPropIds": ["_pages_location.pathname"], "state": []}


def _open(client, path):
    body = dict(ROUTER, inputs=[{"id": "_pages_location", "property": "pathname", "value": path},
                                {"id": "_pages_location", "property": "search", "value": ""}])
    r = client.post("/_dash-update-component", json=body)
    assert r.status_code == 200
    return r.get_json()["response"]["_pages_content"]["children"]


def _pages():
    return [p for p in dash.page_registry.values() if not p["module"].endswith("not_found_404")
            and account_for(p.get("permission")) is not None]


def test_every_page_declares_its_permission(app):
    for page in dash.page_registry.values():
        assert "permission" in page, f"{page['module']} declares no permission"


@pytest.mark.parametrize("role", sorted(ROLES))
def test_pages_and_callbacks_by_role(app, client_as, role):
    client = client_as(role)
    deps = client.get("/_dash-dependencies").get_json()
    access = Access(permissions=frozenset(ROLES[role].permissions))
    for page in _pages():
        allowed = access.can(page.get("permission"))
        layout = _open(client, page["path"])
        denied_text = "您没有访问" in str(layout)
        assert denied_text is not allowed, (role, page["path"])
        # the page's own callbacks: bodies taken from a permitted user's layout, replayed by this role
        permitted = client if allowed else client_as(account_for(page.get("permission")))
        reference_layout = _open(permitted, page["path"])
        assert "您没有访问" not in str(reference_layout)
        for call in initial_calls(reference_layout, deps):
            r = client.post("/_dash-update-component", json=call.body)
            expected = {200, 204} if allowed else {403}
            assert r.status_code in expected, (role, page["path"], call.name, r.status_code)


@pytest.mark.parametrize("role", sorted(ROLES))
def test_navigation_lists_only_permitted_pages(app, client_as, role):
    layout = client_as(role).get("/_dash-layout").get_data(as_text=True)
    assert ("行政区划" in layout) is ("gis.view" in ROLES[role].permissions)


def test_district_scope_enforced_in_query(app, client_as):
    """The district editor (徐汇) asking for Pudong's streets gets Xuhui's."""
    from bench.pagewalk import initial_calls as calls

    client = client_as("gis_editor")
    layout = _open(client, "/gis/divisions")
    panel = next(c for c in calls(layout, client.get("/_dash-dependencies").get_json()) if "grid" in c.name)
    for item in panel.body["inputs"]:
        if item["id"].endswith("selected"):
            item["value"] = "310115"
    rows = client.post("/_dash-update-component", json=panel.body).get_json()["response"]["gis-divisions-grid"]["rowData"]
    assert rows and {r["district"] for r in rows} == {"徐汇区"}
    rows_city = client_as("gis_staff").post("/_dash-update-component", json=panel.body).get_json()
    assert {r["district"] for r in rows_city["response"]["gis-divisions-grid"]["rowData"]} == {"浦东新区"}


@pytest.mark.module(255)
def test_tampered_user_role_is_refused_and_alarmed(app, client_as):
    client = client_as("gis_staff")
    assert "您没有访问" not in str(_open(client, "/gis/divisions"))
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.username == "gis_staff"))
        original = s.scalar(select(UserRole.granted_by).where(UserRole.user_id == uid))
        s.execute(update(UserRole).where(UserRole.user_id == uid).values(granted_by="attacker"))
    try:
        assert "您没有访问" in str(_open(client, "/gis/divisions"))
        with db.session() as s:
            alarm = s.scalars(select(SecurityAlarm).where(SecurityAlarm.kind == "acl.tamper")).all()
        assert any("gis_staff" in a.detail for a in alarm)
    finally:
        with db.session() as s:
            s.execute(update(UserRole).where(UserRole.user_id == uid).values(granted_by=original))
    assert "您没有访问" not in str(_open(client, "/gis/divisions"))


@pytest.mark.module(255)
def test_inserted_permission_row_grants_nothing(app, client_as):
    client = client_as("auditor")
    with db.session() as s:
        s.execute(insert(RolePermission).values(role="auditor", permission="gis.view", signature="0" * 64))
    try:
        assert "您没有访问" in str(_open(client, "/gis/divisions"))
        with db.session() as s:
            assert s.scalar(select(SecurityAlarm.id).where(SecurityAlarm.detail.contains("auditor")))
    finally:
        with db.session() as s:
            s.execute(delete(RolePermission).where(RolePermission.role == "auditor",
                                                   RolePermission.permission == "gis.view"))


@pytest.mark.module(255)
def test_moved_district_is_detected(app, client_as):
    """Changing a district editor's district in the database breaks the grant's binding."""
    client = client_as("gis_editor")
    with db.session() as s:
        s.execute(update(User).where(User.username == "gis_editor").values(district_code="310115"))
    try:
        assert "您没有访问" in str(_open(client, "/gis/divisions"))
    finally:
        with db.session() as s:
            s.execute(update(User).where(User.username == "gis_editor").values(district_code="310104"))


def test_callbacks_outside_pages_must_declare_a_permission(app, client_as, monkeypatch):
    """A server callback defined in a shared module guards itself with the module's CALLBACK_PERMISSION;
    one whose module declares nothing is refused for everybody (fail closed)."""
    import sys
    import types

    from dash._callback import GLOBAL_CALLBACK_MAP

    declared = types.ModuleType("tests_fake_board")
    declared.CALLBACK_PERMISSION = "cockpit.view"
    silent = types.ModuleType("tests_fake_helpers")
    monkeypatch.setitem(sys.modules, declared.__name__, declared)
    monkeypatch.setitem(sys.modules, silent.__name__, silent)

    def declared_fn():
        return None

    def silent_fn():
        return None

    declared_fn.__module__, silent_fn.__module__ = declared.__name__, silent.__name__
    monkeypatch.setitem(GLOBAL_CALLBACK_MAP, "fake-declared.children", {"callback": declared_fn})
    monkeypatch.setitem(GLOBAL_CALLBACK_MAP, "fake-silent.children", {"callback": silent_fn})
    leader, applicant = client_as("leader"), client_as("applicant")
    # the gate answers before Dash: 403 for refusals; anything else means the gate let the call through
    assert applicant.post("/_dash-update-component", json={"output": "fake-declared.children"}).status_code == 403
    assert leader.post("/_dash-update-component", json={"output": "fake-declared.children"}).status_code != 403
    assert leader.post("/_dash-update-component", json={"output": "fake-silent.children"}).status_code == 403
    with db.session() as s:
        denied = s.scalars(select(AuditLog.object_id).where(AuditLog.action == "callback", AuditLog.outcome == "denied")
                           .order_by(AuditLog.seq.desc())).first()
    assert denied.startswith("unowned#fake-silent")
