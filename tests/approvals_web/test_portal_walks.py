"""Each of the six items end to end over HTTP: the applicant through the portal (guide, form with a
validation error then fixed, a wrong-type upload refused, submission), every step by its officer at the
desk (a wrong role refused at each), documents downloaded and their signatures verified through
/api/v1/verify, supervision by the district, and renewal / change / cancellation from the certificate."""
from __future__ import annotations

import json
import re
from urllib.parse import quote_plus

import pytest
from sqlalchemy import select

from db import db
from db.approvals import Case, Certificate, Document, SupervisionTask
from security.sm import sm3
from tests.approvals.helpers import XUHUI, uscc
from tests.approvals.test_walks import FOREST_FORM, FOREST_ROWS, PQ_FORM, SEED_FORM, WASH_FORM
from tests.approvals_web.conftest import SITE, SPECIES
from tests.approvals_web.helpers import (IPHONE, NOT_PDF, case_of, save, start, text, token, upload,
                                         upload_all, walk)
from workflow import approvals as ap


def _submit_with_a_fix(client, case_id: int, values: dict, bad: tuple[str, str, str]) -> None:
    """Save with one invalid value (400, the error shown, the typed values kept, nothing saved), save
    fixed, refuse a wrong-type upload, try to submit without materials (refused with the list), upload,
    submit."""
    field, wrong_value, message = bad
    r = save(client, case_id, {**values, field: wrong_value})
    body = text(r)
    assert r.status_code == 400 and message in body, body[-1500:]
    if isinstance(wrong_value, str):
        assert f'value="{wrong_value}"' in body or f">{wrong_value}<" in body  # what was typed is kept
    assert json.loads(case_of(case_id).form).get(field) != wrong_value  # nothing saved
    assert save(client, case_id, values).status_code == 302
    case = case_of(case_id)
    first = next(m for m in ap.catalog()[case.item_code].materials(case.situation_code) if m.required)
    refused = upload(client, case_id, first.code, "申请表.pdf", NOT_PDF)
    assert refused.status_code == 400 and first.label in text(refused) and "文件" in text(refused)
    r = save(client, case_id, values, "submit")
    assert r.status_code == 400 and f"缺少材料：{first.label}" in text(r)
    upload_all(client, case_id)
    r = save(client, case_id, values, "submit")
    assert r.status_code == 302, text(r)[-1000:]
    assert case_of(case_id).state in ("in_progress", "parallel")


def _documents(client, case_id: int) -> dict[str, int]:
    """Kind → id of the documents the applicant's case page offers; PDF and DOCX both download."""
    page = text(client.get(f"/apply/cases/{case_id}"))
    docs = dict(re.findall(r'data-kind="([a-z_]+)">[^<]*<a href="/apply/documents/(\d+)/pdf"', page))
    for doc_id in docs.values():
        pdf = client.get(f"/apply/documents/{doc_id}/pdf")
        docx = client.get(f"/apply/documents/{doc_id}/docx")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert docx.status_code == 200 and docx.data.startswith(b"PK")
    return {k: int(v) for k, v in docs.items()}


def _certificate(case_id: int) -> Certificate | None:
    with db.session() as s:
        cert = s.scalar(select(Certificate).where(Certificate.case_id == case_id))
        if cert is not None:
            s.expunge(cert)
        return cert


def _verify_certificate(client, number: str) -> None:
    """The certificate's signature verifies through the public API; a forged payload does not."""
    with db.session() as s:
        payload = ap.certificate_payload(s, number)
    body = {"kind": ap.CERTIFICATE_KIND, "ref": number, "payload": payload}
    assert client.post("/api/v1/verify", json=body).get_json()["valid"] is True
    forged = {**body, "payload": {**payload, "valid_until": "2099-12-31"}}
    assert client.post("/api/v1/verify", json=forged).get_json()["valid"] is False
    assert client.get(f"/verify/{ap.CERTIFICATE_KIND}/{number}").status_code == 200


