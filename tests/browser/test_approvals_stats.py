"""The approvals statistics page: the 徐汇 district approver sees 徐汇 only (the district filter is locked
and the server ignores another district), the KPIs match counts taken straight from the demo data."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from datagen.domains.approvals import DEMO_DISTRICT
from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.approvals import Case
from queries import approvals as q
from tests.browser import open_page, sign_in

pytestmark = [pytest.mark.module(58, 64)]


def _expected(district: str | None) -> tuple[int, int]:
    """(cases submitted in the newest year, running cases of that year) counted row by row."""
    with db.session() as s:
        stmt = select(Case.submitted_at, Case.state).where(Case.composite_parent_id.is_(None), Case.state != "draft")
        if district:
            stmt = stmt.where(Case.district_code == district)
        rows = s.execute(stmt).all()
    year = max(t.year for t, _ in rows)
    this_year = [state for t, state in rows if t.year == year]
    return len(this_year), sum(state in ("in_progress", "parallel") for state in this_year)


def _text(browser, element_id: str, timeout: float = 20) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = browser.find_element(By.ID, element_id).text.strip()
        if value:
            return value
        time.sleep(0.2)
    return ""


@pytest.mark.browser
def test_district_approver_sees_own_district(app, live_server, browser):
    sign_in(browser, live_server, "approver_district", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/admin/approvals-stats") == []
    cases, running = _expected(DEMO_DISTRICT)
    assert _text(browser, "ap-stats-asof") == "范围：徐汇区"
    assert int(_text(browser, "ap-stats-k-cases").replace(",", "")) == cases
    assert int(_text(browser, "ap-stats-k-running").replace(",", "")) == running
    assert "徐汇区" in browser.find_element(By.ID, "ap-stats-district").text  # locked to the user's district
    assert app.server.config["TEST_SERVER_ERRORS"] == []


def test_scope_is_enforced_on_the_server(app):
    with app.server.app_context():
        xuhui = q.counts(None, district="310115", scope=DEMO_DISTRICT)
        assert set(xuhui.district_code) == {DEMO_DISTRICT}
        city = q.counts(None)
        assert len(set(city.district_code)) == 16
        assert q.summary(city)["cases"] > q.summary(xuhui)["cases"] > 0
        steps = q.step_days(None)
        assert {"收件", "受理"} <= set(steps.label) and (steps.avg_days >= 0).all()
        sup = q.supervision(None)
        assert sup["tasks"] == sup["open"] + sup["rectifying"] + sup["closed"] and 0 < sup["closure_rate"] < 1
