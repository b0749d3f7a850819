"""The green-space construction board in headless Chromium with the demo data: project boards with map layers,
patrol analysis, and the supervision query with its export (audited)."""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import func, select

from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.security import AuditLog
from tests.browser import open_page, sign_in, wait_for_dash

pytestmark = pytest.mark.browser


def _int(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


@pytest.mark.module(226)
@pytest.mark.parametrize("mode", ["", "?screen=big"])
def test_ring_park_board(live_server, browser, mode):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/greenspace/ringpark{mode}") == []
    assert _int(browser.find_element(By.ID, "gs-ring-k-projects").text) > 100
    assert "%" in browser.find_element(By.ID, "gs-ring-k-progress").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#gs-ring-map path.leaflet-interactive")) > 100
    assert browser.find_elements(By.CSS_SELECTOR, "#gs-ring-grid .ag-row")


@pytest.mark.module(227)
def test_residential_and_riverside_board(live_server, browser):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/greenspace/residential") == []
    assert _int(browser.find_element(By.ID, "gs-res-k-projects").text) > 100
    assert browser.find_elements(By.CSS_SELECTOR, "#gs-res-by-status .bars path")


@pytest.mark.module(228)
def test_patrol_board(live_server, browser):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/greenspace/patrol?screen=big") == []
    assert "%" in browser.find_element(By.ID, "gs-patrol-k-rect").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#gs-patrol-worst-list .rank-item")) == 10


@pytest.mark.module(229)
def test_supervision_query_and_export(live_server, browser):
    sign_in(browser, live_server, "analyst", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/greenspace/supervision") == []
    total = _int(browser.find_element(By.ID, "gs-sup-k-events").text)
    assert total > 0 and browser.find_elements(By.CSS_SELECTOR, "#gs-sup-grid .ag-row")
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "data.export"))
    browser.find_element(By.CSS_SELECTOR, ".export-menu summary").click()
    browser.find_elements(By.CSS_SELECTOR, ".export-button")[0].click()  # 事件明细 · CSV
    wait_for_dash(browser)
    with db.session() as s:
        after = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "data.export"))
    assert after == before + 1