def _verify_decision(client, case_id: int) -> None:
    """The decision letter's signed record verifies through the public API."""
    with db.session() as s:
        case = s.get(Case, case_id)
        doc = s.scalar(select(Document).where(Document.case_id == case_id, Document.kind == "decision"))
        payload = {"case_no": case.case_no, "item_code": case.item_code, "situation": case.situation_code,
                   "applicant_name": case.applicant_name, "credit_code": case.applicant_credit_code,
                   "decision": "approve" if case.state == "approved" else "reject",
                   "decided_on": case.decided_at.astimezone(ap.SHANGHAI).date().isoformat(),
                   "body_sm3": sm3(doc.draft_text.encode("utf-8")).hex()}
    r = client.post("/api/v1/verify", json={"kind": ap.DECISION_KIND, "ref": payload["case_no"], "payload": payload})
    assert r.get_json()["valid"] is True


def _supervise(clients, case_id: int) -> None:
    """The district supervisor inspects, finds, rectifies and closes; another district gets 404."""
    with db.session() as s:
        task_id = s.scalar(select(SupervisionTask.id).where(SupervisionTask.case_id == case_id))
    assert task_id is not None
    sup = clients("district_supervisor")
    assert "批后监管任务" in text(sup.get("/admin/approvals/supervision?state=open"))
    assert clients("pd_supervisor").get(f"/admin/approvals/supervision/{task_id}").status_code == 404
    path = f"/admin/approvals/supervision/{task_id}"
    for kind, note, state in (("inspection", "现场检查：设施完好", "open"), ("finding", "发现问题", "rectifying"),
                              ("closure", "结案", None), ("rectification", "已整改", "open"), ("closure", "整改到位", "closed")):
        r = sup.post(path, data={"csrf_token": token(sup, path), "kind": kind, "text": note})
        if state is None:  # closing while rectifying is refused
            assert r.status_code == 409 and "不能登记“结案”" in text(r)
            continue
        assert r.status_code == 302, text(r)[-600:]
        assert f'data-state="{state}"' in text(sup.get(path))


@pytest.mark.module(56, 57, 58, 59, 60)
def test_plant_quarantine_on_a_phone(clients):
    """Applied from a phone (channel recorded as mobile), handled by the Xuhui district approver only."""
    client = clients("applicant")
    assert "省内调运林草植物检疫证书核发" in text(client.get("/apply/", headers={"User-Agent": IPHONE}))
    case_id = start(client, "plant_quarantine", "enterprise", {"origin_certificate": 0}, name="上海华泾苗木有限公司",
                    credit_code=uscc(101), district=XUHUI, headers={"User-Agent": IPHONE})
    assert case_of(case_id).channel == "mobile"
    _submit_with_a_fix(client, case_id, PQ_FORM, ("quantity", "两百", "须为数字"))
    assert clients("pd_approver").get(f"/admin/approvals/cases/{case_id}").status_code == 404  # other district
    assert walk(clients, case_id) == [("收件", "approver_district"), ("受理", "approver_district"),
                                      ("审查", "approver_district"), ("办结", "approver_district")]
    assert case_of(case_id).state == "approved"
    docs = _documents(client, case_id)
    assert set(docs) == {"decision", "certificate"}
    cert = _certificate(case_id)
    assert cert.number.startswith("沪林检")
    _verify_certificate(client, cert.number)
    _verify_decision(client, case_id)
    page = text(client.get(f"/apply/cases/{case_id}"))
    assert "移动端" in page and cert.number in page and "准予许可" in page


AD_FORM = {"site_code": SITE, "site_address": "徐汇区漕宝路 500 号楼顶", "facility_form": "屋顶", "width_m": "18",
           "height_m": "6", "face_area": "108", "content": "公益广告：绿色出行", "period_years": "3",
           "advertiser_name": "上海绿色出行科技有限公司", "advertiser_credit_code": uscc(103)}


