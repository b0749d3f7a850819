"""The botanical garden board in headless Chromium with the demo data: collection map and search, bonsai
ledger, specialty gardens with the information panel opened by a click."""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from datagen.domains.security import DEMO_PASSWORD
from tests.browser import open_page, sign_in, wait_for_dash

pytestmark = pytest.mark.browser


def _int(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


@pytest.mark.module(223)
@pytest.mark.parametrize("mode", ["", "?screen=big"])
def test_collection_map_and_search(live_server, browser, mode):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/gardens/collection{mode}") == []
    assert _int(browser.find_element(By.ID, "garden-coll-k-acc").text) >= 20_000
    assert len(browser.find_elements(By.CSS_SELECTOR, "#garden-coll-map path.leaflet-interactive")) > 50
    box = browser.find_element(By.ID, "garden-coll-search")
    box.send_keys("水杉", Keys.ENTER)
    wait_for_dash(browser)
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#garden-coll-grid .ag-row [col-id='name_zh']")]
    assert names and set(names) == {"水杉"}


@pytest.mark.module(224)
def test_bonsai_ledger(live_server, browser):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/gardens/bonsai?screen=big") == []
    assert _int(browser.find_element(By.ID, "garden-bonsai-k-count").text) > 1000
    assert browser.find_elements(By.CSS_SELECTOR, "#garden-bonsai-by-style .bars path")
    assert browser.find_elements(By.CSS_SELECTOR, "#garden-bonsai-grid .ag-row")


@pytest.mark.module(225)
def test_specialty_garden_information_panel(live_server, browser):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/gardens/specialty") == []
    assert _int(browser.find_element(By.ID, "garden-spec-k-count").text) >= 20
    paths = browser.find_elements(By.CSS_SELECTOR, "#garden-spec-areas path.leaflet-interactive, "
                                                   "#garden-spec-map .leaflet-overlay-pane path.leaflet-interactive")
    assert len(paths) > 20
    target = paths[-1]
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: arguments[1], clientY: arguments[2]}))",
        target, target.location["x"] + target.size["width"] // 2, target.location["y"] + target.size["height"] // 2)
    wait_for_dash(browser)
    assert browser.find_element(By.ID, "garden-spec-info-name").text
    assert "公顷" in browser.find_element(By.ID, "garden-spec-info").text
