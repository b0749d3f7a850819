"""Every GET page of the applicant portal (/apply/) and the approver desk (/admin/approvals/) in headless
Chromium, opened by the role that works on it, with demo-like cases made through the engine: the page shows
its content and neither the console (CSP, scripts) nor the server reports an error. Then the portal form on
a phone-sized window (390×844): no horizontal scroll, the form is usable, and the channel is "mobile"."""
from __future__ import annotations

import time

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from datagen.domains.security import DEMO_PASSWORD
from db import db
from db.approvals import AdSite, CaseMaterial, Document, Species, SupervisionTask
from tests.approvals.helpers import actor, fill, uscc, walk
from tests.browser import open_server_page, server_page_failures, sign_in
from workflow import approvals as ap

pytestmark = pytest.mark.browser
XUHUI = "310104"
SEED = {"legal_representative": "王林", "residence": "上海市徐汇区龙华路 1 号", "business_mode": "生产经营",
        "business_scope": "林木良种繁殖材料", "species": "香樟、银杏", "site_address": "上海市徐汇区华泾镇苗圃路 8 号",
        "storage_area": "300", "technicians": "4"}
FOREST = {"project_name": "龙吴路改建工程", "project_type": "基础设施项目", "site_address": "徐汇区华泾镇", "use_type": "永久占用",
          "sub_compartments": [{"forest_block": "7", "compartment": "2", "area_m2": "500", "land_type": "乔木林地",
                                "forest_category": "商品林"}]}


@pytest.fixture(scope="module")
def ids(app) -> dict[str, int]:
    """An approved seed licence (certificate, supervision), a draft, and a forest-land case at fee assessment,
    all of the demo applicant in Xuhui; a library site and species."""
    who = actor("applicant", "applicant")
    city = actor("approver_city")
    with app.server.app_context(), db.session() as s:
        if s.scalar(select(AdSite.id).limit(1)) is None:
            ap.save_ad_site(s, city, code="GG310104-950", name="徐汇区浏览器测试点位", district_code=XUHUI,
                            street="徐家汇街道", lon=121.43, lat=31.19, size="12m×4m")
        if s.scalar(select(Species.id).limit(1)) is None:
            ap.save_species(s, city, name="斑嘴环企鹅", scientific_name="Spheniscus demersus", category="鸟纲",
                            protection_level="非国际公约物种")
        done = ap.create_draft(s, who, item_code="seed_license", applicant_type="enterprise", applicant_name="浏览器测试苗圃",
                               credit_code=uscc(301), district_code=XUHUI, answers={"application_kind": 0},
                               contact_phone="13700008888")
        fill(s, who, done, SEED)
        ap.submit(s, who, done.id)
        walk(s, done, now=done.submitted_at)
        draft = ap.create_draft(s, who, item_code="plant_quarantine", applicant_type="enterprise",
                                applicant_name="浏览器测试苗圃", credit_code=uscc(301), district_code=XUHUI,
                                answers={"origin_certificate": 1}, contact_phone="13700008888")
        forest = ap.create_draft(s, who, item_code="forest_land", applicant_type="enterprise", applicant_name="浏览器测试路桥",
                                 credit_code=uscc(302), district_code=XUHUI, answers={"application_kind": 0},
                                 contact_phone="13700008887")
        fill(s, who, forest, FOREST)
        ap.submit(s, who, forest.id)
        walk(s, forest, now=forest.submitted_at, stop_before="fee_assessment")
        return {"done": done.id, "draft": draft.id, "forest": forest.id,
                "doc": s.scalar(select(Document.id).where(Document.case_id == done.id, Document.kind == "decision")),
                "material": s.scalar(select(CaseMaterial.id).where(CaseMaterial.case_id == done.id).limit(1)),
                "task": s.scalar(select(SupervisionTask.id).where(SupervisionTask.case_id == done.id)),
                "site": s.scalar(select(AdSite.id).limit(1)), "species": s.scalar(select(Species.id).limit(1))}


