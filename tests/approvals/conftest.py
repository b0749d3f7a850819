"""Fixtures of the approvals engine tests: a session inside an app context, and the two libraries."""
from __future__ import annotations

import pytest

from db import db
from tests.approvals.helpers import PUDONG, XUHUI, actor
from workflow import approvals as ap


@pytest.fixture()
def s(app):
    """One transaction (committed at the end) inside the app context (files go to its instance folder)."""
    with app.server.app_context(), db.session() as session:
        yield session


@pytest.fixture(scope="session")
def libraries(app):
    """Planned advertising sites and non-convention species, entered by the city approver (modules 68, 73)."""
    city = actor("approver_city")
    with db.session() as session:
        for n in range(1, 6):
            ap.save_ad_site(session, city, code=f"GG310104-{n:03d}", name=f"徐汇区漕溪北路规划点位{n}",
                            district_code=XUHUI, street="徐家汇街道", lon=121.436 + n / 1000, lat=31.19, size="18m×6m")
        ap.save_ad_site(session, city, code="GG310115-001", name="浦东新区世纪大道规划点位", district_code=PUDONG,
                        street="花木街道", lon=121.54, lat=31.22, size="12m×4m")
        ap.save_species(session, city, name="环尾狐猴", scientific_name="Lemur catta", category="哺乳纲",
                        protection_level="非国际公约物种", note="科普展示常见物种")
        ap.save_species(session, city, name="黑天鹅", scientific_name="Cygnus atratus", category="鸟纲",
                        protection_level="非国际公约物种")
    return True