@pytest.mark.module(61, 62, 63, 64, 65, 66, 67, 68)
def test_outdoor_advertising_by_an_agent_with_draft_edit_supervision_and_renewal(clients, web_libraries):
    agent = clients("ad_agent")
    assert "代理机构" in text(agent.get("/apply/items/outdoor_advertising/guide"))  # agents may file for others
    assert "代理机构" not in text(clients("applicant").get("/apply/items/outdoor_advertising/guide"))
    case_id = start(agent, "outdoor_advertising", "agent", {"application_kind": 0}, name="上海申广广告代理有限公司",
                    credit_code=uscc(102), district=XUHUI, phone="021-64000000")
    assert case_of(case_id).situation_code == "first_agent"
    _submit_with_a_fix(agent, case_id, AD_FORM, ("face_area", "5", "单面面积不得小于 10平方米"))
    walk(clients, case_id, stop_before="audit")
    # module 65: the leader edits the draft decision before signing; the city approver may not now
    city = clients("approver_city")
    assert city.get(f"/admin/approvals/cases/{case_id}/draft").status_code == 200
    r = city.post(f"/admin/approvals/cases/{case_id}/draft", data={
        "csrf_token": token(city, f"/admin/approvals/cases/{case_id}"), "text": "改稿"})
    assert r.status_code == 409 and "您无权办理“审核”环节" in text(r)
    leader = clients("approval_leader")
    page = text(leader.get(f"/admin/approvals/cases/{case_id}"))
    assert 'id="edit-draft"' in page
    draft = text(leader.get(f"/admin/approvals/cases/{case_id}/draft"))
    assert case_of(case_id).case_no in draft
    r = leader.post(f"/admin/approvals/cases/{case_id}/draft", data={
        "csrf_token": token(leader, f"/admin/approvals/cases/{case_id}"),
        "text": "上海申广广告代理有限公司：\n    经审查，准予设置。设置期限三年，期满前三十日可申请延续。"})
    assert r.status_code == 302
    assert walk(clients, case_id)[-3:] == [("审核", "approval_leader"), ("审批", "approval_leader"),
                                           ("办结", "approver_city")]
    cert = _certificate(case_id)
    assert cert.holder == "上海绿色出行科技有限公司"
    _documents(agent, case_id)
    _verify_certificate(agent, cert.number)
    _verify_decision(agent, case_id)
    with db.session() as s:
        assert "期满前三十日" in s.scalar(select(Document.draft_text).where(Document.case_id == case_id,
                                                                           Document.kind == "decision"))
    assert "已设置" in text(city.get(f"/admin/approvals/sites?q={SITE}"))
    _supervise(clients, case_id)
    # renewal, started from the certificate
    certs = text(agent.get("/apply/certificates"))
    assert f"parent={quote_plus(cert.number)}" in certs and "kind=renewal" in certs
    renewal = start(agent, "outdoor_advertising", "agent", {}, name="上海申广广告代理有限公司", credit_code=uscc(102),
                    district=XUHUI, parent=cert.number, kind="renewal", phone="021-64000000")
    assert case_of(renewal).situation_code == "renewal_agent"
    assert json.loads(case_of(renewal).form)["site_code"] == SITE  # prefilled from the first case
    _submit_with_a_fix(agent, renewal, {"period_years": "3", "advertiser_name": "上海绿色出行科技有限公司",
                                        "advertiser_credit_code": uscc(103)},
                       ("period_years", "9", "延续期限不得大于 3年"))
    assert [label for label, _ in walk(clients, renewal)] == ["收件", "受理", "审查", "审批", "办结"]
    assert _certificate(case_id).status == "expired" and _certificate(renewal).previous_id == cert.id


