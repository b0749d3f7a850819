"""The renovation-waste board in headless Chromium with the demo data: every page with figures, the point map
(cells, then single points when zoomed in), and an audited export (district scope: tests/queries)."""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import func, select

from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.security import AuditLog
from tests.browser import open_page, sign_in, wait_for_dash

pytestmark = pytest.mark.browser


def _int(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


def _wait_for(browser, selector: str, timeout: float = 15):
    """The elements matching ``selector`` once there are any (figures render after their callback returns)."""
    return WebDriverWait(browser, timeout).until(lambda b: b.find_elements(By.CSS_SELECTOR, selector))


@pytest.mark.module(236)
@pytest.mark.parametrize("mode", ["", "?screen=big"])
def test_points_ledger_and_map(live_server, browser, mode):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/renovation/points{mode}") == []
    assert _int(browser.find_element(By.ID, "rw-points-k-points").text) > 0
    assert len(_wait_for(browser, "#rw-points-map path.leaflet-interactive")) > 5
    assert "网格" in browser.find_element(By.ID, "rw-points-map-note").text
    assert _wait_for(browser, "#rw-points-grid .ag-row")
    for _ in range(6):  # zoom 9 → 15: single points
        browser.find_element(By.CSS_SELECTOR, "#rw-points-map .leaflet-control-zoom-in").click()
        wait_for_dash(browser)
    assert "个点位（最多" in browser.find_element(By.ID, "rw-points-map-note").text


@pytest.mark.module(237, 239, 240)
@pytest.mark.parametrize("path,kpi,chart", [
    ("volume", "rw-volume-k-weight", "rw-volume-trend"),
    ("efficiency", "rw-eff-k-trips", "rw-eff-hours"),
    ("facilities", "rw-fac-k-count", "rw-fac-histogram"),
])
def test_pages_show_data(live_server, browser, path, kpi, chart):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/renovation/{path}") == []
    assert _wait_for(browser, f"#{chart} .bars path, #{chart} g.point")
    assert _int(browser.find_element(By.ID, kpi).text) > 0


def test_efficiency_shows_sixteen_districts(live_server, browser):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/renovation/efficiency") == []
    assert len(_wait_for(browser, "#rw-eff-grid .ag-center-cols-container .ag-row")) == 16


@pytest.mark.module(238, 241)
def test_supervision_and_violations_with_export(live_server, browser):
    sign_in(browser, live_server, "analyst", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/renovation/supervision") == []
    assert _int(browser.find_element(By.ID, "rw-sup-k-total").text) > 0
    assert _wait_for(browser, "#rw-sup-points-list .rank-item")
    assert open_page(browser, f"{live_server}/cockpit/renovation/violations?screen=big") == []
    assert _int(browser.find_element(By.ID, "rw-vio-k-total").text) > 0
    assert _wait_for(browser, "#rw-vio-companies-list .rank-item")
    assert _wait_for(browser, "#rw-vio-vehicles .ag-row")
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "data.export"))
    browser.find_element(By.CSS_SELECTOR, ".export-menu summary").click()
    button = browser.find_element(By.CSS_SELECTOR, ".export-buttons button")
    button.click()
    wait_for_dash(browser)
    with db.session() as s:
        after = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "data.export"))
    assert after == before + 1

