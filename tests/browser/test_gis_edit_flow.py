"""Distributed layer maintenance in the browser: a district editor draws a wash station (field errors
first), the city GIS administrator publishes it, and it is on the map with version 1."""
from __future__ import annotations

import re
import time

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.gis import Change, Feature
from tests.browser import open_page, sign_in, wait_for_dash

pytestmark = pytest.mark.browser


def _field(browser, key: str, kind: str = "gis-edit-field"):
    """An element with a pattern-matching id (Dash writes it as sorted JSON)."""
    return browser.execute_script("return document.getElementById(arguments[0])",
                                  '{"key":"%s","type":"%s"}' % (key, kind))


def _click_map_centre(browser, map_id: str) -> None:
    browser.execute_script(
        "const el = document.getElementById(arguments[0]); const r = el.getBoundingClientRect();"
        "const o = {bubbles: true, cancelable: true, clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, button: 0};"
        "for (const t of ['mousedown', 'mouseup', 'click']) el.dispatchEvent(new MouseEvent(t, o));", map_id)
    wait_for_dash(browser)


@pytest.mark.module(31)
def test_editor_proposes_and_admin_publishes(live_server, browser):
    sign_in(browser, live_server, "gis_editor", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/gis/maintenance?layer=wash_station") == []
    # submitting an empty form: errors beside the fields, nothing saved
    browser.find_element(By.ID, "gis-edit-create").click()
    wait_for_dash(browser)
    assert "绘制" in _field(browser, "geometry", "gis-edit-error").text
    # draw a marker at the map centre (in Xuhui, the editor's district), fill in the form
    browser.find_element(By.CSS_SELECTOR, "#gis-edit-map .leaflet-draw-draw-marker").click()
    _click_map_centre(browser, "gis-edit-map")
    browser.find_element(By.ID, "gis-edit-name").send_keys("浏览器测试清洗站")
    _field(browser, "address").send_keys("虹桥路1号")
    _field(browser, "equipment").find_element(By.CSS_SELECTOR, "input[value='自动冲洗']").click()
    _field(browser, "status").find_element(By.CSS_SELECTOR, "input[value='运行']").click()
    browser.find_element(By.ID, "gis-edit-create").click()
    wait_for_dash(browser)
    assert "请填写运营单位" in _field(browser, "operator", "gis-edit-error").text
    _field(browser, "operator").send_keys("上海申洁清洗设备有限公司")
    browser.find_element(By.ID, "gis-edit-create").click()
    wait_for_dash(browser)
    message = browser.find_element(By.ID, "gis-edit-message").text
    change_id = int(re.search(r"变更编号 (\d+)", message).group(1))
    with db.session() as s:
        change = s.get(Change, change_id)
        assert (change.status, change.district_code, change.submitted_by) == ("待审核", "310104", "gis_editor")

    # the city administrator publishes it
    sign_in(browser, live_server, "gis_admin", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/gis/maintenance?layer=wash_station") == []
    cell = browser.find_element(By.CSS_SELECTOR, f"#gis-edit-queue .ag-row[row-id='{change_id}'] [col-id='name']")
    cell.click()
    wait_for_dash(browser)
    assert "浏览器测试清洗站" in browser.find_element(By.ID, "gis-edit-review").text
    browser.find_element(By.ID, "gis-edit-approve").click()
    wait_for_dash(browser)
    assert "已发布：要素版本 1" in browser.find_element(By.ID, "gis-edit-review").text
    with db.session() as s:
        feature = s.scalars(select(Feature).where(Feature.name == "浏览器测试清洗站")).one()
        assert (feature.version, feature.district_code, feature.layer) == (1, "310104", "wash_station")
    time.sleep(0.2)
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