# (account, path template, text the page must show)
PAGES = [
    ("applicant", "/apply/", "政务服务事项"),
    ("applicant", "/apply/items/forest_land", "办事指南"),
    ("applicant", "/apply/items/seed_license/guide", "申请人类型"),
    ("applicant", "/apply/items/seed_license/guide?type=enterprise", "您要办理的业务是"),
    ("applicant", "/apply/items/seed_license/guide?type=enterprise&a.application_kind=0", "请准备以下材料"),
    ("applicant", "/apply/cases", "我的办件"),
    ("applicant", "/apply/cases/{done}", "办理进程"),
    ("applicant", "/apply/cases/{draft}/form", "申请材料"),
    ("applicant", "/apply/cases/{forest}", "现场查验"),
    ("applicant", "/apply/certificates", "沪林种许"),
    ("approver_city", "/admin/approvals/", "审批待办"),
    ("approver_city", "/admin/approvals/?overdue=1&item=forest_land", "审批待办"),
    ("approver_city", "/admin/approvals/cases/{done}", "办理进程"),
    ("approver_city", "/admin/approvals/cases/{done}/draft", "决定书正文"),
    ("approver_city", "/admin/approvals/sites", "规划点位"),
    ("approver_city", "/admin/approvals/sites/new", "点位编号"),
    ("approver_city", "/admin/approvals/sites/{site}/edit", "点位编号"),
    ("approver_city", "/admin/approvals/species", "物种"),
    ("approver_city", "/admin/approvals/species/new", "学名"),
    ("approver_city", "/admin/approvals/species/{species}/edit", "学名"),
    ("forestry_fee_officer", "/admin/approvals/cases/{forest}", "森林植被恢复费核定"),
    ("approver_district", "/admin/approvals/", "审批待办"),
    ("district_supervisor", "/admin/approvals/supervision", "批后监管任务"),
    ("district_supervisor", "/admin/approvals/supervision/{task}", "监管记录"),
]


@pytest.mark.module(56, 57, 61, 65, 68, 73, 74, 79, 112, 113)
def test_every_approvals_page_renders_in_chromium(app, live_server, browser, ids):
    assert all(ids.values()), ids
    assert server_page_failures(browser, live_server, PAGES, ids, DEMO_PASSWORD) == {}
    assert app.server.config["TEST_SERVER_ERRORS"] == []


def _body_text(browser) -> str:
    """The page's text, read inside the page in one step: while a submitted form's page is being replaced an
    element handle can go stale between finding and reading it (Chromium then reports either a stale element
    or "Node with given id does not belong to the document")."""
    return browser.execute_script("return document.body ? document.body.innerText : ''")


@pytest.mark.module(57)
def test_portal_form_on_a_phone(app, live_server, browser, ids):
    """390×844: no horizontal scroll on the guide, the form and the case page; the form saves; the start
    form records the channel as mobile."""
    sign_in(browser, live_server, "applicant", DEMO_PASSWORD)
    browser.set_window_size(390, 844)
    try:
        overflow = "return document.documentElement.scrollWidth - window.innerWidth"
        for path in ("/apply/", f"/apply/cases/{ids['draft']}/form", f"/apply/cases/{ids['done']}",
                     "/apply/items/plant_quarantine/guide?type=enterprise&a.origin_certificate=0"):
            assert open_server_page(browser, f"{live_server}{path}") == []
            assert browser.execute_script(overflow) <= 0, path
        assert browser.find_element(By.NAME, "channel").get_attribute("value") == "mobile"
        open_server_page(browser, f"{live_server}/apply/cases/{ids['draft']}/form")
        field = browser.find_element(By.ID, "f-consignee")
        assert field.size["width"] > 250  # full-width controls
        field.clear()
        field.send_keys("宁波某园林公司")
        browser.find_element(By.ID, "save-draft").click()
        deadline = time.monotonic() + 10
        while "草稿已保存" not in _body_text(browser) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "草稿已保存" in _body_text(browser)
        assert browser.execute_script(overflow) <= 0
        assert browser.find_element(By.ID, "f-consignee").get_attribute("value") == "宁波某园林公司"
    finally:
        browser.set_window_size(1600, 1000)
    assert app.server.config["TEST_SERVER_ERRORS"] == []
