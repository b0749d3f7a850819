"""Every route of the portal and the desk checks its permission and scope on the server: anonymous users are
sent to sign in, other roles get 403, another applicant's or another district's case is 404, forms without
a CSRF token are refused."""
from __future__ import annotations

import pytest

from db import db
from tests.approvals.helpers import actor, fill, uscc
from tests.approvals_web.helpers import token
from workflow import approvals as ap

SEED = {"legal_representative": "王林", "residence": "上海市徐汇区龙华路 1 号", "business_mode": "生产经营",
        "business_scope": "林木良种繁殖材料", "species": "香樟", "site_address": "上海市徐汇区华泾镇苗圃路 8 号",
        "storage_area": "300", "technicians": "4"}


@pytest.fixture(scope="module")
def sample(app):
    """A submitted Xuhui case of the demo applicant, with one material (ids of case and material)."""
    from sqlalchemy import select

    from db.approvals import CaseMaterial

    who = actor("applicant", "applicant")
    with app.server.app_context(), db.session() as s:
        case = ap.create_draft(s, who, item_code="seed_license", applicant_type="enterprise", applicant_name="权限测试苗圃",
                               credit_code=uscc(201), district_code="310104", answers={"application_kind": 0},
                               contact_phone="13700009999")
        fill(s, who, case, SEED)
        ap.submit(s, who, case.id)
        material = s.scalar(select(CaseMaterial.id).where(CaseMaterial.case_id == case.id).limit(1))
        return {"case": case.id, "material": material}


APPLY_PAGES = ["/apply/", "/apply/items/seed_license", "/apply/items/seed_license/guide", "/apply/cases",
               "/apply/certificates", "/apply/cases/{case}", "/apply/cases/{case}/form", "/apply/materials/{material}"]
DESK_PAGES = ["/admin/approvals/", "/admin/approvals/cases/{case}", "/admin/approvals/cases/{case}/draft",
              "/admin/approvals/materials/{material}"]
LIBRARY_PAGES = ["/admin/approvals/sites", "/admin/approvals/sites/new", "/admin/approvals/species",
                 "/admin/approvals/species/new"]
SUPERVISION_PAGES = ["/admin/approvals/supervision"]


@pytest.mark.module(55, 56)
def test_anonymous_users_are_sent_to_sign_in(client, sample):
    for path in APPLY_PAGES + DESK_PAGES + LIBRARY_PAGES + SUPERVISION_PAGES:
        r = client.get(path.format(**sample))
        assert r.status_code == 302 and "/login" in r.headers["Location"], path


@pytest.mark.module(55, 56, 57)
@pytest.mark.parametrize("role, allowed", [
    ("applicant", APPLY_PAGES),
    ("approver_city", DESK_PAGES + LIBRARY_PAGES),
    ("approver_district", DESK_PAGES),  # the case is in its district (徐汇)
    ("approval_leader", DESK_PAGES),
    ("tax_officer", DESK_PAGES),
    ("district_supervisor",
     SUPERVISION_PAGES + ["/admin/approvals/cases/{case}", "/admin/approvals/materials/{material}"]),
    ("leader", []),
])
def test_each_route_by_role(clients, sample, role, allowed):
    """Allowed pages open (200, or a redirect from a form that is not editable); the rest are 403 or 404."""
    c = clients(role)
    for path in APPLY_PAGES + DESK_PAGES + LIBRARY_PAGES + SUPERVISION_PAGES:
        r = c.get(path.format(**sample))
        if path in allowed:
            assert r.status_code in (200, 302), (role, path, r.status_code)
        else:
            assert r.status_code in (403, 404), (role, path, r.status_code)


@pytest.mark.module(55)
def test_other_applicants_and_other_districts_get_404(clients, sample):
    agent = clients("ad_agent")  # an applicant too, but not of this case
    for path in ("/apply/cases/{case}", "/apply/cases/{case}/form", "/apply/materials/{material}"):
        assert agent.get(path.format(**sample)).status_code == 404
    pudong = clients("pd_approver")
    for path in ("/admin/approvals/cases/{case}", "/admin/approvals/materials/{material}",
                 "/admin/approvals/cases/{case}/draft"):
        assert pudong.get(path.format(**sample)).status_code == 404
    r = pudong.post(f"/admin/approvals/cases/{sample['case']}/act",
                    data={"csrf_token": token(pudong, "/admin/approvals/"), "action": "advance"})
    assert r.status_code == 404
    assert f"/admin/approvals/cases/{sample['case']}\"" not in pudong.get("/admin/approvals/").get_data(as_text=True)


@pytest.mark.module(55)
def test_posts_need_the_role_and_a_csrf_token(clients, sample):
    applicant = clients("applicant")
    r = applicant.post(f"/admin/approvals/cases/{sample['case']}/act",
                       data={"csrf_token": token(applicant, "/apply/"), "action": "advance"})
    assert r.status_code == 403
    city = clients("approver_city")
    assert city.post(f"/admin/approvals/cases/{sample['case']}/act", data={"action": "advance"}).status_code == 400
    assert city.post(f"/apply/cases/{sample['case']}/withdraw",
                     data={"csrf_token": token(city, "/admin/approvals/")}).status_code == 403
    sup = clients("district_supervisor")
    assert sup.post(f"/admin/approvals/cases/{sample['case']}/fee",
                    data={"csrf_token": token(sup, "/admin/approvals/supervision")}).status_code == 403


@pytest.mark.module(55, 65)
def test_a_refused_move_changes_nothing_and_says_why(clients, sample):
    city = clients("approver_city")
    path = f"/admin/approvals/cases/{sample['case']}"
    r = city.post(path + "/act", data={"csrf_token": token(city, path), "action": "return", "comment": ""})
    assert r.status_code == 409 and "须填写意见或理由" in r.get_data(as_text=True)
    r = city.post(path + "/act", data={"csrf_token": token(city, path), "action": "reject", "comment": "不符合"})
    assert r.status_code == 409 and "尚未受理的办件不能“不予许可”" in r.get_data(as_text=True)
    r = city.post(path + "/act", data={"csrf_token": token(city, path), "action": "advance", "version": "999"})
    assert r.status_code == 409 and "已被他人处理" in r.get_data(as_text=True)
    assert 'data-state="in_progress"' in city.get(path).get_data(as_text=True)


@pytest.mark.module(55)
def test_portal_entry_lists_the_approvals_pages_by_role(clients):
    from tests.security.test_access_matrix import _open

    layout = str(_open(clients("applicant"), "/admin/approvals-home"))
    assert "/apply/" in layout and "/admin/approvals/supervision" not in layout
    layout = str(_open(clients("district_supervisor"), "/admin/approvals-home"))
    assert "/admin/approvals/supervision" in layout and "/apply/" not in layout
    assert "您没有访问" in str(_open(clients("leader"), "/admin/approvals-home"))
