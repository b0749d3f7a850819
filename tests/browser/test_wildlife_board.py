"""The wildlife protection board in headless Chromium with the demo data: every page renders its data
without console errors, in analyst and big-screen mode."""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By

from datagen.domains.security import DEMO_PASSWORD
from tests.browser import open_page, sign_in

pytestmark = pytest.mark.browser


def _int(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


@pytest.mark.module(230)
@pytest.mark.parametrize("mode", ["", "?screen=big"])
def test_biodiversity(live_server, browser, mode):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/wildlife/biodiversity{mode}") == []
    assert _int(browser.find_element(By.ID, "wl-bio-k-richness").text) > 10
    assert float(browser.find_element(By.ID, "wl-bio-k-shannon").text) > 1
    assert len(browser.find_elements(By.CSS_SELECTOR, "#wl-bio-map path.leaflet-interactive")) >= 15
    assert browser.find_elements(By.CSS_SELECTOR, "#wl-bio-grid .ag-row")


@pytest.mark.module(231)
def test_plots_density_surface(live_server, browser):
    sign_in(browser, live_server, "analyst", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/wildlife/plots") == []
    assert _int(browser.find_element(By.ID, "wl-plot-k-plots").text) >= 5
    img = browser.find_element(By.CSS_SELECTOR, "#wl-plot-map img.leaflet-image-layer")
    assert img.get_attribute("src").startswith("data:image/png;base64,")
    browser.find_element(By.CSS_SELECTOR, "#wl-plot-kernel input[value='quartic']").click()
    from tests.browser import wait_for_dash

    wait_for_dash(browser)
    assert browser.find_elements(By.CSS_SELECTOR, "#wl-plot-map img.leaflet-image-layer")


@pytest.mark.module(232)
def test_monitoring_trend(live_server, browser):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/wildlife/monitoring") == []
    assert browser.find_element(By.ID, "wl-mon-k-trend").text in {"上升", "下降", "无显著趋势"}
    assert browser.find_elements(By.CSS_SELECTOR, "#wl-mon-grid .ag-row")


@pytest.mark.module(233)
def test_recovery(live_server, browser):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/wildlife/recovery") == []
    assert _int(browser.find_element(By.ID, "wl-rec-k-pops").text) == 7
    assert "%" in browser.find_element(By.ID, "wl-rec-k-survival").text


@pytest.mark.module(234)
def test_invasive(live_server, browser):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/wildlife/invasive?screen=big") == []
    assert _int(browser.find_element(By.ID, "wl-inv-k-records").text) > 0
    assert len(browser.find_elements(By.CSS_SELECTOR, "#wl-inv-map path.leaflet-interactive")) > 16


@pytest.mark.module(235)
def test_epidemic_missing_flagged(live_server, browser):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/wildlife/epidemic") == []
    assert _int(browser.find_element(By.ID, "wl-epi-k-missing").text) >= 1
    markers = browser.find_elements(By.CSS_SELECTOR, "#wl-epi-map path.leaflet-interactive")
    assert len(markers) >= 19  # every station, the silent one flagged orange
    assert any(m.get_attribute("stroke") == "#f0a030" for m in markers)
    # the report grid has a row per station (its id was once shared with the marker layer: no rows then)
    grid = browser.find_element(By.CSS_SELECTOR, "#wl-epi-stations .ag-root")
    assert int(grid.get_attribute("aria-rowcount")) - 1 == len(markers)  # one row per station (header excluded)
    assert browser.find_elements(By.CSS_SELECTOR, "#wl-epi-stations .ag-center-cols-container .ag-row")
    assert any(_int(c.text) > 0 for c in browser.find_elements(By.CSS_SELECTOR, "#wl-epi-stations .ag-row [col-id='missing']"))