@pytest.mark.module(74, 75, 76, 77, 78, 79, 80, 81)
def test_seed_license_new_change_renewal_and_cancel(clients):
    client = clients("applicant")
    code = uscc(104)
    case_id = start(client, "seed_license", "enterprise", {"application_kind": 0}, name="上海林种苗木有限公司",
                    credit_code=code, district=XUHUI)
    _submit_with_a_fix(client, case_id, SEED_FORM, ("technicians", "1", "不得小于 2人"))
    assert [label for label, _ in walk(clients, case_id)] == ["收件", "受理", "现场核查", "审查", "审核", "审批", "办结"]
    first = _certificate(case_id)
    _documents(client, case_id)
    _verify_certificate(client, first.number)
    _supervise(clients, case_id)
    # change of the legal representative: the guide asks what changes
    page = text(client.get(f"/apply/items/seed_license/guide?type=enterprise&parent={first.number}&kind=change"))
    assert "需要变更的内容是" in page
    change = start(client, "seed_license", "enterprise", {"change_content": 0}, name="上海林种苗木有限公司",
                   credit_code=code, district=XUHUI, parent=first.number, kind="change")
    assert case_of(change).situation_code == "change_name"
    _submit_with_a_fix(client, change, {"legal_representative": "李森"},
                       ("legal_representative", "李" * 501, "不得超过 500 字"))
    assert [label for label, _ in walk(clients, change)] == ["收件", "受理", "审批", "办结"]
    changed = _certificate(change)
    assert _certificate(case_id).status == "changed" and changed.valid_until == first.valid_until
    renewal = start(client, "seed_license", "enterprise", {}, name="上海林种苗木有限公司", credit_code=code,
                    district=XUHUI, parent=changed.number, kind="renewal")
    _submit_with_a_fix(client, renewal, {}, ("technicians", "x", "须为数字"))
    assert [label for label, _ in walk(clients, renewal)] == ["收件", "受理", "审查", "审批", "办结"]
    renewed = _certificate(renewal)
    _verify_certificate(client, renewed.number)
    cancel = start(client, "seed_license", "enterprise", {}, name="上海林种苗木有限公司", credit_code=code,
                   district=XUHUI, parent=renewed.number, kind="cancel")
    _submit_with_a_fix(client, cancel, {"cancel_reason": "停止生产经营"}, ("cancel_reason", "其他原因", "须从"))
    walk(clients, cancel)
    assert _certificate(cancel) is None and _certificate(renewal).status == "cancelled"
    assert "已注销" in text(client.get("/apply/certificates"))


WILD_FORM = {"species_name": SPECIES[0], "scientific_name": SPECIES[1], "quantity": "6", "origin_country": "阿根廷",
             "entry_port": "浦东国际机场", "keeping_site": "上海动物园（虹桥路 2381 号）"}


@pytest.mark.module(69, 70, 71, 72, 73)
def test_wildlife_introduction_checked_against_the_species_library(clients, web_libraries):
    client = clients("applicant")
    case_id = start(client, "wildlife_introduction", "institution", {}, name="上海动物园", credit_code=uscc(105),
                    district=XUHUI, phone="021-62680000")
    assert case_of(case_id).situation_code == "research"  # an institution: no question to ask
    _submit_with_a_fix(client, case_id, WILD_FORM, ("quantity", "0", "引进数量不得小于 1"))
    assert [label for label, _ in walk(clients, case_id)] == ["收件", "预审", "审查", "专家评审", "审核", "审批", "办结"]
    assert _certificate(case_id) is None
    assert set(_documents(client, case_id)) == {"decision"}  # the decision letter is the permit
    _verify_decision(client, case_id)
    species = text(clients("approver_city").get("/admin/approvals/species"))
    assert SPECIES[1] in species


@pytest.mark.module(70, 73)
def test_species_outside_the_library_cannot_be_submitted(clients, web_libraries):
    client = clients("applicant")
    case_id = start(client, "wildlife_introduction", "institution", {}, name="上海自然博物馆", credit_code=uscc(106),
                    district=XUHUI, phone="021-62680001")
    assert save(client, case_id, {**WILD_FORM, "species_name": "大熊猫", "scientific_name": "Ailuropoda melanoleuca"}
                ).status_code == 302
    upload_all(client, case_id)
    r = save(client, case_id, {}, "submit")
    assert r.status_code == 400 and "该物种不在非国际公约物种库中" in text(r)
    assert case_of(case_id).state == "draft"
    assert save(client, case_id, WILD_FORM, "submit").status_code == 302
    assert case_of(case_id).state == "in_progress"


