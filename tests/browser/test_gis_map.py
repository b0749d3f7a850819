"""The GIS map in headless Chromium with the demo data: layers load by URL per view (grid cells when
zoomed out), identify, search and fly to, draw-to-query with its result table, and district scope."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from datagen.domains.security import DEMO_PASSWORD
from tests.browser import open_page, sign_in, wait_for_dash
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "screenshots"


def _wait(browser, css: str, timeout: float = 15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = browser.find_elements(By.CSS_SELECTOR, css)
        if found:
            return found
        time.sleep(0.2)
    return []


@pytest.mark.module(32)
def test_map_layers_identify_and_search(live_server, browser):
    sign_in(browser, live_server, "gis_staff", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/gis/map") == []
    # districts (polygons) and wash stations (grid bubbles or dots) arrive by URL
    assert len(_wait(browser, "#gis-map-map path.leaflet-interactive")) >= 16
    assert _wait(browser, "#gis-map-map .gis-cluster, #gis-map-map path.leaflet-interactive[fill='#2b7bd9']")
    # search by address: the street is found, the map flies there and marks it
    search = browser.find_element(By.ID, "gis-map-search")
    search.send_keys("徐汇区漕河泾街道")
    browser.find_element(By.ID, "gis-map-search-go").click()
    wait_for_dash(browser)
    hits = browser.find_elements(By.CSS_SELECTOR, "#gis-map-hits button")
    assert hits and "漕河泾" in hits[0].text
    hits[0].click()
    wait_for_dash(browser)
    assert _wait(browser, "#gis-map-map .leaflet-marker-icon, #gis-map-map .leaflet-tooltip")
    time.sleep(1.5)  # the fly-to animation; the view change reloads the layers
    wait_for_dash(browser)
    # click the middle of the map (漕河泾 lies in Xuhui): the identify panel names the district
    box = browser.find_element(By.ID, "gis-map-map")
    browser.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "const e = new MouseEvent('click', {bubbles: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2});"
        "arguments[0].querySelector('.leaflet-container, .leaflet-pane') ? arguments[0].dispatchEvent(e) : null;", box)
    wait_for_dash(browser)
    info = browser.find_element(By.ID, "gis-map-info").text
    assert "徐汇区" in info and "点击位置" in info
    browser.save_screenshot(str(SHOTS / "gis_map_identify.png"))
    logs = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert logs == []
