"""The 12319 board in headless Chromium, with the demo data: both modes, drill-down, timeline, ranking,
export (audited), and the shared view opened through its link."""
from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import func, select

from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.security import AuditLog
from tests.browser import drawn, open_page, sign_in, wait_for_dash

pytestmark = pytest.mark.browser


def _int(text: str) -> int:
    return int(re.sub(r"[^\d]", "", text) or 0)


def _click_largest(browser, selector):
    paths = browser.find_elements(By.CSS_SELECTOR, selector)
    target = max(paths, key=lambda p: p.size["width"] * p.size["height"])
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: arguments[1], clientY: arguments[2]}))",
        target, target.location["x"] + target.size["width"] // 2, target.location["y"] + target.size["height"] // 2)
    wait_for_dash(browser)


@pytest.mark.module(213)
@pytest.mark.parametrize("mode", ["", "?screen=big"])
def test_distribution_drill_down_and_back(live_server, browser, mode):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/12319/distribution{mode}") == []
    city = _int(browser.find_element(By.ID, "h12319-dist-k-received").text)
    assert city > 0
    assert len(browser.find_elements(By.CSS_SELECTOR, "#h12319-dist-map path.leaflet-interactive")) >= 16
    assert drawn(browser, "#h12319-dist-by-line .bars path, #h12319-dist-by-line g.point")
    _click_largest(browser, "#h12319-dist-map path.leaflet-interactive")
    crumb = browser.find_element(By.ID, "h12319-dist-crumb").text
    assert "全市" not in crumb and crumb.endswith("区")
    district = _int(browser.find_element(By.ID, "h12319-dist-k-received").text)
    assert 0 < district < city
    browser.find_element(By.ID, "h12319-dist-back").click()
    wait_for_dash(browser)
    assert _int(browser.find_element(By.ID, "h12319-dist-k-received").text) == city
    assert ("bigscreen" in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or "")) == bool(mode)


@pytest.mark.module(214)
def test_tracking_timeline(live_server, browser):
    sign_in(browser, live_server, "leader", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/12319/tracking?screen=big") == []
    cells = browser.find_elements(By.CSS_SELECTOR, "#h12319-track-grid .ag-row [col-id='ticket_no']")
    assert cells, "no supervised tickets shown"
    ticket = cells[0].text
    cells[0].click()
    wait_for_dash(browser)
    assert ticket in browser.find_element(By.ID, "h12319-track-timeline-title").text
    actions = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#h12319-track-timeline .t-action")]
    assert actions and actions[0] == "受理"
    # the leader may not see callers in clear: name and phone are masked (module 258)
    assert re.fullmatch(r"1\d{2}\*{4}\d{4}", browser.find_element(By.ID, "h12319-track-d-caller_phone").text)
    assert re.fullmatch(r".\*+", browser.find_element(By.ID, "h12319-track-d-caller_name").text)
    assert browser.find_elements(By.CSS_SELECTOR, "#h12319-track-hot-list .rank-item")


@pytest.mark.module(215)
def test_satisfaction_worst_and_export(live_server, browser):
    sign_in(browser, live_server, "analyst", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/cockpit/12319/satisfaction") == []
    assert "%" in browser.find_element(By.ID, "h12319-sat-k-sat").text
    assert len(browser.find_elements(By.CSS_SELECTOR, "#h12319-sat-worst-list .rank-item")) == 10
    browser.find_element(By.CSS_SELECTOR, "#h12319-sat-worst-by input[value='street']").click()
    wait_for_dash(browser)
    assert len(browser.find_elements(By.CSS_SELECTOR, "#h12319-sat-worst-list .rank-item")) == 10
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "data.export"))
    browser.find_element(By.CSS_SELECTOR, ".export-menu summary").click()
    browser.find_elements(By.CSS_SELECTOR, ".export-button")[1].click()  # 分区指标 · Excel
    wait_for_dash(browser)
    with db.session() as s:
        after = s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "data.export"))
    assert after == before + 1


@pytest.mark.module(216)
def test_shared_view_through_link(app, live_server, browser, client_as):
    leader = client_as("leader")
    page = leader.get("/admin/share/hotline12319").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    r = leader.post("/admin/share/hotline12319", data={"csrf_token": csrf, "audience": "市住房城乡建设管理委",
                                                       "lines": ["建设管理", "房屋管理"], "days": 7})
    url = re.search(r"(/share/12319\?token=[\w-]+)", r.get_data(as_text=True)).group(1)
    browser.delete_all_cookies()
    assert open_page(browser, f"{live_server}{url}") == []
    assert _int(browser.find_element(By.ID, "h12319-share-k-received").text) > 0
    assert "建设管理" in browser.find_element(By.ID, "h12319-share-scope").text
    assert not browser.find_elements(By.CSS_SELECTOR, ".nav-link")  # no way into the rest of the platform
    browser.get(f"{live_server}/cockpit/12319/distribution")
    assert "/login" in browser.current_url
