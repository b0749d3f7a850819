"""Cameras: the video wall plays a locally served HLS stream through hls.js; the map plays a camera from its
popup, goes to typed coordinates and exports itself as PNG."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By

from datagen.domains.security import DEMO_PASSWORD
from tests.browser import open_page, sign_in, wait_for_dash

pytestmark = pytest.mark.browser


def _until(browser, script: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = browser.execute_script(script)
        if value:
            return value
        time.sleep(0.25)
    return None


@pytest.mark.module(33)
def test_video_wall_plays_a_camera(live_server, browser):
    sign_in(browser, live_server, "gis_staff", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/gis/video") == []
    assert "共 200 个摄像头" in browser.find_element(By.ID, "gis-video-count").text
    online = [row for row in browser.find_elements(By.CSS_SELECTOR, "#gis-video-grid .ag-row")
              if row.find_element(By.CSS_SELECTOR, "[col-id='status']").text == "在线"]
    online[0].find_element(By.CSS_SELECTOR, "[col-id='name']").click()
    wait_for_dash(browser)
    playing = _until(browser, "const v = document.querySelector('#gis-video-wall video');"
                              "return v && v.readyState >= 2 && v.currentTime > 0 ? v.currentTime : null;")
    assert playing, "the HLS stream did not start playing"
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []


@pytest.mark.module(32)
def test_map_goes_to_coordinates_and_exports_png(live_server, browser):
    sign_in(browser, live_server, "gis_staff", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/gis/map") == []
    box = browser.find_element(By.ID, "gis-map-goto")
    box.send_keys("31°13'49\"N 121°28'25\"E")
    browser.find_element(By.ID, "gis-map-goto-go").click()
    wait_for_dash(browser)
    assert "已定位到 121.473611, 31.230278" in browser.find_element(By.ID, "gis-map-goto-note").text
    box.clear()
    box.send_keys("东经200度")
    browser.find_element(By.ID, "gis-map-goto-go").click()
    wait_for_dash(browser)
    assert browser.find_element(By.ID, "gis-map-goto-note").get_attribute("class") == "gis-message error"
    browser.find_element(By.ID, "gis-map-png").click()
    png = _until(browser, "return window.lvrongLastExport || null;")
    assert png and png.startswith("data:image/png;base64,") and len(png) > 5000
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
