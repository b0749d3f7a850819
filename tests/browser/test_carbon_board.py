"""The carbon sink boards (217–222) in headless Chromium with the demo data: both modes, the clustered tree
map and the district drill-down, the carbon price, every service board, and an audited export."""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import func, select

from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.security import AuditLog
from tests.browser import drawn, open_page, sign_in, wait_for_dash

pytestmark = pytest.mark.browser


def _num(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text) or 0)


def _click_largest(browser, selector):
    paths = browser.find_elements(By.CSS_SELECTOR, selector)
    target = max(paths, key=lambda p: p.size["width"] * p.size["height"])
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: arguments[1], clientY: arguments[2]}))",
        target, target.location["x"] + target.size["width"] // 2, target.location["y"] + target.size["height"] // 2)
    wait_for_dash(browser)


@pytest.mark.module(217)
@pytest.mark.parametrize("mode", ["", "?screen=big"])
def test_storage_map_drill_down_and_back(live_server, browser, mode):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/carbon/storage{mode}") == []
    city = _num(browser.find_element(By.ID, "carbon-storage-k-trees").text)
    assert city > 1000 and _num(browser.find_element(By.ID, "carbon-storage-k-carbon").text) > 0
    polygons = browser.find_elements(By.CSS_SELECTOR, "#carbon-storage-map path.leaflet-interactive")
    assert len(polygons) >= 16 + 10  # 16 districts and the tree clusters over them
    assert len(browser.find_elements(By.CSS_SELECTOR, "#carbon-storage-road-list .rank-item")) == 10
    assert browser.find_elements(By.CSS_SELECTOR, "#carbon-storage-grid .ag-row")
    _click_largest(browser, "#carbon-storage-map path.leaflet-interactive")  # a district polygon
    crumb = browser.find_element(By.ID, "carbon-storage-crumb").text
    assert "全市" not in crumb and crumb.endswith("区")
    assert 0 < _num(browser.find_element(By.ID, "carbon-storage-k-trees").text) < city
    browser.find_element(By.ID, "carbon-storage-back").click()
    wait_for_dash(browser)
    assert _num(browser.find_element(By.ID, "carbon-storage-k-trees").text) == city
    assert ("bigscreen" in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or "")) == bool(mode)


@pytest.mark.module(218)
def test_sequestration_value_follows_the_carbon_price(live_server, browser):
    sign_in(browser, live_server, "analyst", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/carbon/sequestration") == []
    tonnes = _num(browser.find_element(By.ID, "carbon-seq-k-seq").text)
    value = _num(browser.find_element(By.ID, "carbon-seq-k-value").text)
    assert tonnes > 0 and value == pytest.approx(tonnes * 60 / 1e4, rel=0.02)
    price = browser.find_element(By.ID, "carbon-seq-price")
    price.send_keys(Keys.CONTROL, "a")
    price.send_keys("120", Keys.ENTER)
    wait_for_dash(browser)
    assert _num(browser.find_element(By.ID, "carbon-seq-k-value").text) == pytest.approx(2 * value, rel=0.02)


@pytest.mark.module(219)
@pytest.mark.module(220)
@pytest.mark.module(221)
@pytest.mark.module(222)
@pytest.mark.parametrize("path, kpi", [("climate", "carbon-climate-k-ac"), ("climate", "carbon-climate-k-water"),
                                       ("hydrology", "carbon-water-k-intercept"), ("dust", "carbon-dust-k-pm10")])
def test_service_boards_show_data(live_server, browser, path, kpi):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/carbon/{path}") == []
    assert _num(browser.find_element(By.ID, kpi).text) > 0
    assert drawn(browser, ".js-plotly-plot .bars path, .js-plotly-plot g.point")


@pytest.mark.module(217)
def test_export_is_audited(live_server, browser):
    sign_in(browser, live_server, "analyst", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/carbon/storage") == []
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "data.export"))
    browser.find_element(By.CSS_SELECTOR, ".export-menu summary").click()
    browser.find_elements(By.CSS_SELECTOR, ".export-button")[2].click()  # 树种碳储量 · CSV
    wait_for_dash(browser)
    with db.session() as s:
        after = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "data.export"))
    assert after == before + 1
