"""Every registered page in headless Chromium: it loads with data, and no console or callback error."""
from __future__ import annotations

import dash
import pytest
from selenium.webdriver.common.by import By

from bench.__main__ import account_for
from datagen.domains.security import DEMO_PASSWORD
from tests.browser import open_page, sign_in, wait_for_dash
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
SHOTS = ARTIFACTS / "screenshots"


@pytest.fixture()
def as_user(live_server, browser):
    """Sign the shared browser in as a demo account."""

    def switch(username: str):
        sign_in(browser, live_server, username, DEMO_PASSWORD)
        return browser

    return switch


def test_every_page_loads_without_errors(app, live_server, browser, as_user):
    """Each page opened by a demo account that may open it, in analyst and big-screen mode."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pages = sorted((p for p in dash.page_registry.values() if account_for(p.get("permission"))),
                   key=lambda p: (account_for(p.get("permission")), p["path"]))
    assert {"/", "/gis/divisions", "/system/audit"} <= {p["path"] for p in pages}
    failures = {}
    current = None
    for page in pages + [{"path": "/no/such/page", "permission": None}]:
        path = page["path"]
        if account_for(page.get("permission")) != current:
            current = account_for(page.get("permission"))
            as_user(current)
        for mode in ("", "?screen=big"):
            errors = open_page(browser, f"{live_server}{path}{mode}")
            name = (path.strip("/").replace("/", "_") or "home") + ("_big" if mode else "")
            browser.save_screenshot(str(SHOTS / f"{name}.png"))
            if errors:
                failures[path + mode] = errors
    assert failures == {}
    assert app.server.config["TEST_SERVER_ERRORS"] == []


def test_not_found_page(live_server, browser, as_user):
    as_user("leader")
    open_page(browser, f"{live_server}/no/such/page")
    assert "页面不存在" in browser.find_element(By.CSS_SELECTOR, ".not-found").text


def test_bigscreen_mode_switches_theme(live_server, browser, as_user):
    as_user("leader")
    open_page(browser, f"{live_server}/?screen=big")
    assert "bigscreen" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
    open_page(browser, f"{live_server}/")
    assert "bigscreen" not in (browser.find_element(By.TAG_NAME, "body").get_attribute("class") or "")


def test_portal_lists_only_permitted_pages(live_server, browser, as_user):
    as_user("gis_staff")
    open_page(browser, f"{live_server}/")
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".portal-link-name")]
    assert "行政区划" in names and "审计日志" not in names
    as_user("auditor")
    open_page(browser, f"{live_server}/")
    names = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".portal-link-name")]
    assert "审计日志" in names and "行政区划" not in names


def test_divisions_drill_down_and_back(live_server, browser, as_user):
    as_user("gis_staff")
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


@pytest.mark.module(55)
def test_browser_login_encrypts_and_denies_foreign_page(live_server, browser, as_user):
    """Signing in through the page works only because the JS encrypted the password; a page outside
    the role shows the 403 text."""
    as_user("auditor")
    open_page(browser, f"{live_server}/gis/divisions")
    assert "您没有访问" in browser.find_element(By.CSS_SELECTOR, ".not-found").text


@pytest.mark.module(257)
def test_auditor_page_verifies_chain(live_server, browser, as_user):
    as_user("auditor")
    open_page(browser, f"{live_server}/system/audit")
    assert browser.find_elements(By.CSS_SELECTOR, "#system-audit-grid .ag-row")
    browser.find_element(By.ID, "system-audit-verify").click()
    wait_for_dash(browser)
    assert "审计链完整" in browser.find_element(By.ID, "system-audit-verify-result").text