@pytest.mark.module(112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123)
def test_forest_land_fee_payment_change_and_extension(clients):
    client = clients("applicant")
    code = uscc(107)
    case_id = start(client, "forest_land", "enterprise", {"application_kind": 0}, name="上海城建路桥公司",
                    credit_code=code, district=XUHUI, phone="13900001111")
    form = text(client.get(f"/apply/cases/{case_id}/form"))
    assert 'id="table-sub_compartments"' in form and "增加一行" in form  # sub-compartment entry (module 112)
    bad_rows = [dict(FOREST_ROWS[0], area_m2="一千二"), FOREST_ROWS[1]]
    _submit_with_a_fix(client, case_id, FOREST_FORM, ("sub_compartments", bad_rows, "第 1 行"))
    walk(clients, case_id, stop_before="fee_assessment")
    fee_officer = clients("forestry_fee_officer")
    assert 'id="fee-form"' in text(fee_officer.get(f"/admin/approvals/cases/{case_id}"))
    steps = walk(clients, case_id)
    assert steps[:2] == [("费用核定", "forestry_fee_officer"), ("缴费确认", "tax_officer")]
    assert steps[-1] == ("办结", "approver_city")
    page = text(client.get(f"/apply/cases/{case_id}"))
    assert "28800.00" in page and "已缴费" in page
    docs = _documents(client, case_id)
    assert {"decision", "certificate", "fee_notice"} <= set(docs)
    consent = _certificate(case_id)
    assert consent.template == "land_consent"
    _verify_certificate(client, consent.number)
    _supervise(clients, case_id)
    # change: more area, only the added area is charged
    change = start(client, "forest_land", "enterprise", {}, name="上海城建路桥公司", credit_code=code, district=XUHUI,
                   parent=consent.number, kind="change", phone="13900001111")
    rows = [dict(FOREST_ROWS[0], area_m2="1500"), FOREST_ROWS[1],
            {"forest_block": "13", "compartment": "1", "area_m2": "100", "land_type": "宜林地", "forest_category": "商品林"}]
    _submit_with_a_fix(client, change, {"sub_compartments": rows, "change_reason": "道路红线调整"},
                       ("change_reason", "改" * 501, "不得超过 500 字"))
    assert [label for label, _ in walk(clients, change)] == ["收件", "受理", "现场查验", "费用核定", "缴费确认", "审批", "办结"]
    assert "6300.00" in text(client.get(f"/apply/cases/{change}"))
    changed = _certificate(change)
    # extension: decided by the approving officer alone
    ext = start(client, "forest_land", "enterprise", {}, name="上海城建路桥公司", credit_code=code, district=XUHUI,
                parent=changed.number, kind="renewal", phone="13900001111")
    _submit_with_a_fix(client, ext, {"extension_months": "12", "extension_reason": "征收进度滞后"},
                       ("extension_months", "36", "不得大于 24"))
    assert walk(clients, ext) == [("收件", "approver_city"), ("受理", "approver_city"), ("审批", "approver_city"),
                                  ("办结", "approver_city")]
    assert _certificate(change).status == "expired"


@pytest.mark.module(150, 153, 154, 183, 184, 185, 186)
def test_vehicle_wash_composite_license_over_http(clients):
    client = clients("applicant")
    case_id = start(client, "vehicle_wash", "enterprise", {}, name="上海洁车坊汽车服务有限公司", credit_code=uscc(108),
                    district=XUHUI, phone="13600002222")
    _submit_with_a_fix(client, case_id, WASH_FORM, ("wash_bays", "0", "不得小于 1"))
    assert walk(clients, case_id) == [("收件", "approver_district")]
    assert case_of(case_id).state == "parallel"
    with db.session() as s:
        parts = list(s.scalars(select(Case.id).where(Case.composite_parent_id == case_id).order_by(Case.id)))
    assert len(parts) == 3
    page = text(client.get(f"/apply/cases/{case_id}"))
    assert all(case_of(p).case_no in page for p in parts) and "并联审批中" in page
    labels = {p: walk(clients, p) for p in parts}
    assert [o for p in parts for _, o in labels[p]].count("approver_city") == 3  # the drainage permit: city level
    assert case_of(case_id).state == "in_progress"
    assert walk(clients, case_id) == [("办结", "approver_district")]
    lic = _certificate(case_id)
    assert lic.template == "composite_license"
    _documents(client, case_id)
    _verify_certificate(client, lic.number)
