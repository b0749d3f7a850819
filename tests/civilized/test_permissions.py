"""Every step's routes × every role: allowed roles get through, the others get the 403 page; and the
scoping inside an allowed role (a unit sees only its own, an association only its industry)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from db import db
from db.civilized import Application, Association, Consultation, Cycle, Department, RegistryEntry, Unit
from security.rbac import ROLES
from tests.civilized.helpers import BASE, post

ADMIN, ASSOC, UNIT, CONSULT = "civilized.admin", "civilized.association", "civilized.unit", "civilized.consult"
ANY = (ADMIN, ASSOC, UNIT, CONSULT)


def _ids() -> dict:
    with db.session() as s:
        cycle = s.scalar(select(Cycle.id).order_by(Cycle.id))
        app = s.scalar(select(Application.id).order_by(Application.id))
        unit = s.scalar(select(Unit.id).order_by(Unit.id))
        entry = s.scalar(select(RegistryEntry.id).order_by(RegistryEntry.id))
        consult = s.scalar(select(Consultation.id).order_by(Consultation.id))
    return {"cycle": cycle, "app": app, "unit": unit, "entry": entry, "consult": consult}


# (module, method, path template, permissions any of which lets a role through)
STEPS = [
    (1, "GET", "/cycles", (ADMIN,)), (1, "POST", "/cycles/new", (ADMIN,)),
    (2, "GET", "/apply", (UNIT,)), (2, "POST", "/apply", (UNIT,)),
    (3, "POST", "/applications/{app}/transition", ANY), (3, "GET", "/applications", ANY),
    (4, "GET", "/cycles/{cycle}/indicators", (ADMIN,)), (4, "POST", "/cycles/{cycle}/indicators/version", (ADMIN,)),
    (5, "POST", "/cycles/{cycle}/formal", (ADMIN,)),
    (7, "GET", "/applications/{app}/scores/self", (UNIT,)), (7, "POST", "/applications/{app}/evidence", (UNIT,)),
    (8, "POST", "/applications/{app}/consult", (ADMIN,)), (8, "GET", "/consultations", (CONSULT, ADMIN)),
    (8, "POST", "/consultations/{consult}", (CONSULT,)),
    (9, "GET", "/applications/{app}/scores/association", (ASSOC,)),
    (10, "GET", "/cycles/{cycle}/review", (ADMIN,)), (10, "GET", "/applications/{app}/scores/bureau", (ADMIN,)),
    (11, "POST", "/cycles/{cycle}/review", (ADMIN,)),
    (12, "GET", "/registry", (ADMIN,)), (12, "GET", "/registry/units/{unit}", (ADMIN, ASSOC, UNIT)),
    (13, "POST", "/registry/{entry}/remove", (ADMIN,)),
    (14, "GET", "/records?kind=inspection", (ADMIN,)), (14, "POST", "/records/new?kind=inspection", (ADMIN,)),
    (15, "GET", "/records?kind=symposium", (ADMIN,)),
    (16, "GET", "/negative", (ADMIN,)), (16, "POST", "/negative", (ADMIN,)),
    (17, "GET", "/units", (ADMIN, ASSOC)), (17, "POST", "/units/new", (ADMIN, ASSOC)),
]


@pytest.mark.module(1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17)
@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_step_by_role(app, client_as, role):
    ids = _ids()
    client = client_as(role)
    held = set(ROLES[role].permissions)
    for module, method, template, allowed in STEPS:
        path = BASE + template.format(**ids)
        r = client.get(path) if method == "GET" else client.post(path, data={})  # no CSRF token: nothing changes
        if held & set(allowed):
            assert r.status_code != 403, (role, module, method, path)
        else:
            assert r.status_code == 403 and "您没有访问" in r.get_data(as_text=True), (role, module, method, path, r.status_code)


def test_anonymous_is_sent_to_login(client):
    r = client.get(BASE + "/cycles")
    assert r.status_code in (302, 401) and "/login" in r.headers.get("Location", "/login")


@pytest.mark.module(2)
def test_unit_sees_only_its_own_applications(client_as):
    with db.session() as s:
        own = set(s.scalars(select(Application.id).join(Unit, Unit.id == Application.unit_id)
                            .where(Unit.account == "unit_user")))
        foreign = s.scalar(select(Application.id).join(Unit, Unit.id == Application.unit_id)
                           .where(Unit.account.is_(None)).limit(1))
    unit = client_as("unit_user")
    page = unit.get(BASE + "/applications").get_data(as_text=True)
    listed = {int(x) for x in __import__("re").findall(r'data-app="(\d+)"', page)}
    assert listed and listed <= own
    assert unit.get(f"{BASE}/applications/{foreign}").status_code == 404
    assert unit.get(f"{BASE}/applications/{foreign}/scores/self").status_code == 404


@pytest.mark.module(9, 17)
def test_association_sees_only_its_industry(client_as):
    with db.session() as s:
        assoc = s.scalar(select(Association).where(Association.account == "association_reviewer"))
        other = s.scalar(select(Application.id).join(Unit, Unit.id == Application.unit_id)
                         .where(Unit.association_id != assoc.id).limit(1))
        industry = assoc.industry
    c = client_as("association_reviewer")
    page = c.get(BASE + "/units").get_data(as_text=True)
    assert industry in page and "局属单位" not in page
    assert c.get(f"{BASE}/applications/{other}").status_code == 404
    assert c.get(f"{BASE}/applications/{other}/scores/association").status_code == 404


@pytest.mark.module(3)
def test_illegal_transition_is_refused_with_a_message(client_as):
    with db.session() as s:
        app_id = s.scalar(select(Application.id).where(Application.state == "pre_bureau").limit(1))
    admin = client_as("civilized_admin")
    r = post(admin, f"/applications/{app_id}/transition", {"action": "award"}, follow_redirects=True)
    assert "当前状态为“预申报·文明办审核”，不能执行“授予/保留”" in r.get_data(as_text=True)
    r = post(admin, f"/applications/{app_id}/transition", {"action": "bureau_reject"}, follow_redirects=True)
    assert "“不予通过”须填写意见或理由" in r.get_data(as_text=True)
    with db.session() as s:
        assert s.get(Application, app_id).state == "pre_bureau"


@pytest.mark.module(8)
def test_department_answers_only_its_own_consultations(client_as):
    with db.session() as s:
        mine = s.scalar(select(Department.id).where(Department.account == "consult_department"))
        other = s.scalar(select(Consultation.id).where(Consultation.department_id != mine).limit(1))
    assert client_as("consult_department").get(f"{BASE}/consultations/{other}").status_code == 404
