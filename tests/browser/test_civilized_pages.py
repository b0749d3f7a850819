"""The civilized-units statistics pages (modules 18, 19) in headless Chromium with the demo data: KPIs,
charts and grids filled, filters change them, links lead to the workflow pages, exports are audited."""
from __future__ import annotations

import re
import time

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import func, select

from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.security import AuditLog
from tests.browser import drawn, open_page, sign_in, wait_for_dash

pytestmark = pytest.mark.browser


def _pick(browser, dropdown_id: str, text: str) -> None:
    """Open a dropdown and click the option labelled ``text``."""
    browser.find_element(By.ID, dropdown_id).click()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        options = [o for o in browser.find_elements(By.CSS_SELECTOR, "[role='option']") if o.text.strip() == text]
        if options:
            options[0].click()
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"option {text} not found in {dropdown_id}")
    wait_for_dash(browser)


def _grid_rows(browser, grid_id: str) -> list[str]:
    return [r.text for r in browser.find_elements(By.CSS_SELECTOR, f"#{grid_id} .ag-center-cols-container .ag-row")]


def _exports(what: str) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "data.export",
                                                                         AuditLog.object_id == what))


@pytest.mark.module(18)
@pytest.mark.parametrize("mode", ["", "?screen=big"])
def test_statistics_page(live_server, browser, mode):
    sign_in(browser, live_server, "civilized_admin", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/admin/civilized-stats{mode}") == []
    applications = int(re.sub(r"\D", "", browser.find_element(By.ID, "civ-stats-k-apps").text))
    assert applications > 0
    assert browser.find_element(By.ID, "civ-stats-k-award").text.endswith("%")
    assert drawn(browser, "#civ-stats-by-stage g.point, #civ-stats-by-stage .bars path")
    industries = _grid_rows(browser, "civ-stats-grid")
    assert industries and any("园林绿化" in r for r in industries)
    _pick(browser, "civ-stats-dim", "区")
    assert any("区" in r for r in _grid_rows(browser, "civ-stats-grid"))
    _pick(browser, "civ-stats-cycle", "全部周期")
    total = int(re.sub(r"\D", "", browser.find_element(By.ID, "civ-stats-k-apps").text))
    assert total > applications
    assert browser.find_element(By.ID, "civ-stats-link-cycles").get_attribute("href").endswith("/admin/civilized/cycles")


@pytest.mark.module(19)
def test_evaluation_page_compares_with_average_and_exports(live_server, browser):
    sign_in(browser, live_server, "civilized_admin", DEMO_PASSWORD)
    assert open_page(browser, f"{live_server}/admin/civilized-evaluation") == []
    _pick(browser, "civ-eval-cycle", "2023—2025年度")  # a generated, completed cycle
    assert re.fullmatch(r"\d+\.\d\d", browser.find_element(By.ID, "civ-eval-k-final").text)
    assert browser.find_element(By.ID, "civ-eval-k-rank").text.startswith("第")
    assert re.fullmatch(r"\d+\.\d\d", browser.find_element(By.ID, "civ-eval-k-avg").text)
    rows = _grid_rows(browser, "civ-eval-grid")
    assert len(rows) >= 10 and "组织领导" in rows[0]  # the grid renders the visible rows only
    assert browser.find_elements(By.CSS_SELECTOR, "#civ-eval-by-category .bars path")
    link = browser.find_element(By.ID, "civ-eval-link").get_attribute("href")
    assert re.search(r"/admin/civilized/applications/\d+$", link)
    before = _exports("civilized/evaluation/cycle")
    browser.find_element(By.CSS_SELECTOR, ".export-menu summary").click()
    browser.find_element(By.XPATH, "//button[contains(., '全部单位分类得分 · CSV')]").click()
    deadline = time.monotonic() + 15
    while _exports("civilized/evaluation/cycle") == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _exports("civilized/evaluation/cycle") == before + 1
    browser.get(link)  # the link leads to the workflow page of that application
    assert "流转记录" in browser.page_source


def test_statistics_denied_to_other_roles(live_server, browser):
    sign_in(browser, live_server, "unit_user", DEMO_PASSWORD)
    open_page(browser, f"{live_server}/admin/civilized-stats")
    assert "您没有访问" in browser.page_source
