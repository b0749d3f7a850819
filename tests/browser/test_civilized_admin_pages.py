"""Every GET page of the civilized-units admin blueprint in headless Chromium, opened by the role that works
on it, with the demo data: the page renders its content, and neither the console (CSP, scripts) nor the
server reports an error."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.civilized import Application, Association, Consultation, Cycle, Decision, Department, Unit
from tests.browser import server_page_failures

pytestmark = pytest.mark.browser
BASE = "/admin/civilized"


def _sample_ids() -> dict[str, int]:
    """Ids from the demo data for the parameterised pages."""
    with db.session() as s:
        cycle = s.scalar(select(Application.cycle_id).where(Application.state == "awarded").limit(1))
        awarded = s.scalar(select(Application.id).where(Application.state == "awarded").limit(1))
        dept = s.scalar(select(Department.id).where(Department.account == "consult_department"))
        assoc = s.scalar(select(Association.id).where(Association.account == "association_reviewer"))
        consult = s.scalar(select(Consultation.id).where(Consultation.department_id == dept).limit(1))
        scored = s.scalar(select(Application.id).join(Unit, Unit.id == Application.unit_id)
                          .where(Unit.association_id == assoc, Application.state.in_(["comprehensive", "awarded"]))
                          .limit(1))
        own = s.scalar(select(Application.id).join(Unit, Unit.id == Application.unit_id)
                       .where(Unit.account == "unit_user").order_by(Application.id.desc()).limit(1))
        return {"cycle": cycle or s.scalar(select(Cycle.id).limit(1)), "app": awarded, "consult": consult,
                "scored": scored, "own": own,
                "decision": s.scalar(select(Decision.id).limit(1)),
                "unit": s.scalar(select(Application.unit_id).where(Application.id == awarded))}


# (account, path template, text the page must show)
PAGES = [
    ("civilized_admin", "/", "待办"),
    ("civilized_admin", "/cycles", "周期"),
    ("civilized_admin", "/cycles/new", "预申报"),
    ("civilized_admin", "/cycles/{cycle}/indicators", "指标"),
    ("civilized_admin", "/units", "单位"),
    ("civilized_admin", "/units/new", "单位"),
    ("civilized_admin", "/applications", "申报"),
    ("civilized_admin", "/applications/{app}", "流转记录"),
    ("civilized_admin", "/applications/{app}/scores/bureau", "指标"),
    ("civilized_admin", "/consultations", "征询"),
    ("civilized_admin", "/cycles/{cycle}/review", "排名"),
    ("civilized_admin", "/decisions/{decision}", "决定"),
    ("civilized_admin", "/registry", "文明单位库"),
    ("civilized_admin", "/registry/units/{unit}", "申报历史"),
    ("civilized_admin", "/records", "记录"),
    ("civilized_admin", "/records/new", "记录"),
    ("civilized_admin", "/negative", "负面"),
    ("unit_user", "/", "待办"),
    ("unit_user", "/apply", "申报"),
    ("unit_user", "/applications/{own}", "流转记录"),
    ("unit_user", "/applications/{own}/scores/self", "自评"),
    ("association_reviewer", "/applications/{scored}/scores/association", "评分"),
    ("consult_department", "/consultations", "征询"),
    ("consult_department", "/consultations/{consult}", "征询"),
]


@pytest.mark.module(1, 4, 12, 14, 15, 16, 17)
def test_every_admin_page_renders_in_chromium(app, live_server, browser):
    ids = _sample_ids()
    assert all(ids.values()), ids  # the demo data hold a sample of every kind
    pages = [(account, BASE + template, text) for account, template, text in PAGES]
    assert server_page_failures(browser, live_server, pages, ids, DEMO_PASSWORD) == {}
    assert app.server.config["TEST_SERVER_ERRORS"] == []
