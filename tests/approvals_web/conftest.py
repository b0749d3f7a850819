"""Fixtures of the approvals web tests: signed-in clients per demo account (cached per test), a second
district's approver and supervisor, and the libraries entered through the desk."""
from __future__ import annotations

import pytest

from datagen.domains.security import DEMO_PASSWORD
from db import db
from tests.conftest import sign_in

PUDONG = "310115"


@pytest.fixture(scope="session")
def pudong_accounts(app):
    """A district approver and a district supervisor of Pudong (the demo ones act for Xuhui)."""
    from sqlalchemy import select

    from db.security import User
    from security.accounts import create_user

    with db.session() as s:
        for username, role in (("pd_approver", "approver_district"), ("pd_supervisor", "district_supervisor")):
            if s.scalar(select(User.id).where(User.username == username)) is None:
                create_user(s, actor="test", source_ip="127.0.0.1", username=username, display_name=username,
                            password=DEMO_PASSWORD, roles=[role], district_code=PUDONG, must_change_password=False,
                            is_demo=True)
    return True


@pytest.fixture()
def clients(app, pudong_accounts):
    """``clients("approver_city")``: a test client signed in as that account, one per account per test."""
    cache = {}

    def get(username: str):
        if username not in cache:
            c = app.server.test_client()
            r = sign_in(c, username)
            assert r.status_code == 302, r.get_data(as_text=True)[:300]
            cache[username] = c
        return cache[username]

    return get


SITE = "GG310104-901"
SPECIES = ("黑颈天鹅", "Cygnus melancoryphus")


@pytest.fixture(scope="session")
def web_libraries(app):
    """A planned advertising site and a species, entered through the desk's library forms (modules 68, 73)."""
    from sqlalchemy import select

    from db.approvals import AdSite, Species
    from tests.approvals_web.helpers import token

    c = app.server.test_client()
    assert sign_in(c, "approver_city").status_code == 302
    with db.session() as s:
        site_id = s.scalar(select(AdSite.id).where(AdSite.code == SITE))
        has_species = s.scalar(select(Species.id).where(Species.name == SPECIES[0])) is not None
    path = f"/admin/approvals/sites/{site_id}/edit" if site_id else "/admin/approvals/sites/new"
    r = c.post(path, data={"csrf_token": token(c, "/admin/approvals/sites"), "code": SITE, "name": "徐汇区测试规划点位",
                           "district_code": "310104", "street": "漕河泾街道", "lon": "121.40", "lat": "31.17",
                           "size": "18m×6m", "status": "planned"})
    assert r.status_code == 302, r.get_data(as_text=True)[-800:]
    if not has_species:
        r = c.post("/admin/approvals/species/new", data={
            "csrf_token": token(c, "/admin/approvals/species"), "name": SPECIES[0], "scientific_name": SPECIES[1],
            "category": "鸟纲", "protection_level": "非国际公约物种", "note": "观赏展示"})
        assert r.status_code == 302, r.get_data(as_text=True)[-800:]
    return True
