"""Every registered page in headless Chromium: it loads with data, and no console or callback error."""
from __future__ import annotations

import dash
import pytest
from selenium.webdriver.common.by import By

from tests.browser import open_page, wait_for_dash
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "screenshots"


def test_every_page_loads_without_errors(app, live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    paths = sorted(p["path"] for p in dash.page_registry.values())
    assert "/" in paths and "/gis/divisions" in paths
    failures = {}
    for path in paths + ["/no/such/page"]:
        for mode in ("", "?screen=big"):
            errors = open_page(browser, f"{live_server}{path}{mode}")
            name = (path.strip("/").replace("/", "_") or "home") + ("_big" if mode else "")
            browser.save_screenshot(str(SHOTS / f"{name}.png"))
            if errors:
                failures[path + mode] = errors
    assert failures == {}
    assert app.server.config["TEST_SERVER_ERRORS"] == []


def test_not_found_page(live_server, browser):
    open_page(browser, f"{live_server}/no/such/page")
    assert "页面不存在" in browser.find_element(By.CSS_SELECTOR, ".not-found").text


def test_bigscreen_mode_switches_theme(live_server, browser):
    open_page(browser, f"{live_server}/?screen=big")
    assert "bigscreen" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
    open_page(browser, f"{live_server}/")
    assert "bigscreen" not in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or "")


def test_portal_lists_registered_pages(live_server, browser):
    open_page(browser, f"{live_server}/")
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".portal-link-name")]
    assert "行政区划" in names


def test_divisions_drill_down_and_back(live_server, browser):
    open_page(browser, f"{live_server}/gis/divisions")
    kpi = browser.find_element(By.ID, "gis-divisions-k-d")
    assert kpi.text == "16"
    rows_city = browser.find_elements(By.CSS_SELECTOR, "#gis-divisions-grid .ag-row")
    assert rows_city, "the street grid is empty"
    paths = browser.find_elements(By.CSS_SELECTOR, "#gis-divisions-map path.leaflet-interactive")
    assert len(paths) >= 16
    # Click the largest visible polygon to drill into its district.
    target = max(paths, key=lambda p: p.size["width"] * p.size["height"])
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: arguments[1], clientY: arguments[2]}))",
        target, target.location["x"] + target.size["width"] // 2, target.location["y"] + target.size["height"] // 2)
    wait_for_dash(browser)
    assert browser.find_element(By.ID, "gis-divisions-k-d").text == "1"
    assert "近似" in browser.find_element(By.ID, "gis-divisions-caption").text
    browser.find_element(By.ID, "gis-divisions-back").click()
    wait_for_dash(browser)
    assert browser.find_element(By.ID, "gis-divisions-k-d").text == "16"
